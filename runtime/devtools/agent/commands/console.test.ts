import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode, encode } from '../../../codec/index.js';
import { PG_URL } from '../../../db/contract/services.js';
import { openDatabase } from '../../../db/database.js';
import type { Database } from '../../../db/types.js';
import { libsql } from '../../../db/providers/libsql.js';
import { memory } from '../../../db/providers/memory.js';
import { postgres } from '../../../db/providers/postgres.js';
import { READONLY_SQL, type Provider } from '../../../db/provider.js';
import { Command, Event } from '../../../protocol/messages.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';

interface Note {
  id: number;
  tag: string;
  stars: number;
  author: { name: string };
}

async function setup(name: string, provider: Provider = memory()) {
  const db = await openDatabase(name, { version: 1, tables: { notes: { key: 'id', indexes: { byTag: 'tag' } } }, provider });
  await db.table('notes').clear();
  await db.table('notes').bulkPut(
    Array.from({ length: 40 }, (_, id): Note => ({ id, tag: id % 4 === 0 ? 'red' : 'blue', stars: id % 5, author: { name: id % 2 ? 'ann' : 'bob' } })),
  );
  const t = kit();
  await t.hello();
  return { t, db, database: registryId(db)! };
}

/** Queries that never end: a count over a recursive CTE with no stop, and rows of one whose second row never comes. */
const RUNAWAY_COUNT = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
const RUNAWAY_ROWS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x = 1 OR x < 0';

/**
 * Runs `text` as the console does, with a 400 ms limit: it must be stopped in words, a timer of
 * the app's must fire on time meanwhile, and the database must answer afterwards.
 */
async function expectStopped(db: Database, text: string): Promise<void> {
  const sql = (db as unknown as Record<symbol, (text: string, timeoutMs?: number) => Promise<unknown>>)[READONLY_SQL]!.bind(db);
  const started = performance.now();
  let fired = Infinity;
  const timer = new Promise<void>((resolve) => setTimeout(() => resolve(void (fired = performance.now() - started)), 50));
  await expect(sql(text, 400), text).rejects.toThrow('the query ran longer than 0.4 s and was stopped');
  const stopped = performance.now() - started;
  await timer;
  expect({ text, fired: fired < 300, stopped: stopped < 3000 }).toEqual({ text, fired: true, stopped: true });
  expect(await db.table('notes').count()).toBeGreaterThanOrEqual(40);
}

describe('dbConsole', () => {
  it('reads through an index and range, and explains what it read', async () => {
    const { t, database } = await setup('console-index');
    const result = await t.call(Command.dbConsole, { database, table: 'notes', index: 'byTag', range: { eq: 'red' }, direction: 'prev', offset: 2, limit: 3 });
    expect(result.rows.map((row) => (decode(row.value) as Note).id)).toEqual([28, 24, 20]);
    expect(result.total).toBe(10);
    expect(result.explain).toMatchObject({ index: 'byTag', scanned: 5, returned: 3 });
    expect(result.explain.plan).toBe('index byTag, = "red", descending, skip 2, limit 3');
  });

  it('filters on fields in the agent: every row in the range scanned, the matching ones returned', async () => {
    const { t, database } = await setup('console-filter');
    const result = await t.call(Command.dbConsole, {
      database,
      table: 'notes',
      range: { lt: 20 },
      filter: [
        { field: 'author.name', op: 'eq', value: 'ann' },
        { field: 'stars', op: 'gte', value: 3 },
      ],
    });
    // Odd ids below 20 with id % 5 >= 3: 3, 9, 13, 19.
    expect(result.rows.map((row) => (decode(row.value) as Note).id)).toEqual([3, 9, 13, 19]);
    expect(result.explain).toMatchObject({ index: null, scanned: 20, returned: 4 });
    expect(result.explain.plan).toContain('2 field conditions');
  });
});

