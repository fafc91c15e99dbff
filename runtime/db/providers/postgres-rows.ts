/**
 * Rows in PostgreSQL. Every database of a schema shares three tables: `stratum_rows (db, tbl,
 * k bytea, v text, b bytea)`, `stratum_index (db, tbl, idx, ik bytea, pk bytea)` and
 * `stratum_keys`. `k`, `ik` and `pk` are the keys' order-preserving bytes (sort-key.ts), and
 * Postgres orders bytea by memcmp, so its btree order is IndexedDB's key order. One set of
 * tables (not one SQL table per Stratum table) keeps upgrades free of DDL and of Postgres's
 * 63-byte identifier limit.
 */
import type { PoolClient, QueryResult } from 'pg';
import { DatabaseUnavailableError, DataError, describeError, TransactionInactiveError } from '../errors.js';
import type { Key } from '../keys.js';
import type { KeyRange, ProviderQuery } from '../provider.js';
import type { TableInfo } from '../schema.js';
import { decodeKey, encodeKey } from '../sort-key.js';
import { loadValue, storeValue, type StoredRow } from './libsql-values.js';
import { SoftwareTransaction, type RowStore, type RowWrite } from './software.js';
import { nextTask } from './tasks.js';

/**
 * A bulk write's statements take at most this many rows, or this much encoded text (bytea counts
 * twice, as hex): the arrays travel as one string each, which must stay far below V8's longest
 * string and PostgreSQL's 1 GB per message, and a bulkPut of large blobs holds only one chunk's
 * encoded rows at a time.
 */
const WRITE_CHUNK = 1_000;
const WRITE_BYTES = 16 * 1024 * 1024;

/** A row of a bulk write's chunk, encoded. */
interface Staged {
  k: Buffer;
  write: RowWrite;
  stored: StoredRow;
  size: number;
}

