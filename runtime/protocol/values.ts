/**
 * The data the protocol carries (no message names here: those live in messages.ts).
 * Values travel in the codec's tagged, JSON-safe form (`Encoded`), so they survive both
 * postMessage and a runtime.Port's JSON serialization with their types intact.
 */

import type { Encoded, Path } from '../codec/types.js';
import type { StateColumns } from './columns.js';

export type { Encoded, Path, StateColumns };

/** A JSON value: what survives every hop (the codec's `Encoded` is one). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Stands in for a version where there is none (a webstorage key, a db row): a hash of the encoded value. */
export type Hash = `h${string}`;

export type RegistryKindName = 'store' | 'webstorage' | 'database';

export interface StateInfo {
  /** State.id: stable across reloads. */
  id: string;
  key: string;
  scope: string;
  version: number;
  value: Encoded;
  /** `local`, `session`, `db:<name>/<table>`, or absent when in memory only. */
  persistence?: string;
  /** Paths shown as `[redacted]` by configureDevtools({ redact }); not editable. */
  redacted: Path[];
  /**
   * `value` is a preview (snapshot with `previews`): primitives as they are, strings cut at
   * PREVIEW's length, containers as a `truncated` node with their size. The panel pulls the
   * full value with `expand` (path []) when the state is selected.
   */
  preview?: true;
}

export interface ScopeInfo {
  name: string;
  states: StateInfo[];
  /** The scope's states as columns (columns.ts), for a panel that reads them; `states` is then empty. */
  columns?: StateColumns;
}

export interface StoreInfo {
  /** The registry id: what commands address. */
  id: number;
  name: string;
  scopes: ScopeInfo[];
}

export interface WebstorageKeyInfo {
  key: string;
  value: Encoded;
  /** The version edits carry; where redact() hides a part, a stand-in the agent keeps (nothing computed from the secret). */
  hash: Hash;
  /**
   * Bytes the stored entry takes: UTF-16, 2 per code unit of `<namespace>:<key>` and the stored
   * text; where redact() hides a part, counted for the value as shown (the secret's length stays hidden).
   */
  size: number;
  redacted: Path[];
  /** Set when the stored value cannot be decoded: it is left in place, shown, not editable. */
  error?: string;
}

export interface WebstorageInfo {
  id: number;
  kind: 'local' | 'session' | 'memory';
  backend: 'localStorage' | 'sessionStorage' | 'memory';
  available: boolean;
  reason?: string;
  namespace: string;
  keys: WebstorageKeyInfo[];
  /** Sum of the key sizes, in bytes. */
  bytes: number;
  /** Set when this is one live server request's memory (runRequest on Node): listed while the request runs. */
  request?: RequestTag;
}

/** A live server request, as the panel names it: `request #12 GET /cart`. */
export interface RequestTag {
  id: number;
  name: string;
  /** When it started (ms since the epoch). */
  since: number;
}

export interface IndexInfo {
  name: string;
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
}

export interface TableInfo {
  name: string;
  keyPath: string | string[];
  autoIncrement: boolean;
  indexes: IndexInfo[];
  /** Rows now; null when counting failed (the reason is in the database's `reason`). */
  count: number | null;
  /** `$cache`, `$blobs`, `$blobdata`: layouts Stratum adds, shown but not declared. */
  internal: boolean;
}

export interface DatabaseInfo {
  id: number;
  name: string;
  version: number;
  provider: 'indexeddb' | 'libsql' | 'memory' | 'postgres' | 'redis';
  /** False when the data lives in memory only and goes with the page. */
  persistent: boolean;
  /** Why the database is in memory although IndexedDB was asked for, or why it cannot be read. */
  reason?: string;
  closed: boolean;
  tables: TableInfo[];
  cache: boolean;
  blobs: boolean;
  /**
   * The runtime shows this database through configureDevtools({ redact }). Only then present, so
   * a runtime without redact says what it said before. The content script reads it to keep the
   * page storage inspector, which reads raw IndexedDB, off the database (extension/inspector/claims.ts).
   */
  redact?: true;
}

export type DbChangeType = 'put' | 'delete' | 'clear';

export interface ReportInfo {
  kind: RegistryKindName;
  id: number;
  type: string;
  message: string;
  at: number;
}

export interface Snapshot {
  at: number;
  stores: StoreInfo[];
  webstorages: WebstorageInfo[];
  databases: DatabaseInfo[];
  reports: ReportInfo[];
  /** Whether deltas carry call-site stacks. */
  trace: boolean;
  /** Live server requests (Node): how many run now and how many of them are listed as webstorages; absent while none runs. */
  requests?: { live: number; listed: number };
}

/** A key range in IndexedDB order; bounds are encoded keys. */
export interface Range {
  eq?: Encoded;
  gt?: Encoded;
  gte?: Encoded;
  lt?: Encoded;
  lte?: Encoded;
}

export interface Row {
  /**
   * The row's key, encoded; where configureDevtools({ redact }) hides it (or a part of a compound
   * key), a RedactedKey instead, which every command takes back wherever it takes a key.
   */
  key: Encoded;
  value: Encoded;
  hash: Hash;
  redacted: Path[];
}

