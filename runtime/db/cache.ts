/**
 * The Cache layout: rows `{ key, value, expires }` in `$cache`, `expires` indexed (epoch ms, or
 * null for "never", which IndexedDB leaves out of the index), so `prune` reads only what expired.
 */
import { toKey, type Key } from './keys.js';
import { CACHE_TABLE } from './schema.js';
import { stamp, type OpHost } from './op.js';
import type { Cache, CacheSetOptions } from './types.js';

/** A row of `$cache`. Its field names cross into storage: never rename them. */
export interface CacheRow {
  key: Key;
  value: unknown;
  expires: number | null;
}

export class CacheImpl implements Cache {
  private _host: OpHost;
  private _now: () => number;

  constructor(host: OpHost, now: () => number) {
    this._host = host;
    this._now = now;
  }

  async get<T = unknown>(key: Key): Promise<T | undefined> {
    const row = (await this._host._op(CACHE_TABLE, false, (tx) => tx.get(CACHE_TABLE, toKey(key, 'cache.get')))) as CacheRow | undefined;
    return row && !this._expired(row) ? (row.value as T) : undefined;
  }

  set(key: Key, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    const { ttl } = options;
    if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl > 0) || ttl === Infinity)) {
      return Promise.reject(new TypeError(`cache.set: ttl is a number of milliseconds > 0 (omit it for no expiry); got ${String(ttl)}.`));
    }
    return this._host._op(CACHE_TABLE, true, async (tx, changes) => {
      const row: CacheRow = { key: toKey(key, 'cache.set'), value, expires: ttl === undefined ? null : this._now() + ttl };
      const stored = await tx.put(CACHE_TABLE, row, false);
      changes.push({ type: 'put', table: CACHE_TABLE, key: stored });
    }, stamp('cache.set', this.set));
  }

  delete(key: Key): Promise<void> {
    return this._host._op(CACHE_TABLE, true, async (tx, changes) => {
      const target = toKey(key, 'cache.delete');
      await tx.delete(CACHE_TABLE, target);
      changes.push({ type: 'delete', table: CACHE_TABLE, key: target });
    }, stamp('cache.delete', this.delete));
  }

  clear(): Promise<void> {
    return this._host._op(CACHE_TABLE, true, async (tx, changes) => {
      await tx.clear(CACHE_TABLE);
      changes.push({ type: 'clear', table: CACHE_TABLE });
    }, stamp('cache.clear', this.clear));
  }

  async keys(): Promise<Key[]> {
    const rows = (await this._host._op(CACHE_TABLE, false, (tx) => tx.query(CACHE_TABLE, { direction: 'next', offset: 0 }))) as CacheRow[];
    return rows.filter((row) => !this._expired(row)).map((row) => row.key);
  }

  prune(): Promise<number> {
    return this._host._op(CACHE_TABLE, true, async (tx, changes) => {
      const range = { upper: this._now(), upperOpen: false, lowerOpen: false };
      const expired = (await tx.query(CACHE_TABLE, { index: 'expires', range, direction: 'next', offset: 0 })) as CacheRow[];
      await Promise.all(expired.map((row) => tx.delete(CACHE_TABLE, row.key)));
      for (const row of expired) changes.push({ type: 'delete', table: CACHE_TABLE, key: row.key });
      return expired.length;
    }, stamp('cache.prune', this.prune));
  }

  private _expired(row: CacheRow): boolean {
    return row.expires !== null && row.expires <= this._now();
  }
}
