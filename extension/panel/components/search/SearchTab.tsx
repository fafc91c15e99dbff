/**
 * The Search tab: a query (text, number or regular expression) over every state, webstorage key
 * and table row; results grouped by where they are, each with its path and an excerpt; a
 * progress line with Cancel while tables are scanned. A click opens the match in its tab.
 */
import type { SearchMatch, SearchMode } from '#protocol/power.js';
import { pathKey } from '../../lib/encoded.js';
import { plural } from '../../lib/format.js';
import { MAX_RESULTS, type SearchProgress } from '../../models/search.js';
import { usePanel } from '../context.js';

const KINDS = { state: 'State', webstorage: 'Storage', row: 'Database' } as const;

function progressText(progress: SearchProgress, found: number, over: number): string {
  const counted = `${progress.scanned.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} searched`;
  const matches = `${plural(found + over, 'match', 'matches')}${over > 0 ? ` (first ${MAX_RESULTS} shown, ${over.toLocaleString('en-US')} more)` : ''}`;
  switch (progress.state) {
    case 'running':
      return `Searching ${progress.where}: ${counted} · ${matches}`;
    case 'done':
      return `Done: ${counted} · ${matches}`;
    case 'cancelled':
      return `Cancelled: ${counted} · ${matches}`;
    case 'failed':
      return `Stopped: ${counted} · ${matches}`;
  }
}

function Result({ match }: { match: SearchMatch }) {
  const panel = usePanel();
  const open = async () => {
    if (!(await panel.search.open(match))) return;
    // The tab renders the value first; then the match's node is scrolled into view.
    // The path as the tab shows it (a cache entry's is inside the `$cache` row's value). Compared,
    // not put in a selector: happy-dom cannot parse CSS.escape's escapes of a JSON path.
    const at = pathKey(panel.search.revealed.peek()?.path ?? match.path);
    setTimeout(() => [...document.querySelectorAll<HTMLElement>('[data-path]')].find((node) => node.dataset.path === at)?.scrollIntoView({ block: 'nearest' }), 50);
  };
  return (
    <li>
      <button type="button" class="search-result" data-testid="search-result" data-kind={match.target.kind} title={`Open ${match.at}`} onClick={() => void open()}>
        <span class="search-at">{match.at}</span>
        {match.on === 'key' && <span class="note"> key</span>}
        <span class="search-excerpt">
          {match.excerpt[0]}
          <mark>{match.excerpt[1]}</mark>
          {match.excerpt[2]}
        </span>
      </button>
    </li>
  );
}

export function SearchTab() {
  const { search } = usePanel();
  const progress = search.progress.value;
  const running = progress?.state === 'running';
  const submit = (event: Event) => {
    event.preventDefault();
    void search.start();
  };
  return (
    <div class="search-tab" data-testid="panel-search">
      <form class="toolbar" onSubmit={submit}>
        <input
          type="search"
          data-testid="search-input"
          aria-label="Search every state, key and row"
          placeholder="Search values and keys"
          value={search.query.value}
          onInput={(event) => (search.query.value = (event.currentTarget as HTMLInputElement).value)}
        />
        <select data-testid="search-mode" aria-label="Match" value={search.mode.value} onChange={(event) => (search.mode.value = (event.currentTarget as HTMLSelectElement).value as SearchMode)}>
          <option value="text">text</option>
          <option value="number">number</option>
          <option value="regex">regular expression</option>
        </select>
        <label>
          <input type="checkbox" data-testid="search-case" checked={search.caseSensitive.value} onChange={(event) => (search.caseSensitive.value = (event.currentTarget as HTMLInputElement).checked)} />
          match case
        </label>
        <button type="submit" data-testid="search-run" disabled={search.query.value === ''}>
          Search
        </button>
        {running && (
          <button type="button" data-testid="search-cancel" onClick={() => search.cancel()}>
            Cancel
          </button>
        )}
      </form>
      {progress && (
        <div class="note search-progress" data-testid="search-progress" data-state={progress.state} role="status">
          {running && <progress value={progress.scanned} max={Math.max(1, progress.total)} />} {progressText(progress, search.matches.value.length, search.over.value)}
        </div>
      )}
      <div class="search-results">
        {search.groups.value.map((group) => (
          <section data-testid="search-group" data-kind={group.kind}>
            <h3 class="search-group">
              {KINDS[group.kind]} · {group.name} <span class="note">{plural(group.matches.length, 'match', 'matches')}</span>
            </h3>
            <ul>
              {group.matches.map((match) => (
                <Result match={match} />
              ))}
            </ul>
          </section>
        ))}
        {progress?.state === 'done' && search.matches.value.length === 0 && <div class="empty">Nothing matches.</div>}
      </div>
    </div>
  );
}
