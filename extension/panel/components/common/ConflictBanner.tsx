/**
 * A stale edit, refused by the page: what changed, the value it holds now, and the two ways on —
 * reload (drop my edit, show theirs) or overwrite (write mine over theirs, knowingly).
 */
import { summary } from '../../lib/encoded.js';
import { usePanel } from '../context.js';

export function ConflictBanner() {
  const { ui } = usePanel();
  const conflict = ui.conflict.value;
  if (!conflict) return null;
  const version = conflict.current.version;
  return (
    <div class="conflict" data-testid="conflict" role="alert">
      <div>
        <strong>Conflict: </strong>
        <span data-testid="conflict-message">{conflict.message}</span>
      </div>
      <div class="conflict-current">
        Now on the page{typeof version === 'number' ? ` (v${version})` : version === null ? ' (gone)' : ''}:{' '}
        <code data-testid="conflict-current">{version === null ? '—' : summary(conflict.current.value, 300)}</code>
      </div>
      <div class="buttons">
        <button type="button" data-testid="conflict-reload" onClick={() => conflict.reload()}>
          Reload (drop my edit)
        </button>
        {conflict.noOverwrite === undefined && (
          <button type="button" class="danger" data-testid="conflict-overwrite" onClick={() => void conflict.overwrite()}>
            Overwrite
          </button>
        )}
      </div>
      {conflict.noOverwrite !== undefined && (
        <div class="note" data-testid="conflict-no-overwrite">
          No overwrite: {conflict.noOverwrite}. Reload and edit again.
        </div>
      )}
    </div>
  );
}
