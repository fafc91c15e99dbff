/**
 * Rows in SQLite. Each table is `(k BLOB PRIMARY KEY, v TEXT, b BLOB)` with `k` the key's
 * order-preserving bytes (keys.ts encodeKey), so SQLite's BLOB order (memcmp) is IndexedDB's
 * key order; each index is `(ik BLOB, pk BLOB)` sorted by index key, then primary key.
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

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The SQL table of a database's table: `"t:notes/items"`, readable in any SQLite browser. */
export function tableSql(db: string, table: string): string {
  return quote(`t:${part(db)}/${part(table)}`);
}

export function indexSql(db: string, table: string, index: string): string {
  return quote(`i:${part(db)}/${part(table)}/${part(index)}`);
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

function rangeSql(column: string, range: KeyRange | undefined, args: InArgs & unknown[]): string {
  const where: string[] = [];
  if (range?.lower !== undefined) {
    where.push(`${column} ${range.lowerOpen ? '>' : '>='} ?`);
    args.push(keyArg(range.lower));
  }
  if (range?.upper !== undefined) {
    where.push(`${column} ${range.upperOpen ? '<' : '<='} ?`);
    args.push(keyArg(range.upper));
  }
  return where.length ? ` WHERE ${where.join(' AND ')}` : '';
}

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
  /** One read outside a transaction: it reads the version with its rows (`seen`). */
  private _single: boolean;
  /** The stored version a single read saw (undefined: it returned no row to carry it). */
  seen: number | undefined;

  constructor(sql: SqlRunner, db: string, tables: TableInfo[], single = false) {
    this._sql = sql;
    this._db = db;
    this._tables = tables;
    this._single = single;
  }

  /**
   * A SELECT of `at` columns. With `single`, the database's version comes in the same statement
   * (`seen`), so a read outside a transaction checks it without a second one.
   */
  private async _select(columns: string, rest: string, args: unknown[], at: number, columnArgs: unknown[] = []): Promise<Row[]> {
    if (!this._single) return (await this._read({ sql: `SELECT ${columns}${rest}`, args: [...columnArgs, ...args] as InArgs })).rows;
    // The version comes as one row after the others (a column on every row cost a BigInt per row).
    const { rows } = await this._read({
      sql: `SELECT * FROM (SELECT ${columns}, NULL${rest}) UNION ALL SELECT ${'NULL, '.repeat(at)}version FROM stratum_databases WHERE name = ?`,
      args: [...columnArgs, ...args, this._db] as InArgs,
    });
    const last = rows[rows.length - 1];
    if (last === undefined || last[at] === null) return rows;
    this.seen = Number(last[at]);
    return rows.slice(0, -1);
  }

  /** Sends the queued writes, in order. */
  async sync(): Promise<void> {
    if (this._queued.length === 0) return;
    const queued = this._queued;
    this._queued = [];
    await this._sql.batch(toStatements(queued));
  }

  private async _read(statement: InStatement): Promise<ResultSet> {
    await this.sync();
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
    const [value] = await this._values('', ` FROM ${tableSql(this._db, table)} WHERE k = ?`, [keyArg(key)]);
    return value;
  }

  /**
   * Rows' values in one column: the text, or for a row with Blob bytes its key (a BLOB, told
   * apart by type), then the version row of a single read (an integer). The driver builds two
   * properties per column of every row, so one column instead of two made a 100-row page
   * measurably cheaper. A page with a Blob row is read again whole with both columns, in one
   * statement, so it stays one consistent read.
   */
  private async _values(t: string, rest: string, args: unknown[]): Promise<unknown[]> {
    const one = `SELECT CASE WHEN ${t}b IS NULL THEN ${t}v ELSE ${t}k END${rest}`;
    const { rows } = await this._read({
      sql: this._single ? `SELECT * FROM (${one}) UNION ALL SELECT version FROM stratum_databases WHERE name = ?` : one,
      args: (this._single ? [...args, this._db] : args) as InArgs,
    });
    const values: unknown[] = [];
    let bytes = false;
    for (const row of rows) {
      const cell = row[0];
      if (typeof cell === 'string') values.push(loadValue(cell, null));
      else if (typeof cell === 'bigint' || typeof cell === 'number') this.seen = Number(cell);
      else bytes = true;
    }
    if (!bytes) return values;
    this.seen = undefined;
    return (await this._select(`${t}v, ${t}b`, rest, args, 2)).map((row) => rowValue(row));
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
    const args: unknown[] = [];
    const order = query.direction === 'prev' ? 'DESC' : 'ASC';
    const paging = ` LIMIT ${query.limit ?? -1} OFFSET ${query.offset}`;
    const data = tableSql(this._db, table);
    return query.index === undefined
      ? this._values('', ` FROM ${data}${rangeSql('k', query.range, args as InArgs & unknown[])} ORDER BY k ${order}${paging}`, args)
      : this._values(
          't.',
          ` FROM ${indexSql(this._db, table, query.index)} AS i JOIN ${data} AS t ON t.k = i.pk` +
            `${rangeSql('i.ik', query.range, args as InArgs & unknown[])} ORDER BY i.ik ${order}, i.pk ${order}${paging}`,
          args,
        );
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    const args: unknown[] = [];
    if (query.index === undefined && query.range === undefined) {
      // The whole table: its kept count (countSql), not a scan of 100,000 keys.
      const [row] = await this._select('(SELECT n FROM stratum_counts WHERE name = ?)', '', [], 1, [tableSql(this._db, table)]);
      if (row && row[0] !== null) return Number(row[0]);
    }
    const source = query.index === undefined ? tableSql(this._db, table) : indexSql(this._db, table, query.index);
    const column = query.index === undefined ? 'k' : 'ik';
    const [row] = await this._select('count(*)', ` FROM ${source}${rangeSql(column, query.range, args as InArgs & unknown[])}`, args, 1);
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

  /** `single.check(seen)`: the version check after the read, given the version the read saw if it saw one. */
  constructor(sql: SqlTransaction | SqlRunner, db: string, tables: TableInfo[], release: () => void, single?: { check: (seen?: number) => Promise<void> }) {
    super();
    this._tx = single ? undefined : (sql as SqlTransaction);
    this._rows = new SqlRows(sql, db, tables, single !== undefined);
    this._release = release;
    this._check = single?.check;
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
        await this._check?.(this._rows.seen);
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
