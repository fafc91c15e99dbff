/**
 * Row counts of whole tables the agent already knows (issue 18): the snapshot counts every
 * table, so the grid's pages need not wait for a second count of 100,000 rows each. A count is
 * kept only while the Watcher hears the database's changes, and any change it hears (here, in
 * another tab, or in another process over a Postgres or Redis feed) forgets it; a count that
 * started before a change landed, or before the panel went and came back, is not kept.
 *
 * Not kept at all where a count can change without an event the agent hears: libSQL (another
 * process's writes reach no one; its count is one read of stratum_counts anyway) and a Cache
 * table (entries expire by time). A writer nobody hears (raw SQL, another library on the same
 * IndexedDB) is caught where the rows contradict the count (commands/db.ts), and a snapshot
 * (the panel connecting, or its Refresh) always counts afresh.
 */
import { BLOB_DATA_TABLE, BLOBS_TABLE, CACHE_TABLE } from '../../db/schema.js';
import type { ProviderKind } from '../../db/types.js';

const known = new Map<string, number>();
/** Bumped by every change to a table, and per database by an upgrade or close. */
const generations = new Map<string, number>();
/** Bumped when the panel goes: generations start again, and a count from before must not match. */
let epoch = 0;
let live = false;

const slot = (database: number, table: string) => `${database}:${table}`;
const generation = (database: number, table: string) =>
  `${epoch}/${generations.get(slot(database, table)) ?? 0}/${generations.get(`${database}:`) ?? 0}`;

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
  epoch += 1;
}

/** Whether a count of this table may be kept (see above). */
export function keepsCount(provider: ProviderKind, table: string): boolean {
  return provider !== 'libsql' && table !== CACHE_TABLE;
}

/**
 * The table's generation while the agent hears its changes, or undefined where a count is not kept
 * (keepsCount): what a reading of the table stays true for (visible-rows.ts keeps one per view).
 */
export function tableGeneration(database: number, table: string, provider: ProviderKind): string | undefined {
  return live && keepsCount(provider, table) ? generation(database, table) : undefined;
}

/** A table changed (or, without `table`, the whole database: upgraded, closed, gone). */
export function forgetCount(database: number, table?: string): void {
  if (table !== undefined) {
    known.delete(slot(database, table));
    bump(slot(database, table));
    // A blob's put or delete writes both tables and is announced once, as a change to $blobs.
    if (table === BLOBS_TABLE) forgetCount(database, BLOB_DATA_TABLE);
    return;
  }
  for (const key of [...known.keys()]) if (key.startsWith(`${database}:`)) known.delete(key);
  bump(`${database}:`);
}

export interface CountOptions {
  /** False: count, and keep nothing (keepsCount). */
  keep: boolean;
  /** Count even when a count is known (a snapshot, a count the rows contradicted), and keep that one. */
  fresh?: boolean;
}

/** The table's row count: the one known, or `count()`'s, kept if nothing changed meanwhile. */
export async function countRows(database: number, table: string, count: () => Promise<number>, options: CountOptions): Promise<number> {
  const key = slot(database, table);
  const cached = options.keep && !options.fresh ? known.get(key) : undefined;
  if (cached !== undefined) return cached;
  const before = generation(database, table);
  const counted = await count();
  if (live && options.keep && generation(database, table) === before) known.set(key, counted);
  return counted;
}
