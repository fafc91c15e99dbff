/** The Cache layout of a database: entries with their expiry, set / delete / prune. */
import { encode } from '../../../codec/index.js';
import type { Database } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { decodeEdit } from '../edit.js';
import { fingerprint, show } from '../show.js';
import { target } from '../targets.js';
import { decodeKey, page } from './db.js';
import { DEVTOOLS } from '../watch.js';

/** A row of `$cache` as stratumjs/db stores it: `{ key, value, expires }` (epoch ms or null). */
interface CacheRow {
  key: unknown;
  value: unknown;
  expires: number | null;
}

const CACHE_TABLE = '$cache';

function withCache(database: number): Database {
  const db = target('database', database);
  if (!db.tables().some((table) => table.name === CACHE_TABLE)) {
    throw new CommandError('not-found', `database "${db.name}" has no cache: open it with { cache: true }`);
  }
  return db;
}

/** Where redact() sees a cache entry: ['cache', database, key, ...path in the value]. */
export function cacheRoot(db: Database, key: unknown): (string | number)[] {
  return ['cache', db.name, typeof key === 'string' || typeof key === 'number' ? key : JSON.stringify(encode(key))];
}

export const cacheCommands: Handlers<'cacheList' | 'cacheSet' | 'cacheDelete' | 'cachePrune'> = {
  async cacheList({ database, offset, limit }, { blobs }) {
    const db = withCache(database);
    const table = db.table(CACHE_TABLE);
    const [rows, total] = await Promise.all([table.query(page(offset, limit)), table.count()]);
    const now = Date.now();
    return {
      total,
      entries: (rows as CacheRow[]).map((row) => ({
        key: encode(row.key),
        hash: fingerprint(row.value).hash,
        expires: row.expires,
        expired: row.expires !== null && row.expires <= now,
        ...show(row.value, cacheRoot(db, row.key), blobs),
      })),
    };
  },

  async cacheSet({ database, key: encodedKey, value, ttl, baseVersion }, { blobs }) {
    const db = withCache(database);
    const key = decodeKey(encodedKey, 'the cache key');
    const next = decodeEdit(value, blobs);
    const root = cacheRoot(db, key);
    if (baseVersion === undefined) {
      guardRedacted(await db.cache.get(key), root, [], { value: next });
      await db.cache.set(key, next, ttl === undefined ? {} : { ttl });
      return { hash: fingerprint(next).hash };
    }
    if (ttl !== undefined && !(ttl > 0)) throw new CommandError('invalid', `ttl is a number of milliseconds > 0 (omit it for no expiry); got ${ttl}`);
    // As cacheDelete: the check and the write in one transaction, so the app cannot slip a set in
    // between; written as cache.set writes its row (db.cache.set would open a transaction of its own).
    await db.transaction([CACHE_TABLE], 'readwrite', async (tx) => {
      const table = tx.table(CACHE_TABLE);
      const row = (await table.get(key)) as CacheRow | undefined;
      const live = row === undefined || (row.expires !== null && row.expires <= Date.now()) ? undefined : row;
      const hash = live === undefined ? null : fingerprint(live.value).hash;
      if (hash !== baseVersion) throw conflict(`cache entry ${JSON.stringify(encodedKey)} of "${db.name}"`, live?.value, hash, root, blobs);
      guardRedacted(live?.value, root, [], { value: next });
      await table.put({ key, value: next, expires: ttl === undefined ? null : Date.now() + ttl } satisfies CacheRow);
    }, { label: `${DEVTOOLS}: cache.set` });
    return { hash: fingerprint(next).hash };
  },

  async cacheDelete({ database, key: encodedKey, baseVersion }, { blobs }) {
    const db = withCache(database);
    const key = decodeKey(encodedKey, 'the cache key');
    if (baseVersion === undefined) await db.cache.delete(key);
    else {
      // As a row's delete: only the value the panel listed goes, in one transaction with the check.
      await db.transaction([CACHE_TABLE], 'readwrite', async (tx) => {
        const table = tx.table(CACHE_TABLE);
        const row = (await table.get(key)) as CacheRow | undefined;
        const hash = row === undefined ? null : fingerprint(row.value).hash;
        if (hash !== baseVersion) throw conflict(`cache entry ${JSON.stringify(encodedKey)} of "${db.name}"`, row?.value, hash, cacheRoot(db, key), blobs);
        await table.delete(key);
      }, { label: `${DEVTOOLS}: cache.delete` });
    }
    return { deleted: true };
  },

  async cachePrune({ database }) {
    return { removed: await withCache(database).cache.prune() };
  },
};
