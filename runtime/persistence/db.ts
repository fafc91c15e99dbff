/**
 * A state persisted to a database (`persist: { db, table? }`), loaded lazily by the store. The
 * row is `{ key: <state id>, value, expires: null }` in `$cache` (the default), or
 * `{ <key path>: <state id>, value }` in a table of the app's own. `transact` reads, applies and
 * writes in one readwrite transaction, so two tabs incrementing one counter lose nothing; other
 * tabs' writes arrive through the database's change events.
 */
import { report } from '../registry/registry.js';
import type { PersistAdapter, PersistDatabase } from '../store/types.js';
import { linkStorage } from '../store/link.js';
import type { State } from '../store/state.js';
import { CACHE_TABLE, injectKey } from '../db/schema.js';
import type { Database, Table } from '../db/types.js';

function isDatabase(db: PersistDatabase): db is PersistDatabase & Database {
  const candidate = db as Partial<Database>;
  return typeof candidate.table === 'function' && typeof candidate.transaction === 'function' && typeof candidate.subscribe === 'function';
}

export function databasePersistence<T>(db: PersistDatabase, table: string | undefined, id: string): PersistAdapter<T> {
  const name = table ?? CACHE_TABLE;
  const where = `persist to db:${db.name}/${name} (state ${id})`;
  if (!isDatabase(db)) throw new TypeError(`${where}: persist.db must be a database from openDatabase().`);
  const info = db.tables().find((candidate) => candidate.name === name);
  if (!info) {
    const hint = name === CACHE_TABLE ? ' Open the database with { cache: true }, or name a table in persist.table.' : '';
    throw new TypeError(`${where}: the database has no table '${name}'.${hint}`);
  }
  if (typeof info.key !== 'string' || info.key === '') {
    throw new TypeError(`${where}: the table's key path must be a single property (it is ${JSON.stringify(info.key)}), so the state's id can be its key.`);
  }
  const path = info.key;

  const row = (value: T): object => {
    const record: Record<string, unknown> = name === CACHE_TABLE ? { value, expires: null } : { value };
    injectKey(record, path, id);
    return record;
  };
  const read = async (rows: Table): Promise<{ found: true; value: T } | { found: false }> => {
    const stored = (await rows.get(id)) as { value: T } | undefined;
    return stored === undefined ? { found: false } : { found: true, value: stored.value };
  };

  // This instance's writes, counted as they are issued: a read of another tab's change that was
  // under way meanwhile may return a row older than this instance's own (the write is ordered
  // after the read), so its value must not be applied (see watch).
  let writes = 0;
  // Names this state's own writes in change events (the panel's timeline shows it too), so that
  // watch can tell them from every other writer's.
  const label = `persist ${id}`;
  // This instance's committed-or-pending writes whose change event has not come yet: the database
  // tells a local commit at once, one event per transaction, so that many events under the label
  // are its own. Any other is another state's of the same id (another store on this page, which
  // shares the row), followed as every other writer is (they used to ignore each other).
  let unheard = 0;
  const mine = <R>(write: Promise<R>): Promise<R> => {
    unheard++;
    return write.catch((error: unknown) => {
      // Not committed: no event of it will come.
      unheard--;
      throw error;
    });
  };
  return {
    describe: `db:${db.name}/${name}`,
    async load() {
      // Another writer's change told while the row is read, before watch follows the row, would
      // be missed (the state kept the older value it read): read again after one, a few times
      // at most (watch follows what comes later).
      let moved = false;
      const stop = db.subscribe((event) => {
        if ('table' in event && event.table === name && (event.type === 'clear' || event.keys.includes(id))) moved = true;
      });
      try {
        for (let tries = 0; ; tries++) {
          moved = false;
          const stored = await read(db.table(name));
          if (!moved || tries === 3) return stored;
        }
      } finally {
        stop();
      }
    },
    save: async (value) => {
      writes++;
      await mine(db.transaction([name], 'readwrite', (tx) => tx.table(name).put(row(value)), { label }));
    },
    watch(listener) {
      // One read at a time: remote writes arriving while one is under way ask for one more
      // read after it (which sees them all), instead of one read each — a burst of writes on
      // other instances would otherwise queue a read per write.
      let reading = false;
      let again = false;
      const refresh = (): void => {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        const before = writes;
        read(db.table(name))
          .then(
            (stored) => {
              // This instance wrote since the read began: read once more, after that write.
              if (writes !== before) again = true;
              if (!again && stored.found) listener(stored.value);
            },
            // The state keeps its value; the next remote change reads again.
            (error: unknown) => report(db, 'persist-error', `${where}: reading another tab's change failed: ${String(error)}`),
          )
          .finally(() => {
            reading = false;
            if (!again) return;
            again = false;
            refresh();
          });
      };
      // Other tabs' writes, and this page's other writers of the row: the panel editing it, an
      // app's own put, another store's state of the same id. Only this state's own writes are
      // not followed.
      return db.subscribe((event) => {
        if (!('table' in event) || event.table !== name) return;
        if (event.origin !== 'remote' && event.label === label && unheard > 0) return void unheard--;
        if (event.type !== 'clear' && !event.keys.includes(id)) return;
        refresh();
      });
    },
    transact: (fn, current) =>
      mine(
        db.transaction(
          [name],
          'readwrite',
          async (tx) => {
            writes++;
            const stored = await read(tx.table(name));
            const next = fn(stored.found ? stored.value : current);
            await tx.table(name).put(row(next));
            return next;
          },
          { label },
        ),
      ),
  };
}

/** `persist: { db, table? }`: the state restored from the database, written through, following other instances. */
export function persistToDatabase<T>(state: State<T>, db: PersistDatabase, table: string | undefined): Promise<void> {
  return linkStorage(state, databasePersistence<T>(db, table, state.id));
}
