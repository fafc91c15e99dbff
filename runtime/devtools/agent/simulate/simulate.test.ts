import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { installWindow, type FakeWindow } from '../../../../test/helpers/webstorage-fakes.js';
import { openDatabase } from '../../../db/index.js';
import { memory } from '../../../db/providers/memory.js';
import { Command, Event } from '../../../protocol/messages.js';
import { faults } from '../../../registry/faults.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';
import { webstorage, WebStorageQuotaError } from '../../../webstorage/index.js';

let fake: FakeWindow | undefined;
afterEach(async () => {
  fake?.uninstall();
  fake = undefined;
});

async function connected() {
  const t = kit();
  await t.hello();
  return t;
}

async function off(t: Awaited<ReturnType<typeof connected>>) {
  await t.call(Command.simulate, { off: 'all' });
  expect(faults.storage).toBeUndefined();
  expect(faults.transaction).toBeUndefined();
}

describe('simulate: webstorage', () => {
  it('blocks localStorage with the SecurityError Chromium throws: the webstorage falls back and says why; off rechecks it', async () => {
    fake = installWindow();
    const storage = webstorage('local', { namespace: 'sim-block' });
    storage.set('a', 1);
    const t = await connected();
    const { active } = await t.call(Command.simulate, { on: { fault: 'blocked', kind: 'local' } });
    expect(active).toMatchObject([{ id: 'blocked:local', pinned: false, description: expect.stringContaining('SecurityError') }]);
    storage.set('b', 2);
    expect(storage.available).toBe(false);
    expect(storage.reason).toBe("SecurityError: Failed to read the 'localStorage' property from 'Window': Access is denied for this document.");
    const reports = t.events(Event.report).map((report) => report.type);
    expect(reports).toContain('simulate');
    await off(t);
    expect(storage.available).toBe(true);
    expect(storage.get('b')).toBe(2);
    expect(t.events(Event.report).map((report) => report.type)).toContain('simulate-off');
  });

  it('a quota per namespace: past it set throws WebStorageQuotaError caused by QuotaExceededError; other namespaces write on', async () => {
    fake = installWindow();
    const small = webstorage('local', { namespace: 'sim-q' });
    const other = webstorage('local', { namespace: 'sim-q2' });
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'quota', storage: registryId(small)!, bytes: 100 } });
    small.set('k', 'x'.repeat(10));
    let caught: unknown;
    try {
      small.set('big', 'x'.repeat(100));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebStorageQuotaError);
    expect((caught as Error).cause).toMatchObject({ name: 'QuotaExceededError', message: "Failed to execute 'setItem' on 'Storage': Setting the value of 'sim-q:big' exceeded the quota." });
    expect(small.get('big')).toBeUndefined();
    other.set('big', 'x'.repeat(100));
    expect(other.get('big')).toHaveLength(100);
    await off(t);
    small.set('big', 'x'.repeat(100));
    expect(small.get('big')).toHaveLength(100);
  });
});

