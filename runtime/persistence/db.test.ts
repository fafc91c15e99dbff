/** States persisted to a database, through the real store: restore, follow other tabs, atomic transact. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { recentReports } from '../registry/registry.js';
import { Store } from '../store/index.js';
import { DatabaseUnavailableError, indexeddb, memory, openDatabase, type Database, type Provider } from '../db/index.js';
import { libsql } from '../db/libsql.js';

const folder = mkdtempSync(path.join(tmpdir(), 'stratum-persist-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let count = 0;
const places: Array<[string, () => () => Provider]> = [
  ['memory', () => memory],
  [
    'indexeddb',
    () => {
      globalThis.indexedDB = new IDBFactory();
      return indexeddb;
    },
  ],
  [
    'libsql file',
    () => {
      const url = `file:${path.join(folder, `p-${++count}.sqlite`)}`;
      return () => libsql({ url });
    },
  ],
];

describe.each(places)('%s', (_label, makePlace) => {
  let provider: () => Provider = makePlace();
  let name = '';
  beforeEach(() => {
    provider = makePlace();
    name = `persist-${++count}`;
  });

  const open = (): Promise<Database> =>
    openDatabase(name, { version: 1, tables: { states: { key: 'id' } }, cache: true, provider: provider() });

  it('restores a state in a new store (a reload), from $cache by default', async () => {
    const db = await open();
    const before = new Store({ name: 'before' }).createState(0, { key: 'count', scope: 'app', persist: { db } });
    await before.ready;
    before.set(41);
    before.set(42);
    await until(async () => (await db.cache.get(before.id)) === 42);
    const after = new Store({ name: 'after' }).createState(0, { key: 'count', scope: 'app', persist: { db } });
    await after.ready;
    expect(after.get()).toBe(42);
    expect(after.persistence).toBe(`db:${name}/$cache`);
    db.close();
  });

  it('keeps a state in a table of the app’s own, keyed by the state id', async () => {
    const db = await open();
    const state = new Store().createState({ theme: 'light' }, { key: 'prefs', scope: 'app', persist: { db, table: 'states' } });
    await state.ready;
    state.set({ theme: 'dark' });
    await until(async () => (await db.table('states').get(state.id)) !== undefined);
    expect(await db.table('states').get(state.id)).toEqual({ id: state.id, value: { theme: 'dark' } });
    db.close();
  });

  it('two tabs incrementing concurrently with transact lose no update, and each follows the other', async () => {
    const tabA = await open();
    const tabB = await open();
    const a = new Store({ name: 'tab-a' }).createState(0, { key: 'counter', scope: 'app', persist: { db: tabA } });
    const b = new Store({ name: 'tab-b' }).createState(0, { key: 'counter', scope: 'app', persist: { db: tabB } });
    await Promise.all([a.ready, b.ready]);
    const runs = Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).transact((n) => n + 1));
    await Promise.all(runs);
    expect(await tabA.cache.get(a.id)).toBe(60);
    await until(async () => a.get() === 60 && b.get() === 60);
    tabA.close();
    tabB.close();
  });

  it('transact after a failed restore (the engine away) loads again, and rejects while it fails, instead of counting in memory', async () => {
    const db = await open();
    const other = await open();
    const first = new Store({ name: 'first' }).createState(0, { key: 'counter', scope: 'app', persist: { db: other } });
    await first.ready;
    for (let i = 0; i < 5; i++) await first.transact((n) => n + 1);
    // Every read and transaction fails while `away` (a server restarting), through the real store and adapter.
    let away = true;
    const flaky = failingWhile(db, () => away);
    const late = new Store({ name: 'late' }).createState(0, { key: 'counter', scope: 'app', persist: { db: flaky } });
    await late.ready;
    expect(late.get()).toBe(0);
    await expect(late.transact((n) => n + 1)).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
    expect(late.get()).toBe(0);
    away = false;
    expect(await Promise.all([late.transact((n) => n + 1), late.transact((n) => n + 1)])).toEqual([6, 7]);
    expect(late.get()).toBe(7);
    expect(await db.cache.get(first.id)).toBe(7);
    // It follows the storage from then on.
    await first.transact((n) => n + 1);
    await until(() => late.get() === 8);
    other.close();
    db.close();
  });

  it('a set after a failed restore (the engine away) reaches the storage once it is back, so a reload brings it back', async () => {
    const db = await open();
    let away = true;
    const flaky = failingWhile(db, () => away);
    const theme = new Store({ name: 'late' }).createState('light', { key: 'theme', scope: 'app', persist: { db: flaky } });
    await theme.ready;
    theme.set('dark');
    await tick(20);
    away = false;
    theme.set('sepia');
    await until(async () => (await db.cache.get(theme.id)) === 'sepia');
    const reload = new Store({ name: 'reload' }).createState('light', { key: 'theme', scope: 'app', persist: { db } });
    await reload.ready;
    expect(reload.get()).toBe('sepia');
    db.close();
  });

  it("another tab's write made while the stored value loads is followed, not missed", async () => {
    const tabA = await open();
    const tabB = await open();
    const b = new Store({ name: 'tab-b' }).createState('init', { key: 'k', scope: 'app', persist: { db: tabB } });
    await b.ready;
    let first = true;
    // Tab A's restore read returns what it read only after tab B wrote, and that write's event reached tab A.
    const slow = new Proxy(tabA, {
      get(target, property) {
        if (property === 'table') {
          return (table: string) => {
            const rows = target.table(table);
            return new Proxy(rows, {
              get: (real, method) => {
                if (method !== 'get' || !first) return (Reflect.get(real, method) as (...args: unknown[]) => unknown).bind(real);
                first = false;
                return async (key: unknown) => {
                  const read = await (real.get as (key: unknown) => Promise<unknown>)(key);
                  b.set('B-during-load');
                  await tick(100);
                  return read;
                };
              },
            });
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const a = new Store({ name: 'tab-a' }).createState('init', { key: 'k', scope: 'app', persist: { db: slow } });
    await a.ready;
    await until(async () => (await tabA.cache.get(a.id)) === 'B-during-load');
    await tick(100);
    expect(a.get()).toBe('B-during-load');
    tabA.close();
    tabB.close();
  });

  it("a set made while another tab's change is read wins: both tabs end on it, as stored", async () => {
    const tabA = await open();
    const tabB = await open();
    const a = new Store({ name: 'tab-a' }).createState('init', { key: 'k', scope: 'app', persist: { db: tabA } });
    const b = new Store({ name: 'tab-b' }).createState('init', { key: 'k', scope: 'app', persist: { db: tabB } });
    await Promise.all([a.ready, b.ready]);
    let fired = false;
    // Runs right after the persistence's own listener began reading tab B's change: the user
    // sets a value in tab A while that read is under way.
    tabA.subscribe((event) => {
      if (fired || !('table' in event) || event.origin !== 'remote') return;
      fired = true;
      a.set('A-later');
    });
    b.set('B-earlier');
    await until(() => fired && b.get() === 'A-later');
    await tick(50);
    expect(await tabA.cache.get(a.id)).toBe('A-later');
    expect(a.get()).toBe('A-later');
    expect(b.get()).toBe('A-later');
    tabA.close();
    tabB.close();
  });

  it('a set made while a transact is under way wins in memory too, as it is the one stored last', async () => {
    const db = await open();
    const counter = new Store({ name: 'a' }).createState(0, { key: 'n', scope: 'app', persist: { db } });
    await counter.ready;
    // The user sets a value while the transaction is open (its write then waits for the transaction).
    const pending = counter.transact((n) => {
      queueMicrotask(() => counter.set(100));
      return n + 1;
    });
    await pending;
    await tick(50);
    expect(await db.cache.get(counter.id)).toBe(100);
    expect(counter.get()).toBe(100);
    db.close();
  });

  it("follows this page's other writers of its row (the panel's edit, the app's own put), not its own writes", async () => {
    const db = await open();
    const cart = new Store({ name: 'shop' }).createState<string[]>([], { key: 'cart', scope: 'app', persist: { db } });
    await cart.ready;
    let changes = 0;
    cart.subscribe(() => void changes++);
    cart.set(['socks']);
    await tick(30);
    // Its own write is not read back and applied again.
    expect(changes).toBe(1);
    // The panel's Database tab edits the row through the same database.
    await db.cache.set(cart.id, ['socks', 'hat']);
    await until(() => cart.get().length === 2);
    expect(cart.get()).toEqual(['socks', 'hat']);
    cart.set((items) => [...items, 'shoes']);
    await tick(30);
    expect(await db.cache.get(cart.id)).toEqual(['socks', 'hat', 'shoes']);
    db.close();
  });

  it("follows another store's state of the same scope and key on the page, which shares its row", async () => {
    const db = await open();
    const a = new Store({ name: 'header' }).createState('light', { key: 'theme', scope: 'app', persist: { db } });
    const b = new Store({ name: 'settings' }).createState('light', { key: 'theme', scope: 'app', persist: { db } });
    await Promise.all([a.ready, b.ready]);
    let heard = 0;
    a.subscribe(() => void heard++);
    a.set('dark');
    await until(() => b.get() === 'dark');
    b.set('sepia');
    await until(() => a.get() === 'sepia');
    await tick(30);
    // Each state hears its own write once and the other's once: neither reads its own back.
    expect(heard).toBe(2);
    expect(await db.cache.get(a.id)).toBe('sepia');
    db.close();
  });

  it('a missing table is reported, and the state keeps working in memory', async () => {
    const db = await openDatabase(name, { version: 1, tables: {}, provider: provider() });
    const state = new Store({ name: 'no-cache' }).createState('x', { key: 'k', scope: 'app', persist: { db } });
    await state.ready;
    state.set('y');
    expect(state.get()).toBe('y');
    expect(recentReports().some((report) => report.message.includes('{ cache: true }'))).toBe(true);
    db.close();
  });
});

/** `db` whose reads and transactions fail while `away()` (a server restarting), as DatabaseUnavailableError. */
function failingWhile(db: Database, away: () => boolean): Database {
  const unavailable = (): Promise<never> => Promise.reject(new DatabaseUnavailableError('Redis failed during a read: Connection is closed.', 'Connection is closed.'));
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') return (...args: Parameters<Database['transaction']>) => (away() ? unavailable() : target.transaction(...args));
      if (property === 'table') {
        return (table: string) => new Proxy(target.table(table), { get: (rows, method) => (away() && method === 'get' ? unavailable : (Reflect.get(rows, method) as unknown)) });
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let tries = 0; !(await check()); tries++) {
    if (tries > 400) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
