/**
 * A slider over one state's history: the value the panel first saw, then each change it saw.
 * Moving it back previews that value in the value view, read-only; nothing is applied until
 * "Restore this", which writes it back as a new edit over the version the panel holds now.
 */
import { clock } from '../../lib/format.js';
import { notRestorable } from '../../lib/restorable.js';
import { stops } from '../../models/state-history.js';
import type { StateEntry } from '../../models/state.js';
import { usePanel } from '../context.js';

export function HistorySlider({ entry }: { entry: StateEntry }) {
  const { states } = usePanel();
  const list = stops(entry.history.value);
  if (list.length < 2) return null;
  const preview = states.preview.value;
  const found = preview?.uid === entry.uid ? list.findIndex((stop) => stop.version === preview.version) : -1;
  const index = found < 0 ? list.length - 1 : found;
  const stop = list[index]!;
  const now = index === list.length - 1;
  const why = notRestorable(stop.value, stop.redacted);
  const move = (at: number) => {
    const target = list[at];
    states.preview.value = !target || at === list.length - 1 ? null : { uid: entry.uid, version: target.version };
  };
  return (
    <div class={`history${now ? '' : ' previewing'}`} data-testid="history">
      <input
        type="range"
        data-testid="history-slider"
        min={0}
        max={list.length - 1}
        step={1}
        value={index}
        aria-label={`History of ${entry.key}`}
        aria-valuetext={`v${stop.version}`}
        onInput={(event) => move(Number(event.currentTarget.value))}
      />
      <span class="note" data-testid="history-position">
        v{stop.version}
        {now ? ' (now)' : ` of v${list.at(-1)!.version}: a preview, nothing applied`}
        {stop.at !== undefined && ` · ${clock(stop.at)}`}
        {stop.label !== undefined && ` · ${stop.label}`}
        {stop.at === undefined && ' · as the panel first saw it'}
      </span>
      {!now && (
        <>
          <button
            type="button"
            data-testid="history-restore"
            disabled={why !== undefined}
            title={why ?? 'Write this value back as a new edit (refused if the state moved on meanwhile)'}
            onClick={() => void states.restore(entry, stop.value)}
          >
            Restore this
          </button>
          <button type="button" data-testid="history-now" onClick={() => (states.preview.value = null)}>
            Back to now
          </button>
        </>
      )}
    </div>
  );
}
