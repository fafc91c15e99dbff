/**
 * The contract between a Database and where its rows live. Deliberately small: a provider
 * opens a connection (creating and deleting tables to match the declaration), begins
 * transactions, and runs seven operations inside them. Transactions' all-or-nothing rule,
 * the "await only your own operations" rule, change events and the Table/Cache/Blob APIs are
 * built once on top (transaction.ts, table.ts), so every provider behaves the same.
 */
import type { Key } from './keys.js';
import type { TableInfo } from './schema.js';
import type { Query } from './types.js';

export type Mode = 'readonly' | 'readwrite';

/** A key range with bounds already made keys (BigInt bounds converted, see keys.ts numberBound). */
export interface KeyRange {
  lower?: Key;
  lowerOpen: boolean;
  upper?: Key;
  upperOpen: boolean;
}

export interface ProviderQuery {
  index?: string;
  range?: KeyRange;
  direction: 'next' | 'prev';
  offset: number;
  limit?: number;
}

/**
 * One transaction. Operations reject with the database's error classes (ConstraintError,
 * DataError, …), never with a driver's own error. A failed operation leaves the transaction to
 * be aborted by the caller.
 */
export interface ProviderTransaction {
  get(table: string, key: Key): Promise<unknown>;
  /**
   * Writes a row and resolves to its key; with `add`, an existing key is a ConstraintError. `key`
   * only for a table whose keys are out of line (TableInfo.key null: IndexedDB only), which the
   * row cannot name itself.
   */
  put(table: string, value: unknown, add: boolean, key?: Key): Promise<Key>;
  /**
   * Optional: bulkPut's rows, issued together, resolving to their keys in order (the first
   * failure rejects, as put's would). Without it, bulkPut issues one put per row.
   */
  putAll?(table: string, values: unknown[]): Promise<Key[]>;
  delete(table: string, key: Key): Promise<void>;
  clear(table: string): Promise<void>;
  /**
   * With `keys`, each row as a KeyedRow (its primary key beside it): asked only for a table whose
   * keys are out of line, which only IndexedDB has, so only it implements the flag (KEYED_ROWS).
   */
  query(table: string, query: ProviderQuery, keys?: boolean): Promise<unknown[]>;
  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number>;
  /**
   * Resolves once a task boundary has passed, keeping the transaction open meanwhile. If the
   * transaction's function issued nothing by then, it is waiting on something else.
   */
  idle(): Promise<void>;
  /** Makes everything durable; resolves after the commit. */
  commit(): Promise<void>;
  /** Rolls everything back; resolves (never rejects) once nothing of it is visible to later transactions. */
  abort(): Promise<void>;
}

export interface OpenRequest {
  name: string;
  version: number;
  /** The declared tables, Stratum's layouts included. */
  tables: TableInfo[];
  /**
   * Called inside the upgrade transaction after new tables and indexes exist and before
   * removed ones are deleted (so the user's `upgrade` can still copy rows out of them);
   * `tables` is every table that exists at that moment.
   */
  upgrade(tx: ProviderTransaction, oldVersion: number, tables: TableInfo[]): Promise<void>;
  /** Another connection holds an older version and has not closed yet; the open waits. */
  blocked(oldVersion: number): void;
  /** Another connection wants to upgrade (newVersion) or delete (null) the database. */
  versionchange(newVersion: number | null): void;
  /** The connection went away without being asked (the browser closed it, the file vanished). */
  lost(reason: string): void;
  /** The Cache layout's clock (`cache: { now }`, else Date.now): Redis turns `expires` into a TTL by it. */
  now?: () => number;
}

export interface Connection {
  readonly version: number;
  /** The tables as they exist now (after any upgrade). */
  readonly tables: TableInfo[];
  /**
   * Resolves when the transaction may start (providers serialize what they must). `single`: it
   * runs exactly one operation (a table call outside db.transaction), so a provider may run a
   * read as one statement with no explicit transaction around it (libSQL does).
   */
  begin(tables: string[], mode: Mode, single?: boolean): Promise<ProviderTransaction>;
  /** A BroadcastChannel name shared by every connection to the same stored database. */
  readonly channel: string | undefined;
  /**
   * Change events for connections in other processes (Postgres LISTEN/NOTIFY, Redis pub/sub),
   * where a BroadcastChannel cannot reach; used instead of `channel`.
   */
  readonly feed?: ChangeFeed;
  /**
   * One SQL statement in a transaction the engine itself keeps read-only, always rolled back
   * (the devtools query console, issue 22). Only SQL engines have it (libSQL, Postgres).
   */
  sql?(text: string, timeoutMs?: number): Promise<SqlRows>;
  close(): void;
}

export interface SqlRows {
  columns: string[];
  rows: unknown[][];
}

/** How the devtools agent reaches a database's `Connection.sql` without a public method on Database. */
export const READONLY_SQL = Symbol.for('stratum.db.readonlySql');

/** A row with its primary key, as a table whose keys are out of line holds it. */
export interface KeyedRow {
  key: Key;
  value: unknown;
}

/**
 * How the devtools agent reads a table's rows with their primary keys and writes one at a key it
 * names, without a public method on Table: a table whose keys are out of line (localForage's)
 * holds its keys apart from the values, so neither query() nor put(value) can carry them.
 */
export const KEYED_ROWS = Symbol.for('stratum.db.keyedRows');

export interface KeyedRows {
  /** query()'s rows with their primary keys, in the same order and with the same paging (IndexedDB only). */
  read(query: Query): Promise<KeyedRow[]>;
  /** Puts `value` at `key`, for a table whose keys are out of line only (IndexedDB refuses a key for any other). */
  put(key: Key, value: unknown): Promise<Key>;
}

/** Committed change events crossing processes through the engine itself. */
export interface ChangeFeed {
  /** Sends events (plain data: keys may be Dates, binary, arrays) to every other connection to the database. */
  publish(events: readonly object[]): void;
  /** Hears the events other connections publish (never this connection's own). */
  listen(listener: (events: object[]) => void): () => void;
}

/** Where a database lives: IndexedDB (the default in browsers), libSQL (`stratumjs/db/libsql`) or memory. */
export interface Provider {
  readonly kind: 'indexeddb' | 'libsql' | 'memory' | 'postgres' | 'redis';
  /** Whether data outlives the page or process (false for memory and `:memory:`). */
  readonly persistent: boolean;
  open(request: OpenRequest): Promise<Connection>;
  /** Deletes a database; `blocked` is called while other connections keep it open. */
  deleteDatabase(name: string, blocked: () => void): Promise<void>;
}
