import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../database.js';
import { libsql } from '../libsql.js';

/*
 * libsql-before-rowids.fixture.db was written by the code of the commit before this layout
 * (b70318f), through openDatabase('app', { version: 2, tables }) below: 40 notes added with
 * autoIncrement (Dates, BigInts, a multiEntry index) and note 7 deleted, three users (a unique
 * index, a Map, a Set) by bulkPut, one row holding a Blob; then `PRAGMA page_size = 1024; VACUUM`.
 */
const FIXTURE = fileURLToPath(new URL('./libsql-before-rowids.fixture.db', import.meta.url));
const tables = {
  notes: { key: 'id', autoIncrement: true, indexes: { byTag: { path: 'tags', multiEntry: true }, byTitle: 'title' } },
  users: { key: 'email', indexes: { byHandle: { path: 'handle', unique: true } } },
  files: { key: 'name' },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-layout-'));
  dirs.push(dir);
  const file = path.join(dir, 'app.db');
  copyFileSync(FIXTURE, file);
  return `file:${file}`;
}

function note(i: number) {
  return { id: i + 1, title: `note ${i % 13}`, tags: i % 3 === 0 ? ['red', 'blue'] : ['green'], at: new Date(Date.UTC(2026, 0, 1 + i)), big: BigInt(i) * 10n ** 20n };
}
/** sort-key.ts's bytes for an ASCII string: 0x30, each unit + 1, then 0x00. */
function titleKey(text: string): ArrayBuffer {
  return Uint8Array.from([0x30, ...Array.from(text, (char) => char.charCodeAt(0) + 1), 0]).buffer;
}
const allNotes = Array.from({ length: 40 }, (_, i) => note(i)).filter((row) => row.id !== 7);

describe('libSQL files from before index entries carried rowids (issue 18, third pass)', () => {
  it('open with every row, index entry, count and key generator as they were', async () => {
    const url = copy();
    const db = await openDatabase('app', { version: 2, tables, provider: libsql({ url }) });
    const notes = db.table('notes');
    expect(await notes.query()).toEqual(allNotes);
    expect(await notes.count()).toBe(39);
    expect(await notes.query({ index: 'byTag', range: { eq: 'red' } })).toEqual(allNotes.filter((row) => row.tags.includes('red')));
    expect(await notes.count({ index: 'byTag', range: { eq: 'green' } })).toBe(26);
    expect(await notes.query({ index: 'byTitle', range: { eq: 'note 3' }, direction: 'prev' })).toEqual(allNotes.filter((row) => row.title === 'note 3').reverse());
    expect(await notes.get(8)).toEqual(note(7));
    expect(await notes.add({ title: 'new', tags: ['red'] })).toBe(41);
    expect((await notes.query({ index: 'byTag', range: { eq: 'red' } })).at(-1)).toEqual({ id: 41, title: 'new', tags: ['red'] });
    const users = db.table('users');
    expect(await users.query({ index: 'byHandle' })).toEqual([
      { email: 'a@x', handle: 'ann', map: new Map([['k', 1]]) },
      { email: 'b@x', handle: 'bob', set: new Set([1, 2]) },
      { email: 'c@x', handle: 'cid' },
    ]);
    await expect(users.put({ email: 'd@x', handle: 'bob' })).rejects.toMatchObject({ name: 'ConstraintError' });
    const file = (await db.table('files').get('hello.txt')) as { blob: Blob };
    expect(file.blob.type).toBe('text/plain');
    expect(await file.blob.text()).toBe('hello, world');
    db.close();

    // Moved once: the tables have the rowid column, and a second open finds nothing to do.
    const sql = createClient({ url });
    const columns = await sql.execute(`SELECT name FROM pragma_table_info('i:app/notes/byTag')`);
    expect(columns.rows.map((row) => row[0])).toEqual(['ik', 'pk', 'r']);
    sql.close();
    const again = await openDatabase('app', { version: 2, tables, provider: libsql({ url }) });
    expect(await again.table('notes').count({ index: 'byTag', range: { eq: 'red' } })).toBe(14);
    again.close();
  });

  it('an upgrade of such a file runs its function on the moved tables and indexes the rows for a new index', async () => {
    const url = copy();
    const db = await openDatabase('app', {
      version: 3,
      tables: { ...tables, notes: { ...tables.notes, indexes: { ...tables.notes.indexes, byBig: 'big' } } },
      provider: libsql({ url }),
      upgrade: async ({ tx }) => {
        await tx.table('notes').put({ ...note(1), title: 'changed' });
      },
    });
    expect(await db.table('notes').query({ index: 'byTitle', range: { eq: 'changed' } })).toEqual([{ ...note(1), title: 'changed' }]);
    expect(await db.table('notes').count({ index: 'byBig' })).toBe(0);
    expect(await db.table('notes').count({ index: 'byTitle' })).toBe(39);
    db.close();
  });

  it('an index table without rowids beside a moved rows table (an older Stratum added the index) gets them at open', async () => {
    const url = copy();
    (await openDatabase('app', { version: 2, tables, provider: libsql({ url }) })).close();
    const sql = createClient({ url });
    await sql.batch(['DROP TRIGGER "r:app/notes/byTitle"', 'ALTER TABLE "i:app/notes/byTitle" DROP COLUMN r'], 'write');
    sql.close();
    const db = await openDatabase('app', { version: 2, tables, provider: libsql({ url }) });
    expect(await db.table('notes').query({ index: 'byTitle', range: { eq: 'note 5' } })).toEqual(allNotes.filter((row) => row.title === 'note 5'));
    db.close();
  });

  it("an older Stratum's writes, which name no rowid, are still found by index", async () => {
    const url = copy();
    const db = await openDatabase('app', { version: 2, tables, provider: libsql({ url }) });
    const [moved] = await db.table('notes').query({ index: 'byTitle', range: { eq: 'note 0' }, limit: 1 });
    db.close();
    // What the code before this layout sends for a put of an existing row: its upsert, then its index entries without r.
    const sql = createClient({ url });
    const row = await sql.execute(`SELECT k, v FROM "t:app/notes" WHERE v LIKE '%"id":1}'`);
    const [k, v] = [row.rows[0]![0], String(row.rows[0]![1]).replace('"note 0"', '"note 99"')];
    await sql.batch(
      [
        { sql: `INSERT INTO "t:app/notes" (k, v, b) VALUES (?, ?, NULL) ON CONFLICT (k) DO UPDATE SET v = excluded.v, b = excluded.b`, args: [k!, v] },
        { sql: `DELETE FROM "i:app/notes/byTitle" WHERE pk IN (?)`, args: [k!] },
        { sql: `INSERT OR IGNORE INTO "i:app/notes/byTitle" (ik, pk) VALUES (?, ?)`, args: [titleKey('note 99'), k!] },
      ],
      'write',
    );
    sql.close();
    const reopened = await openDatabase('app', { version: 2, tables, provider: libsql({ url }) });
    expect(moved).toEqual(note(0));
    expect(await reopened.table('notes').query({ index: 'byTitle', range: { eq: 'note 99' } })).toEqual([{ ...note(0), title: 'note 99' }]);
    reopened.close();
  });
});
