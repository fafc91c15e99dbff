/**
 * The Timeline tab: every event, newest at the bottom, virtualized; the selected one below.
 * With "preserve log", a divider marks each page reload and the events before it are dimmed.
 */
import { clock } from '../../lib/format.js';
import { VirtualList } from '../common/VirtualList.js';
import { usePanel } from '../context.js';
import { TimelineDetail } from './TimelineDetail.js';
import { TimelineToolbar } from './TimelineToolbar.js';
import { plural } from '../../lib/format.js';

const ROW_HEIGHT = 20;

export function TimelineTab() {
  const { timeline } = usePanel();
  const entries = timeline.visible.value;
  const selected = timeline.selected.value;
  const load = timeline.load.value;
  const render = (i: number) => {
    const entry = entries[i]!;
    if (entry.divider) {
      return (
        <div key={entry.id} class="grid-row timeline-divider" data-testid="timeline-divider" role="option" aria-selected={false} aria-disabled="true">
          <span class="time">{clock(entry.at)}</span>
          <strong>{entry.title}</strong>
          <span class="note">{entry.detail}</span>
        </div>
      );
    }
    const earlier = entry.load < load;
    return (
      <div
        key={entry.id}
        class={`grid-row timeline-row s-${entry.stratum}${entry.id === selected ? ' selected' : ''}${earlier ? ' earlier' : ''}`}
        role="option"
        aria-selected={entry.id === selected}
        data-testid="timeline-row"
        data-stratum={entry.stratum}
        data-event={entry.event}
        data-earlier={earlier ? 'true' : undefined}
        title={earlier ? 'Recorded before the page reloaded' : undefined}
        onClick={() => (timeline.selected.value = entry.id)}
      >
        <span class="time">{clock(entry.at)}</span>
        <span class="stratum">{entry.stratum}</span>
        <span class="cell title" data-testid="timeline-title">
          {entry.title}
        </span>
        <span class="label" data-testid="timeline-label">
          {entry.label ?? ''}
        </span>
        <span class="times" data-testid="timeline-changes">
          {entry.changes > 1 ? `×${entry.changes}` : ''}
        </span>
        <span class="cell detail-text">{entry.detail}</span>
        {entry.stack && <span class="badge note">stack</span>}
      </div>
    );
  };
  return (
    <div class="timeline" data-testid="panel-timeline">
      <TimelineToolbar />
      <div class="status-line" data-testid="timeline-count">
        {plural(entries.filter((entry) => !entry.divider).length, 'event')} shown
        {timeline.evicted.value > 0 && ` · ${timeline.evicted.value} oldest dropped`}
        {timeline.skipped.value > 0 && ` · ${timeline.skipped.value} skipped while paused`}
      </div>
      <VirtualList count={entries.length} rowHeight={ROW_HEIGHT} row={render} testid="timeline" label="Events" reveal={selected === null ? entries.length - 1 : undefined} />
      <TimelineDetail />
    </div>
  );
}
