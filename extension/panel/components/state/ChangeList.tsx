/** A state's recent changes, newest first: when, which versions, the label, "×N", and a diff. */
import { useState } from 'preact/hooks';
import { clock } from '../../lib/format.js';
import type { StateEntry } from '../../models/state.js';
import { DiffView } from './DiffView.js';

export function ChangeList({ entry }: { entry: StateEntry }) {
  const history = entry.history.value;
  const [open, setOpen] = useState<number | null>(0);
  if (history.length === 0) return <div class="changes empty" data-testid="changes">No changes since the panel connected.</div>;
  return (
    <ol class="changes" data-testid="changes">
      {history.map((change, i) => (
        <li data-testid="change-row" data-version={change.versions.to}>
          <button type="button" class="change-head" aria-expanded={open === i} onClick={() => setOpen(open === i ? null : i)}>
            <span class="time">{clock(change.at)}</span>
            <span class="version">
              v{change.versions.from === change.versions.to ? change.versions.to : `${change.versions.from}…${change.versions.to}`}
            </span>
            {change.label !== undefined && <span class="label">{change.label}</span>}
            {change.changes > 1 && <span class="times" data-testid="change-count">×{change.changes}</span>}
          </button>
          {open === i && <DiffView before={change.before} after={change.after} />}
        </li>
      ))}
    </ol>
  );
}
