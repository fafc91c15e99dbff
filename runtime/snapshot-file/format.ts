/**
 * The snapshot file: a whole app's data — every store's states, every webstorage namespace,
 * every database's rows, cache entries and blobs — as one JSON document. It is a file, so blob
 * bytes are embedded (base64, in `bytes`), never referenced.
 *
 *   { format: 'stratum-snapshot', version: 1, codec: 1, createdAt, page: { url, title },
 *     stores: [{ name, clientId, userId, states: [{ scope, key, value }] }],
 *     webstorages: [{ kind, namespace, entries: [{ key, text }] }],
 *     databases: [{ name, version, provider, tables: [{ name, schema, rows: [{ key, value }] }],
 *                   cache?: [{ key, value, expires }], blobs?: [{ id, name, type, size, created, meta?, data }] }],
 *     bytes: { <ref>: <base64> } }
 *
 * Values are in the codec's tagged form (CODEC_VERSION `codec`); a Blob or File anywhere (in a
 * state, a row, a cache value, a blob's `data`) is a codec `blob` node whose `ref` names its bytes.
 * Webstorage entries keep the stored text as is. An entry with `redacted` paths was cut by
 * configureDevtools({ redact }) when exported: it shows `[redacted]` there and is never imported.
 */
import type { Encoded, Path } from '../codec/index.js';
import type { IndexInfo } from '../protocol/values.js';

export const SNAPSHOT_FORMAT = 'stratum-snapshot';
/** Bumped when a field changes meaning; an older runtime refuses a newer file in words. */
export const SNAPSHOT_VERSION = 1;

interface Redactable {
  /** Paths configureDevtools({ redact }) hid when the file was made; the entry is not imported. */
  redacted?: Path[];
}

export interface SnapshotState extends Redactable {
  /** The resolved scope (`app`, `$component:header`, `$client:<id>`, `$user:<id>`, `$ref`). */
  scope: string;
  key: string;
  value: Encoded;
}

export interface SnapshotStore {
  name: string;
  /** What `$client:` scopes resolved to; an import maps them to the importing page's client. */
  clientId: string | null;
  userId: string | null;
  states: SnapshotState[];
}

export interface SnapshotWebstorageEntry extends Redactable {
  key: string;
  /** The stored text (the codec's `stratum:<version>:` form, or another app's JSON). */
  text: string;
}

export interface SnapshotWebstorage {
  kind: 'local' | 'session' | 'memory';
  namespace: string;
  entries: SnapshotWebstorageEntry[];
}

export interface SnapshotSchema {
  /**
   * null: the table's keys are out of line (an IndexedDB object store made without a key path,
   * as localForage makes them): each row's `key` is its primary key, which its value does not hold.
   */
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: IndexInfo[];
}

export interface SnapshotRow extends Redactable {
  key: Encoded;
  value: Encoded;
}

export interface SnapshotTable {
  name: string;
  schema: SnapshotSchema;
  /** In key order. */
  rows: SnapshotRow[];
}

export interface SnapshotCacheEntry extends Redactable {
  key: Encoded;
  value: Encoded;
  /** Epoch milliseconds, or null: never expires. Expired entries are kept as stored. */
  expires: number | null;
}

export interface SnapshotBlob extends Redactable {
  id: string;
  name: string;
  type: string;
  size: number;
  created: number;
  meta?: Encoded;
  /** A codec `blob` node (a File keeps its name and lastModified); its `ref` names the bytes. */
  data: Encoded;
}

export interface SnapshotDatabase {
  name: string;
  version: number;
  provider: 'indexeddb' | 'libsql' | 'memory' | 'postgres' | 'redis';
  /** The app's tables; Stratum's layouts are `cache` and `blobs`. */
  tables: SnapshotTable[];
  /** Present when the database has the Cache layout (`$cache`). */
  cache?: SnapshotCacheEntry[];
  /** Present when it has blob storage (`$blobs`, `$blobdata`). */
  blobs?: SnapshotBlob[];
}

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** The CODEC_VERSION the values are encoded with. */
  codec: number;
  /** ISO 8601. */
  createdAt: string;
  page: { url: string; title: string };
  stores: SnapshotStore[];
  webstorages: SnapshotWebstorage[];
  databases: SnapshotDatabase[];
  /** base64 of every blob's bytes, by the `ref` of its `blob` node. */
  bytes: Record<string, string>;
}

/** Why a snapshot was refused; nothing was applied. */
export type RefusalReason = 'malformed' | 'newer' | 'truncated' | 'schema' | 'missing' | 'unrestorable';

export class SnapshotError extends Error {
  override name = 'SnapshotError';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}
