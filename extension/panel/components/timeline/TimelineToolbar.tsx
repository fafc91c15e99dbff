/** Timeline controls: strata shown, text filter, pause, clear, export, record call sites, preserve log. */
import { saveBlob } from '../../lib/download.js';
import { STRATA } from '../../models/timeline-events.js';
import { FilterBox } from '../common/FilterBox.js';
import { usePanel } from '../context.js';

export function TimelineToolbar() {
  const { timeline } = usePanel();
  const strata = timeline.strata.value;
  const paused = timeline.paused.value;
  return (
    <div class="toolbar" data-testid="timeline-toolbar">
      {STRATA.map((stratum) => (
        <label class="chip">
          <input type="checkbox" data-testid={`timeline-filter-${stratum}`} checked={strata.has(stratum)} onChange={() => timeline.toggleStratum(stratum)} />
          {stratum}
        </label>
      ))}
      <FilterBox value={timeline.filter} testid="timeline-search" placeholder="Filter events" />
      <button type="button" class={paused ? 'on' : ''} data-testid="timeline-pause" aria-pressed={paused} onClick={() => (timeline.paused.value = !paused)}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" data-testid="timeline-clear" onClick={() => timeline.clear()}>
        Clear
      </button>
      <button
        type="button"
        data-testid="timeline-export"
        onClick={() => saveBlob(new Blob([timeline.exportJson()], { type: 'application/json' }), `stratum-timeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)}
      >
        Export JSON
      </button>
      <label class="chip" title="Deltas carry the call site of each change (costs the page a stack capture per change)">
        {/* data-on is what the runtime confirmed; the box shows the click at once, and what was confirmed once the answer (or a refusal) is in. */}
        <input
          type="checkbox"
          data-testid="timeline-trace"
          data-on={String(timeline.trace.value)}
          checked={timeline.trace.value}
          onChange={(event) => {
            const box = event.currentTarget;
            void timeline.setTrace(box.checked).finally(() => (box.checked = timeline.trace.peek()));
          }}
        />
        record call sites
      </label>
      <label class="chip" title="Keep the events when the page reloads (off: the timeline starts empty on each page load, as in the Network panel)">
        <input type="checkbox" data-testid="timeline-preserve" checked={timeline.preserve.value} onChange={(event) => (timeline.preserve.value = event.currentTarget.checked)} />
        preserve log
      </label>
    </div>
  );
}
