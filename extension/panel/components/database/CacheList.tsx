/**
 * A database's Cache entries: key, value, when each expires ("in 4 min", or expired — an expired
 * entry is never returned to the app, but stays until pruned). Sort by any column, delete, prune.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { preview, summary } from '../../lib/encoded.js';
import { expiry, plural } from '../../lib/format.js';
import { Badge } from '../common/Badge.js';
import { SortHeader } from '../common/SortHeader.js';
import { usePanel } from '../context.js';
import { ValueView } from '../value/ValueView.js';
import { Icon } from '../common/Icon.js';

export function CacheList() {
  const { cache } = usePanel().database;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // "expires in" counts down while the list is on screen, and only then.
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const entries = cache.sorted.value;
  const selected = cache.selectedEntry.value;
  const picked = useRef<HTMLTableRowElement>(null);
  // An entry picked from elsewhere (a search hit, maybe pages down) is brought into view.
  useEffect(() => picked.current?.scrollIntoView({ block: 'nearest' }), [cache.selected.value]);
  return (
    <section class="cache" data-testid="cache-list">
      <div class="toolbar">
        <span class="note">
          {entries.length} of {plural(cache.total.value, 'entry', 'entries')}
        </span>
        <button type="button" data-testid="cache-refresh" onClick={() => void cache.reload()}>
          Refresh
        </button>
        <button type="button" data-testid="cache-prune" onClick={() => void cache.prune()}>
          Prune expired
        </button>
        {entries.length < cache.total.value && (
          <button type="button" onClick={() => cache.database.peek() !== null && void cache.load(cache.database.peek()!, true)}>
            Load more
          </button>
        )}
      </div>
      <table class="grid">
        <thead>
          <tr>
            <th>
              <SortHeader column="key" title="Key" sort={cache.sort} />
            </th>
            <th>
              <SortHeader column="value" title="Value" sort={cache.sort} />
            </th>
            <th>
              <SortHeader column="expires" title="Expires" sort={cache.sort} />
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const key = JSON.stringify(entry.key);
            const when = expiry(entry.expires, now);
            return (
              <tr class={selected === entry ? 'selected' : ''} ref={selected === entry ? picked : undefined} data-testid="cache-row" data-key={key} onClick={() => (cache.selected.value = key)}>
                <td class="key">{preview(entry.key)}</td>
                <td class="value">{summary(entry.value)}</td>
                <td data-testid="cache-expires">{when.expired || entry.expired ? <Badge tone="bad">{when.text}</Badge> : when.text}</td>
                <td class="row-actions">
                  <button type="button" class="icon" data-testid="cache-delete" title="Delete entry" aria-label="Delete entry" onClick={(event) => (event.stopPropagation(), void cache.remove(entry))}>
                    <Icon name="close" />
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {selected && <ValueView key={cache.source(selected).key} source={cache.source(selected)} />}
    </section>
  );
}
