import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { libsql } from '../libsql.js';

// Two URLs for one file are two places: nothing in this process tells one about the other's
// upgrade, exactly as with another process. Reads outside a transaction run as one statement
// with no BEGIN, and a bulkPut is one batch (issue 18); both must still notice the upgrade.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function twoPlaces() {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-libsql-'));
  dirs.push(dir);
  const file = path.join(dir, 'shared.db');
  const tables = { items: { key: 'id', indexes: { byTag: 'tag' } } };
  const first = await openDatabase('shared', { version: 1, tables, provider: libsql({ url: `file:${file}` }) });
  await first.table('items').bulkPut(Array.from({ length: 500 }, (_, id) => ({ id, tag: id % 7 })));
  const other = libsql({ url: `file:${path.relative(process.cwd(), file)}` });
  return { first, other, tables };
}

describe('libSQL reads and batches against another process', () => {
  it('a bulkPut is written whole, its index with it', async () => {
    const { first } = await twoPlaces();
    expect(await first.table('items').count()).toBe(500);
    expect(await first.table('items').count({ index: 'byTag', range: { eq: 3 } })).toBe(71);
    first.close();
  });

  it('a bulkPut that repeats a key keeps the last row and only its index entry', async () => {
    const { first } = await twoPlaces();
    await first.table('items').bulkPut([{ id: 1, tag: 100 }, { id: 2, tag: 100 }, { id: 1, tag: 200 }, { id: 3, tag: 100 }]);
    expect(await first.table('items').get(1)).toEqual({ id: 1, tag: 200 });
    const tagged = (tag: number) => first.table('items').query({ index: 'byTag', range: { eq: tag } });
    expect(await tagged(100)).toEqual([{ id: 2, tag: 100 }, { id: 3, tag: 100 }]);
    expect(await tagged(200)).toEqual([{ id: 1, tag: 200 }]);
    first.close();
  });

  it('a single read after another process upgraded fails with a VersionError', async () => {
    const { first, other, tables } = await twoPlaces();
    const second = await openDatabase('shared', { version: 2, tables, provider: other });
    await expect(first.table('items').count()).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('version 2') });
    expect(await second.table('items').count()).toBe(500);
    second.close();
    first.close();
  });

  it('a get after another process upgraded fails with a VersionError, for a key that is there and for one that is not', async () => {
    const { first, other, tables } = await twoPlaces();
    expect(await first.table('items').get(3)).toEqual({ id: 3, tag: 3 });
    expect(await first.table('items').get(9999)).toBeUndefined();
    const second = await openDatabase('shared', { version: 2, tables, provider: other });
    await expect(first.table('items').get(9999)).rejects.toMatchObject({ name: 'VersionError' });
    // A third spelling of the file's URL: a place of its own, which nothing tells of the next upgrade.
    const again = await openDatabase('shared', { version: 2, tables, provider: libsql({ url: (other as unknown as { url: string }).url.replace('file:', 'file:./') }) });
    const third = await openDatabase('shared', { version: 3, tables, provider: other });
    await expect(again.table('items').get(3)).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('version 3') });
    expect(await third.table('items').query({ index: 'byTag', range: { eq: 3 }, limit: 2 })).toEqual([{ id: 3, tag: 3 }, { id: 10, tag: 3 }]);
    for (const db of [second, again, third]) db.close();
    first.close();
  });

  it('a bulkPut after another process upgraded writes nothing', async () => {
    const { first, other, tables } = await twoPlaces();
    const second = await openDatabase('shared', { version: 2, tables, provider: other });
    await expect(first.table('items').bulkPut([{ id: 1000, tag: 1 }])).rejects.toMatchObject({ name: 'VersionError' });
    expect(await second.table('items').get(1000)).toBeUndefined();
    second.close();
    first.close();
  });
});

