/** What only IndexedDB does: being unusable, and other connections that hold an old version open. */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recentReports, registered } from '../../registry/registry.js';
import { DatabaseUnavailableError, openDatabase, type DbEvent } from '../index.js';
import { mapError, withoutUndefinedKey } from './indexeddb-transaction.js';

const tables = { notes: { key: 'id' } };

// Browsers bind IDBCursor.advance(count) as an [EnforceRange] unsigned long: a count past
// 2^32 - 1 is a TypeError. fake-indexeddb takes any whole number, so it is made to refuse as
// browsers do, for the whole file: `idb` recognises a cursor's advance by the function it finds
// on the prototype the first time, so it is replaced before any cursor is opened.
const cursorPrototype = (globalThis as unknown as { IDBCursor: { prototype: { advance(count: number): void } } }).IDBCursor.prototype;
const fakeAdvance = cursorPrototype.advance;
const advanced: number[] = [];
cursorPrototype.advance = function (this: unknown, count: number) {
  advanced.push(count);
  if (count > 0xffff_ffff) throw new TypeError("Failed to execute 'advance' on 'IDBCursor': Value is outside the 'unsigned long' value range.");
  fakeAdvance.call(this, count);
};
const real = globalThis.indexedDB;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  globalThis.indexedDB = real;
});

describe('unusable IndexedDB', () => {
  it('absent: a DatabaseUnavailableError with the reason', async () => {
    // @ts-expect-error -- a browser without IndexedDB (or a worker where it is missing)
    delete globalThis.indexedDB;
    const error = await openDatabase('gone', { version: 1, tables }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ name: 'DatabaseUnavailableError', reason: 'indexedDB is not defined in this environment' });
  });

  it("blocked by the browser: the browser's words are the reason", async () => {
    globalThis.indexedDB = {
      open() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    } as unknown as IDBFactory;
    await expect(openDatabase('blocked', { version: 1, tables })).rejects.toMatchObject({
      name: 'DatabaseUnavailableError',
      reason: 'SecurityError: The operation is insecure.',
      message: expect.stringContaining("IndexedDB cannot open 'blocked'"),
    });
  });

  it('the open request fails: the error is the reason', async () => {
    type FakeRequest = IDBOpenDBRequest & { readyState: string; error: DOMException; listeners: { type: string; callback: (event: object) => void }[] };
    globalThis.indexedDB = {
      open() {
        // fake-indexeddb's request class, failed by hand: old Firefox private windows answered
        // every open with an InvalidStateError.
        const request = new (globalThis.IDBOpenDBRequest as unknown as new () => FakeRequest)();
        queueMicrotask(() => {
          request.readyState = 'done';
          request.error = new DOMException('A mutation operation was attempted', 'InvalidStateError');
          for (const listener of request.listeners.slice()) if (listener.type === 'error') listener.callback.call(request, { type: 'error' });
        });
        return request;
      },
    } as unknown as IDBFactory;
    await expect(openDatabase('private', { version: 1, tables })).rejects.toMatchObject({
      name: 'DatabaseUnavailableError',
      reason: 'InvalidStateError: A mutation operation was attempted',
    });
  });

  it("with fallback: 'memory' it opens in memory and says so, to the app and the registry", async () => {
    // @ts-expect-error -- no IndexedDB
    delete globalThis.indexedDB;
    const db = await openDatabase('fallback', { version: 1, tables, fallback: 'memory' });
    expect(db.provider).toBe('memory');
    expect(db.persistent).toBe(false);
    expect(db.reason).toBe('indexedDB is not defined in this environment');
    await db.table('notes').put({ id: 1 });
    expect(await db.table('notes').get(1)).toEqual({ id: 1 });
    expect(registered('database').some((entry) => entry.deref() === db)).toBe(true);
    expect(recentReports().some((report) => report.type === 'fallback' && report.message.includes("'fallback' is in memory"))).toBe(true);
    db.close();
  });
});

