/**
 * The public types of `stratumjs/db`. A schema type is optional: `openDatabase<MySchema>()` types
 * tables, values, keys and index names exactly; `openDatabase()` (schema `unknown`) still
 * compiles with `unknown` values and any table or index name — the idb way.
 */
import type { Key, KeyBound } from './keys.js';
import type { Mode, Provider } from './provider.js';
import type { TableDeclaration, TableInfo } from './schema.js';

/** Describes tables for typing: `{ notes: { value: Note; key: number; indexes: { byTag: string } } }`. */
export interface DbSchema {
  [table: string]: { value: unknown; key: Key; indexes?: Record<string, Key> };
}

export type TableName<S> = unknown extends S ? string : Extract<keyof S, string>;
export type ValueOf<S, N> = unknown extends S ? unknown : N extends keyof S ? (S[N] extends { value: infer V } ? V : unknown) : unknown;
export type KeyOf<S, N> = unknown extends S ? Key : N extends keyof S ? (S[N] extends { key: infer K extends Key } ? K : Key) : Key;
export type IndexesOf<S, N> = unknown extends S
  ? Record<string, Key>
  : N extends keyof S
    ? S[N] extends { indexes: infer I extends Record<string, Key> }
      ? I
      : Record<never, Key>
    : Record<string, Key>;

/** Number keys may be bounded by a BigInt, compared exactly (see keys.ts). */
type BoundOf<K> = K extends number ? K | bigint : K;

/** A key range; `eq` alone, or at most one lower (`gt`/`gte`) and one upper (`lt`/`lte`) bound. */
export interface Range<K = KeyBound> {
  eq?: K;
  gt?: K;
  gte?: K;
  lt?: K;
  lte?: K;
}

interface Paging {
  /** Rows skipped before the first one returned. */
  offset?: number;
  limit?: number;
  /** `next` ascending (default), `prev` descending; by index key, then by primary key. */
  direction?: 'next' | 'prev';
}

type Selection<K extends Key, I extends Record<string, Key>> =
  | { index?: undefined; range?: Range<BoundOf<K>> }
  | { [N in Extract<keyof I, string>]: { index: N; range?: Range<BoundOf<I[N]>> } }[Extract<keyof I, string>];

export type Query<K extends Key = Key, I extends Record<string, Key> = Record<string, Key>> = Selection<K, I> & Paging;
export type CountQuery<K extends Key = Key, I extends Record<string, Key> = Record<string, Key>> = Selection<K, I>;

export interface Table<V = unknown, K extends Key = Key, I extends Record<string, Key> = Record<string, Key>> {
  readonly name: string;
  get(key: K): Promise<V | undefined>;
  /** Inserts or replaces; resolves to the key (generated when the table auto-increments). */
  put(value: V): Promise<K>;
  /** Inserts; an existing key (or a unique index value) is a ConstraintError. */
  add(value: V): Promise<K>;
  /** Merges `patch` into the row and resolves to the result; a missing row is a NotFoundError. */
  update(key: K, patch: Partial<V>): Promise<V>;
  delete(key: K): Promise<void>;
  clear(): Promise<void>;
  /** Puts every value in one transaction: all or nothing. */
  bulkPut(values: V[]): Promise<K[]>;
  query(query?: Query<K, I>): Promise<V[]>;
  count(query?: CountQuery<K, I>): Promise<number>;
}

export interface TransactionOptions {
  /** Names every change the transaction makes in change events (the panel's timeline); default: each operation's name. */
  label?: string;
}

/** The handle a transaction's function gets: its tables, nothing else. */
export interface Transaction<S = unknown> {
  readonly mode: Mode;
  readonly tables: readonly string[];
  table<N extends TableName<S>>(name: N): Table<ValueOf<S, N>, KeyOf<S, N>, IndexesOf<S, N>>;
}

export interface CacheSetOptions {
  /** Milliseconds until the entry expires; none: it stays until deleted. */
  ttl?: number;
}

/** A key-value cache with expiry in the table `$cache` (`openDatabase(…, { cache: true })`). */
export interface Cache {
  /** The value, or undefined when missing or expired (an expired entry is never returned). */
  get<T = unknown>(key: Key): Promise<T | undefined>;
  set(key: Key, value: unknown, options?: CacheSetOptions): Promise<void>;
  delete(key: Key): Promise<void>;
  clear(): Promise<void>;
  /** The keys of entries that have not expired, in key order. */
  keys(): Promise<Key[]>;
  /** Deletes expired entries; resolves to how many. */
  prune(): Promise<number>;
}