describe('libSQL row counts (kept per table, issue 18)', () => {
  it('stay exact through puts over existing keys, deletes, clear and a rolled-back transaction', async () => {
    const { first } = await twoPlaces();
    const items = first.table('items');
    await items.bulkPut([{ id: 1, tag: 9 }, { id: 600, tag: 9 }]);
    expect(await items.count()).toBe(501);
    await items.delete(2);
    await items.delete(2);
    expect(await items.count()).toBe(500);
    await expect(
      first.transaction(['items'], 'readwrite', async (tx) => {
        await tx.table('items').bulkPut([{ id: 700 }, { id: 701 }]);
        await tx.table('items').delete(3);
        expect(await tx.table('items').count()).toBe(501);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await items.count()).toBe(500);
    await items.clear();
    expect(await items.count()).toBe(0);
    await items.put({ id: 5 });
    expect(await items.count()).toBe(1);
    first.close();
  });

  it('a file from before counts existed is upgraded in place when opened, and rows other writers add are counted', async () => {
    const { first, other, tables } = await twoPlaces();
    first.close();
    const file = (other as unknown as { url: string }).url;
    const { createClient } = await import('@libsql/client');
    const sql = createClient({ url: file });
    await sql.batch(['DROP TRIGGER "n+:shared/items"', 'DROP TRIGGER "n-:shared/items"', 'DROP TABLE stratum_counts', `INSERT INTO "t:shared/items" (k, v) SELECT k || x'00', v FROM "t:shared/items" LIMIT 20`], 'write');
    const again = await openDatabase('shared', { version: 1, tables, provider: other });
    expect(await again.table('items').count()).toBe(520);
    await sql.execute(`DELETE FROM "t:shared/items" WHERE rowid IN (SELECT rowid FROM "t:shared/items" LIMIT 7)`);
    expect(await again.table('items').count()).toBe(513);
    sql.close();
    again.close();
  });

  it('a database an older version deleted (it knew no counts) and this one makes again counts its new rows', async () => {
    const { first, other, tables } = await twoPlaces();
    first.close();
    const file = (other as unknown as { url: string }).url;
    const { createClient } = await import('@libsql/client');
    const sql = createClient({ url: file });
    // What deleteDatabase did before counts existed: its tables (and with them the triggers) dropped, the count row left.
    await sql.batch(
      ['DROP TABLE "i:shared/items/byTag"', 'DROP TABLE "t:shared/items"', `DELETE FROM stratum_keys WHERE name = '"t:shared/items"'`, `DELETE FROM stratum_databases WHERE name = 'shared'`],
      'write',
    );
    sql.close();
    const again = await openDatabase('shared', { version: 1, tables, provider: other });
    expect(await again.table('items').count()).toBe(0);
    await again.table('items').bulkPut([{ id: 1, tag: 1 }, { id: 2, tag: 2 }, { id: 3, tag: 3 }]);
    expect(await again.table('items').count()).toBe(3);
    again.close();
  });
});

describe('libSQL names', () => {
  it('tables, indexes or databases whose names differ only by case (SQLite folds the case of its names) are refused in words, and the file is left as it was', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-libsql-'));
    dirs.push(dir);
    const provider = libsql({ url: `file:${path.join(dir, 'case.db')}` });
    await expect(openDatabase('case', { version: 1, tables: { notes: { key: 'id', indexes: { byTag: 'tag', bytag: 'other' } } }, provider })).rejects.toThrow(
      /Index 'bytag' of table 'notes' in 'case' cannot be made in this SQLite file: SQLite ignores the case/,
    );
    await expect(openDatabase('case', { version: 1, tables: { notes: { key: 'id' }, Notes: { key: 'id' } }, provider })).rejects.toMatchObject({
      name: 'ConstraintError',
      message: expect.stringMatching(/Table 'Notes' of 'case' cannot be made .* "t:case\/notes"/),
    });
    const db = await openDatabase('case', { version: 1, tables: { notes: { key: 'id' } }, provider });
    await db.table('notes').put({ id: 1, tag: 'a' });
    await expect(openDatabase('CASE', { version: 1, tables: { notes: { key: 'id' } }, provider })).rejects.toThrow(/Table 'notes' of 'CASE' cannot be made/);
    expect(await db.table('notes').count()).toBe(1);
    db.close();
  });

  it('names holding NUL (SQL text ends there) or a lone surrogate (no UTF-8 for it) are refused in words', async () => {
    const provider = libsql({ url: ':memory:' });
    await expect(openDatabase('nul', { version: 1, tables: { 'a\u0000b': { key: 'id' } }, provider })).rejects.toThrow(/name "a\\u0000b" in database 'nul' has NUL.*SQLite/);
    await expect(openDatabase('lone\ud800', { version: 1, tables: { a: { key: 'id' } }, provider })).rejects.toThrow(/name "lone\\ud800" in database .* has a lone surrogate/);
  });
});