describe('dbWrite', () => {
  it('writes puts and deletes as one transaction under the label, which the change event carries', async () => {
    const { t, db, database } = await setup('console-write');
    const written = await t.call(Command.dbWrite, {
      database,
      label: 'fix stars',
      ops: [
        { op: 'put', table: 'notes', value: encode({ id: 1, tag: 'red', stars: 9, author: { name: 'ann' } }) },
        { op: 'delete', table: 'notes', key: 2 },
      ],
    });
    expect(written).toEqual({ written: 2 });
    expect(await db.table('notes').get(1)).toMatchObject({ stars: 9 });
    expect(await db.table('notes').get(2)).toBeUndefined();
    t.frame();
    const labels = t.events(Event.dbChanged).filter((event) => event.database === database).map((event) => event.label);
    expect(labels).toEqual(['fix stars', 'fix stars']);
    await expect(t.call(Command.dbWrite, { database, label: ' ', ops: [{ op: 'delete', table: 'notes', key: 3 }] })).rejects.toThrow(/needs a label/);
    expect(await db.table('notes').get(3)).toBeDefined();
  });
});

describe('dbSql', () => {
  it('runs a read on libSQL, and the engine refuses a write in words with nothing written', async () => {
    const { t, db, database } = await setup('console-sql', libsql({ url: ':memory:' }));
    const read = await t.call(Command.dbSql, { database, sql: 'SELECT count(*) AS n FROM "t:console-sql/notes"' });
    expect(read.columns).toEqual(['n']);
    expect(decode(read.rows[0]![0]!)).toBe(40n);
    await expect(t.call(Command.dbSql, { database, sql: 'DELETE FROM "t:console-sql/notes"' })).rejects.toThrow(/read-only.*readonly database/);
    expect(await db.table('notes').count()).toBe(40);
    // The pragma does not outlive the console: the app still writes.
    await db.table('notes').put({ id: 100, tag: 'red', stars: 1, author: { name: 'x' } });
    expect(await db.table('notes').count()).toBe(41);
  });

  it('runs a read on Postgres; a write, or a second statement after COMMIT, is refused', async () => {
    const { t, db, database } = await setup('console-pg', postgres({ url: PG_URL, schema: 'h22_console' }));
    const read = await t.call(Command.dbSql, { database, sql: "SELECT count(*)::int AS n FROM h22_console.stratum_rows WHERE db = 'console-pg'" });
    expect(read.rows).toEqual([[40]]);
    await expect(t.call(Command.dbSql, { database, sql: "DELETE FROM h22_console.stratum_rows WHERE db = 'console-pg'" })).rejects.toThrow(/read-only/);
    await expect(t.call(Command.dbSql, { database, sql: "COMMIT; DELETE FROM h22_console.stratum_rows WHERE db = 'console-pg'" })).rejects.toThrow(/SQL failed/);
    expect(await db.table('notes').count()).toBe(40);
    db.close();
  });

  it('Postgres: a session-level advisory lock taken by the console does not stay on a pooled connection (it would block the app)', async () => {
    const { t, db, database } = await setup('console-pg-lock', postgres({ url: PG_URL, schema: 'h22_console' }));
    const key = 424_000 + (process.pid % 1000);
    await t.call(Command.dbSql, { database, sql: `SELECT pg_advisory_lock(${key})` });
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      // The console's connection is dropped, not pooled: the server ends its session and its locks.
      let held = 1;
      for (let tries = 0; tries < 50 && held > 0; tries++) {
        const { rows } = await other.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", [key]);
        held = rows[0]!.n;
        if (held > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(held).toBe(0);
    } finally {
      await other.end();
      db.close();
    }
  });

  it('Postgres: COPY and DO are refused in words (COPY … TO writes server files or runs programs inside a read-only transaction)', async () => {
    const { t, db, database } = await setup('console-pg-copy', postgres({ url: PG_URL, schema: 'h22_console' }));
    const file = `/tmp/stratum-rev-panel-copy-${process.pid}.txt`;
    rmSync(file, { force: true });
    try {
      await expect(t.call(Command.dbSql, { database, sql: `/* x */ copy (SELECT 'leak') TO '${file}'` })).rejects.toThrow(/COPY/);
      expect(existsSync(file)).toBe(false);
      await expect(t.call(Command.dbSql, { database, sql: `DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO ''${file}'''; END $$` })).rejects.toThrow(/DO/);
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(file, { force: true });
      db.close();
    }
  });

  it('Postgres: a statement that runs too long (a sleep, a recursive CTE with no end) is cancelled by the server, said in the same words as on libSQL, the app running meanwhile', async () => {
    const { db } = await setup('console-pg-slow', postgres({ url: PG_URL, schema: 'h22_console' }));
    try {
      for (const text of ['SELECT pg_sleep(3600)', RUNAWAY_COUNT, RUNAWAY_ROWS]) await expectStopped(db, text);
    } finally {
      db.close();
    }
  });

  it("libSQL (a file): a query that never ends is stopped after the time limit, in words, while the app's timers still fire; the database works afterwards", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    const { t, db, database } = await setup('console-sql-runaway', libsql({ url: `file:${path.join(dir, 'app.db')}` }));
    try {
      // Read in a process of its own, the answer is the one the app's connection gave: integers as bigints, blobs, 500 rows and "more".
      const read = await t.call(Command.dbSql, { database, sql: "SELECT 9007199254740993 AS big, x'0102' AS bytes, 'é' AS text, 1.5 AS real, NULL AS none" });
      expect(read.columns).toEqual(['big', 'bytes', 'text', 'real', 'none']);
      expect(read.rows[0]!.map((cell) => decode(cell))).toEqual([9007199254740993n, new Uint8Array([1, 2]).buffer, 'é', 1.5, null]);
      const many = await t.call(Command.dbSql, { database, sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c LIMIT 100000' });
      expect({ rows: many.rows.length, truncated: many.truncated }).toEqual({ rows: 500, truncated: true });
      await expect(t.call(Command.dbSql, { database, sql: 'DELETE FROM "t:console-sql-runaway/notes"' })).rejects.toThrow(/Not run: the console's SQL is read-only.*readonly database/);
      await expect(t.call(Command.dbSql, { database, sql: 'SELECT * FROM no_such_table' })).rejects.toThrow(/SQL failed: .*no such table: no_such_table/);
      // About 2 s of work on this machine (a bounded count): run on the app's thread, it holds every timer that long.
      await expectStopped(db, 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000) SELECT count(*) FROM c');
      await expectStopped(db, RUNAWAY_COUNT);
      // The first row comes at once; the second never does.
      await expectStopped(db, RUNAWAY_ROWS);
      await db.table('notes').put({ id: 300, tag: 'after', stars: 0, author: { name: 'app' } });
      expect(await db.table('notes').count()).toBe(41);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('libSQL: a COMMIT or ROLLBACK typed in the console does not leave the app unable to write', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-panel-'));
    // In memory the console reads on the app's own connection (a file is read in a process of its own), where a setting left behind would stay.
    const { t, db, database } = await setup('console-sql-commit', libsql({ url: ':memory:' }));
    try {
      for (const sql of ['COMMIT', 'ROLLBACK', 'END']) {
        await t.call(Command.dbSql, { database, sql }).catch(() => undefined);
        // query_only was on for the console's transaction: it must be off for the app again.
        await db.table('notes').put({ id: 200, tag: sql, stars: 0, author: { name: 'app' } });
        expect(await db.table('notes').get(200)).toMatchObject({ tag: sql });
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('libSQL: ATTACH (which creates a file and stays on the connection) and PRAGMA writes are refused in words', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-panel-'));
    const { t, db, database } = await setup('console-sql-attach', libsql({ url: `file:${path.join(dir, 'app.db')}` }));
    try {
      const other = path.join(dir, 'other.db');
      await expect(t.call(Command.dbSql, { database, sql: `ATTACH DATABASE '${other}' AS x` })).rejects.toThrow(/ATTACH/);
      expect(existsSync(other)).toBe(false);
      await expect(t.call(Command.dbSql, { database, sql: 'pragma cache_size = 5' })).rejects.toThrow(/PRAGMA/);
      await expect(t.call(Command.dbSql, { database, sql: 'PRAGMA case_sensitive_like(1)' })).rejects.toThrow(/PRAGMA/);
      // Reading pragmas still run.
      const info = await t.call(Command.dbSql, { database, sql: 'PRAGMA table_info("t:console-sql-attach/notes")' });
      expect(info.columns).toContain('name');
      expect((await t.call(Command.dbSql, { database, sql: 'PRAGMA journal_mode' })).rows).toHaveLength(1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Postgres: COPY after an empty statement (a leading ";") is refused too, not sent to the server', async () => {
    const { t, db, database } = await setup('console-pg-semi', postgres({ url: PG_URL, schema: 'h22_console' }));
    const file = `/tmp/stratum-rev-sql-copy-${process.pid}.txt`;
    rmSync(file, { force: true });
    try {
      await expect(t.call(Command.dbSql, { database, sql: `; copy (SELECT 'leak') TO '${file}'` })).rejects.toThrow(/COPY is not run/);
      await expect(t.call(Command.dbSql, { database, sql: `/* a */ ;; -- b\n DO $$ BEGIN END $$` })).rejects.toThrow(/DO is not run/);
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(file, { force: true });
      db.close();
    }
  });

  it('libSQL: ATTACH, COMMIT and pragma writes after a leading ";" are refused too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    const { t, db, database } = await setup('console-sql-semi', libsql({ url: `file:${path.join(dir, 'app.db')}` }));
    try {
      const other = path.join(dir, 'other.db');
      await expect(t.call(Command.dbSql, { database, sql: `; ATTACH DATABASE '${other}' AS x` })).rejects.toThrow(/ATTACH is not run/);
      expect(existsSync(other)).toBe(false);
      await expect(t.call(Command.dbSql, { database, sql: ';COMMIT' })).rejects.toThrow(/COMMIT is not run/);
      await expect(t.call(Command.dbSql, { database, sql: ' ; PRAGMA case_sensitive_like = 1' })).rejects.toThrow(/PRAGMA case_sensitive_like with a value/);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('libSQL: a pragma write is refused however it is dressed (EXPLAIN, comments, inside sha3_query), and the app\'s connection keeps its settings', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    // In memory the console reads on the app's own connection (a file is read in a process of its own), where a setting left behind would stay.
    const { t, db, database } = await setup('console-sql-pragma', libsql({ url: ':memory:' }));
    const writableSchema = async () => decode((await t.call(Command.dbSql, { database, sql: 'PRAGMA writable_schema' })).rows[0]![0]!);
    try {
      for (const sql of [
        'EXPLAIN PRAGMA writable_schema = 1',
        'explain query plan pragma writable_schema = 1',
        'PRAGMA/**/writable_schema=1',
        'PRAGMA writable_schema /* on */ = 1',
        'PRAGMA writable_schema -- on\n = 1',
        "SELECT sha3_query('PRAGMA writable_schema = 1')",
      ]) {
        await t.call(Command.dbSql, { database, sql }).then(
          () => undefined,
          (error: Error) => expect(error.message).toMatch(/not run from the console/),
        );
        expect({ sql, writableSchema: await writableSchema() }).toEqual({ sql, writableSchema: 0n });
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('libSQL: writefile() (which writes any file the process may write) is refused in words', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    const { t, db, database } = await setup('console-sql-writefile', libsql({ url: `file:${path.join(dir, 'app.db')}` }));
    try {
      const file = path.join(dir, 'written.txt');
      await expect(t.call(Command.dbSql, { database, sql: `SELECT WriteFile('${file}', 'x')` })).rejects.toThrow(/writefile.*not run from the console/i);
      expect(existsSync(file)).toBe(false);
      // A column or a string that only mentions the name still runs.
      const read = await t.call(Command.dbSql, { database, sql: "SELECT 'writefile' AS writefile_note" });
      expect(read.rows).toEqual([['writefile']]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("libSQL: readfile(), fsdir and zipfile (which read the machine's files, fsdir even as a plain table name) and load_extension() are refused in words", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    const { t, db, database } = await setup('console-sql-readfile', libsql({ url: `file:${path.join(dir, 'app.db')}` }));
    try {
      for (const [sql, name] of [
        ["SELECT readfile('/etc/hostname')", 'readfile'],
        ["SELECT \"ReadFile\" /* x */ ('/etc/hostname')", 'readfile'],
        ["SELECT data FROM fsdir('/etc/hostname')", 'fsdir'],
        // fsdir is an eponymous table: a constraint on its hidden `path` column calls it without parentheses.
        ["SELECT name, data FROM FSDIR WHERE path = '/etc/hostname'", 'fsdir'],
        ["SELECT * FROM zipfile('/tmp/any.zip')", 'zipfile'],
        ["SELECT load_extension('/tmp/any.so')", 'load_extension'],
      ]) {
        await expect(t.call(Command.dbSql, { database, sql: sql! }), sql).rejects.toThrow(new RegExp(`${name}\\(\\) is not run from the console: it (reads|lists|loads)`));
      }
      // A column or a string that only mentions the names still runs.
      const read = await t.call(Command.dbSql, { database, sql: "SELECT 'readfile fsdir' AS readfile_note" });
      expect(read.rows).toEqual([['readfile fsdir']]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("libSQL: an app's own tables named fsdir or zipfile are read from the console; the functions of those names are still refused however they are called", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stratum-rev-sql-'));
    const url = `file:${path.join(dir, 'app.db')}`;
    const { t, db, database } = await setup('console-sql-fsdir-table', libsql({ url }));
    const app = createClient({ url });
    try {
      await app.execute('CREATE TABLE fsdir (name TEXT)');
      await app.execute("INSERT INTO fsdir VALUES ('mine')");
      await app.execute('CREATE TABLE "ZipFile" (name TEXT)');
      await app.execute("INSERT INTO \"ZipFile\" VALUES ('zipped')");
      for (const [sql, rows] of [
        ['SELECT name FROM fsdir', [['mine']]],
        ['SELECT name FROM "FSDIR" WHERE name = \'mine\'', [['mine']]],
        ['select name from main.zipfile', [['zipped']]],
      ] as const) {
        expect((await t.call(Command.dbSql, { database, sql })).rows, sql).toEqual(rows);
      }
      for (const [sql, name] of [
        ["SELECT * FROM fsdir('/etc/hostname')", 'fsdir'],
        ["SELECT * FROM FsDir  (\n'/etc/hostname')", 'fsdir'],
        ["SELECT * FROM \"fsdir\"/* x */('/etc/hostname')", 'fsdir'],
        ["SELECT * FROM [zipfile] ('/tmp/any.zip')", 'zipfile'],
        ["SELECT * FROM `ZIPFILE`('/tmp/any.zip')", 'zipfile'],
        ["SELECT READFILE ('/etc/hostname')", 'readfile'],
      ]) {
        await expect(t.call(Command.dbSql, { database, sql: sql! }), sql).rejects.toThrow(new RegExp(`${name}\\(\\) is not run from the console`));
      }
    } finally {
      app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Postgres: functions that read the server's files and directories, and COPY … FROM a file or a program, are refused in words before the server sees them", async () => {
    const { t, db, database } = await setup('console-pg-files', postgres({ url: PG_URL, schema: 'h22_console' }));
    try {
      for (const [sql, name] of [
        ["SELECT pg_read_file('/etc/hostname')", 'pg_read_file'],
        ["SELECT pg_catalog.pg_read_binary_file('/etc/hostname')", 'pg_read_binary_file'],
        ["SELECT * FROM pg_ls_dir('.')", 'pg_ls_dir'],
        ['SELECT * FROM pg_ls_waldir()', 'pg_ls_waldir'],
        ["SELECT (pg_stat_file('postgresql.conf')).size", 'pg_stat_file'],
        ["SELECT \"lo_import\"('/etc/hostname')", 'lo_import'],
        ["SELECT lo_export(1, '/tmp/stratum-never.txt')", 'lo_export'],
      ]) {
        await expect(t.call(Command.dbSql, { database, sql: sql! }), sql).rejects.toThrow(new RegExp(`${name}\\(\\) is not run from the console: it (reads|acts)`));
      }
      for (const sql of ["COPY h22_console.stratum_databases FROM '/etc/hostname'", "copy h22_console.stratum_databases from program 'cat /etc/hostname'"]) {
        await expect(t.call(Command.dbSql, { database, sql }), sql).rejects.toThrow(/COPY is not run from the console: .*COPY … FROM reads them/);
      }
      // Reading about them still runs.
      const read = await t.call(Command.dbSql, { database, sql: "SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'pg_read_file'" });
      expect(read.rows[0]![0]).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("Postgres: functions that act outside the transaction are refused in words: pg_terminate_backend would end the app's own connections (same role)", async () => {
    const { t, db, database } = await setup('console-pg-kill', postgres({ url: PG_URL, schema: 'h22_console' }));
    const app = new pg.Client({ connectionString: PG_URL });
    await app.connect();
    app.on('error', () => undefined); // the terminated connection reports here before the fix
    try {
      const pid = (await app.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      for (const sql of [
        `SELECT pg_terminate_backend(${pid})`,
        `SELECT pg_catalog."pg_terminate_backend" /* x */ (${pid})`,
        `SELECT * FROM query_to_xml('SELECT pg_terminate_' || 'backend(${pid})', false, false, '')`,
        `SELECT pg_cancel_backend(${pid})`,
        'SELECT pg_reload_conf()',
      ]) {
        await expect(t.call(Command.dbSql, { database, sql }), sql).rejects.toThrow(/not run from the console/);
      }
      expect((await app.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      // Reading about them still runs.
      const read = await t.call(Command.dbSql, { database, sql: "SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'pg_terminate_backend'" });
      expect(read.rows).toEqual([[1]]);
      // Functions that only read, whose names are near those refused, still run.
      for (const sql of ['SELECT count(*) FROM pg_get_replication_slots()', "SELECT pg_replication_origin_oid('x')"]) {
        await expect(t.call(Command.dbSql, { database, sql }), sql).resolves.toMatchObject({ truncated: false });
      }
    } finally {
      await app.end().catch(() => undefined);
      db.close();
    }
  });

  it('Postgres: a SELECT over millions of rows reads only the rows the console shows (plus one, to say there are more), not all of them into the app', async () => {
    const { t, db, database } = await setup('console-pg-many', postgres({ url: PG_URL, schema: 'h22_console' }));
    try {
      const started = performance.now();
      const result = await t.call(Command.dbSql, { database, sql: "SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 3000000) AS g" });
      const ms = performance.now() - started;
      expect(result.columns).toEqual(['g', 'pad']);
      expect(result.rows).toHaveLength(500);
      expect(result.truncated).toBe(true);
      // Reading 3,000,000 rows of ~100 bytes into the app takes seconds and ~0.5 GB; 501 rows take milliseconds.
      expect(ms).toBeLessThan(1500);
      // Statements that are not queries (no cursor for them) still run, and say no more than they have.
      const shown = await t.call(Command.dbSql, { database, sql: 'SHOW statement_timeout' });
      expect(shown.rows).toEqual([['10s']]);
      expect(shown.truncated).toBe(false);
      const explained = await t.call(Command.dbSql, { database, sql: 'EXPLAIN SELECT 1' });
      expect(explained.columns).toEqual(['QUERY PLAN']);
      await expect(t.call(Command.dbSql, { database, sql: 'SELECT * FROM no_such_table' })).rejects.toThrow(/SQL failed: relation "no_such_table" does not exist/);
      // A write inside WITH, which a cursor cannot hold, is still refused by the read-only transaction, in its words.
      await expect(t.call(Command.dbSql, { database, sql: "WITH gone AS (DELETE FROM h22_console.stratum_rows WHERE db = 'console-pg-many' RETURNING 1) SELECT count(*) FROM gone" })).rejects.toThrow(/Not run: the console's SQL is read-only/);
      expect(await db.table('notes').count()).toBe(40);
    } finally {
      db.close();
    }
  }, 30_000);

  it('Postgres: REINDEX, CLUSTER, VACUUM, ANALYZE and LOAD (which a read-only transaction lets run, locking the app\'s tables or loading code) are refused in words', async () => {
    const { t, db, database } = await setup('console-pg-maintenance', postgres({ url: PG_URL, schema: 'h22_console' }));
    try {
      for (const sql of ['REINDEX TABLE h22_console.stratum_rows', '/* x */ cluster h22_console.stratum_rows USING stratum_rows_pkey', 'ANALYZE h22_console.stratum_rows', 'VACUUM h22_console.stratum_rows', "LOAD 'auto_explain'"]) {
        await expect(t.call(Command.dbSql, { database, sql }), sql).rejects.toThrow(/is not run from the console/);
      }
    } finally {
      db.close();
    }
  });

  it('Postgres: a bigint column (count(*), an id) reads as a number, as on libSQL, not as text', async () => {
    const { t, db, database } = await setup('console-pg-int8', postgres({ url: PG_URL, schema: 'h22_console' }));
    try {
      const read = await t.call(Command.dbSql, { database, sql: "SELECT count(*) AS n, 9007199254740993::int8 AS big, 1.5::numeric AS exact FROM h22_console.stratum_rows WHERE db = 'console-pg-int8'" });
      expect(read.rows[0]!.map((cell) => decode(cell))).toEqual([40n, 9007199254740993n, '1.5']);
      const shown = await t.call(Command.dbSql, { database, sql: 'SHOW statement_timeout' });
      expect(shown.rows).toEqual([['10s']]);
    } finally {
      db.close();
    }
  });

  it('says where SQL does not run', async () => {
    const { t, database } = await setup('console-nosql');
    await expect(t.call(Command.dbSql, { database, sql: 'SELECT 1' })).rejects.toThrow(/SQL runs on libSQL and Postgres databases; "console-nosql" is memory/);
  });
});

describe('dbConsole with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('does not filter, or read through an index, on a field redact() hides: the count of matches would give the secret away', async () => {
    const db = await openDatabase('console-redact', { version: 1, tables: { users: { key: 'id', indexes: { byPassword: 'password' } } }, provider: memory() });
    await db.table('users').clear();
    await db.table('users').bulkPut([
      { id: 1, name: 'ann', auth: { password: 'hunter2' } , password: 'hunter2' },
      { id: 2, name: 'bob', auth: { password: 'swordfish' }, password: 'swordfish' },
    ]);
    configureDevtools({ redact: (path) => path.at(-1) === 'password' || path.at(-1) === 'auth' });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    // A range on the secret, narrowed step by step, would read it out one character at a time.
    await expect(t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'password', op: 'lt', value: 'i' }] })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'auth.password', op: 'eq', value: 'hunter2' }] })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbConsole, { database, table: 'users', index: 'byPassword', range: { eq: 'hunter2' } })).rejects.toMatchObject({ code: 'redacted' });
    // Fields not hidden still filter.
    const named = await t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'name', op: 'eq', value: 'bob' }] });
    expect(named.total).toBe(1);
  });

  it('where redact() hides by value, a row whose indexed value or key it hides is neither matched nor counted by a range on it', async () => {
    const tables = { users: { key: 'id', indexes: { byEmail: 'email' } }, accounts: { key: 'email' } };
    const db = await openDatabase('console-redact-value', { version: 1, tables, provider: memory() });
    await db.table('users').bulkPut([
      { id: 1, email: 'alice-secret@example.com', name: 'ann' },
      { id: 2, email: 'no address', name: 'bob' },
    ]);
    await db.table('accounts').bulkPut([{ email: 'alice-secret@example.com', name: 'ann' }, { email: 'nobody', name: 'bob' }]);
    configureDevtools({ redact: (_path, value) => typeof value === 'string' && value.includes('@') });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const around = { gte: 'alice', lt: 'alicf' };
    expect((await t.call(Command.dbConsole, { database, table: 'users', index: 'byEmail', range: around })).total).toBe(0);
    expect((await t.call(Command.dbConsole, { database, table: 'users', index: 'byEmail', range: around, filter: [{ field: 'name', op: 'ne', value: 'x' }] })).total).toBe(0);
    expect((await t.call(Command.dbConsole, { database, table: 'accounts', range: around })).total).toBe(0);
    const listed = await t.call(Command.dbConsole, { database, table: 'users', index: 'byEmail' });
    expect(listed.rows.map((row) => row.key)).toEqual([2]);
    expect(JSON.stringify(t.envelopes)).not.toContain('alice-secret');
  });

  it('does not filter on a field that holds a part redact() hides: matching the whole would test a guess at the part', async () => {
    const db = await openDatabase('console-redact-inside', { version: 1, tables: { users: { key: 'id' } }, provider: memory() });
    await db.table('users').bulkPut([
      { id: 1, profile: { name: 'ann', email: 'alice-secret@example.com' }, tags: ['a', 'alice-secret'] },
      { id: 2, profile: { name: 'bob' }, tags: ['b'] },
    ]);
    configureDevtools({ redact: (path, value) => path.at(-1) === 'email' || value === 'alice-secret' });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const guess = { name: 'ann', email: 'alice-secret@example.com' };
    await expect(t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'profile', op: 'eq', value: guess }] })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'tags', op: 'contains', value: 'alice-secret' }] })).rejects.toMatchObject({ code: 'redacted' });
    // A field beside the hidden part still filters.
    expect((await t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'profile.name', op: 'eq', value: 'ann' }] })).total).toBe(1);
  });
});

