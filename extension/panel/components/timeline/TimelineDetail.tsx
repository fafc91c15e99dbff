/**
 * The selected event in full, with its call-site frames; a frame with a position links to the
 * Sources panel through the wall (DevTools only; elsewhere the frame is plain text).
 */
import { parseFrame } from '../../../../runtime/protocol/frames.js';
import { clock } from '../../lib/format.js';
import { usePanel } from '../context.js';

export function TimelineDetail() {
  const { timeline, wall } = usePanel();
  const id = timeline.selected.value;
  timeline.revision.value;
  const entry = id === null ? undefined : timeline.entries.find((candidate) => candidate.id === id);
  if (!entry) return null;
  return (
    <section class="timeline-detail" data-testid="timeline-detail">
      <div class="detail-head">
        <strong>{entry.title}</strong>
        <span class="note">
          {clock(entry.at)} · {entry.stratum} · {entry.event}
          {entry.label !== undefined && ` · ${entry.label}`}
          {entry.changes > 1 && ` · ×${entry.changes}`}
          {entry.origin === 'remote' && ' · from another tab'}
        </span>
      </div>
      <pre class="blob-text">{entry.detail}</pre>
      {entry.stack ? (
        <ol class="stack" data-testid="stack">
          {entry.stack.map((text) => {
            const frame = parseFrame(text);
            const open = wall.openResource;
            return (
              <li data-testid="stack-frame">
                {frame && open ? (
                  <button type="button" class="link" data-testid="stack-link" onClick={() => open.call(wall, frame.url, frame.line)}>
                    {text}
                  </button>
                ) : (
                  text
                )}
              </li>
            );
          })}
        </ol>
      ) : (
        !timeline.trace.value && <div class="note">Turn on "record call sites" to see where changes come from.</div>
      )}
    </section>
  );
}