/**
 * A row key redact() hides, as the agent sends it (rows, deltas, search hits and cursors, console
 * rows): shown as `[redacted]`; `handle` names the row for this agent session only and is not
 * computed from the key. In a snapshot or recording file there is no handle (the file names no
 * row). An addition without a version bump: an older panel shows an unknown node and sends it
 * back unchanged, which is all a command needs; an older reader of a file fails on the tag.
 */
export interface RedactedKey {
  $t: 'redacted';
  handle?: string;
}

export interface RowPage {
  rows: Row[];
  /** Rows matching the query before offset/limit. */
  total: number;
}

export interface CacheEntry {
  key: Encoded;
  value: Encoded;
  hash: Hash;
  /** Epoch milliseconds, or null when it never expires. */
  expires: number | null;
  expired: boolean;
  redacted: Path[];
}

export interface CacheListing {
  entries: CacheEntry[];
  total: number;
}

export interface BlobInfo {
  id: string;
  /** A File's name, the `name` given to put, or ''. */
  name: string;
  type: string;
  size: number;
  created: number;
  meta?: Encoded;
}

export interface BlobListing {
  /** This page. */
  blobs: BlobInfo[];
  /** Bytes of every blob, not just this page's. */
  usage: number;
  /** How many blobs there are in all. */
  total: number;
  /** Where this page starts. */
  offset: number;
}

export interface BlobChunk {
  offset: number;
  /** base64 of the bytes read. */
  bytes: string;
  /** The blob's whole size. */
  size: number;
  type: string;
}

/** The operations of the `edit` command. */
export type EditOp = 'set' | 'delete' | 'insert' | 'rename';

/**
 * What a value-addressing command (edit, expand, storeAsGlobal) points at.
 *
 * A paged `expand` answers `value` as a plain JSON array, each item encoded on its own from its
 * real path (so a cut inside it expands as usual): a string's page is the substring itself; an
 * array's, Set's or typed array's page is its items; a Map's is `[key, value]` pairs; an object's
 * is `[key, value]` pairs with the key as a plain string.
 */
export type ValueRef =
  | { kind: 'state'; store: number; state: string }
  | { kind: 'webstorage'; storage: number; key: string }
  /** `key`: as the row was listed (a RedactedKey where redact() hides it). */
  | { kind: 'row'; database: number; table: string; key: Encoded }
  | { kind: 'cache'; database: number; key: Encoded };

/** A storage key no Stratum namespace owns (read-only in the panel). */
export interface ForeignKey {
  area: 'localStorage' | 'sessionStorage';
  key: string;
  /** The first characters of the stored string. */
  preview: string;
  size: number;
}

export interface PageFacts {
  /** navigator.storage.estimate(), or why it is missing. */
  estimate: { usage: number; quota: number } | { unavailable: string };
  /** navigator.storage.persisted(), or null when the page cannot ask. */
  persisted: boolean | null;
  /** indexedDB.databases(): every database of the origin, Stratum's or not. */
  databases: { name: string; version: number }[] | { unavailable: string };
  foreignKeys: ForeignKey[];
  /** Envelopes the runtime dropped (spoofed, malformed, over limits) since it started listening. */
  dropped: number;
}

/** One Cache Storage cache (caches.open(name)): its requests and the bytes of their responses. */
export interface CacheStorageInfo {
  name: string;
  entries: number;
  bytes: number;
  /** Set when only the first entries were sized (a big cache): `bytes` counts those. */
  partial?: boolean;
}

/** One file of the origin private file system (OPFS), by path from its root. */
export interface OpfsFile {
  path: string;
  size: number;
}

/** Cache Storage and OPFS of the origin, read-only with sizes (issue 21, part 5). */
export interface OriginStores {
  caches: CacheStorageInfo[] | { unavailable: string };
  /** The first files found (at most MAX_OPFS_FILES), with how many there are and their bytes in all. */
  opfs: { files: OpfsFile[]; count: number; bytes: number; partial?: boolean } | { unavailable: string };
}

/** One difference between two snapshots (or between a page and a snapshot), at `path`. */
export interface SnapshotDifference {
  /**
   * `['state', store, scope, key, …]`, `['webstorage', kind, namespace, key, …]`, `['row', database,
   * table, key, …]`, `['cache', database, key, …]`, `['blob', database, id, …]` or `['database',
   * database, …]` (version and schema), then the path inside the value. A key that is not a
   * string or number is the JSON of its encoding.
   */
  path: Path;
  kind: 'added' | 'removed' | 'changed';
  /** Absent when added. */
  before?: Encoded;
  /** Absent when removed. */
  after?: Encoded;
}

export interface SnapshotCounts {
  added: number;
  changed: number;
  removed: number;
}

/** What importing a snapshot changes (preview) or changed (import): whole entries counted per stratum. */
export interface SnapshotSummary {
  applied: boolean;
  counts: { state: SnapshotCounts; webstorage: SnapshotCounts; row: SnapshotCounts; cache: SnapshotCounts; blob: SnapshotCounts };
  /** Entries of the snapshot that are not imported, and why (not on this page, redacted, cannot be rebuilt). */
  skipped: { path: Path; reason: string }[];
  /** The first MAX_PAGE differences, values cut to the panel's display limits. */
  differences: SnapshotDifference[];
  /** Every difference, listed or not. */
  total: number;
}
