/**
 * Redis's single reads (a table call outside db.transaction) take no lock while no writer is
 * under way (redis-single.ts, issue 18). A writer applies its rows as it goes, so a read in the
 * middle of one must still see all of it or none: here a transaction rewrites 2,000 rows in two
 * APPLYs (1,000 rows each) again and again while gets, counts and queries (by key and by index,
 * across the two halves) run beside it.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../index.js';
import { redis } from '../redis.js';
import { dropPrefix, hasRedis, REDIS_URL, runName } from '../contract/services.js';

const up = await hasRedis();
const prefix = `${runName()}:`;
if (up) afterAll(() => dropPrefix(prefix));

const ROWS = 2_000;

describe.skipIf(!up)('redis: single reads beside a writer', () => {
  it('a single read after another process changed the stored version fails in words', async () => {
    const db = await openDatabase('moved', { version: 1, tables: { notes: { key: 'id' } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    await db.table('notes').put({ id: 1 });
    const events: string[] = [];
    db.subscribe((event) => events.push(event.type));
    // What another process's upgrade leaves behind, without the message that would tell this one.
    const raw = new Redis(REDIS_URL);
    const meta = JSON.parse((await raw.hget(`${prefix}#databases`, 'moved'))!) as { version: number };
    await raw.hset(`${prefix}#databases`, 'moved', JSON.stringify({ ...meta, version: 2 }));
    raw.disconnect();
    await expect(db.table('notes').count()).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('now at version 2 (changed by another process)') });
    await expect.poll(() => events).toContain('versionchange');
    db.close();
  });

  it('a bulkPut over large rows writes them in smaller APPLYs, and its transaction still rolls back whole', { timeout: 60_000 }, async () => {
    const db = await openDatabase('large', { version: 1, tables: { rows: { key: 'k', indexes: { byV: 'v' } } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    const table = db.table('rows');
    // 24 MB of rows in place: replacing them, the undo entries alone pass the 16 MB an APPLY takes.
    const large = Array.from({ length: 24 }, (_, k) => ({ k, v: 'large', text: 'x'.repeat(1_000_000) }));
    await table.bulkPut(large);
    const stop = new Error('stop');
    await expect(
      db.transaction(['rows'], 'readwrite', async (tx) => {
        await tx.table('rows').bulkPut(large.map(({ k }) => ({ k, v: 'small' })));
        expect(await tx.table('rows').count({ index: 'byV', range: { gte: 'small', lte: 'small' } })).toBe(24);
        throw stop;
      }),
    ).rejects.toBe(stop);
    expect(await table.query()).toEqual(large);
    await table.bulkPut(large.map(({ k }) => ({ k, v: 'small' })));
    expect(await table.query({ index: 'byV', range: { gte: 'small', lte: 'small' } })).toEqual(large.map(({ k }) => ({ k, v: 'small' })));
    expect(await table.count({ index: 'byV', range: { gte: 'large', lte: 'large' } })).toBe(0);
    db.close();
  });

  it('a deleteDatabase whose lock another process took meanwhile deletes nothing, and says why', async () => {
    const db = await openDatabase('doomed', { version: 1, tables: { rows: { key: 'k' } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    await db.table('rows').bulkPut([{ k: 1 }, { k: 2 }]);
    const raw = new Redis(REDIS_URL);
    const lock = `${prefix}doomed#lock`;
    // This process stalls past lockTtl while it lists the keys: another one takes the lock over.
    const scan = Redis.prototype.scan;
    Redis.prototype.scan = async function (this: Redis, ...args: Parameters<Redis['scan']>) {
      await raw.set(lock, 'another-process');
      return scan.apply(this, args);
    } as Redis['scan'];
    try {
      await expect(db.delete()).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringContaining("lock on database 'doomed' expired while it was being deleted") });
    } finally {
      Redis.prototype.scan = scan;
    }
    // The rows and the database's entry are still there for the lock's new holder.
    expect(await raw.hlen(`${prefix}doomed/r/rows`)).toBe(2);
    expect(await raw.hexists(`${prefix}#databases`, 'doomed')).toBe(1);
    expect(await raw.get(lock)).toBe('another-process');
    await raw.del(lock);
    raw.disconnect();
  });

  it('a deleteDatabase is all or nothing: a failure on the way leaves every row and index, and the database still opens whole', async () => {
    const db = await openDatabase('whole', { version: 1, tables: { rows: { key: 'k', indexes: { byT: 't' } } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    await db.table('rows').bulkPut(Array.from({ length: 50 }, (_, k) => ({ k, t: k % 5 })));
    // Each put leaves a commit marker for a minute: with them, the database has over 1,000 keys
    // (what used to be deleted in several steps).
    for (let i = 0; i < 1_100; i++) await db.table('rows').put({ k: i % 50, t: i % 5 });
    const raw = new Redis(REDIS_URL);
    expect((await raw.keys(`${prefix}whole*`)).length).toBeGreaterThan(1_000);
    // The server refuses the delete's script (as a timeout or a dropped connection would end it).
    const evaluate = Redis.prototype.eval;
    Redis.prototype.eval = async function (this: Redis, ...args: unknown[]) {
      if (typeof args[0] === 'string' && args[0].includes("redis.call('hdel', ARGV[2], ARGV[3])")) throw new Error('Command timed out');
      return (evaluate as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } as Redis['eval'];
    try {
      await expect(db.delete()).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringContaining("deleting 'whole'") });
    } finally {
      Redis.prototype.eval = evaluate;
    }
    const again = await openDatabase('whole', { version: 1, tables: { rows: { key: 'k', indexes: { byT: 't' } } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    expect(await again.table('rows').count()).toBe(50);
    expect(await again.table('rows').query({ index: 'byT', range: { gte: 0, lte: 4 } })).toHaveLength(50);
    // And done again, it deletes all of it.
    await again.delete();
    expect(await raw.keys(`${prefix}whole/*`)).toEqual([]);
    expect(await raw.hexists(`${prefix}#databases`, 'whole')).toBe(0);
    raw.disconnect();
  });

  it("never read a row a transaction under way wrote, which its rollback takes back", async () => {
    const db = await openDatabase('dirty', { version: 1, tables: { rows: { key: 'k' } }, provider: redis({ url: REDIS_URL }, { prefix }) });
    const table = db.table('rows');
    await table.put({ k: 0, v: 0 });
    const stop = new Error('stop');
    let read: Promise<unknown> | undefined;
    let count: Promise<number> | undefined;
    const rolledBack = db.transaction(['rows'], 'readwrite', async (tx) => {
      await tx.table('rows').put({ k: 0, v: 99 });
      await tx.table('rows').put({ k: 1, v: 99 });
      // Row 0 is on the server now, with the lock held: a read that did not wait would see it.
      read = table.get(0);
      count = table.count();
      // Held for a while (each get is a round trip), so the reads reach the server meanwhile.
      for (let i = 0; i < 20; i++) await tx.table('rows').get(0);
      throw stop;
    });
    await expect(rolledBack).rejects.toBe(stop);
    expect(await read).toEqual({ k: 0, v: 0 });
    expect(await count).toBe(1);
    db.close();
  });

  it('never see a transaction half applied, and read what was committed before them', { timeout: 60_000 }, async () => {
    const db = await openDatabase('beside', {
      version: 1,
      tables: { rows: { key: 'k', indexes: { byV: 'v' } } },
      provider: redis({ url: REDIS_URL }, { prefix }),
    });
    const table = db.table('rows');
    const generation = (v: number) => Array.from({ length: ROWS }, (_, k) => ({ k, v }));
    await table.bulkPut(generation(0));
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let v = 1; writing || v < 4; v++) {
        await db.transaction(['rows'], 'readwrite', (tx) => tx.table('rows').bulkPut(generation(v)));
        written = v;
      }
    })();
    const seen = new Set<string>();
    const mixed: string[] = [];
    const until = Date.now() + 1_500;
    let reads = 0;
    while (Date.now() < until || reads < 10) {
      const before = written;
      const across = (await table.query({ range: { gte: 990, lte: 1_010 } })) as Array<{ v: number }>;
      const byIndex = (await table.query({ index: 'byV', limit: 30 })) as Array<{ k: number; v: number }>;
      const newest = (await table.query({ direction: 'prev', limit: 1 })) as Array<{ v: number }>;
      const first = (await table.get(0)) as { v: number };
      expect(await table.count()).toBe(ROWS);
      for (const [what, rows] of [['across the halves', across], ['by index', byIndex]] as const) {
        const values = new Set(rows.map((row) => row.v));
        if (values.size !== 1) mixed.push(`${what}: ${[...values].join(', ')}`);
        seen.add(String([...values][0]));
      }
      // A read starts after the commit it follows: it never sees an older generation.
      expect(newest[0]!.v).toBeGreaterThanOrEqual(before);
      expect(first.v).toBeGreaterThanOrEqual(before);
      reads++;
    }
    writing = false;
    await writer;
    expect(mixed).toEqual([]);
    // The reads ran while the rows changed under them, not before or after.
    expect(seen.size).toBeGreaterThan(2);
    db.close();
  });
});

describe.skipIf(!up)('redis: names a server cannot keep apart', () => {
  it('tables whose names differ only in a lone surrogate are refused in words, not merged into one Redis key', async () => {
    const provider = redis({ url: REDIS_URL }, { prefix });
    await expect(openDatabase('lone', { version: 1, tables: { 'a\ud800': { key: 'id' }, 'a\ud801': { key: 'id' } }, provider })).rejects.toThrow(
      /name "a\\ud800" in database 'lone' has a lone surrogate.*Redis/,
    );
    await expect(openDatabase('lone\udfff', { version: 1, tables: { a: { key: 'id', indexes: { ['i\udc00']: 'x' } } }, provider })).rejects.toThrow(/lone surrogate/);
    // NUL is a byte like any other in a Redis key.
    const db = await openDatabase('nul\u0000', { version: 1, tables: { 'a\u0000': { key: 'id' } }, provider });
    await db.table('a\u0000').put({ id: 1 });
    expect(await db.table('a\u0000').count()).toBe(1);
    await db.delete();
  });
});

describe.skipIf(!up)('redis: prefixes that overlap', () => {
  const tables = { notes: { key: 'id' } };
  const open = (at: string, name: string) => openDatabase(name, { version: 1, tables, provider: redis({ url: REDIS_URL }, { prefix: at }) });

  it("prefix 'p:' with database 'xy' and prefix 'p:x' with database 'y' (both stored under 'p:xy') are not merged: the second is refused in words naming both", async () => {
    const first = await open(prefix, 'xy');
    await first.table('notes').put({ id: 1, text: 'first' });
    const refused = await open(`${prefix}x`, 'y').catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'DatabaseUnavailableError' });
    expect((refused as Error).message).toContain(`prefix '${prefix}x' with database 'y'`);
    expect((refused as Error).message).toContain(`prefix '${prefix}' with database 'xy'`);
    // Refused, not deleted either: the first database's rows stay its own.
    await expect(redis({ url: REDIS_URL }, { prefix: `${prefix}x` }).deleteDatabase('y', () => undefined)).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
    expect(await first.table('notes').query()).toEqual([{ id: 1, text: 'first' }]);
    first.close();
  });

  it("a prefix holding '/' or '#' is refused in words: prefix 'p:x/' would keep its databases under the keys of database 'x' of prefix 'p:', and deleting that one would take them", async () => {
    for (const bad of [`${prefix}x/`, `${prefix}x#`, 'app/tenant:']) {
      expect(() => redis({ url: REDIS_URL }, { prefix: bad })).toThrow(`redis: prefix '${bad}' holds '${bad.includes('/') ? '/' : '#'}', which separates`);
    }
    // What it would have cost: database 'x' of 'p:' is deleted, prefix 'p:x' (no separator) keeps its own.
    const kept = await open(`${prefix}x:`, 'kept');
    await kept.table('notes').put({ id: 1 });
    kept.close();
    await redis({ url: REDIS_URL }, { prefix }).deleteDatabase('x', () => undefined);
    const again = await open(`${prefix}x:`, 'kept');
    expect(await again.table('notes').query()).toEqual([{ id: 1 }]);
    again.close();
  });

  it("a database named like another prefix ('x' under 'p:', beside prefix 'p:x') is refused: deleting it would delete that prefix's list of databases", async () => {
    const other = await open(`${prefix}x`, 'kept');
    await other.table('notes').put({ id: 1 });
    other.close();
    await expect(open(prefix, 'x')).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringContaining(`prefix '${prefix}x'`) });
    await expect(redis({ url: REDIS_URL }, { prefix }).deleteDatabase('x', () => undefined)).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
    const again = await open(`${prefix}x`, 'kept');
    expect(await again.table('notes').query()).toEqual([{ id: 1 }]);
    again.close();
  });

  it('a database stored before owners were kept gets its owner at open, its rows as they were; deleting it frees the name', async () => {
    const db = await open(prefix, 'old');
    await db.table('notes').put({ id: 7 });
    db.close();
    const raw = new Redis(REDIS_URL);
    try {
      // What today's layout left: no owner key.
      await raw.del(`${prefix}old#owner`);
      const reopened = await open(prefix, 'old');
      expect(await reopened.table('notes').query()).toEqual([{ id: 7 }]);
      reopened.close();
      expect(JSON.parse((await raw.get(`${prefix}old#owner`))!)).toEqual([prefix, 'old']);
      await expect(open(`${prefix}o`, 'ld')).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
      await redis({ url: REDIS_URL }, { prefix }).deleteDatabase('old', () => undefined);
      expect(await raw.exists(`${prefix}old#owner`)).toBe(0);
      const moved = await open(`${prefix}o`, 'ld');
      expect(await moved.table('notes').query()).toEqual([]);
      moved.close();
    } finally {
      raw.disconnect();
    }
  });
});