export interface BlobInfo {
  id: string;
  /** A File's name, the `name` option, or ''. */
  name: string;
  /** The MIME type, '' when unknown. */
  type: string;
  size: number;
  /** Epoch milliseconds. */
  created: number;
  meta?: object;
}

/** Blobs stored natively (IndexedDB Blob, SQLite BLOB), never as base64 (`{ blobs: true }`). */
export interface BlobStore {
  put(blob: Blob, options?: { name?: string; meta?: object }): Promise<string>;
  /** A Blob of the same bytes and type (a File when one was stored), or undefined. */
  get(id: string): Promise<Blob | undefined>;
  info(id: string): Promise<BlobInfo | undefined>;
  /** Oldest first. */
  list(): Promise<BlobInfo[]>;
  delete(id: string): Promise<void>;
  /** Total bytes of every stored blob. */
  usage(): Promise<number>;
}

/**
 * Common to row changes. `label` names what made them: the operation (`put`, `add`, `update`,
 * `delete`, `clear`, `bulkPut`, `cache.set`, `cache.delete`, `cache.clear`, `cache.prune`,
 * `blobs.put`, `blobs.delete`), or the `label` given to `transaction()`.
 */
interface RowChange {
  table: string;
  origin: 'local' | 'remote';
  label?: string;
  /** The call site, only while the Stratum panel records traces (never from another tab). */
  trace?: object;
}

/** What subscribers hear. Row changes come after commit; `remote` ones from another tab or connection. */
export type DbEvent =
  | (RowChange & { type: 'put'; keys: Key[] })
  | (RowChange & { type: 'delete'; keys: Key[] })
  | (RowChange & { type: 'clear' })
  /** This open (newVersion) or delete (null) waits for another connection on `oldVersion` to close. */
  | { type: 'blocked'; oldVersion: number; newVersion: number | null }
  /** Another connection upgrades (newVersion) or deletes (null) the database: this one closed itself. */
  | { type: 'versionchange'; newVersion: number | null }
  /** The connection closed: `close()`, a versionchange, `delete()`, or lost (the reason says which). */
  | { type: 'close'; reason: string };

export type ProviderKind = Provider['kind'];

export interface OpenOptions<S = unknown> {
  version: number;
  tables: unknown extends S ? Record<string, TableDeclaration> : { [N in TableName<S>]: TableDeclaration };
  /** Runs in the upgrade transaction after new tables/indexes exist, before removed ones are deleted. */
  upgrade?: (context: { oldVersion: number; newVersion: number; tx: Transaction<S> }) => void | Promise<void>;
  /** Adds the Cache layout (table `$cache`); `{ now }` replaces the clock (default Date.now). */
  cache?: boolean | { now?: () => number };
  /** Adds blob storage (tables `$blobs` and `$blobdata`). */
  blobs?: boolean;
  /** Default: IndexedDB; `libsql({ url })` from `stratumjs/db/libsql` in Node; `memory()` for tests. */
  provider?: Provider;
  /** Only when asked: open in memory when IndexedDB is unusable, instead of a DatabaseUnavailableError. */
  fallback?: 'memory';
  /** Subscribed before the open starts, so it also hears `blocked`. */
  subscribe?: (event: DbEvent) => void;
}

export interface Database<S = unknown> {
  readonly name: string;
  readonly version: number;
  readonly provider: ProviderKind;
  /** false in memory (asked for, or a fallback) and for SQLite `:memory:`. */
  readonly persistent: boolean;
  /** Why the database is in memory although IndexedDB was asked for (the browser's words). */
  readonly reason: string | undefined;
  readonly closed: boolean;
  table<N extends TableName<S>>(name: N): Table<ValueOf<S, N>, KeyOf<S, N>, IndexesOf<S, N>>;
  /** Every table with key path, autoIncrement and indexes, Stratum's layouts included. */
  tables(): TableInfo[];
  /**
   * Runs `fn` in one transaction over `tables`: all or nothing. Await only the transaction's
   * own operations inside `fn`; awaiting anything else ends it with a TransactionInactiveError
   * and nothing written, in every provider.
   */
  transaction<R>(tables: TableName<S>[], mode: Mode, fn: (tx: Transaction<S>) => Promise<R>, options?: TransactionOptions): Promise<R>;
  readonly cache: Cache;
  readonly blobs: BlobStore;
  subscribe(listener: (event: DbEvent) => void): () => void;
  close(): void;
  /** Closes and deletes the database with every table in it. */
  delete(): Promise<void>;
}
