/** IndexedDB databases of the origin that Stratum did not open here: listed read-only. */
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';

export function OtherDatabases() {
  const { facts, database } = usePanel();
  const listed = facts.facts.value?.databases;
  if (!listed) return null;
  if ('unavailable' in listed) {
    return (
      <section class="foreign" data-testid="other-databases">
        <h3>Other IndexedDB databases</h3>
        <div class="note">Cannot list them: {listed.unavailable}</div>
      </section>
    );
  }
  const ours = new Set(database.databases.value.filter((db) => db.provider === 'indexeddb').map((db) => db.name));
  const others = listed.filter((db) => !ours.has(db.name));
  if (others.length === 0) return null;
  return (
    <section class="foreign" data-testid="other-databases">
      <h3>
        Other IndexedDB databases <Badge>not Stratum — read-only</Badge>
      </h3>
      <ul>
        {others.map((db) => (
          <li data-testid="other-database" data-name={db.name}>
            {db.name} <span class="note">v{db.version}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
