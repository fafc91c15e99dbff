/**
 * Rows in SQLite. Each table is `(r INTEGER PRIMARY KEY, k BLOB UNIQUE, v TEXT, b BLOB)` with
 * `k` the key's order-preserving bytes (keys.ts encodeKey), so SQLite's BLOB order (memcmp) is
 * IndexedDB's key order; each index is `(ik BLOB, pk BLOB, r INTEGER)` sorted by index key, then
 * primary key, with `r` the row's rowid: an index page reaches its rows by integer rowid, one
 * b-tree seek per row, as an SQLite index does (issue 18; layout.ts moves older files over).
 */
import type { InArgs, InStatement, ResultSet, Row, Transaction as SqlTransaction } from '@libsql/client';
import type { Key } from '../keys.js';
import { decodeKey, encodeKey } from '../sort-key.js';
import type { KeyRange, ProviderQuery } from '../provider.js';
import type { TableInfo } from '../schema.js';
import { toStatements, type Queued } from './libsql-batch.js';
import { loadValue, storeValue } from './libsql-values.js';
import { SoftwareTransaction, type RowStore } from './software.js';
import { nextTask } from './tasks.js';

/** `%` and `/` escaped, so `a/b` + `c` and `a` + `b/c` never name the same SQL table. */
function part(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The name (unquoted, as sqlite_master has it) of a database's table: `t:notes/items`. */
export function tableName(db: string, table: string): string {
  return `t:${part(db)}/${part(table)}`;
}

export function indexName(db: string, table: string, index: string): string {
  return `i:${part(db)}/${part(table)}/${part(index)}`;
}

/** The SQL table of a database's table: `"t:notes/items"`, readable in any SQLite browser. */
export function tableSql(db: string, table: string): string {
  return quote(tableName(db, table));
}

export function indexSql(db: string, table: string, index: string): string {
  return quote(indexName(db, table, index));
}

/**
 * Statements that make an index's table: `r` is the row's rowid, filled by the writer
 * (libsql-batch.ts) or, for a writer that does not know the column (an older Stratum), by the
 * trigger from the row's key, so its entries still reach their rows.
 */
export function indexTableSql(db: string, table: string, index: string): string[] {
  const sql = indexSql(db, table, index);
  return [
    `CREATE TABLE ${sql} (ik BLOB NOT NULL, pk BLOB NOT NULL, r INTEGER, PRIMARY KEY (ik, pk)) WITHOUT ROWID`,
    `CREATE INDEX ${indexByRowSql(db, table, index)} ON ${sql} (pk)`,
    rowidTriggerSql(db, table, index),
  ];
}

/** The trigger (quoted) that fills an index entry's rowid for writers that leave it out. */
export function rowidTrigger(db: string, table: string, index: string): string {
  return quote(`r:${part(db)}/${part(table)}/${part(index)}`);
}

export function rowidTriggerSql(db: string, table: string, index: string): string {
  const sql = indexSql(db, table, index);
  return (
    `CREATE TRIGGER IF NOT EXISTS ${rowidTrigger(db, table, index)} AFTER INSERT ON ${sql} WHEN NEW.r IS NULL ` +
    `BEGIN UPDATE ${sql} SET r = (SELECT r FROM ${tableSql(db, table)} WHERE k = NEW.pk) WHERE ik = NEW.ik AND pk = NEW.pk; END`
  );
}

/** The statement that makes a table's rows table (the rowid `r` is what index entries point at). */
export function rowsTableSql(sql: string): string {
  return `CREATE TABLE ${sql} (r INTEGER PRIMARY KEY, k BLOB NOT NULL UNIQUE, v TEXT NOT NULL, b BLOB)`;
}

/** A string literal for SQL text (trigger bodies cannot take arguments). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Statements that keep a table's row count in `stratum_counts`, exact under rollbacks: two
 * triggers (an upsert that updates fires neither) in the file itself, so every writer counts,
 * and the count as it is now (a table made by an older version, or in an upgrade).
 */
export function countSql(db: string, table: string): string[] {
  const data = tableSql(db, table);
  const name = literal(data);
  const [added, removed] = countTriggers(db, table);
  return [
    `CREATE TRIGGER IF NOT EXISTS ${quote(added)} AFTER INSERT ON ${data} BEGIN UPDATE stratum_counts SET n = n + 1 WHERE name = ${name}; END`,
    `CREATE TRIGGER IF NOT EXISTS ${quote(removed)} AFTER DELETE ON ${data} BEGIN UPDATE stratum_counts SET n = n - 1 WHERE name = ${name}; END`,
    `INSERT OR REPLACE INTO stratum_counts (name, n) VALUES (${name}, (SELECT count(*) FROM ${data}))`,
  ];
}

/** The names (unquoted, as sqlite_master has them) of the two triggers countSql makes. */
export function countTriggers(db: string, table: string): [string, string] {
  return [`n+:${part(db)}/${part(table)}`, `n-:${part(db)}/${part(table)}`];
}

/** The SQL index that finds a row's index entries by primary key (for rewrites and deletes). */
export function indexByRowSql(db: string, table: string, index: string): string {
  return quote(`p:${part(db)}/${part(table)}/${part(index)}`);
}

/** Bytes for a statement argument: an ArrayBuffer of exactly the key's bytes. */
export function keyArg(key: Key): ArrayBuffer {
  return encodeKey(key).buffer as ArrayBuffer;
}

/** A SELECT's parts, so a single read can add its version condition to the WHERE. */
interface Select {
  /** ` FROM …` (with its joins). */
  from: string;
  where: string[];
  args: unknown[];
  /** ` ORDER BY … LIMIT …`, or ''. */
  tail: string;
}

function rangeWhere(column: string, range: KeyRange | undefined, where: string[], args: unknown[]): void {
  if (range?.lower !== undefined) {
    where.push(`${column} ${range.lowerOpen ? '>' : '>='} ?`);
    args.push(keyArg(range.lower));
  }
  if (range?.upper !== undefined) {
    where.push(`${column} ${range.upperOpen ? '<' : '<='} ?`);
    args.push(keyArg(range.upper));
  }
}

function selectSql(columns: string, select: Select, where = select.where): string {
  return `SELECT ${columns}${select.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${select.tail}`;
}

/** The database's stored version, as a scalar subquery (one argument: the database's name). */
const VERSION = '(SELECT version FROM stratum_databases WHERE name = ?)';

/** Where statements run: an open SQL transaction, or the client itself (one autocommit read). */
export interface SqlRunner {
  execute(statement: InStatement): Promise<ResultSet>;
  batch(statements: InStatement[]): Promise<ResultSet[]>;
}

/** Queued writes past this many statements go at once, so a huge transaction's queue stays bounded. */
const MAX_QUEUED = 20_000;

export function rowValue(row: Row, text = 0, bytes = 1): unknown {
  return loadValue(row[text] as string, (row[bytes] as ArrayBuffer | null) ?? null);
}

/**
 * Writes are queued and sent as one batch before the next read and at commit (issue 18): a
 * bulkPut of 10,000 rows is one batch of statements, not 30,000 awaited round trips. The
 * software layer has already checked every rule (unique indexes, `add` conflicts) by then, so
 * what can still fail in the batch is the storage itself, and that fails the commit.
 */
export class SqlRows implements RowStore {
  private _sql: SqlRunner;
  private _db: string;
  private _tables: TableInfo[];
  private _queued: Queued[] = [];
  /**
   * One read outside a transaction (the version its connection opened): the read checks the
   * stored version in its own statement and records it in `seen`.
   */
  private _single: number | undefined;
  /** The stored version a single read saw (undefined: it returned no row to carry it). */
  seen: number | undefined;

  constructor(sql: SqlRunner, db: string, tables: TableInfo[], single?: number) {
    this._sql = sql;
    this._db = db;
    this._tables = tables;
    this._single = single;
  }

  /**
   * Rows of a SELECT. In a single read they come only while the stored version is still the
   * connection's: the condition is one constant subquery that SQLite evaluates once, before
   * the scan (a `UNION ALL` version row cost ~0.05 ms more per page, and a version column on
   * every row a BigInt per row). Rows back prove the version (`seen`); none leave it to the
   * check after the read, which reads it on its own.
   */
  private async _rows(columns: string, select: Select): Promise<Row[]> {
    if (this._single === undefined) return (await this._read({ sql: selectSql(columns, select), args: select.args as InArgs })).rows;
    const { rows } = await this._read({
      sql: selectSql(columns, select, [...select.where, `${VERSION} = ?`]),
      args: [...select.args, this._db, this._single] as InArgs,
    });
    if (rows.length > 0) this.seen = this._single;
    return rows;
  }

  /**
   * A count (an aggregate: always one row, even when the version changed), so in a single read
   * the stored version comes as a second column of that one row.
   */
  private async _count(column: string, select: Select): Promise<Row | undefined> {
    if (this._single === undefined) return (await this._read({ sql: selectSql(column, select), args: select.args as InArgs })).rows[0];
    const [row] = (await this._read({ sql: selectSql(`${column}, ${VERSION}`, select), args: [this._db, ...select.args] as InArgs })).rows;
    if (row) this.seen = Number(row[1] ?? 0);
    return row;
  }

  /** Sends the queued writes, in order. */
  async sync(): Promise<void> {
    if (this._queued.length === 0) return;
    const queued = this._queued;
    this._queued = [];
    await this._sql.batch(toStatements(queued));
  }

  private async _read(statement: InStatement): Promise<ResultSet> {
    // Awaited only when something is queued: a read outside a transaction never has writes to send.
    if (this._queued.length > 0) await this.sync();
    return this._sql.execute(statement);
  }

  private async _write(...statements: Queued[]): Promise<void> {
    for (const statement of statements) this._queued.push(statement);
    if (this._queued.length >= MAX_QUEUED) await this.sync();
  }

  table(name: string): TableInfo {
    return this._tables.find((table) => table.name === name) as TableInfo;
  }

  async read(table: string, key: Key): Promise<unknown> {
    const select: Select = { from: ` FROM ${tableSql(this._db, table)}`, where: ['k = ?'], args: [keyArg(key)], tail: '' };
    if (this._single === undefined) return (await this._values('', select))[0];
    // One row whether the key is there or not (a missing key is a common read: a cache miss),
    // with the stored version beside it, so a miss needs no second statement for the check.
    const { rows } = await this._read({
      sql: `SELECT (SELECT CASE WHEN b IS NULL THEN v ELSE k END${select.from} WHERE k = ?), version FROM stratum_databases WHERE name = ?`,
      args: [...select.args, this._db] as InArgs,
    });
    const row = rows[0];
    // No database row (deleted meanwhile): the check after the read reads the version itself.
    if (row === undefined) return undefined;
    this.seen = Number(row[1]);
    const cell = row[0];
    if (cell === null || cell === undefined) return undefined;
    if (typeof cell === 'string') return loadValue(cell, null);
    // A row with Blob bytes: read again with both columns, under the version condition.
    this.seen = undefined;
    return (await this._rows('v, b', select)).map((found) => rowValue(found))[0];
  }

  /**
   * Rows' values in one column: the text, or for a row with Blob bytes its key (a BLOB, told
   * apart by type), then the version row of a single read (an integer). The driver builds two
   * properties per column of every row, so one column instead of two made a 100-row page
   * measurably cheaper. A page with a Blob row is read again whole with both columns, in one
   * statement, so it stays one consistent read.
   */
  private async _values(t: string, select: Select): Promise<unknown[]> {
    const rows = await this._rows(`CASE WHEN ${t}b IS NULL THEN ${t}v ELSE ${t}k END`, select);
    const values: unknown[] = [];
    for (const row of rows) {
      const cell = row[0];
      if (typeof cell !== 'string') {
        this.seen = undefined;
        return (await this._rows(`${t}v, ${t}b`, select)).map((row) => rowValue(row));
      }
      values.push(loadValue(cell, null));
    }
    return values;
  }

  async has(table: string, key: Key): Promise<boolean> {
    const { rows } = await this._read({ sql: `SELECT 1 FROM ${tableSql(this._db, table)} WHERE k = ?`, args: [keyArg(key)] });
    return rows.length > 0;
  }

  async owners(table: string, index: string, key: Key): Promise<Key[]> {
    const { rows } = await this._read({ sql: `SELECT pk FROM ${indexSql(this._db, table, index)} WHERE ik = ?`, args: [keyArg(key)] });
    return rows.map((row) => decodeKey(new Uint8Array(row[0] as ArrayBuffer)));
  }

  async write(table: string, key: Key, value: unknown, indexes: Map<string, Key[]>): Promise<void> {
    const stored = await storeValue(value);
    const row: Queued = { kind: 'row', table: tableSql(this._db, table), k: keyArg(key), text: stored.text, bytes: stored.bytes, indexes: [] };
    for (const [index, keys] of indexes) row.indexes.push([indexSql(this._db, table, index), keys.map(keyArg)]);
    await this._write(row);
  }

  async remove(table: string, key: Key): Promise<void> {
    const k = keyArg(key);
    const statements: InStatement[] = [{ sql: `DELETE FROM ${tableSql(this._db, table)} WHERE k = ?`, args: [k] }];
    for (const index of this.table(table).indexes) statements.push({ sql: `DELETE FROM ${indexSql(this._db, table, index.name)} WHERE pk = ?`, args: [k] });
    await this._write(...statements);
  }

  async clear(table: string): Promise<void> {
    const statements: InStatement[] = [`DELETE FROM ${tableSql(this._db, table)}`];
    for (const index of this.table(table).indexes) statements.push(`DELETE FROM ${indexSql(this._db, table, index.name)}`);
    await this._write(...statements);
  }

  async scan(table: string, query: ProviderQuery): Promise<unknown[]> {
    const order = query.direction === 'prev' ? 'DESC' : 'ASC';
    const paging = ` LIMIT ${query.limit ?? -1} OFFSET ${query.offset}`;
    const data = tableSql(this._db, table);
    const select: Select = { from: ` FROM ${data}`, where: [], args: [], tail: ` ORDER BY k ${order}${paging}` };
    if (query.index === undefined) {
      rangeWhere('k', query.range, select.where, select.args);
      return this._values('', select);
    }
    // Entries reach their rows by rowid (one integer seek, as an SQLite index does); the key
    // comparison keeps a rowid that something outside Stratum changed from naming another row.
    select.from = ` FROM ${indexSql(this._db, table, query.index)} AS i JOIN ${data} AS t ON t.r = i.r AND t.k = i.pk`;
    select.tail = ` ORDER BY i.ik ${order}, i.pk ${order}${paging}`;
    rangeWhere('i.ik', query.range, select.where, select.args);
    return this._values('t.', select);
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    if (query.index === undefined && query.range === undefined) {
      // The whole table: its kept count (countSql), not a scan of 100,000 keys.
      const row = await this._count('n', { from: ' FROM stratum_counts', where: ['name = ?'], args: [tableSql(this._db, table)], tail: '' });
      if (row && row[0] !== null) return Number(row[0]);
    }
    const select: Select = { from: '', where: [], args: [], tail: '' };
    if (query.index === undefined) {
      select.from = ` FROM ${tableSql(this._db, table)}`;
      rangeWhere('k', query.range, select.where, select.args);
    } else {
      select.from = ` FROM ${indexSql(this._db, table, query.index)}`;
      rangeWhere('ik', query.range, select.where, select.args);
    }
    const row = await this._count('count(*)', select);
    return Number(row?.[0] ?? 0);
  }

  async nextKey(table: string): Promise<number> {
    const { rows } = await this._read({ sql: 'SELECT next FROM stratum_keys WHERE name = ?', args: [tableSql(this._db, table)] });
    return rows[0] ? Number(rows[0][0]) : 1;
  }

  async setNextKey(table: string, next: number): Promise<void> {
    await this._write({
      sql: 'INSERT INTO stratum_keys (name, next) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next = excluded.next',
      args: [tableSql(this._db, table), next],
    });
  }
}

/**
 * A transaction on one SQLite connection, holding the process's lock on the database until it
 * ends. Without `tx` it is one read outside any explicit transaction (a single statement is
 * atomic on its own); `check` then runs after it, so a read that met another process's upgrade
 * fails as before the change.
 */
export class LibsqlTransaction extends SoftwareTransaction {
  protected readonly _rows: SqlRows;
  protected readonly _structuredClone = false;
  private _tx: SqlTransaction | undefined;
  private _release: () => void;
  private _check: ((seen?: number) => Promise<void>) | undefined;
  private _version: number | undefined;

  /**
   * `single.version`: the version the connection opened, which the read's statement checks;
   * `single.check(seen)`: the version check after the read, given the version the read saw if it saw one.
   */
  constructor(
    sql: SqlTransaction | SqlRunner,
    db: string,
    tables: TableInfo[],
    release: () => void,
    single?: { version: number; check: (seen?: number) => Promise<void> },
  ) {
    super();
    this._tx = single ? undefined : (sql as SqlTransaction);
    this._rows = new SqlRows(sql, db, tables, single?.version);
    this._release = release;
    this._check = single?.check;
    this._version = single?.version;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name);
  }

  /** Sends the queued writes (the upgrade's, before the open's own statements follow). */
  sync(): Promise<void> {
    return this._rows.sync();
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._ended = true;
    try {
      if (!this._tx) {
        // A read whose rows came back under the connection's version has checked it already.
        if (this._rows.seen !== this._version) await this._check?.(this._rows.seen);
        return;
      }
      try {
        await this._rows.sync();
      } catch (error) {
        // The storage refused a queued write: nothing of the transaction may stay.
        this._tx.close();
        throw error;
      }
      await this._tx.commit();
    } finally {
      this._release();
    }
  }

  async abort(): Promise<void> {
    this._ended = true;
    try {
      if (!this._tx) {
        // The read failed: if another process upgraded the database meanwhile, say so to the connection.
        await this._check?.().catch((error: unknown) => void error);
        return;
      }
      await this._tx.rollback();
    } catch (error) {
      // The connection is gone (client closed): nothing of the transaction was committed.
      this._tx?.close();
      void error;
    } finally {
      this._release();
    }
  }
}
