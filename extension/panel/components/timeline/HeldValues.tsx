/**
 * The values a timeline entry holds (a state's or key's value after the change, the rows a small
 * database change wrote), each with "Restore": write it back as a normal versioned edit. Where
 * the timeline does not hold a value that can be written back, it says why instead.
 */
import { summary } from '../../lib/encoded.js';
import { subjectName } from '../../models/restore.js';
import type { TimelineEntry } from '../../models/timeline-events.js';
import { usePanel } from '../context.js';

export function HeldValues({ entry }: { entry: TimelineEntry }) {
  const { restore } = usePanel();
  const held = entry.held ?? [];
  if (held.length === 0) {
    if (!entry.clears) return null;
    return <div class="note">The table was cleared: restore a row from an earlier entry that holds its value.</div>;
  }
  return (
    <ul class="held" data-testid="held">
      {held.map((item) => {
        const why = restore.why(item);
        const name = subjectName(item.subject);
        return (
          <li data-testid="held-value" data-subject={name}>
            <span class="what">{name}</span>{' '}
            <code class="preview" data-testid="held-preview">
              {item.gone ? '(removed)' : item.value === undefined ? '(value not known)' : summary(item.value)}
            </code>{' '}
            {why === undefined ? (
              <button type="button" data-testid="restore" title="Write this value back as a new edit (refused if the value moved on meanwhile)" onClick={() => void restore.restore(entry, item)}>
                Restore
              </button>
            ) : (
              <span class="note" data-testid="restore-unavailable">
                No restore: {why}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