describe('simulate: databases', () => {
  it('aborts the next readwrite transaction only, with AbortError, and nothing of it lands', async () => {
    const db = await openDatabase('sim-abort', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'abortNext', database: registryId(db)! } });
    await expect(db.table('notes').get(1)).resolves.toBeUndefined();
    await expect(db.table('notes').put({ id: 1 })).rejects.toMatchObject({ name: 'AbortError', message: 'The transaction was aborted, so the request cannot be fulfilled.' });
    await expect(db.table('notes').get(1)).resolves.toBeUndefined();
    await db.table('notes').put({ id: 2 });
    expect(await db.table('notes').count()).toBe(1);
    expect((await t.call(Command.simulate, {})).active).toEqual([]);
    expect(t.events(Event.report).at(-1)).toMatchObject({ type: 'simulate-off', kind: 'database', id: registryId(db) });
  });

  it('a database quota counts what is stored: the transaction past it aborts with QuotaExceededError', async () => {
    const db = await openDatabase('sim-dbq', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    await db.table('notes').put({ id: 1, text: 'x'.repeat(100) });
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'quota', database: registryId(db)!, bytes: 400 } });
    await db.table('notes').put({ id: 1, text: 'y'.repeat(150) });
    await expect(
      db.transaction(['notes'], 'readwrite', async (tx) => {
        await tx.table('notes').put({ id: 2, text: 'z'.repeat(300) });
      }),
    ).rejects.toMatchObject({ name: 'QuotaExceededError', message: expect.stringContaining('storage quota') });
    expect(await db.table('notes').get(2)).toBeUndefined();
    await off(t);
    await db.table('notes').put({ id: 2, text: 'z'.repeat(300) });
  });

  it('IndexedDB fails to open with UnknownError: fallback "memory" runs as it would', async () => {
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'openFails' } });
    await expect(openDatabase('sim-open', { version: 1, tables: { a: { key: 'id' } } })).rejects.toMatchObject({
      name: 'DatabaseUnavailableError',
      reason: 'UnknownError: Internal error opening backing store for indexedDB.open.',
    });
    const fallback = await openDatabase('sim-open2', { version: 1, tables: { a: { key: 'id' } }, fallback: 'memory' });
    expect(fallback.provider).toBe('memory');
    await off(t);
    expect(faults.open).toBeUndefined();
    expect((await openDatabase('sim-open3', { version: 1, tables: { a: { key: 'id' } } })).provider).toBe('indexeddb');
  });

  it('a versionchange as if from another tab closes the connection; the stored version stays', async () => {
    const db = await openDatabase('sim-vc', { version: 3, tables: { a: { key: 'id' } } });
    const events: string[] = [];
    db.subscribe((event) => events.push(event.type));
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'versionchange', database: registryId(db)! } });
    expect(events).toEqual(['versionchange', 'close']);
    expect(db.closed).toBe(true);
    const again = await openDatabase('sim-vc', { version: 3, tables: { a: { key: 'id' } } });
    expect(again.version).toBe(3);
    await off(t);
  });

  it('a clock offset moves Cache TTLs; off restores them', async () => {
    const db = await openDatabase('sim-clock', { version: 1, tables: {}, cache: true, provider: memory() });
    await db.cache.set('k', 1, { ttl: 60_000 });
    const t = await connected();
    await t.call(Command.simulate, { on: { fault: 'clock', offset: 3_600_000 } });
    expect(await db.cache.get('k')).toBeUndefined();
    await off(t);
    expect(await db.cache.get('k')).toBe(1);
  });

  it('refuses bad input in words and changes nothing', async () => {
    const t = await connected();
    await expect(t.call(Command.simulate, { on: { fault: 'abortNext', database: 9999 } })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.simulate, { off: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await t.call(Command.simulate, {})).active).toEqual([]);
  });
});

describe('storage budget', () => {
  it('sizes namespaces (UTF-16) and tables (codec UTF-8), indexes, and lists the largest items', async () => {
    fake = installWindow();
    const storage = webstorage('local', { namespace: 'budget' });
    storage.set('small', 'a');
    storage.set('large', 'x'.repeat(1000));
    const db = await openDatabase('budget-db', { version: 1, tables: { notes: { key: 'id', indexes: { tag: 'tag' } } }, provider: memory() });
    await db.table('notes').bulkPut([{ id: 1, tag: 't', text: 'é'.repeat(500) }, { id: 2, tag: 'u', text: 'short' }]);
    const t = await connected();
    const budget = await t.call(Command.storageBudget, { top: 1 });
    const ns = budget.webstorages.find((entry) => entry.namespace === 'budget')!;
    expect(ns.keys).toBe(2);
    expect(ns.top).toEqual([{ key: 'large', bytes: ('budget:large'.length + storage.rawEntries().find((e) => e.key === 'large')!.text.length) * 2 }]);
    expect(ns.bytes).toBe(storage.rawEntries().reduce((sum, entry) => sum + entry.bytes, 0));
    const notes = budget.databases.find((entry) => entry.name === 'budget-db')!.tables.find((table) => table.name === 'notes')!;
    expect(notes.rows).toBe(2);
    expect(notes.top).toEqual([{ key: 1, bytes: expect.any(Number) }]);
    // 500 × "é" is 1,000 UTF-8 bytes of the row's text.
    expect(notes.top[0]!.bytes).toBeGreaterThan(1000);
    expect(notes.indexes).toEqual([{ name: 'tag', bytes: expect.any(Number) }]);
    expect(budget.warnAt).toBe(0.8);
  });
});

