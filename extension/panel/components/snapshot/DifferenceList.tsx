/**
 * Differences between two snapshots (or between a file and the page, before an import): which
 * stratum, the entry (store › scope › key, namespace › key, database › table › row key), the path
 * inside its value, and before → after. The first LIMIT are shown, the rest counted.
 */
import type { SnapshotDifference } from '#protocol/messages.js';
import { entryOf } from '#snapshot-file/diff.js';
import { formatPath, summary } from '../../lib/encoded.js';

const LIMIT = 300;

const STRATUM_WORDS: Record<string, string> = { state: 'state', webstorage: 'key', row: 'row', cache: 'cache entry', blob: 'blob', database: 'database' };

export function DifferenceList({ differences, total = differences.length }: { differences: SnapshotDifference[]; total?: number }) {
  if (total === 0) return null;
  const shown = differences.slice(0, LIMIT);
  return (
    <ul class="diff snapshot-diff" data-testid="snapshot-differences">
      {shown.map((difference) => {
        const { stratum, path } = entryOf(difference);
        const inside = difference.path.slice(path.length);
        return (
          <li class={`diff-${difference.kind}`} data-testid="snapshot-diff-row" data-stratum={stratum} data-kind={difference.kind} data-path={JSON.stringify(difference.path)}>
            <span class="badge note">{difference.kind}</span> <span class="stratum">{STRATUM_WORDS[stratum] ?? stratum}</span>{' '}
            <code class="path" data-testid="snapshot-diff-path">
              {path.slice(1).map(String).join(' › ')}
              {inside.length > 0 && ` ${formatPath(inside)}`}
            </code>{' '}
            {difference.before !== undefined && <span class="before">{summary(difference.before)}</span>}
            {difference.kind === 'changed' && ' → '}
            {difference.after !== undefined && <span class="after">{summary(difference.after)}</span>}
          </li>
        );
      })}
      {total > shown.length && <li class="note">… and {(total - shown.length).toLocaleString('en-US')} more</li>}
    </ul>
  );
}