export function keyBytes(key: Key): Buffer {
  const bytes = encodeKey(key);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function arrayBuffer(bytes: Buffer | null): ArrayBuffer | null {
  return bytes === null ? null : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

interface ValueRow {
  v: string;
  b: Buffer | null;
}

export function rowValue(row: ValueRow): unknown {
  return loadValue(row.v, arrayBuffer(row.b));
}

/**
 * A statement's failure in words: a key or index value past a btree's row limit (program_limit_exceeded,
 * about 2.7 kB after compression) is the caller's data, a DataError, not the server unavailable.
 */
function failed(error: unknown): Error {
  if ((error as { code?: unknown } | null)?.code === '54000' && /index row/i.test(describeError(error))) {
    return new DataError(`A key is too long for PostgreSQL's index (about 2,700 bytes fit; IndexedDB, libSQL and Redis take it): ${describeError(error)}; nothing was written.`, { cause: error });
  }
  return new DatabaseUnavailableError(`PostgreSQL refused or lost a statement: ${describeError(error)}`, describeError(error), { cause: error });
}

/** Runs a statement; a driver's failure becomes an error in words (`failed`). */
export async function run<R extends object = Record<string, unknown>>(client: PoolClient, sql: string, args: unknown[] = []): Promise<R[]> {
  try {
    return (await client.query<R>(sql, args)).rows;
  } catch (error) {
    throw failed(error);
  }
}

/**
 * Runs statements without parameters sent as one text (the simple protocol: one round trip),
 * giving each one's rows; the first failure fails them all, in words, as `run` does.
 */
export async function runScript<R extends object = Record<string, unknown>>(client: PoolClient, sql: string): Promise<R[][]> {
  try {
    const result = (await client.query<R>(sql)) as unknown as QueryResult<R> | Array<QueryResult<R>>;
    return Array.isArray(result) ? result.map((one) => one.rows) : [result.rows];
  } catch (error) {
    throw failed(error);
  }
}

function rangeSql(column: string, range: KeyRange | undefined, args: unknown[]): string {
  let sql = '';
  if (range?.lower !== undefined) {
    args.push(keyBytes(range.lower));
    sql += ` AND ${column} ${range.lowerOpen ? '>' : '>='} $${args.length}`;
  }
  if (range?.upper !== undefined) {
    args.push(keyBytes(range.upper));
    sql += ` AND ${column} ${range.upperOpen ? '<' : '<='} $${args.length}`;
  }
  return sql;
}

/**
 * Settles a commit whose answer failed: true when transaction `xid` committed, false when it was
 * rolled back; rejects in words when the server cannot tell within its wait.
 */
export type Settle = (xid: string, pid: number | null, error: unknown) => Promise<boolean>;

/**
 * A readonly table call outside db.transaction (`begin`'s `single`): no BEGIN; each statement
 * leaves after `prefix` (the shared lock and the version's SELECT), and `check` is given the
 * version it read, throwing when another process changed it.
 */
export interface SingleRead {
  prefix: string;
  check(version: number): void;
}

export class PgRows implements RowStore {
  private _c: PoolClient;
  private _s: string;
  private _db: string;
  private _tables: TableInfo[];
  /** Set at commit and rollback: a statement after them would run outside the transaction. */
  ended = false;
  single: SingleRead | undefined;
  /** A single read's failed statement: its connection leaves the pool. */
  failure: Error | undefined;

  /** `schema` comes quoted. */
  constructor(client: PoolClient, schema: string, db: string, tables: TableInfo[]) {
    this._c = client;
    this._s = schema;
    this._db = db;
    this._tables = tables;
  }

  table(name: string): TableInfo {
    return this._tables.find((table) => table.name === name) as TableInfo;
  }

  private _run<R extends object = Record<string, unknown>>(sql: string, args?: unknown[]): Promise<R[]> {
    if (this.ended) return Promise.reject(new TransactionInactiveError('The transaction already ended (committed or rolled back); this statement was not run.'));
    if (this.single) return this._runSingle<R>(this.single, sql, args ?? []);
    return run<R>(this._c, sql, args);
  }

  /**
   * A single read's statement, its values written in as literals, sent after the single read's
   * lock and version check as one text: the simple protocol runs them as one implicit
   * transaction (the shared lock held to its end), in one round trip where BEGIN, the statement
   * and COMMIT take three. The schema's quoted name is the only part of our SQL that may hold a
   * `$`, so placeholders are replaced around it.
   */
  private async _runSingle<R extends object>(single: SingleRead, sql: string, args: unknown[]): Promise<R[]> {
    const literal = (match: string, at: string): string => {
      const value = args[Number(at) - 1];
      if (Buffer.isBuffer(value)) return `decode('${value.toString('hex')}', 'hex')`;
      if (typeof value === 'string') return this._c.escapeLiteral(value);
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw new TypeError(`a single read cannot write ${match} into its statement (${typeof value})`);
    };
    const text = sql
      .split(this._s)
      .map((part) => part.replace(/\$(\d+)/g, literal))
      .join(this._s);
    let answers: R[][];
    try {
      answers = await runScript<R>(this._c, `${single.prefix}; ${text}`);
    } catch (error) {
      // With no ROLLBACK to tell, a connection whose statement failed (lost, or timed out and
      // perhaps still running) is not pooled again.
      this.failure = error as Error;
      throw error;
    }
    single.check(Number((answers.at(-2)?.[0] as { version?: unknown } | undefined)?.version ?? 0));
    return answers.at(-1) ?? [];
  }

  async read(table: string, key: Key): Promise<unknown> {
    const rows = await this._run<ValueRow>(`SELECT v, b FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2 AND k = $3`, [this._db, table, keyBytes(key)]);
    return rows[0] ? rowValue(rows[0]) : undefined;
  }

  async has(table: string, key: Key): Promise<boolean> {
    return (await this._run(`SELECT 1 FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2 AND k = $3`, [this._db, table, keyBytes(key)])).length > 0;
  }

  async owners(table: string, index: string, key: Key): Promise<Key[]> {
    const rows = await this._run<{ pk: Buffer }>(`SELECT pk FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2 AND idx = $3 AND ik = $4`, [this._db, table, index, keyBytes(key)]);
    return rows.map((row) => decodeKey(new Uint8Array(row.pk)));
  }

  async write(table: string, key: Key, value: unknown, indexes: Map<string, Key[]>): Promise<void> {
    const stored = await storeValue(value);
    const k = keyBytes(key);
    await this._run(
      `INSERT INTO ${this._s}.stratum_rows (db, tbl, k, v, b) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (db, tbl, k) DO UPDATE SET v = excluded.v, b = excluded.b`,
      [this._db, table, k, stored.text, stored.bytes === null ? null : Buffer.from(stored.bytes)],
    );
    if (indexes.size === 0) return;
    await this._run(`DELETE FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2 AND pk = $3`, [this._db, table, k]);
    await this.index(table, k, indexes);
  }

  /**
   * Many rows in three statements per chunk (the rows' upsert, their old index entries out, the
   * new ones in), each taking its columns as arrays: one round trip per statement, where `write`
   * takes three per row. Each row is encoded as it comes, so the first row that cannot be stored
   * fails the bulkPut as `write` would, even when a later row of its key would have replaced it.
   * A chunk closes at WRITE_CHUNK rows or WRITE_BYTES of encoded text. Within one, a key written
   * twice keeps its last row and index keys (one upsert cannot touch a row twice), which is what
   * writing the rows in order leaves; a later chunk's upsert replaces an earlier chunk's row.
   */
  async writeAll(table: string, writes: AsyncIterable<RowWrite>): Promise<void> {
    const indexed = this.table(table).indexes.length > 0;
    let chunk = new Map<string, Staged>();
    let bytes = 0;
    for await (const write of writes) {
      const stored = await storeValue(write.value);
      const k = keyBytes(write.key);
      const id = k.toString('latin1');
      const before = chunk.get(id);
      if (before) bytes -= before.size;
      chunk.delete(id);
      // bytea travels as hex: twice its bytes.
      const size = stored.text.length + 2 * (stored.bytes?.byteLength ?? 0);
      chunk.set(id, { k, write, stored, size });
      bytes += size;
      if (chunk.size >= WRITE_CHUNK || bytes >= WRITE_BYTES) {
        await this._writeChunk(table, [...chunk.values()], indexed);
        chunk = new Map();
        bytes = 0;
      }
    }
    if (chunk.size > 0) await this._writeChunk(table, [...chunk.values()], indexed);
  }

  private async _writeChunk(table: string, chunk: Staged[], indexed: boolean): Promise<void> {
    const ks = chunk.map(({ k }) => k);
    await this._run(
      `INSERT INTO ${this._s}.stratum_rows (db, tbl, k, v, b) SELECT $1, $2, x.k, x.v, x.b FROM unnest($3::bytea[], $4::text[], $5::bytea[]) AS x (k, v, b)` +
        ' ON CONFLICT (db, tbl, k) DO UPDATE SET v = excluded.v, b = excluded.b',
      [this._db, table, ks, chunk.map(({ stored }) => stored.text), chunk.map(({ stored }) => (stored.bytes === null ? null : Buffer.from(stored.bytes)))],
    );
    if (!indexed) return;
    await this._run(`DELETE FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2 AND pk = ANY($3::bytea[])`, [this._db, table, ks]);
    const names: string[] = [];
    const iks: Buffer[] = [];
    const pks: Buffer[] = [];
    for (const { k, write } of chunk) {
      for (const [index, list] of write.indexes) {
        for (const key of list) {
          names.push(index);
          iks.push(keyBytes(key));
          pks.push(k);
        }
      }
    }
    if (names.length === 0) return;
    await this._run(
      `INSERT INTO ${this._s}.stratum_index (db, tbl, idx, ik, pk) SELECT $1, $2, x.idx, x.ik, x.pk FROM unnest($3::text[], $4::bytea[], $5::bytea[]) AS x (idx, ik, pk) ON CONFLICT DO NOTHING`,
      [this._db, table, names, iks, pks],
    );
  }

  /** Adds index entries of one row (pk) in one statement. */
  async index(table: string, pk: Buffer, indexes: Map<string, Key[]>): Promise<void> {
    const names: string[] = [];
    const keys: Buffer[] = [];
    for (const [index, list] of indexes) {
      for (const key of list) {
        names.push(index);
        keys.push(keyBytes(key));
      }
    }
    if (names.length === 0) return;
    await this._run(
      `INSERT INTO ${this._s}.stratum_index (db, tbl, idx, ik, pk) SELECT $1, $2, x.idx, x.ik, $5 FROM unnest($3::text[], $4::bytea[]) AS x (idx, ik) ON CONFLICT DO NOTHING`,
      [this._db, table, names, keys, pk],
    );
  }

  async remove(table: string, key: Key): Promise<void> {
    const k = keyBytes(key);
    await this._run(`DELETE FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2 AND k = $3`, [this._db, table, k]);
    if (this.table(table).indexes.length) await this._run(`DELETE FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2 AND pk = $3`, [this._db, table, k]);
  }

  async clear(table: string): Promise<void> {
    await this._run(`DELETE FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2`, [this._db, table]);
    await this._run(`DELETE FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2`, [this._db, table]);
  }

  async scan(table: string, query: ProviderQuery): Promise<unknown[]> {
    const args: unknown[] = [this._db, table];
    const order = query.direction === 'prev' ? 'DESC' : 'ASC';
    const paging = ` LIMIT ${query.limit ?? 'ALL'} OFFSET ${query.offset}`;
    let sql: string;
    if (query.index === undefined) {
      sql = `SELECT v, b FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2${rangeSql('k', query.range, args)} ORDER BY k ${order}${paging}`;
    } else {
      args.push(query.index);
      sql =
        `SELECT t.v, t.b FROM ${this._s}.stratum_index AS i JOIN ${this._s}.stratum_rows AS t ON t.db = i.db AND t.tbl = i.tbl AND t.k = i.pk` +
        ` WHERE i.db = $1 AND i.tbl = $2 AND i.idx = $3${rangeSql('i.ik', query.range, args)} ORDER BY i.ik ${order}, i.pk ${order}${paging}`;
    }
    return (await this._run<ValueRow>(sql, args)).map(rowValue);
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    const args: unknown[] = [this._db, table];
    const sql =
      query.index === undefined
        ? `SELECT count(*) AS n FROM ${this._s}.stratum_rows WHERE db = $1 AND tbl = $2${rangeSql('k', query.range, args)}`
        : `SELECT count(*) AS n FROM ${this._s}.stratum_index WHERE db = $1 AND tbl = $2 AND idx = $${args.push(query.index)}${rangeSql('ik', query.range, args)}`;
    const rows = await this._run<{ n: string }>(sql, args);
    return Number(rows[0]?.n ?? 0);
  }

  async nextKey(table: string): Promise<number> {
    const rows = await this._run<{ next: number }>(`SELECT next FROM ${this._s}.stratum_keys WHERE db = $1 AND tbl = $2`, [this._db, table]);
    return rows[0] ? Number(rows[0].next) : 1;
  }

  async setNextKey(table: string, next: number): Promise<void> {
    await this._run(`INSERT INTO ${this._s}.stratum_keys (db, tbl, next) VALUES ($1, $2, $3) ON CONFLICT (db, tbl) DO UPDATE SET next = excluded.next`, [this._db, table, next]);
  }
}

/** A transaction on one pooled connection; `done` returns the connection to the pool. */
export class PgTransaction extends SoftwareTransaction {
  protected readonly _rows: PgRows;
  /** Rows are the codec's text, as in libSQL: a URL round-trips. */
  protected readonly _structuredClone = false;
  private _client: PoolClient;
  private _done: (broken?: Error) => void;
  private _settle: Settle | undefined;

  /**
   * `settle`, for readwrite transactions: asks the outcome of a commit whose answer was lost.
   * `single`: a readonly call outside db.transaction, which sends no BEGIN, COMMIT or ROLLBACK.
   */
  constructor(client: PoolClient, schema: string, db: string, tables: TableInfo[], done: (broken?: Error) => void, settle?: Settle, single?: SingleRead) {
    super();
    this._settle = settle;
    this._client = client;
    this._rows = new PgRows(client, schema, db, tables);
    this._rows.single = single;
    this._done = done;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name);
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._ended = true;
    this._rows.ended = true;
    if (this._rows.single) return this._done();
    let xid: string | null = null;
    try {
      // The transaction's id, known before COMMIT leaves: if its answer is lost, the server
      // still knows whether it committed (pg_xact_status), so a retry never applies it twice.
      // Null when it wrote nothing (no id assigned): then the outcome changes nothing.
      if (this._settle) xid = (await run<{ xid: string | null }>(this._client, 'SELECT pg_current_xact_id_if_assigned()::text AS xid'))[0]?.xid ?? null;
      await run(this._client, 'COMMIT');
      this._done();
    } catch (error) {
      this._done(error as Error);
      if (xid === null || !this._settle) throw error;
      const pid = (this._client as unknown as { processID: number | null }).processID;
      if (!(await this._settle(xid, pid, error))) {
        throw new DatabaseUnavailableError(
          `PostgreSQL: the commit got no answer (${describeError(error)}), and the server rolled the transaction back; nothing of it was applied.`,
          describeError(error),
          { cause: error },
        );
      }
    }
  }

  async abort(): Promise<void> {
    this._ended = true;
    this._rows.ended = true;
    if (this._rows.single) return this._done(this._rows.failure);
    try {
      await this._client.query('ROLLBACK');
      this._done();
    } catch (error) {
      // The connection is gone: Postgres rolled the transaction back when it lost it. The
      // broken connection leaves the pool instead of going back into it.
      this._done(error as Error);
    }
  }
}
