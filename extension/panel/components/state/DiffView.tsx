/** The differences between two values, path by path: added, removed, moved, before → after. */
import type { Encoded } from '#codec/types.js';
import { diff } from '../../lib/diff.js';
import { formatPath, summary as preview } from '../../lib/encoded.js';

export function DiffView({ before, after }: { before: Encoded; after: Encoded }) {
  const { differences, total } = diff(before, after);
  if (total === 0) return <div class="diff empty" data-testid="diff">no visible difference (same value written again)</div>;
  return (
    <ul class="diff" data-testid="diff">
      {differences.map((difference) => (
        <li class={`diff-${difference.kind}`} data-testid="diff-line" data-kind={difference.kind}>
          <code class="path">{formatPath(difference.path)}</code>{' '}
          {difference.kind === 'added' && <span class="after">+ {preview(difference.after!)}</span>}
          {difference.kind === 'removed' && <span class="before">− {preview(difference.before!)}</span>}
          {difference.kind === 'moved' && <span class="note">moved from [{difference.from}]</span>}
          {difference.kind === 'changed' && (
            <>
              <span class="before">{preview(difference.before!)}</span> → <span class="after">{preview(difference.after!)}</span>
            </>
          )}
        </li>
      ))}
      {total > differences.length && <li class="note">… and {total - differences.length} more</li>}
    </ul>
  );
}
