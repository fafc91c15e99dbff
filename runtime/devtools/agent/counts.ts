/**
 * Row counts of whole tables the agent already knows (issue 18): the snapshot counts every
 * table, so the grid's first page need not wait for a second count of 100,000 rows. A count is
 * kept only while the Watcher hears the database's changes, and any change to a table (here or
 * in another tab or process) forgets it; a count that started before a change landed is not
 * kept.
 */
const known = new Map<string, number>();
/** Bumped by every change to a table, and per database by an upgrade or close. */
const generations = new Map<string, number>();
let live = false;

const slot = (database: number, table: string) => `${database}:${table}`;
const generation = (database: number, table: string) => `${generations.get(slot(database, table)) ?? 0}/${generations.get(`${database}:`) ?? 0}`;

function bump(key: string): void {
  generations.set(key, (generations.get(key) ?? 0) + 1);
}

/** Counts are kept from now on (the Watcher subscribed to every database). */
export function keepCounts(): void {
  live = true;
}

/** Nothing hears changes any more: every count is forgotten. */
export function dropCounts(): void {
  live = false;
  known.clear();
  generations.clear();
}

/** A table changed (or, without `table`, the whole database: upgraded, closed, gone). */
export function forgetCount(database: number, table?: string): void {
  if (table !== undefined) {
    known.delete(slot(database, table));
    bump(slot(database, table));
    return;
  }
  for (const key of [...known.keys()]) if (key.startsWith(`${database}:`)) known.delete(key);
  bump(`${database}:`);
}

/** The table's row count: the one known, or `count()`'s, kept if nothing changed meanwhile. */
export async function countRows(database: number, table: string, count: () => Promise<number>): Promise<number> {
  const key = slot(database, table);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const before = generation(database, table);
  const counted = await count();
  if (live && generation(database, table) === before) known.set(key, counted);
  return counted;
}
