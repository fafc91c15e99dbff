/**
 * PostgreSQL's single reads (a table call outside db.transaction): the statement leaves with the
 * database's shared lock and its version check as one text, its values written in as literals
 * (issue 18). Names and keys that a literal must escape, a `$1` inside the schema's own name, and
 * a version another process changed without telling this one; a read just before close().
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../index.js';
import { postgres } from '../postgres.js';
import { dropSchema, hasPostgres, PG_URL, runName } from '../contract/services.js';

const up = await hasPostgres();
// A placeholder's spelling inside the schema's name: replaced there, it would break every statement.
const schema = `${runName()}_$1`;
if (up) afterAll(() => dropSchema(schema));

describe.skipIf(!up)('postgres: single reads', () => {
  it("reads rows whose database, table, index and keys need escaping, as a transaction's reads do", async () => {
    const db = await openDatabase("it's \\ $2", {
      version: 1,
      tables: { "t'$3": { key: 'k', indexes: { "by'$1": 'tag' } } },
      provider: postgres({ url: PG_URL, schema }),
    });
    const rows = [
      { k: "o'brien", tag: "a'\\b" },
      { k: 'back\\slash', tag: "a'\\b" },
      { k: '$1', tag: 'plain' },
      { k: "E'\\x00'", tag: 'z' },
    ];
    const table = db.table("t'$3");
    await table.bulkPut(rows);
    expect(await table.get("o'brien")).toEqual(rows[0]);
    expect(await table.get('$1')).toEqual(rows[2]);
    expect(await table.get("E'\\x00'")).toEqual(rows[3]);
    expect(await table.get('missing')).toBeUndefined();
    const byTag = await table.query({ index: "by'$1", range: { gte: "a'\\b", lte: "a'\\b" } });
    expect(byTag).toEqual([rows[1], rows[0]]);
    expect(await table.count({ index: "by'$1", range: { gte: "a'\\b", lte: "a'\\b" } })).toBe(2);
    expect(await table.query({ range: { gt: '$1' }, limit: 2, offset: 1 })).toEqual(
      await db.transaction(["t'$3"], 'readonly', (tx) => tx.table("t'$3").query({ range: { gt: '$1' }, limit: 2, offset: 1 })),
    );
    db.close();
  });

  it('a read issued right before close() still answers', async () => {
    const db = await openDatabase('closing', { version: 1, tables: { rows: { key: 'k' } }, provider: postgres({ url: PG_URL, schema }) });
    await db.table('rows').put({ k: 0, v: 'kept' });
    const read = db.table('rows').get(0);
    const count = db.table('rows').count();
    db.close();
    expect(await read).toEqual({ k: 0, v: 'kept' });
    expect(await count).toBe(1);
  });

  it('a single read after another process changed the stored version fails in words and closes the connection', async () => {
    const provider = postgres({ url: PG_URL, schema });
    const db = await openDatabase('moved', { version: 1, tables: { notes: { key: 'id' } }, provider });
    await db.table('notes').put({ id: 1, text: 'kept' });
    const events: string[] = [];
    db.subscribe((event) => events.push(event.type));
    // What another process's upgrade leaves behind, without the notification that would tell this one.
    const raw = new pg.Client({ connectionString: PG_URL });
    await raw.connect();
    await raw.query(`UPDATE "${schema}".stratum_databases SET version = 2 WHERE name = 'moved'`);
    await raw.end();
    await expect(db.table('notes').get(1)).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('now at version 2 (changed by another process)') });
    await expect.poll(() => events).toContain('versionchange');
    db.close();
  });
});

describe.skipIf(!up)('postgres: names a server cannot keep apart', () => {
  it('tables whose names differ only in a lone surrogate, or names holding NUL, are refused in words (not merged, not a protocol error)', async () => {
    const provider = postgres({ url: PG_URL, schema });
    // UTF-8 has no lone surrogate: the driver sends U+FFFD for both, so the two tables would share rows.
    await expect(openDatabase('lone', { version: 1, tables: { 'a\ud800': { key: 'id' }, 'a\ud801': { key: 'id' } }, provider })).rejects.toThrow(
      /name "a\\ud800" in database 'lone' has a lone surrogate.*PostgreSQL/,
    );
    await expect(openDatabase('nul', { version: 1, tables: { 'a\u0000b': { key: 'id' } }, provider })).rejects.toThrow(/name "a\\u0000b" in database 'nul' has NUL/);
    await expect(openDatabase('n\u0000ul', { version: 1, tables: { a: { key: 'id' } }, provider })).rejects.toThrow(/name "n\\u0000ul" in database .* has NUL/);
  });
});

describe.skipIf(!up)('postgres: schema names', () => {
  it('a schema name past 63 bytes (PostgreSQL cuts it there) is refused in words, so two such names never share one schema', async () => {
    // 31 × 'é' is 62 bytes: both names below are cut to the same 63 bytes by the server.
    const cut = `${'é'.repeat(31)}a`;
    try {
      const make = async (schema: string) => openDatabase('cut', { version: 1, tables: { notes: { key: 'id' } }, provider: postgres({ url: PG_URL, schema }) });
      await expect(make(`${cut}b`)).rejects.toThrow(/schema .* is 64 bytes in UTF-8; PostgreSQL keeps 63/);
      await expect(make(`${cut}c`)).rejects.toThrow(/PostgreSQL keeps 63/);
    } finally {
      await dropSchema(cut);
    }
  });
});

describe.skipIf(!up)('postgres: keys past the index row limit', () => {
  it('a key or index value too long for a PostgreSQL index fails as a DataError in words (not "unavailable"), nothing written, the database still usable', async () => {
    const db = await openDatabase('long-keys', { version: 1, tables: { notes: { key: 'id', indexes: { byText: 'text' } } }, provider: postgres({ url: PG_URL, schema }) });
    // Text that does not compress: its index row is past 2704 bytes.
    let seed = 7;
    const noise = () => Array.from({ length: 3000 }, () => String.fromCharCode(0x4e00 + ((seed = (seed * 48271) % 2147483647) % 20000))).join('');
    await expect(db.table('notes').put({ id: noise() })).rejects.toMatchObject({ name: 'DataError', message: expect.stringMatching(/too long for PostgreSQL's index/) });
    await expect(db.table('notes').put({ id: 1, text: noise() })).rejects.toMatchObject({ name: 'DataError', message: expect.stringMatching(/too long for PostgreSQL's index/) });
    expect(await db.table('notes').count()).toBe(0);
    await db.table('notes').put({ id: 2, text: 'short' });
    expect(await db.table('notes').count()).toBe(1);
    await db.delete();
  });
});

describe.skipIf(!up)('postgres: versions', () => {
  it('a schema whose version column an earlier release made integer takes a version past 2^31 - 1, keeping its rows', async () => {
    const old = `${runName()}_int`;
    const raw = new pg.Client({ connectionString: PG_URL });
    await raw.connect();
    try {
      // The tables as an earlier release created them: version integer.
      await raw.query(`CREATE SCHEMA "${old}"`);
      await raw.query(`CREATE TABLE "${old}".stratum_databases (name text PRIMARY KEY, version integer NOT NULL, tables text NOT NULL)`);
      const v1 = await openDatabase('app', { version: 1, tables: { notes: { key: 'id' } }, provider: postgres({ url: PG_URL, schema: old }) });
      await v1.table('notes').put({ id: 1, text: 'kept' });
      v1.close();
      const stamp = 1_765_000_000_000;
      const v2 = await openDatabase('app', { version: stamp, tables: { notes: { key: 'id' } }, provider: postgres({ url: PG_URL, schema: old }) });
      expect(v2.version).toBe(stamp);
      expect(await v2.table('notes').get(1)).toEqual({ id: 1, text: 'kept' });
      v2.close();
    } finally {
      await raw.end();
      await dropSchema(old);
    }
  });
});

describe.skipIf(!up)('postgres: keys past its btree limit', () => {
  it('a key or index key too long for a btree entry is a DataError in words, and nothing of its transaction is written', async () => {
    const db = await openDatabase('long-keys', { version: 1, tables: { t: { key: 'k', indexes: { byTag: 'tag' } } }, provider: postgres({ url: PG_URL, schema }) });
    // Incompressible text: PostgreSQL compresses an entry before it measures it against the limit.
    let long = '';
    for (let i = 0, seed = 7; i < 6000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      long += String.fromCharCode(33 + (seed % 90));
    }
    const refused = { name: 'DataError', message: expect.stringMatching(/too long for PostgreSQL's index.*IndexedDB, libSQL and Redis take it.*nothing was written/s) };
    await expect(db.table('t').put({ k: long })).rejects.toMatchObject(refused);
    await expect(
      db.transaction(['t'], 'readwrite', async (tx) => {
        await tx.table('t').put({ k: 'first' });
        await tx.table('t').put({ k: 'second', tag: long });
      }),
    ).rejects.toMatchObject(refused);
    await expect(db.table('t').bulkPut([{ k: 'a' }, { k: 'b', tag: long }])).rejects.toMatchObject(refused);
    expect(await db.table('t').count()).toBe(0);
    // A long key still reads as absent, and the connection goes on working.
    expect(await db.table('t').get(long)).toBeUndefined();
    await db.table('t').put({ k: 'short', tag: 'x' });
    expect(await db.table('t').count({ index: 'byTag' })).toBe(1);
    db.close();
  });
});

describe.skipIf(!up)('postgres: lock names', () => {
  it("database 'a/b' does not wait for a writer on table 'b' of database 'a' (their locks were one name)", async () => {
    const provider = postgres({ url: PG_URL, schema });
    const a = await openDatabase('a', { version: 1, tables: { b: { key: 'k' } }, provider });
    let released = false;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const writer = a.transaction(['b'], 'readwrite', async (tx) => {
      await tx.table('b').put({ k: 1 });
      holding();
      // Held open by its own reads (awaiting anything else would end it): the server's
      // transaction keeps its table lock until this returns.
      while (!released) await tx.table('b').get(1);
    });
    await held;
    try {
      const opened = openDatabase('a/b', { version: 1, tables: { t: { key: 'k' } }, provider }).then((db) => db);
      const waited = await Promise.race([opened.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 3000))]);
      expect(waited).toBe(false);
      const ab = await opened;
      await ab.table('t').put({ k: 2 });
      expect(await ab.table('t').query()).toEqual([{ k: 2 }]);
      ab.close();
    } finally {
      released = true;
      await writer;
    }
    expect(await a.table('b').query()).toEqual([{ k: 1 }]);
    a.close();
  });
});
