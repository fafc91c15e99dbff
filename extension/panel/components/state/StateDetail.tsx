/**
 * The selected state: where it lives, its version and persistence, its value (or, while the
 * history slider is moved back, an earlier value read-only), the slider, its recent changes.
 */
import { useMemo } from 'preact/hooks';
import { previewSource, stops } from '../../models/state-history.js';
import type { StateEntry } from '../../models/state.js';
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';
import { ValueView } from '../value/ValueView.js';
import { ChangeList } from './ChangeList.js';
import { HistorySlider } from './HistorySlider.js';

export function StateDetail() {
  const { states } = usePanel();
  const entry = states.selectedEntry.value;
  if (!entry) {
    return (
      <div class="detail empty" data-testid="state-detail-empty">
        {states.selected.value === null ? 'Select a state.' : 'The selected state is gone from the page.'}
      </div>
    );
  }
  const store = states.storeName(entry.store) ?? `store ${entry.store}`;
  return (
    <div class="detail" data-testid="state-detail" data-key={entry.key}>
      <div class="detail-head">
        <h2 class="title">{entry.key}</h2>
        <span class="where">
          {store} › {entry.scope}
        </span>
        <Badge testid="state-version" title="Version: +1 on every change">
          v{entry.version.value}
        </Badge>
        <Badge testid="persistence-badge" tone={entry.persistence === undefined ? 'note' : 'info'} title="Where the value is persisted">
          {entry.persistence === undefined ? 'memory only' : `persisted: ${entry.persistence}`}
        </Badge>
      </div>
      <HistorySlider entry={entry} />
      <StateValue entry={entry} />
      <h3>Recent changes</h3>
      <ChangeList entry={entry} />
    </div>
  );
}

/** The live value, or the earlier one the history slider points at. */
function StateValue({ entry }: { entry: StateEntry }) {
  const { states } = usePanel();
  const live = states.source(entry);
  const preview = states.preview.value;
  const list = preview?.uid === entry.uid ? stops(entry.history.value) : [];
  const at = preview ? list.findIndex((stop) => stop.version === preview.version) : -1;
  const stop = at >= 0 && at < list.length - 1 ? list[at] : undefined;
  const shown = useMemo(() => (stop ? previewSource(live, stop) : live), [live, stop?.version, stop?.value]);
  return (
    <div class={stop ? 'previewing' : undefined} data-testid={stop ? 'history-preview' : undefined}>
      <ValueView key={`${live.key}:${stop ? stop.version : 'now'}`} source={shown} />
    </div>
  );
}
