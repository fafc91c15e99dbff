/**
 * The contract every provider keeps: the same calls give the same results and the same errors
 * in memory, IndexedDB (fake-indexeddb here; real Chromium in test/e2e/db.spec.ts) and libSQL
 * (`:memory:` and a file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registered } from '../devtools/registry.js';
import { openDatabase, type Database, type DbEvent, type OpenOptions, type Provider } from './index.js';
import { memory } from './providers/memory.js';
import { indexeddb } from './providers/indexeddb.js';
import { libsql } from './libsql.js';

interface Target {
  label: string;
  kind: Provider['kind'];
  persistent: boolean;
  /** A provider for one test; calls within the test reach the same stored databases. */
  provider(): Provider;
}

const folder = mkdtempSync(path.join(tmpdir(), 'stratum-db-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let place = 0;
function target(label: string, kind: Provider['kind'], persistent: boolean, make: () => () => Provider): Target {
  let current: () => Provider = make();
  beforeEach(() => {
    current = make();
  });
  return { label, kind, persistent, provider: () => current() };
}

const targets: Array<() => Target> = [
  () => target('memory', 'memory', false, () => memory),
  () =>
    target('indexeddb', 'indexeddb', true, () => {
      // A fresh factory per test: no database survives into the next one.
      globalThis.indexedDB = new IDBFactory();
      return indexeddb;
    }),
  () =>
    target('libsql :memory:', 'libsql', false, () => {
      const shared = libsql({ url: ':memory:' });
      return () => shared;
    }),
  () =>
    target('libsql file', 'libsql', true, () => {
      const url = `file:${path.join(folder, `db-${++place}.sqlite`)}`;
      return () => libsql({ url });
    }),
];

let names = 0;

describe.each(targets.map((make) => [make]))('%#', (make) => {
  const t = make();
  const opened: Database<unknown>[] = [];
  let name = '';

  beforeEach(() => {
    name = `contract-${++names}`;
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });

  async function open(options: Partial<OpenOptions> = {}): Promise<Database> {
    const db = await openDatabase(name, {
      version: 1,
      tables: {
        notes: { key: 'id', autoIncrement: true, indexes: { byTag: { path: 'tags', multiEntry: true }, byTitle: 'title' } },
        users: { key: 'email', indexes: { byHandle: { path: 'handle', unique: true } } },
        pairs: { key: ['a', 'b'], indexes: { byBA: ['b', 'a'] } },
        keys: { key: 'k' },
      },
      provider: t.provider(),
      ...options,
    });
    opened.push(db);
    return db;
  }

  describe(`${t.label}: schema`, () => {
    it('opens with the declared tables, key paths and indexes, and says where it lives', async () => {
      const db = await open({ cache: true, blobs: true });
      expect(db.provider).toBe(t.kind);
      expect(db.persistent).toBe(t.persistent);
      expect(db.version).toBe(1);
      const notes = db.tables().find((table) => table.name === 'notes');
      expect(notes).toMatchObject({ key: 'id', autoIncrement: true, internal: false });
      expect(notes?.indexes).toEqual(
        expect.arrayContaining([
          { name: 'byTag', path: 'tags', unique: false, multiEntry: true },
          { name: 'byTitle', path: 'title', unique: false, multiEntry: false },
        ]),
      );
      expect(db.tables().find((table) => table.name === 'pairs')?.key).toEqual(['a', 'b']);
      expect(db.tables().filter((table) => table.internal).map((table) => table.name).sort()).toEqual(['$blobdata', '$blobs', '$cache']);
      expect(registered('database').some((entry) => entry.deref() === db)).toBe(true);
    });

    it('names a missing table in words', async () => {
      const db = await open();
      await expect(db.table('nope').get(1)).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining("no table 'nope'") });
    });
  });

  describe(`${t.label}: rows`, () => {
    it('put and add resolve to the key; autoIncrement generates 1, 2, … into a copy', async () => {
      const db = await open();
      const notes = db.table('notes');
      const draft = { title: 'a', tags: [] };
      expect(await notes.add(draft)).toBe(1);
      expect(draft).toEqual({ title: 'a', tags: [] });
      expect(await notes.put({ title: 'b', tags: [] })).toBe(2);
      expect(await notes.put({ id: 10, title: 'c', tags: [] })).toBe(10);
      expect(await notes.add({ title: 'd', tags: [] })).toBe(11);
      expect(await notes.get(11)).toEqual({ id: 11, title: 'd', tags: [] });
      expect(await notes.get(3)).toBeUndefined();
    });

    it('a duplicate add is a ConstraintError in words and changes nothing', async () => {
      const db = await open();
      const users = db.table('users');
      await users.add({ email: 'a@x', handle: 'a', name: 'first' });
      const error = await users.add({ email: 'a@x', handle: 'other', name: 'second' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ConstraintError', message: expect.stringMatching(/already exists/) });
      expect(error).toBeInstanceOf(Error);
      expect(await users.get('a@x')).toEqual({ email: 'a@x', handle: 'a', name: 'first' });
    });

    it('a unique index refuses a repeated value, on add and on put', async () => {
      const db = await open();
      const users = db.table('users');
      await users.put({ email: 'a@x', handle: 'same' });
      await expect(users.put({ email: 'b@x', handle: 'same' })).rejects.toMatchObject({ name: 'ConstraintError', message: expect.stringContaining('byHandle') });
      await users.put({ email: 'a@x', handle: 'same', name: 'itself again is fine' });
      expect(await users.count()).toBe(1);
    });

    it('update merges a patch; a missing row is a NotFoundError; the key cannot change', async () => {
      const db = await open();
      const users = db.table('users');
      await users.put({ email: 'a@x', handle: 'a', name: 'Ann' });
      expect(await users.update('a@x', { name: 'Anna' })).toEqual({ email: 'a@x', handle: 'a', name: 'Anna' });
      expect(await users.get('a@x')).toEqual({ email: 'a@x', handle: 'a', name: 'Anna' });
      await expect(users.update('zz@x', { name: 'nobody' })).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining('no row with key "zz@x"') });
      await expect(users.update('a@x', { email: 'b@x' })).rejects.toMatchObject({ name: 'DataError' });
      expect(await users.get('b@x')).toBeUndefined();
    });

    it('delete, clear and count', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([{ k: 1 }, { k: 2 }, { k: 3 }]);
      await keys.delete(2);
      expect(await keys.count()).toBe(2);
      await keys.clear();
      expect(await keys.count()).toBe(0);
    });

    it('bulkPut is all or nothing', async () => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.bulkPut([{ k: 1 }, { k: 2 }, { nokey: true }])).rejects.toMatchObject({ name: 'DataError' });
      expect(await keys.count()).toBe(0);
      // A failure first: the rows queued behind it must not be written after the rollback.
      await expect(keys.bulkPut([{ nokey: true }, { k: 1 }, { k: 2 }])).rejects.toMatchObject({ name: 'DataError' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await keys.count()).toBe(0);
      expect(await keys.bulkPut([{ k: 'a' }, { k: 'b' }])).toEqual(['a', 'b']);
    });

    it('values keep their types: Date, Map, Set, BigInt, typed arrays, nested objects', async () => {
      const db = await open();
      const value = {
        k: 'v',
        when: new Date(1_700_000_000_000),
        map: new Map<unknown, unknown>([['a', 1], [2, { deep: [1, 2] }]]),
        set: new Set(['x', 'y']),
        big: 2n ** 80n + 1n,
        bytes: new Uint8Array([0, 1, 255]),
        nested: { list: [1, 'two', null, undefined], flag: false },
        text: 'emoji 😀 and 𝄞',
      };
      await db.table('keys').put(value);
      expect(await db.table('keys').get('v')).toEqual(value);
    });

    it('a value IndexedDB cannot clone (a function) is a DataCloneError, and nothing is stored', async () => {
      const db = await open();
      await expect(db.table('keys').put({ k: 1, run: () => 1 })).rejects.toMatchObject({ name: 'DataCloneError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('a key that is not a key is a DataError in words: BigInt, NaN, object', async () => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.put({ k: 5n })).rejects.toMatchObject({ name: 'DataError' });
      await expect(keys.get(Number.NaN)).rejects.toMatchObject({ name: 'DataError', message: expect.stringContaining('NaN') });
      await expect(keys.get({} as never)).rejects.toMatchObject({ name: 'DataError', message: expect.stringContaining('object') });
      await expect(keys.put({ k: 2n ** 60n })).rejects.toMatchObject({ name: 'DataError' });
    });
  });

  describe(`${t.label}: key order and queries`, () => {
    it('orders keys as IndexedDB does: numbers (mixed signs) < dates < strings (UTF-16 units) < binary < arrays', async () => {
      const db = await open();
      const keys = db.table('keys');
      const ordered = [
        -Infinity,
        -1e300,
        -(2 ** 60),
        -2.5,
        -1,
        0,
        Number.MIN_VALUE,
        1,
        2.5,
        2 ** 53,
        2 ** 53 + 2,
        2 ** 60,
        Infinity,
        new Date(-1),
        new Date(0),
        new Date(1e12),
        '',
        'A',
        'B',
        'a',
        'ab',
        'é',
        '😀', // U+1F600 is the surrogate pair D83D DE00: before U+FFFF by code unit
        '\uffff',
        // (An empty ArrayBuffer is a key in browsers, but fake-indexeddb refuses it.)
        new Uint8Array([0]).buffer,
        new Uint8Array([0, 0]).buffer,
        new Uint8Array([1]).buffer,
        new Uint8Array([255, 255]).buffer,
        [],
        [-1],
        [1],
        [1, 'a'],
        ['a'],
        [[]],
      ];
      const shuffled = [...ordered].sort(() => Math.random() - 0.5);
      for (const k of shuffled) await keys.put({ k });
      const read = (await keys.query()).map((row) => (row as { k: unknown }).k);
      expect(read).toEqual(ordered);
      const back = (await keys.query({ direction: 'prev' })).map((row) => (row as { k: unknown }).k);
      expect(back).toEqual([...ordered].reverse());
      expect(await keys.get(-0)).toEqual({ k: 0 });
    });

    it('ranges: eq, gt, gte, lt, lte, offset, limit and direction, over mixed signs', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3].map((k) => ({ k })));
      const ks = async (query: Parameters<typeof keys.query>[0]) => (await keys.query(query)).map((row) => (row as { k: number }).k);
      expect(await ks({ range: { gt: -1, lte: 1 } })).toEqual([-0.5, 0, 0.5, 1]);
      expect(await ks({ range: { gte: -1, lt: 1 } })).toEqual([-1, -0.5, 0, 0.5]);
      expect(await ks({ range: { eq: -0.5 } })).toEqual([-0.5]);
      expect(await ks({ range: { lt: -1 } })).toEqual([-3, -2]);
      expect(await ks({ range: { gte: 2 }, direction: 'prev' })).toEqual([3, 2]);
      expect(await ks({ offset: 2, limit: 3 })).toEqual([-1, -0.5, 0]);
      expect(await ks({ direction: 'prev', offset: 1, limit: 2 })).toEqual([2, 1]);
      expect(await ks({ range: { gt: 1, lt: 1 } })).toEqual([]);
      expect(await ks({ range: { gt: 5, lt: 1 } })).toEqual([]);
      expect(await keys.count({ range: { gte: 0 } })).toBe(5);
      await expect(ks({ range: { gt: 1, gte: 2 } })).rejects.toThrow(/both gt and gte/);
    });

    it('integers beyond 2^53 stay exact in ranges, bounded by BigInt', async () => {
      const db = await open();
      const keys = db.table('keys');
      const big = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 53 + 4, 2 ** 64, -(2 ** 53), -(2 ** 53 + 2)];
      await keys.bulkPut(big.map((k) => ({ k })));
      const ks = async (range: object) => (await keys.query({ range })).map((row) => (row as { k: number }).k);
      expect(await ks({ gt: 2n ** 53n + 1n, lt: 2n ** 64n })).toEqual([2 ** 53 + 2, 2 ** 53 + 4]);
      expect(await ks({ gte: 2n ** 53n + 1n })).toEqual([2 ** 53 + 2, 2 ** 53 + 4, 2 ** 64]);
      expect(await ks({ lte: 2n ** 53n + 1n, gt: 0n })).toEqual([2 ** 53 - 1, 2 ** 53]);
      expect(await ks({ lt: -(2n ** 53n) - 1n })).toEqual([-(2 ** 53 + 2)]);
      expect(await ks({ eq: 2n ** 53n + 1n })).toEqual([]);
      expect(await ks({ eq: 2n ** 64n })).toEqual([2 ** 64]);
    });

    it('queries an index in index order, then primary key; multiEntry per element; compound paths', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.bulkPut([
        { title: 'b', tags: ['x', 'y', 'x'] },
        { title: 'a', tags: ['y'] },
        { title: 'b', tags: [] },
        { title: 'c', tags: 'z' },
      ]);
      const ids = (rows: unknown[]) => rows.map((row) => (row as { id: number }).id);
      expect(ids(await notes.query({ index: 'byTitle' }))).toEqual([2, 1, 3, 4]);
      expect(ids(await notes.query({ index: 'byTitle', direction: 'prev' }))).toEqual([4, 3, 1, 2]);
      expect(ids(await notes.query({ index: 'byTitle', range: { eq: 'b' } }))).toEqual([1, 3]);
      expect(ids(await notes.query({ index: 'byTag', range: { eq: 'y' } }))).toEqual([1, 2]);
      expect(ids(await notes.query({ index: 'byTag' }))).toEqual([1, 1, 2, 4]);
      expect(await notes.count({ index: 'byTag', range: { eq: 'x' } })).toBe(1);
      await expect(notes.query({ index: 'nope' })).rejects.toMatchObject({ name: 'NotFoundError' });
      const pairs = db.table('pairs');
      await pairs.bulkPut([{ a: 1, b: 'z' }, { a: 2, b: 'y' }, { a: 1, b: 'y' }]);
      expect(await pairs.get([1, 'y'])).toEqual({ a: 1, b: 'y' });
      const ab = (rows: unknown[]) => rows.map((row) => [(row as { a: number }).a, (row as { b: string }).b]);
      expect(ab(await pairs.query())).toEqual([[1, 'y'], [1, 'z'], [2, 'y']]);
      expect(ab(await pairs.query({ index: 'byBA', range: { gte: ['y', 2] } }))).toEqual([[2, 'y'], [1, 'z']]);
    });
  });

  describe(`${t.label}: transactions`, () => {
    it('commits everything together and resolves to the function’s result', async () => {
      const db = await open();
      const result = await db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        void tx.table('keys').put({ k: 2 }); // not awaited: still part of the transaction
        await tx.table('users').put({ email: 'a@x', handle: 'a' });
        return (await tx.table('keys').count()) as number;
      });
      expect(result).toBe(2);
      expect(await db.table('keys').count()).toBe(2);
      expect(await db.table('users').count()).toBe(1);
    });

    it('an error thrown mid-transaction leaves nothing written', async () => {
      const db = await open();
      await db.table('keys').put({ k: 'before' });
      const failure = db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 'x' });
        await tx.table('keys').delete('before');
        await tx.table('users').put({ email: 'a@x', handle: 'a' });
        throw new Error('changed my mind');
      });
      await expect(failure).rejects.toThrow('changed my mind');
      expect((await db.table('keys').query()).map((row) => (row as { k: string }).k)).toEqual(['before']);
      expect(await db.table('users').count()).toBe(0);
    });

    it('a failed request rolls back everything, even when the function catches it', async () => {
      const db = await open();
      await db.table('users').put({ email: 'a@x', handle: 'a' });
      const failure = db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await tx.table('users').add({ email: 'a@x', handle: 'b' }).catch(() => 'ignored');
        return 'done';
      });
      await expect(failure).rejects.toMatchObject({ name: 'ConstraintError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('awaiting something else inside is a TransactionInactiveError in words, with nothing written', async () => {
      const db = await open();
      let later: unknown;
      const failure = db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await new Promise((resolve) => setTimeout(resolve, 20));
        later = await tx.table('keys').put({ k: 2 }).catch((error: unknown) => error);
      });
      await expect(failure).rejects.toMatchObject({
        name: 'TransactionInactiveError',
        message: expect.stringContaining('awaited something other than its own operations'),
      });
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(later).toMatchObject({ name: 'TransactionInactiveError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('plain promises and microtasks inside are fine', async () => {
      const db = await open();
      await db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await Promise.resolve();
        await (async () => undefined)();
        await tx.table('keys').put({ k: 2 });
      });
      expect(await db.table('keys').count()).toBe(2);
    });

    it('refuses writes in readonly and tables outside its scope', async () => {
      const db = await open();
      await expect(db.transaction(['keys'], 'readonly', (tx) => tx.table('keys').put({ k: 1 }))).rejects.toMatchObject({ name: 'ReadOnlyError' });
      await expect(db.transaction(['keys'], 'readonly', async (tx) => tx.table('users').count())).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('two connections incrementing one counter concurrently lose no update', async () => {
      const a = await open();
      const b = await open();
      const increment = (db: Database) =>
        db.transaction(['keys'], 'readwrite', async (tx) => {
          const row = (await tx.table('keys').get('counter')) as { n: number } | undefined;
          await tx.table('keys').put({ k: 'counter', n: (row?.n ?? 0) + 1 });
        });
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
      expect(await a.table('keys').get('counter')).toEqual({ k: 'counter', n: 40 });
    });
  });

  describe(`${t.label}: change events`, () => {
    it('reports put, delete and clear per table with keys, after commit, and nothing for a rollback', async () => {
      const db = await open();
      const events: DbEvent[] = [];
      db.subscribe((event) => events.push(event));
      await db.table('keys').bulkPut([{ k: 1 }, { k: 2 }]);
      await db.table('keys').delete(1);
      await db.table('keys').clear();
      await db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 9 });
        throw new Error('no');
      }).catch(() => undefined);
      expect(events).toEqual([
        { type: 'put', table: 'keys', keys: [1, 2], origin: 'local', label: 'bulkPut' },
        { type: 'delete', table: 'keys', keys: [1], origin: 'local', label: 'delete' },
        { type: 'clear', table: 'keys', origin: 'local', label: 'clear' },
      ]);
    });

    it('another connection to the same database hears them as remote', async () => {
      const a = await open();
      const b = await open();
      const heard = new Promise<DbEvent>((resolve) => b.subscribe(resolve));
      await a.table('keys').put({ k: 'x' });
      expect(await heard).toEqual({ type: 'put', table: 'keys', keys: ['x'], origin: 'remote', label: 'put' });
    });
  });

  describe(`${t.label}: cache`, () => {
    it('get/set/delete/clear/keys, TTL expiry on a fake clock, prune counts what it removed', async () => {
      let now = 1_000;
      const db = await open({ cache: { now: () => now } });
      await db.cache.set('forever', { a: 1 });
      await db.cache.set('short', 'soon gone', { ttl: 100 });
      await db.cache.set('long', new Date(5), { ttl: 10_000 });
      expect(await db.cache.get('short')).toBe('soon gone');
      expect(await db.cache.keys()).toEqual(['forever', 'long', 'short']);
      now = 1_100;
      expect(await db.cache.get('short')).toBeUndefined();
      expect(await db.cache.keys()).toEqual(['forever', 'long']);
      expect(await db.cache.prune()).toBe(1);
      expect(await db.table('$cache').count()).toBe(2);
      expect(await db.cache.prune()).toBe(0);
      expect(await db.cache.get('long')).toEqual(new Date(5));
      await db.cache.delete('long');
      expect(await db.cache.keys()).toEqual(['forever']);
      await db.cache.clear();
      expect(await db.cache.keys()).toEqual([]);
      await expect(db.cache.set('x', 1, { ttl: -5 })).rejects.toThrow(/ttl/);
    });

    it('says in words when the layout was not asked for', async () => {
      const db = await open();
      expect(() => db.cache).toThrow(/cache: true/);
      expect(() => db.blobs).toThrow(/blobs: true/);
    });
  });

  describe(`${t.label}: blobs`, () => {
    it('stores a 1 MB blob natively and returns the same bytes and type; File names are kept', async () => {
      const db = await open({ blobs: true });
      const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
      const id = await db.blobs.put(new Blob([bytes], { type: 'application/x-test' }), { meta: { source: 'unit' } });
      const back = await db.blobs.get(id);
      expect(back?.type).toBe('application/x-test');
      expect(new Uint8Array(await (back as Blob).arrayBuffer())).toEqual(bytes);
      const file = await db.blobs.put(new File(['hello'], 'hello.txt', { type: 'text/plain' }));
      expect(await db.blobs.info(file)).toMatchObject({ id: file, name: 'hello.txt', type: 'text/plain', size: 5 });
      expect(await (await db.blobs.get(file))?.text()).toBe('hello');
      const info = await db.blobs.info(id);
      expect(info).toMatchObject({ id, name: '', size: bytes.length, meta: { source: 'unit' } });
      expect(typeof info?.created).toBe('number');
      expect((await db.blobs.list()).map((entry) => entry.id)).toEqual([id, file]);
      expect(await db.blobs.usage()).toBe(bytes.length + 5);
      await db.blobs.delete(id);
      expect(await db.blobs.get(id)).toBeUndefined();
      expect(await db.blobs.info(id)).toBeUndefined();
      expect(await db.blobs.usage()).toBe(5);
    });
  });

  describe(`${t.label}: versions`, () => {
    it('raising the version creates and deletes tables and indexes, then runs upgrade', async () => {
      const v1 = await open();
      await v1.table('notes').bulkPut([{ title: 'x', tags: [], words: 3 }, { title: 'y', tags: [], words: 5 }]);
      await v1.table('keys').put({ k: 'moved' });
      v1.close();
      const seen: unknown[] = [];
      const v2 = await openDatabase(name, {
        version: 2,
        tables: {
          notes: { key: 'id', autoIncrement: true, indexes: { byWords: 'words' } },
          archive: { key: 'k' },
        },
        provider: t.provider(),
        upgrade: async ({ oldVersion, newVersion, tx }) => {
          seen.push(oldVersion, newVersion);
          // A removed table is still readable here, so its rows can move.
          for (const row of await tx.table('keys').query()) await tx.table('archive').put(row);
        },
      });
      opened.push(v2);
      expect(seen).toEqual([1, 2]);
      expect(v2.version).toBe(2);
      expect(v2.tables().map((table) => table.name).sort()).toEqual(['archive', 'notes']);
      expect(v2.tables().find((table) => table.name === 'notes')?.indexes.map((index) => index.name)).toEqual(['byWords']);
      expect((await v2.table('notes').query({ index: 'byWords', range: { gt: 4 } })).length).toBe(1);
      expect(await v2.table('archive').get('moved')).toEqual({ k: 'moved' });
    });

    it('a failing upgrade leaves the old version and data in place', async () => {
      const v1 = await open();
      await v1.table('users').bulkPut([{ email: 'a', handle: 'h', team: 1 }, { email: 'b', handle: 'i', team: 1 }]);
      v1.close();
      const bad = openDatabase(name, {
        version: 2,
        tables: { users: { key: 'email', indexes: { byTeam: { path: 'team', unique: true } } } },
        provider: t.provider(),
      });
      await expect(bad).rejects.toMatchObject({ name: 'ConstraintError' });
      const again = await open();
      expect(again.version).toBe(1);
      expect(await again.table('users').count()).toBe(2);
      expect(again.tables().map((table) => table.name)).toContain('notes');
    });

    it('an upgrade that awaits something else fails with TransactionInactiveError and changes nothing', async () => {
      (await open()).close();
      const bad = openDatabase(name, {
        version: 2,
        tables: { keys: { key: 'k' } },
        provider: t.provider(),
        upgrade: async ({ tx }) => {
          await tx.table('keys').put({ k: 'written in the upgrade' });
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      await expect(bad).rejects.toMatchObject({ name: 'TransactionInactiveError' });
      const again = await open();
      expect(again.version).toBe(1);
      expect(await again.table('keys').count()).toBe(0);
    });

    it('lowering the version is a VersionError; changing a key path is an error in words', async () => {
      (await open({ version: 3 })).close();
      await expect(open({ version: 2 })).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('version 3') });
      await expect(open({ version: 4, tables: { notes: { key: 'uuid' } } })).rejects.toThrow(/cannot change in place/);
    });

    it('an old connection closes itself when another upgrades, and says why', async () => {
      const old = await open();
      const events: DbEvent[] = [];
      old.subscribe((event) => events.push(event));
      const next = await open({ version: 2 });
      expect(next.version).toBe(2);
      expect(old.closed).toBe(true);
      expect(events).toEqual([
        { type: 'versionchange', newVersion: 2 },
        { type: 'close', reason: 'another connection upgrades it to version 2' },
      ]);
      await expect(old.table('keys').count()).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
    });

    it('delete() removes the database with its rows', async () => {
      const db = await open();
      await db.table('keys').put({ k: 1 });
      await db.delete();
      expect(db.closed).toBe(true);
      const fresh = await open();
      expect(await fresh.table('keys').count()).toBe(0);
    });
  });
});
