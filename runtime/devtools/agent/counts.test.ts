import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { openDatabase } from '../../db/database.js';
import { libsql } from '../../db/libsql.js';
import { memory } from '../../db/providers/memory.js';
import { Command } from '../../protocol/messages.js';
import { registryId } from '../../registry/registry.js';
import { countRows, dropCounts, keepCounts } from './counts.js';

// The grid's first page uses the count the snapshot took (counts.ts) instead of counting again:
// the total it shows must still follow every change, from the page or from the panel.
describe('the row count a page of rows carries', () => {
  it('follows puts, deletes and clears made after the snapshot counted', async () => {
    const provider = memory();
    const db = await openDatabase('counts-follow', { version: 1, tables: { items: { key: 'id' } }, provider });
    await db.table('items').bulkPut(Array.from({ length: 30 }, (_, id) => ({ id })));
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const total = async () => (await t.call(Command.dbQuery, { database, table: 'items', limit: 5 })).total;
    expect(await total()).toBe(30);
    await db.table('items').bulkPut([{ id: 100 }, { id: 101 }]);
    expect(await total()).toBe(32);
    await db.table('items').delete(0);
    expect(await total()).toBe(31);
    await t.call(Command.dbClear, { database, table: 'items' });
    expect(await total()).toBe(0);
    // A second connection (another tab, in memory's terms) writes: its change event forgets the count too.
    const other = await openDatabase('counts-follow', { version: 1, tables: { items: { key: 'id' } }, provider });
    await other.table('items').put({ id: 7 });
    await t.settle(new Promise((resolve) => setTimeout(resolve, 20)));
    expect(await total()).toBe(1);
    other.close();
  });
});

describe('the row count where the agent hears no change', () => {
  const undo: (() => void)[] = [];
  afterEach(() => {
    for (const each of undo.splice(0)) each();
  });

  /** A Stratum table on (fake) IndexedDB, and a raw connection to it that writes without a word to anyone. */
  async function unheard(rows: number) {
    const real = globalThis.indexedDB;
    globalThis.indexedDB = new IDBFactory();
    undo.push(() => (globalThis.indexedDB = real));
    const name = `counts-unheard-${Math.random()}`;
    const db = await openDatabase(name, { version: 1, tables: { items: { key: 'id' } } });
    undo.push(() => db.close());
    await db.table('items').bulkPut(Array.from({ length: rows }, (_, id) => ({ id })));
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    undo.push(() => raw.close());
    const write = (from: number, count: number) =>
      new Promise<void>((resolve, reject) => {
        const tx = raw.transaction('items', 'readwrite');
        for (let id = from; id < from + count; id++) tx.objectStore('items').put({ id });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    // A panel connected (its snapshot counts the table), and a page of the table as it asks for one.
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const page = (query: { offset?: number; limit: number }) => t.call(Command.dbQuery, { database, table: 'items', ...query });
    return { t, database, write, page };
  }

  it('a short page that ends the table elsewhere corrects the count', async () => {
    const { t, write, page } = await unheard(30);
    expect((await page({ limit: 64 })).total).toBe(30);
    await t.settle(write(30, 5));
    const read = await page({ limit: 64 });
    expect([read.rows.length, read.total]).toEqual([35, 35]);
  });

  it('a full page past the count corrects it, so rows beyond the old count can be reached', async () => {
    const { t, write, page } = await unheard(100);
    expect((await page({ limit: 5 })).total).toBe(100);
    await t.settle(write(100, 50));
    expect((await page({ offset: 64, limit: 64 })).total).toBe(150);
  });

  it('a full page that ends exactly at the count asks again, so rows added after it can be reached', async () => {
    const { t, write, page } = await unheard(200);
    expect((await page({ limit: 5 })).total).toBe(200);
    await t.settle(write(200, 5));
    expect((await page({ limit: 200 })).total).toBe(205);
  });

  it('a snapshot (the panel connecting, or Refresh) counts afresh', async () => {
    const { t, database, write, page } = await unheard(10);
    expect((await page({ limit: 5 })).total).toBe(10);
    await t.settle(write(10, 20));
    const snapshot = await t.call(Command.snapshot, {});
    const table = snapshot.databases.find((each) => each.id === database)!.tables.find((each) => each.name === 'items')!;
    expect(table.count).toBe(30);
    expect((await page({ limit: 5 })).total).toBe(30);
  });

  it('a blob put counts in $blobdata too, which it writes without an event of its own', async () => {
    const db = await openDatabase('counts-blobs', { version: 1, tables: {}, blobs: true, provider: memory() });
    undo.push(() => db.close());
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const total = async (table: string) => (await t.call(Command.dbQuery, { database, table, limit: 0 })).total;
    expect([await total('$blobs'), await total('$blobdata')]).toEqual([0, 0]);
    await t.settle(db.blobs.put(new Blob(['bytes'])));
    expect([await total('$blobs'), await total('$blobdata')]).toEqual([1, 1]);
  });

  it('libSQL keeps no count: another process writes without an event reaching this one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-counts-'));
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `file:${path.join(dir, 'counts.db')}`;
    const db = await openDatabase('counts-libsql', { version: 1, tables: { items: { key: 'id' } }, provider: libsql({ url }) });
    undo.push(() => db.close());
    await db.table('items').bulkPut(Array.from({ length: 20 }, (_, id) => ({ id })));
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    expect((await t.call(Command.dbQuery, { database, table: 'items', limit: 5 })).total).toBe(20);
    const { createClient } = await import('@libsql/client');
    const sql = createClient({ url });
    await t.settle(sql.execute(`DELETE FROM "t:counts-libsql/items" WHERE rowid IN (SELECT rowid FROM "t:counts-libsql/items" LIMIT 7)`));
    sql.close();
    expect((await t.call(Command.dbQuery, { database, table: 'items', limit: 5 })).total).toBe(13);
  });
});

describe('counts.ts', () => {
  it('a count that started before the panel went and came back is not kept', async () => {
    keepCounts();
    let finish: (count: number) => void = () => undefined;
    const started = countRows(1, 't', () => new Promise<number>((resolve) => (finish = resolve)), { keep: true });
    dropCounts();
    keepCounts();
    finish(5);
    expect(await started).toBe(5);
    expect(await countRows(1, 't', async () => 6, { keep: true })).toBe(6);
    dropCounts();
  });
});
