/**
 * A state's recent changes, newest first: when, which versions, the label, "×N", and when opened
 * a diff and the call-site frames (while the timeline records them). "Restore vN" writes the
 * value that change left back as a new edit over the version the panel holds now.
 */
import { useState } from 'preact/hooks';
import { clock } from '../../lib/format.js';
import { notRestorable } from '../../lib/restorable.js';
import type { StateEntry } from '../../models/state.js';
import { StackFrames } from '../common/StackFrames.js';
import { usePanel } from '../context.js';
import { DiffView } from './DiffView.js';

export function ChangeList({ entry }: { entry: StateEntry }) {
  const { states } = usePanel();
  const history = entry.history.value;
  const version = entry.version.value;
  const [open, setOpen] = useState<number | null>(0);
  if (history.length === 0) return <div class="changes empty" data-testid="changes">No changes since the panel connected.</div>;
  return (
    <ol class="changes" data-testid="changes">
      {history.map((change, i) => {
        const why = notRestorable(change.after, change.redacted);
        return (
          <li data-testid="change-row" data-version={change.versions.to}>
            <div class="change-line">
              <button type="button" class="change-head" aria-expanded={open === i} onClick={() => setOpen(open === i ? null : i)}>
                <span class="time">{clock(change.at)}</span>
                <span class="version">
                  v{change.versions.from === change.versions.to ? change.versions.to : `${change.versions.from}…${change.versions.to}`}
                </span>
                {change.label !== undefined && (
                  <span class="label" data-testid="change-label">
                    {change.label}
                  </span>
                )}
                {change.changes > 1 && (
                  <span class="times" data-testid="change-count">
                    ×{change.changes}
                  </span>
                )}
                {change.stack && <span class="badge note">stack</span>}
              </button>
              {change.versions.to !== version && (
                <button
                  type="button"
                  data-testid="change-restore"
                  disabled={why !== undefined}
                  title={why ?? `Write the value of v${change.versions.to} back as a new edit (refused if the state moved on meanwhile)`}
                  onClick={() => void states.restore(entry, change.after)}
                >
                  Restore v{change.versions.to}
                </button>
              )}
            </div>
            {open === i && (
              <>
                <DiffView before={change.before} after={change.after} />
                {change.stack && <StackFrames stack={change.stack} />}
              </>
            )}
          </li>
        );
      })}
    </ol>
  );
}
