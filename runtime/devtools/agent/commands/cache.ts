/** The Cache layout of a database: entries with their expiry, set / delete / prune. */
import { encode } from '../../../codec/index.js';
import type { Database } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import type { Handlers } from '../context.js';
import { cacheStep, fingerprint, show } from '../show.js';
import { target } from '../targets.js';
import { page } from './db.js';

/** A row of `$cache` as stratumjs/db stores it: `{ key, value, expires }` (epoch ms or null). */
export interface CacheRow {
  key: unknown;
  value: unknown;
  expires: number | null;
}

const CACHE_TABLE = '$cache';

export function withCache(database: number): Database {
  const db = target('database', database);
  if (!db.tables().some((table) => table.name === CACHE_TABLE)) {
    throw new CommandError('not-found', `database "${db.name}" has no cache: open it with { cache: true }`);
  }
  return db;
}

/** Where redact() sees a cache entry: ['cache', database, key, ...path in the value]. */
export function cacheRoot(db: Database, key: unknown): (string | number)[] {
  return ['cache', db.name, cacheStep(key)];
}

export const cacheCommands: Handlers<'cacheList' | 'cachePrune'> = {
  async cacheList({ database, offset, limit }, { blobs }) {
    const db = withCache(database);
    const table = db.table(CACHE_TABLE);
    const [rows, total] = await Promise.all([table.query(page(offset, limit)), table.count()]);
    const now = Date.now();
    return {
      total,
      entries: (rows as CacheRow[]).map((row) => ({
        key: encode(row.key),
        hash: fingerprint(row.value, cacheRoot(db, row.key)).hash,
        expires: row.expires,
        expired: row.expires !== null && row.expires <= now,
        ...show(row.value, cacheRoot(db, row.key), blobs),
      })),
    };
  },

  async cachePrune({ database }) {
    return { removed: await withCache(database).cache.prune() };
  },
};
