/**
 * An object store other code made without a key path (out-of-line keys: localForage, idb-keyval)
 * in a database Stratum opens: listed with `key: null`, read by its own primary keys, and a write
 * that cannot name its key refused in words, writing nothing.
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeLegacyDatabase } from '../../../test/helpers/out-of-line-idb.js';
import { DataError, openDatabase } from '../index.js';

const real = globalThis.indexedDB;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  globalThis.indexedDB = real;
});

async function open(name: string) {
  await makeLegacyDatabase(globalThis.indexedDB, name);
  return openDatabase(name, { version: 1, tables: { notes: { key: 'id' } } });
}

describe('a table with out-of-line keys', () => {
  it('is listed with key null', async () => {
    const db = await open('ool-list');
    expect(db.tables().find((table) => table.name === 'legacy')).toMatchObject({ key: null, autoIncrement: false });
    db.close();
  });

  it('reads by its own primary keys: get, query (by key range and by index), count', async () => {
    const db = await open('ool-read');
    const legacy = db.table('legacy');
    expect(await legacy.get('k2')).toEqual({ tag: 'b', text: 'second' });
    expect(await legacy.query({ range: { gte: 'k2' } })).toEqual([{ tag: 'b', text: 'second' }, 'a plain string, as localForage stores one']);
    expect(await legacy.query({ index: 'byTag', range: { eq: 'a' } })).toEqual([{ tag: 'a', text: 'first zebra' }]);
    expect(await legacy.count()).toBe(3);
    db.close();
  });

  it('refuses put, add and bulkPut, which cannot name the key, in words naming the table, and writes nothing', async () => {
    const db = await open('ool-refuse');
    const legacy = db.table('legacy');
    for (const write of [() => legacy.put({ tag: 'c' }), () => legacy.add({ tag: 'c' }), () => legacy.bulkPut([{ tag: 'c' }])]) {
      const error = await write().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toMatch(/'legacy'.*out of line/);
    }
    expect(await legacy.count()).toBe(3);
    db.close();
  });

  it('updates a row by its key, and deletes one', async () => {
    const db = await open('ool-update');
    const legacy = db.table('legacy');
    expect(await legacy.update('k1', { text: 'changed' })).toEqual({ tag: 'a', text: 'changed' });
    expect(await legacy.get('k1')).toEqual({ tag: 'a', text: 'changed' });
    await legacy.delete('k2');
    expect(await legacy.count()).toBe(2);
    db.close();
  });

  it("survives an upgrade that does not declare it (Stratum never makes a store without a key path: it is another library's)", async () => {
    await makeLegacyDatabase(globalThis.indexedDB, 'ool-upgrade');
    const db = await openDatabase('ool-upgrade', { version: 2, tables: { notes: { key: 'id' }, tags: { key: 'name' } } });
    expect(db.tables().map((table) => table.name).sort()).toEqual(['legacy', 'notes', 'tags']);
    expect(await db.table('legacy').count()).toBe(3);
    expect(await db.table('legacy').get('k1')).toEqual({ tag: 'a', text: 'first zebra' });
    db.close();
    // A table Stratum declared once and no longer does still goes, as README says.
    const again = await openDatabase('ool-upgrade', { version: 3, tables: { notes: { key: 'id' } } });
    expect(again.tables().map((table) => table.name).sort()).toEqual(['legacy', 'notes']);
    again.close();
  });
});
