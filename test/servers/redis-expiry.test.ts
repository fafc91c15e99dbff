/**
 * Redis frees expired `$cache` entries itself (redis-expiry.ts): each entry's value lives in a
 * key with a TTL of the remaining duration plus a grace, and the members it leaves behind in the
 * sorted sets (ghosts) are never counted or paged over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openDatabase, type Provider } from '../../runtime/db/index.js';
import { redis } from '../../runtime/db/redis.js';
import { dropPrefix, hasRedis, REDIS_URL, runName } from '../../runtime/db/contract/services.js';
import { keyBuffer } from '../../runtime/db/providers/redis-keys.js';
import { storeValue } from '../../runtime/db/providers/libsql-values.js';

const prefix = `${runName()}_expiry:`;
const up = await hasRedis();
let raw: Redis;

beforeAll(() => {
  if (up) raw = new Redis(REDIS_URL);
});

afterAll(async () => {
  if (!up) return;
  raw.disconnect();
  await dropPrefix(prefix);
});

const provider = (expiryGrace?: number): Provider => redis({ url: REDIS_URL }, { prefix, ...(expiryGrace !== undefined && { expiryGrace }) });
const valueKey = (db: string, key: string): string => `${prefix}${db}/v/$cache/${keyBuffer(key).toString('base64url')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(up)('redis: native expiry of the Cache layout', () => {
  it('frees an expired entry without prune, grace after the app sees it expire; reads, pages and counts skip what Redis dropped', async () => {
    const db = await openDatabase('reclaim', { version: 1, tables: {}, cache: true, provider: provider(50) });
    for (const key of ['b', 'd', 'f']) await db.cache.set(key, `kept ${key}`);
    await db.cache.set('g', 'long', { ttl: 60_000 });
    for (const key of ['a', 'c', 'e']) await db.cache.set(key, `short ${key}`, { ttl: 1_000 });
    const wrote = Date.now();
    // Redis keeps it ttl + grace (1,050 ms) from the write, on its own clock.
    const left = await raw.pttl(valueKey('reclaim', 'e'));
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1_050);
    expect(await raw.pttl(valueKey('reclaim', 'b'))).toBe(-1);
    await sleep(1_300 - (Date.now() - wrote));
    // Gone from the server, with no prune and no read in between.
    expect(await raw.exists(valueKey('reclaim', 'a'), valueKey('reclaim', 'c'), valueKey('reclaim', 'e'))).toBe(0);
    expect(await raw.zcard(`${prefix}reclaim/z/$cache`)).toBe(7);
    const cache = db.table('$cache');
    expect(await cache.count()).toBe(4);
    expect((await cache.query({ offset: 1, limit: 2 })).map((row) => (row as { key: string }).key)).toEqual(['d', 'f']);
    expect((await cache.query({ direction: 'prev', limit: 3 })).map((row) => (row as { key: string }).key)).toEqual(['g', 'f', 'd']);
    expect(await cache.count({ index: 'expires' })).toBe(1);
    expect(await db.cache.keys()).toEqual(['b', 'd', 'f', 'g']);
    expect(await db.cache.get('a')).toBeUndefined();
    // The ghosts' members went with the first read; prune has nothing left to delete.
    expect(await raw.zcard(`${prefix}reclaim/z/$cache`)).toBe(4);
    expect(await raw.zcard(`${prefix}reclaim/i/$cache/expires`)).toBe(1);
    expect(await db.cache.prune()).toBe(0);
    // Writing a key whose entry Redis dropped makes it a new entry.
    await db.cache.set('a', 'again');
    expect(await db.cache.keys()).toEqual(['a', 'b', 'd', 'f', 'g']);
    db.close();
  }, 30_000);

  it('passes Redis the remaining duration, so a skewed or injected app clock loses nothing', async () => {
    let now = Date.now() - 3_600_000;
    const db = await openDatabase('skew', { version: 1, tables: {}, cache: { now: () => now }, provider: provider(1_000) });
    await db.cache.set('behind', 1, { ttl: 5_000 });
    now = Date.now() + 3_600_000;
    await db.cache.set('ahead', 2, { ttl: 5_000 });
    now = 1_000;
    await db.cache.set('frozen', 3, { ttl: 100 });
    for (const [key, most] of [['behind', 6_000], ['ahead', 6_000], ['frozen', 1_100]] as const) {
      const left = await raw.pttl(valueKey('skew', key));
      expect(left).toBeGreaterThan(most - 1_000);
      expect(left).toBeLessThanOrEqual(most);
    }
    // Each one is live by the app's clock, and on the server.
    expect(await db.cache.keys()).toEqual(['ahead', 'behind', 'frozen']);
    db.close();
  });

  it('a rolled-back transaction restores the entry it deleted or replaced, with the expiry it had', async () => {
    const db = await openDatabase('rollback', { version: 1, tables: {}, cache: true, provider: provider() });
    await db.cache.set('x', { n: 1 }, { ttl: 30_000 });
    await db.cache.set('y', 'y');
    const before = await raw.pexpiretime(valueKey('rollback', 'x'));
    const undo = (fn: (table: ReturnType<typeof db.table>) => Promise<unknown>) =>
      expect(
        db.transaction(['$cache'], 'readwrite', async (tx) => {
          await fn(tx.table('$cache') as ReturnType<typeof db.table>);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
    await undo((table) => table.delete('x'));
    await undo((table) => table.put({ key: 'x', value: 'other', expires: null }));
    await undo((table) => table.clear());
    expect(await db.cache.get('x')).toEqual({ n: 1 });
    expect(await db.cache.get('y')).toBe('y');
    expect(await raw.pexpiretime(valueKey('rollback', 'x'))).toBe(before);
    expect(await db.table('$cache').count({ index: 'expires' })).toBe(1);
    db.close();
  });

  it('moves entries stored before value keys existed into them when the database opens', async () => {
    const first = await openDatabase('adopt', { version: 1, tables: {}, cache: true, provider: provider() });
    first.close();
    for (const [key, value, expires] of [['old', 5, null], ['older', 'x', Date.now() + 60_000]] as const) {
      const k = keyBuffer(key);
      await raw.hset(`${prefix}adopt/r/$cache`, k, (await storeValue({ key, value, expires })).text);
      await raw.zadd(`${prefix}adopt/z/$cache`, 0, k);
    }
    const db = await openDatabase('adopt', { version: 1, tables: {}, cache: true, provider: provider() });
    expect(await db.cache.get('old')).toBe(5);
    expect(await db.cache.get('older')).toBe('x');
    expect(await raw.exists(`${prefix}adopt/r/$cache`)).toBe(0);
    expect(await raw.pttl(valueKey('adopt', 'older'))).toBeGreaterThan(60_000);
    db.close();
  });

  it('a value key dropped before its time (maxmemory eviction, a DEL by hand) ends the reads that meet it instead of looping forever', async () => {
    const db = await openDatabase('evicted', { version: 1, tables: {}, cache: true, provider: provider() });
    for (const key of ['a', 'b', 'c']) await db.cache.set(key, key);
    for (const key of ['d', 'e']) await db.cache.set(key, key, { ttl: 60_000 });
    // What allkeys-lru does to any key and volatile-lru to one with a TTL, long before it expires.
    await raw.del(valueKey('evicted', 'b'), valueKey('evicted', 'e'));
    const within = <T>(read: Promise<T>): Promise<T> =>
      Promise.race([read, sleep(5_000).then(() => Promise.reject(new Error('the read never ended')))]);
    expect(await within(db.cache.keys())).toEqual(['a', 'c', 'd']);
    expect(await within(db.table('$cache').count())).toBe(3);
    expect(await within(db.cache.prune())).toBe(0);
    expect((await within(db.table('$cache').query({ index: 'expires' }))).map((row) => (row as { key: string }).key)).toEqual(['d']);
    expect(await raw.zcard(`${prefix}evicted/i/$cache/expires`)).toBe(1);
    db.close();
  }, 20_000);

  it('opens a database whose old-layout entries include one that cannot be read, and moves every entry', async () => {
    const first = await openDatabase('adopt-damaged', { version: 1, tables: {}, cache: true, provider: provider() });
    first.close();
    const rows = `${prefix}adopt-damaged/r/$cache`;
    await raw.hset(rows, keyBuffer('good'), (await storeValue({ key: 'good', value: 1, expires: null })).text);
    await raw.hset(rows, keyBuffer('damaged'), 'stratum:1:{"key":"damaged","value":');
    for (const key of ['good', 'damaged']) await raw.zadd(`${prefix}adopt-damaged/z/$cache`, 0, keyBuffer(key));
    const db = await openDatabase('adopt-damaged', { version: 1, tables: {}, cache: true, provider: provider() });
    expect(await db.cache.get('good')).toBe(1);
    // The damaged one is moved as it is, and its read fails in words as it did before.
    await expect(db.cache.get('damaged')).rejects.toThrow(/damaged Stratum value/);
    expect(await raw.exists(rows)).toBe(0);
    db.close();
  });

  it('an entry an older runtime deleted or cleared (it knew no value keys) does not come back', async () => {
    const db = await openDatabase('downgrade', { version: 1, tables: {}, cache: true, provider: provider() });
    for (const key of ['x', 'y']) await db.cache.set(key, `value ${key}`, { ttl: 600_000 });
    await db.cache.set('z', 'value z');
    db.close();
    // What the runtime before value keys does: delete removes z's hash fields and member, clear
    // deletes the table's hashes and sets (tableKeys had no value keys); each leaves the value keys.
    await raw.zrem(`${prefix}downgrade/z/$cache`, keyBuffer('z'));
    await raw.del(...['r', 'b', 'x', 'z', 'i'].map((kind) => `${prefix}downgrade/${kind}/$cache${kind === 'i' ? '/expires' : ''}`));
    const again = await openDatabase('downgrade', { version: 1, tables: {}, cache: true, provider: provider() });
    expect(await again.cache.keys()).toEqual([]);
    for (const key of ['x', 'y', 'z']) expect([key, await again.cache.get(key)]).toEqual([key, undefined]);
    // A rolled-back write over what the older runtime left does not put it back.
    await expect(
      again.transaction(['$cache'], 'readwrite', async (tx) => {
        await tx.table('$cache').put({ key: 'y', value: 'brief', expires: null });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await again.cache.get('y')).toBeUndefined();
    // add() asks the provider whether the key is taken.
    await again.table('$cache').add({ key: 'x', value: 'new x', expires: null });
    expect(await again.cache.get('x')).toBe('new x');
    again.close();
  });
});