describe('another connection on the old version', () => {
  it('the open waits, reports blocked, and completes once the old connection closes', async () => {
    const old = await new Promise<IDBDatabase>((resolve) => {
      // A connection that ignores versionchange (another library, an old tab).
      const request = indexedDB.open('held', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('notes', { keyPath: 'id' });
      request.onsuccess = () => resolve(request.result);
    });
    const events: DbEvent[] = [];
    let settled = false;
    const opening = openDatabase('held', { version: 2, tables, subscribe: (event) => events.push(event) }).then((db) => {
      settled = true;
      return db;
    });
    await until(() => events.length > 0);
    expect(events).toEqual([{ type: 'blocked', oldVersion: 1, newVersion: 2 }]);
    expect(settled).toBe(false);
    expect(recentReports().some((report) => report.type === 'blocked' && report.message.includes('version 2 waits'))).toBe(true);
    old.close();
    const db = await opening;
    expect(db.version).toBe(2);
    db.close();
  });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('quota', () => {
  it("gives Chromium's wordless QuotaExceededError words, keeping its name", () => {
    const mapped = mapError(new DOMException('', 'QuotaExceededError'), 'commit') as DOMException;
    expect(mapped.name).toBe('QuotaExceededError');
    expect(mapped.message).toMatch(/^commit: the storage quota of this origin is used up .*nothing of the transaction was written\.$/);
    const worded = new DOMException('Quota exceeded for this store.', 'QuotaExceededError');
    expect(mapError(worded, 'commit')).toBe(worded);
  });
});

describe('when an operation resolves', () => {
  /** Every transaction IndexedDB opens from now on, and whether its `complete` event has fired. */
  function watchTransactions(): { mode: IDBTransactionMode; completed: boolean }[] {
    const seen: { mode: IDBTransactionMode; completed: boolean }[] = [];
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof open>) {
      const tx = open.apply(this, args);
      const entry = { mode: tx.mode, completed: false };
      seen.push(entry);
      tx.addEventListener('complete', () => (entry.completed = true));
      return tx;
    } as typeof open;
    restore.push(() => (IDBDatabase.prototype.transaction = open));
    return seen;
  }
  const restore: (() => void)[] = [];
  afterEach(() => {
    for (const undo of restore.splice(0)) undo();
  });

  it('a read as soon as its request succeeded (one backend trip less); a write only once it is saved', async () => {
    const db = await openDatabase(`resolve-${Math.random()}`, { version: 1, tables: { rows: { key: 'id' } } });
    const seen = watchTransactions();
    await db.table('rows').put({ id: 1, text: 'a' });
    expect(seen).toEqual([{ mode: 'readwrite', completed: true }]);
    await expect(db.table('rows').query()).resolves.toEqual([{ id: 1, text: 'a' }]);
    await expect(db.table('rows').get(1)).resolves.toEqual({ id: 1, text: 'a' });
    expect(seen.slice(1).map((tx) => tx.mode)).toEqual(['readonly', 'readonly']);
    expect(seen.at(-1)!.completed).toBe(false);
    // A write right after a read sees what the read saw, and its own result is saved when it resolves.
    await db.table('rows').put({ id: 1, text: 'b' });
    expect(seen.at(-1)).toEqual({ mode: 'readwrite', completed: true });
    await expect(db.table('rows').get(1)).resolves.toEqual({ id: 1, text: 'b' });
    db.close();
  });
});

describe('bulkPut: the keys it gives back are the keys stored', () => {
  class Row {
    constructor(private readonly _n: number) {}
    get id(): number {
      return this._n;
    }
  }

  it('a key IndexedDB cannot see in the row (inherited getter, hidden property) is generated, and that is the key returned', async () => {
    const db = await openDatabase(`keys-${Math.random()}`, { version: 1, tables: { items: { key: 'id', autoIncrement: true } } });
    const changed: unknown[] = [];
    db.subscribe((event) => {
      if (event.type === 'put') changed.push(...event.keys);
    });
    const hidden = Object.defineProperty({ text: 'hidden' }, 'id', { value: 7, enumerable: false });
    const keys = await db.table('items').bulkPut([hidden, new Row(9), { text: 'last' }]);
    expect(keys).toEqual([1, 2, 3]);
    await expect(db.table('items').get(7)).resolves.toBeUndefined();
    await expect(db.table('items').get(9)).resolves.toBeUndefined();
    expect(await db.table('items').get(1)).toEqual({ text: 'hidden', id: 1 });
    expect(changed).toEqual([1, 2, 3]);
    db.close();
  });

  it('an own getter is read once, by IndexedDB: the key returned is the one it stored', async () => {
    const db = await openDatabase(`getter-${Math.random()}`, { version: 1, tables: { items: { key: 'id' } } });
    let reads = 0;
    const row = {
      text: 'counted',
      get id() {
        reads += 1;
        return reads * 10;
      },
    };
    const keys = await db.table('items').bulkPut([row, { id: 99 }]);
    const stored = await db.table('items').query();
    expect(stored.map((item) => (item as { id: number }).id)).toEqual(keys.slice().sort((a, b) => Number(a) - Number(b)));
    expect(keys[0]).toBe((stored.find((item) => (item as { text?: string }).text === 'counted') as { id: number }).id);
    db.close();
  });
});

describe('a generated key that is there but undefined', () => {
  it('is left out of a copy along a nested key path; the row itself and any other row stay as they are', async () => {
    const row = { meta: { id: undefined, at: 1 }, title: 'a' };
    const stored = withoutUndefinedKey(row, 'meta.id');
    expect(stored).toEqual({ meta: { at: 1 }, title: 'a' });
    expect(Object.hasOwn((stored as typeof row).meta, 'id')).toBe(false);
    expect(Object.hasOwn(row.meta, 'id')).toBe(true);
    const keyed = { meta: { id: 3 } };
    expect(withoutUndefinedKey(keyed, 'meta.id')).toBe(keyed);
    const inherited = Object.create({ id: undefined }) as object;
    expect(withoutUndefinedKey(inherited, 'id')).toBe(inherited);
    const db = await openDatabase('nested-generated', { version: 1, tables: { notes: { key: 'meta.id', autoIncrement: true } } });
    expect(await db.table('notes').put(row)).toBe(1);
    expect(await db.table('notes').get(1)).toEqual({ meta: { id: 1, at: 1 }, title: 'a' });
    db.close();
  });

  it('keeps what the row holds beyond plain fields (a Map, a Date), and still refuses a Proxy', async () => {
    const db = await openDatabase('generated-kinds', { version: 1, tables: { things: { key: 'id', autoIncrement: true } } });
    const things = db.table('things');
    class Inventory extends Map<string, number> {
      id?: number = undefined;
    }
    const inventory = new Inventory([['apples', 3]]);
    const key = await things.put(inventory);
    expect((await things.get(key)) as Map<string, number>).toBeInstanceOf(Map);
    expect(((await things.get(key)) as Map<string, number>).get('apples')).toBe(3);
    const dated = { id: undefined, at: new Date(5) };
    const second = await things.put(dated);
    expect(await things.get(second)).toEqual({ id: second, at: new Date(5) });
    await expect(things.put(new Proxy({ id: undefined, v: 1 }, {}))).rejects.toMatchObject({ name: 'DataCloneError' });
    db.close();
  });
});

describe('query offsets past 2^32 - 1', () => {
  it('skipping 2^32 or more rows of a 3-row table gives no rows, not an error, in either direction', async () => {
    const db = await openDatabase('offsets', { version: 1, tables });
    await db.table('notes').bulkPut([{ id: 1 }, { id: 2 }, { id: 3 }]);
    advanced.length = 0;
    expect(await db.table('notes').query({ offset: 2 ** 32 })).toEqual([]);
    expect(await db.table('notes').query({ offset: Number.MAX_SAFE_INTEGER, direction: 'prev' })).toEqual([]);
    // One step each: the cursor had ended after it, so nothing more was asked of it.
    expect(advanced).toEqual([0xffff_ffff, 0xffff_ffff]);
    expect(await db.table('notes').query({ offset: 1, limit: 1 })).toEqual([{ id: 2 }]);
    expect(await db.table('notes').query({ offset: 2, direction: 'prev' })).toEqual([{ id: 1 }]);
    db.close();
  });
});
