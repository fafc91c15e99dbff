/**
 * The selected event in full: what, when, its label, the values it left (each with "Restore"
 * where the timeline holds a value that can be written back, else why not), and its call-site
 * frames linked to the Sources panel.
 */
import { clock } from '../../lib/format.js';
import { eventWords } from '../../models/timeline-events.js';
import { StackFrames } from '../common/StackFrames.js';
import { usePanel } from '../context.js';
import { HeldValues } from './HeldValues.js';

export function TimelineDetail() {
  const { timeline } = usePanel();
  const id = timeline.selected.value;
  timeline.revision.value;
  const entry = id === null ? undefined : timeline.byId(id);
  if (!entry || entry.divider) return null;
  const earlier = entry.load < timeline.load.value;
  return (
    <section class="timeline-detail" data-testid="timeline-detail">
      <div class="detail-head">
        <strong>{entry.title}</strong>
        <span class="note">
          {clock(entry.at)} · {eventWords(entry.event)}
          {entry.label !== undefined && ` · ${entry.label}`}
          {entry.changes > 1 && ` · ×${entry.changes}`}
          {entry.origin === 'remote' && ' · from another tab'}
          {earlier && ' · before the page reloaded'}
        </span>
      </div>
      <pre class="blob-text">{entry.detail}</pre>
      <HeldValues entry={entry} />
      {entry.stack ? (
        <StackFrames stack={entry.stack} />
      ) : (
        !timeline.trace.value && entry.held !== undefined && <div class="note">Turn on "record call sites" to see where changes come from.</div>
      )}
    </section>
  );
}
