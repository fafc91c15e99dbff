/**
 * Rows in SQLite. Each table is `(k BLOB PRIMARY KEY, v TEXT, b BLOB)` with `k` the key's
 * order-preserving bytes (keys.ts encodeKey), so SQLite's BLOB order (memcmp) is IndexedDB's
 * key order; each index is `(ik BLOB, pk BLOB)` sorted by index key, then primary key.
 */
import type { InArgs, Row, Transaction as SqlTransaction } from '@libsql/client';
import type { Key } from '../keys.js';
import { decodeKey, encodeKey } from '../sort-key.js';
import type { KeyRange, ProviderQuery } from '../provider.js';
import type { TableInfo } from '../schema.js';
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

export function rowValue(row: Row, text = 0, bytes = 1): unknown {
  return loadValue(row[text] as string, (row[bytes] as ArrayBuffer | null) ?? null);
}

export class SqlRows implements RowStore {
  private _tx: SqlTransaction;
  private _db: string;
  private _tables: TableInfo[];

  constructor(tx: SqlTransaction, db: string, tables: TableInfo[]) {
    this._tx = tx;
    this._db = db;
    this._tables = tables;
  }

  table(name: string): TableInfo {
    return this._tables.find((table) => table.name === name) as TableInfo;
  }

  async read(table: string, key: Key): Promise<unknown> {
    const { rows } = await this._tx.execute({ sql: `SELECT v, b FROM ${tableSql(this._db, table)} WHERE k = ?`, args: [keyArg(key)] });
    return rows[0] ? rowValue(rows[0]) : undefined;
  }

  async has(table: string, key: Key): Promise<boolean> {
    const { rows } = await this._tx.execute({ sql: `SELECT 1 FROM ${tableSql(this._db, table)} WHERE k = ?`, args: [keyArg(key)] });
    return rows.length > 0;
  }

  async owners(table: string, index: string, key: Key): Promise<Key[]> {
    const { rows } = await this._tx.execute({ sql: `SELECT pk FROM ${indexSql(this._db, table, index)} WHERE ik = ?`, args: [keyArg(key)] });
    return rows.map((row) => decodeKey(new Uint8Array(row[0] as ArrayBuffer)));
  }

  async write(table: string, key: Key, value: unknown, indexes: Map<string, Key[]>): Promise<void> {
    const stored = await storeValue(value);
    const k = keyArg(key);
    await this._tx.execute({
      sql: `INSERT INTO ${tableSql(this._db, table)} (k, v, b) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v, b = excluded.b`,
      args: [k, stored.text, stored.bytes],
    });
    for (const [index, keys] of indexes) {
      const sql = indexSql(this._db, table, index);
      await this._tx.execute({ sql: `DELETE FROM ${sql} WHERE pk = ?`, args: [k] });
      for (const indexKey of keys) await this._tx.execute({ sql: `INSERT OR IGNORE INTO ${sql} (ik, pk) VALUES (?, ?)`, args: [keyArg(indexKey), k] });
    }
  }

  async remove(table: string, key: Key): Promise<void> {
    const k = keyArg(key);
    await this._tx.execute({ sql: `DELETE FROM ${tableSql(this._db, table)} WHERE k = ?`, args: [k] });
    for (const index of this.table(table).indexes) {
      await this._tx.execute({ sql: `DELETE FROM ${indexSql(this._db, table, index.name)} WHERE pk = ?`, args: [k] });
    }
  }

  async clear(table: string): Promise<void> {
    await this._tx.execute(`DELETE FROM ${tableSql(this._db, table)}`);
    for (const index of this.table(table).indexes) await this._tx.execute(`DELETE FROM ${indexSql(this._db, table, index.name)}`);
  }

  async scan(table: string, query: ProviderQuery): Promise<unknown[]> {
    const args: unknown[] = [];
    const order = query.direction === 'prev' ? 'DESC' : 'ASC';
    const paging = ` LIMIT ${query.limit ?? -1} OFFSET ${query.offset}`;
    const data = tableSql(this._db, table);
    const sql =
      query.index === undefined
        ? `SELECT v, b FROM ${data}${rangeSql('k', query.range, args as InArgs & unknown[])} ORDER BY k ${order}${paging}`
        : `SELECT t.v, t.b FROM ${indexSql(this._db, table, query.index)} AS i JOIN ${data} AS t ON t.k = i.pk` +
          `${rangeSql('i.ik', query.range, args as InArgs & unknown[])} ORDER BY i.ik ${order}, i.pk ${order}${paging}`;
    const { rows } = await this._tx.execute({ sql, args: args as InArgs });
    return rows.map((row) => rowValue(row));
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    const args: unknown[] = [];
    const source = query.index === undefined ? tableSql(this._db, table) : indexSql(this._db, table, query.index);
    const column = query.index === undefined ? 'k' : 'ik';
    const { rows } = await this._tx.execute({ sql: `SELECT count(*) FROM ${source}${rangeSql(column, query.range, args as InArgs & unknown[])}`, args: args as InArgs });
    return Number(rows[0]?.[0] ?? 0);
  }

  async nextKey(table: string): Promise<number> {
    const { rows } = await this._tx.execute({ sql: 'SELECT next FROM stratum_keys WHERE name = ?', args: [tableSql(this._db, table)] });
    return rows[0] ? Number(rows[0][0]) : 1;
  }

  async setNextKey(table: string, next: number): Promise<void> {
    await this._tx.execute({
      sql: 'INSERT INTO stratum_keys (name, next) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next = excluded.next',
      args: [tableSql(this._db, table), next],
    });
  }
}

/** A transaction on one SQLite connection, holding the process's lock on the database until it ends. */
export class LibsqlTransaction extends SoftwareTransaction {
  protected readonly _rows: SqlRows;
  protected readonly _structuredClone = false;
  private _tx: SqlTransaction;
  private _release: () => void;

  constructor(tx: SqlTransaction, db: string, tables: TableInfo[], release: () => void) {
    super();
    this._tx = tx;
    this._rows = new SqlRows(tx, db, tables);
    this._release = release;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name);
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._ended = true;
    try {
      await this._tx.commit();
    } finally {
      this._release();
    }
  }

  async abort(): Promise<void> {
    this._ended = true;
    try {
      await this._tx.rollback();
    } catch (error) {
      // The connection is gone (client closed): nothing of the transaction was committed.
      this._tx.close();
      void error;
    } finally {
      this._release();
    }
  }
}