describe('storage budget: sparse arrays', () => {
  it('sizes a row holding a sparse array (a[1e6] = 1) by what IndexedDB and memory store, not a million holes', async () => {
    const db = await openDatabase('budget-sparse', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const sparse: number[] = [];
    sparse[1_000_000] = 1;
    const shared = { tag: 'x' };
    await db.table('notes').bulkPut([{ id: 1, list: sparse, a: shared, b: shared }, { id: 2, text: 'y'.repeat(200) }]);
    const t = await connected();
    const budget = await t.call(Command.storageBudget, { top: 2 });
    const notes = budget.databases.find((entry) => entry.name === 'budget-sparse')!.tables.find((table) => table.name === 'notes')!;
    // Before: row 1 was listed first at over 14,000,000 bytes ({"$t":"hole"} a million times),
    // the table at 14 MB, where structured clone stores a length and one element.
    expect(notes.top.map((item) => item.key)).toEqual([2, 1]);
    expect(notes.top[1]!.bytes).toBeLessThan(200);
    expect(notes.bytes).toBeLessThan(400);
  });

  it('keeps sizing holes where the provider writes the codec text (SQLite writes every hole)', async () => {
    const { libsql } = await import('../../../db/libsql.js');
    const db = await openDatabase('budget-sparse-sql', { version: 1, tables: { notes: { key: 'id' } }, provider: libsql({ url: ':memory:' }) });
    const sparse: number[] = [];
    sparse[1000] = 1;
    await db.table('notes').put({ id: 1, list: sparse });
    const t = await connected();
    const budget = await t.call(Command.storageBudget, { top: 1 });
    const notes = budget.databases.find((entry) => entry.name === 'budget-sparse-sql')!.tables.find((table) => table.name === 'notes')!;
    expect(notes.top[0]!.bytes).toBeGreaterThan(1000 * '{"$t":"hole"},'.length);
    db.close();
  });
});

describe('storage budget with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('lists no key or row with a redacted part among the largest (its size would tell the secret\'s length); totals still count it', async () => {
    fake = installWindow();
    configureDevtools({ redact: (path) => path.at(-1) === 'token' || path.at(-1) === 'pin' });
    const storage = webstorage('local', { namespace: 'budget-secret' });
    storage.set('token', 'x'.repeat(1000));
    storage.set('note', 'short');
    const db = await openDatabase('budget-secret-db', { version: 1, tables: { users: { key: 'id' } }, provider: memory() });
    await db.table('users').bulkPut([{ id: 1, pin: '9'.repeat(500) }, { id: 2, name: 'ann' }]);
    const t = await connected();
    const budget = await t.call(Command.storageBudget, { top: 5 });
    const ns = budget.webstorages.find((entry) => entry.namespace === 'budget-secret')!;
    expect(ns.top.map((item) => item.key)).toEqual(['note']);
    expect(ns.bytes).toBe(storage.rawEntries().reduce((sum, entry) => sum + entry.bytes, 0));
    const users = budget.databases.find((entry) => entry.name === 'budget-secret-db')!.tables.find((table) => table.name === 'users')!;
    expect(users.top.map((item) => item.key)).toEqual([2]);
  });
});

describe('storage budget: blob stores', () => {
  it('counts the blob store by its blobs, whatever order the tables are listed in', async () => {
    const db = await openDatabase('budget-blobs', { version: 1, tables: {}, blobs: true });
    await db.blobs.put(new Blob(['x'.repeat(5000)]));
    const t = await connected();
    const budget = await t.call(Command.storageBudget, {});
    const entry = budget.databases.find((candidate) => candidate.name === 'budget-blobs')!;
    expect(entry.blobs!.count).toBe(1);
    expect(entry.blobs!.bytes).toBeGreaterThanOrEqual(5000);
  });
});

describe('pinned simulations', () => {
  it('are kept in the tab\'s sessionStorage and come back when the agent starts again', async () => {
    fake = installWindow();
    const storage = webstorage('local', { namespace: 'sim-pin' });
    (globalThis as { sessionStorage?: Storage }).sessionStorage = fake.window.sessionStorage;
    try {
      const t = await connected();
      await t.call(Command.simulate, { on: { fault: 'quota', storage: registryId(storage)!, bytes: 10 }, pinned: true });
      await t.call(Command.simulate, { on: { fault: 'clock', offset: 1000 } });
      expect(JSON.parse(fake.window.sessionStorage.getItem('stratum-devtools/simulate')!)).toEqual([{ fault: 'quota', kind: 'local', namespace: 'sim-pin', bytes: 10 }]);
      // What a reload does to the page's memory: every fault gone, the pin still in sessionStorage.
      const { removeFault, activeFaults } = await import('./faults.js');
      for (const fault of activeFaults()) removeFault(fault.id);
      const { restorePinned } = await import('./commands.js');
      await restorePinned();
      expect((await t.call(Command.simulate, {})).active.map((entry) => [entry.id, entry.pinned])).toEqual([['quota:local:sim-pin', true]]);
      expect(() => storage.set('k', 'too long for ten bytes')).toThrow(WebStorageQuotaError);
      await off(t);
      expect(fake.window.sessionStorage.getItem('stratum-devtools/simulate')).toBeNull();
    } finally {
      delete (globalThis as { sessionStorage?: Storage }).sessionStorage;
    }
  });
});
