/**
 * The Stratum devtools protocol: two typed maps and an envelope. This is the only file that
 * spells a message name (frozen.ts holds the two frozen ones, for the registry's small listener);
 * everyone else uses `Event.x` / `Command.x` and the types below, so a renamed message breaks
 * the build instead of the wire.
 *
 *   runtime agent (page, MAIN world) ⇄ window.postMessage ⇄ content script (isolated world)
 *   ⇄ runtime.Port ⇄ background ⇄ runtime.Port ⇄ panel
 *
 * `announce`, `hello` and the response to `hello` are frozen: their shape never changes
 * between protocol versions, so two ends of different versions can still explain the mismatch.
 */
import type { ConsoleQuery, ConsoleResult, SearchRequest, SearchResult, SqlResult, WriteOp } from './power.js';
import { ANNOUNCE, HELLO, type SOURCE_CONTENT, type SOURCE_RUNTIME } from './frozen.js';
import type {
  Encoded,
  BlobChunk,
  BlobListing,
  CacheListing,
  DatabaseInfo,
  DbChangeType,
  EditOp,
  Hash,
  OriginStores,
  PageFacts,
  Path,
  Range,
  RegistryKindName,
  ReportInfo,
  RowPage,
  Snapshot,
  SnapshotSummary,
  StateInfo,
  StoreInfo,
  ValueRef,
  WebstorageInfo,
} from './values.js';
import type { SimulateRequest, SimulateResult, StorageBudget } from './simulate.js';

export type * from './values.js';
export type * from './simulate.js';
export { ANNOUNCE, ANY_SESSION, HELLO, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from './frozen.js';

export type SourceRuntime = typeof SOURCE_RUNTIME;
export type SourceContent = typeof SOURCE_CONTENT;

/**
 * One postMessage / port message. `session` is the runtime instance id when the runtime sends,
 * and the addressed runtime instance id (or ANY_SESSION) when the content script sends. `seq`
 * counts envelopes per sender so a gap shows a lost message.
 */
export interface Envelope<Source extends string, Message> {
  source: Source;
  v: number;
  session: string;
  seq: number;
  batch: Message[];
}

/** What a runtime instance says about itself (frozen: part of `hello`'s answer and `announce`). */
export interface RuntimeInfo {
  /** Random per page load and registry: tells two runtimes in one frame, and a reload, apart. */
  id: string;
  /** configureDevtools({ name }), else the document title, else the origin. */
  name: string;
  frame: { url: string; top: boolean; title: string };
  /**
   * Set when the runtime runs in a dedicated or shared worker, relayed through the page whose
   * `frame` this is (relayWorker). Optional, so a page's own hello answer is unchanged; a panel
   * older than this field refuses a worker's answer and simply does not list the worker.
   */
  worker?: WorkerInfo;
  protocol: number;
  /** The stratum package version. */
  version: string;
}

/** Which worker a runtime runs in: its kind, its name (`new Worker(url, { name })`) and script. */
export interface WorkerInfo {
  kind: 'dedicated' | 'shared';
  name: string;
  url: string;
}

/** The answer to `hello` (frozen). When `compatible` is false the runtime stays silent. */
export interface Ready {
  runtime: RuntimeInfo;
  protocol: { runtime: number; panel: number };
  compatible: boolean;
  /** Why not compatible, in words a user can act on. */
  message?: string;
  /** Messages the runtime dropped since it started listening (spoofed, malformed, other versions). */
  dropped: number;
}

// ---- Runtime → panel ---------------------------------------------------------------------------

/**
 * Common to every delta: how many changes it stands for and what named the last one — the
 * `label` given to `set`, the webstorage operation (`set`, `remove`, `clear`), the database
 * operation (`put`, `add`, `update`, `delete`, `clear`, `bulkPut`, `cache.set`, `blobs.put`, …) or
 * the label of its transaction; `devtools…` for the panel's own edits.
 */
interface Delta {
  changes: number;
  label?: string;
  at: number;
  /**
   * Call-site frames of the last change (at most MAX_TRACE_FRAMES, innermost first, Stratum's own
   * frames above the call left out), only while the panel records traces. See frames.ts.
   */
  stack?: string[];
}

export interface RuntimeEvents {
  /**
   * Frozen. The runtime started listening: a content script whose panel is connected says hello
   * again. Its envelope's `session` is the runtime's id and `v` its protocol; the rest comes with hello.
   */
  announce: Record<string, never>;
  snapshot: Snapshot;
  stateAdded: { store: number; state: StateInfo };
  /** Coalesced: the latest value of a state wins; `versions` spans every change it stands for. */
  stateChanged: Delta & {
    store: number;
    state: string;
    value: Encoded;
    versions: { from: number; to: number };
    redacted: Path[];
  };
  stateRemoved: { store: number; state: string; version: number };
  /** Coalesced per key; `key: null` is a clear. No `value` means the key was removed. */
  webstorageChanged: Delta & {
    storage: number;
    key: string | null;
    value?: Encoded;
    hash?: Hash;
    size?: number;
    origin: 'local' | 'remote';
    redacted: Path[];
    error?: string;
  };
  /**
   * Coalesced per table while the change type stays the same; `keys` lists the rows touched
   * (at most MAX_DELTA_KEYS, `changes` counts them all; a RedactedKey where redact() hides one).
   * Rows are pulled, never pushed.
   */
  dbChanged: Delta & {
    database: number;
    table: string;
    change: DbChangeType;
    keys: Encoded[];
    origin: 'local' | 'remote';
  };
  registered:
    | { kind: 'store'; store: StoreInfo }
    | { kind: 'webstorage'; webstorage: WebstorageInfo }
    | { kind: 'database'; database: DatabaseInfo };
  unregistered: { kind: RegistryKindName; id: number };
  report: ReportInfo;
  response: Response;
}

// ---- Panel → runtime ---------------------------------------------------------------------------

/**
 * A conflict names what the edit would have overwritten. `version` is what an overwrite sends
 * back as `baseVersion`: a state's version, or a Hash for a state deleted and created again under
 * the same id at a version the old one also had (the page cannot tell which of the two an edit
 * over that number was made for; only `edit` takes the Hash back).
 */
export interface Current {
  value: Encoded;
  version: number | Hash | null;
  redacted: Path[];
}

/** A page's recording (issue 23): running or not, its size so far, and whether the byte budget stopped it. */
export interface RecordStatus {
  recording: boolean;
  changes: number;
  /** Characters of changes (their JSON and their blobs' base64) so far. */
  bytes: number;
  budget: number;
  stopped: 'budget' | null;
}

export interface PanelCommands {
  /** Frozen. `client` names the panel connection, so several panels can be connected. */
  hello: { request: { protocol: number; client: string; trace?: boolean }; response: Ready };
  /** The panel went away; with no client left the runtime goes silent. */
  stop: { request: { client: string }; response: { clients: number } };
  /**
   * `previews`: states carry a short preview instead of their value (StateInfo.preview);
   * `columns` (with previews, from a runtime that pushed columns after hello): as columns.ts.
   */
  snapshot: { request: { previews?: boolean; columns?: boolean }; response: Snapshot };
  trace: { request: { enabled: boolean }; response: { enabled: boolean } };

  stateSet: {
    request: { store: number; state: string; value: Encoded; baseVersion: number; label?: string };
    response: { version: number };
  };
  /**
   * The one edit command of every stratum: at `path` inside the value `target` names (a state, a
   * webstorage key, a row, a cache entry), `set` or `insert` a value, `delete`, or `rename` a key
   * to `to`. Applied to the current value; `baseVersion` (a state's version, else the hash the
   * panel saw) refuses it with `conflict` when the value moved on; absent, it applies to whatever
   * is there. Written through the stratum's own API, labelled `devtools: edit <path>`.
   */
  edit: {
    request: {
      target: ValueRef;
      baseVersion?: number | Hash;
      path: Path;
      op: EditOp;
      value?: Encoded;
      to?: string;
      label?: string;
    };
    /** The state's new version, or the new value's hash. */
    response: { version: number | Hash };
  };

  /** baseVersion: the hash the panel saw, or null when it expects no such key. */
  /** `label` names the change in the timeline (default `devtools: set`; a restore says so). */
  webstorageSet: {
    request: { storage: number; key: string; value: Encoded; baseVersion: Hash | null; label?: string };
    response: { hash: Hash };
  };
  webstorageRemove: {
    request: { storage: number; key: string; baseVersion: Hash; label?: string };
    response: { removed: boolean };
  };
  webstorageClear: { request: { storage: number }; response: { removed: number } };

  dbQuery: {
    request: {
      database: number;
      table: string;
      index?: string;
      range?: Range;
      offset?: number;
      limit?: number;
      direction?: 'next' | 'prev';
    };
    response: RowPage;
  };
  /**
   * baseVersion: the hash of the row the panel saw at that key, or null for a new row; `label` as
   * for webstorageSet. `key`, with a baseVersion hash: the key of the row the panel saw, so a value
   * whose inline key differs is refused rather than written as a second row (the page storage
   * inspector checks it; the agent does not yet).
   */
  dbPut: {
    request: { database: number; table: string; value: Encoded; baseVersion: Hash | null; key?: Encoded; label?: string };
    response: { key: Encoded; hash: Hash };
  };
  dbAdd: { request: { database: number; table: string; value: Encoded }; response: { key: Encoded; hash: Hash } };
  dbDelete: {
    request: { database: number; table: string; key: Encoded; baseVersion: Hash; label?: string };
    response: { deleted: boolean };
  };
  dbClear: { request: { database: number; table: string }; response: { cleared: true } };
  dbDeleteDatabase: { request: { database: number }; response: { deleted: true } };

  cacheList: { request: { database: number; offset?: number; limit?: number }; response: CacheListing };
  /**
   * `baseVersion`: the hash of the entry's value as the panel listed it, or null when it expects
   * no such entry; an entry the app set (or removed) since is a `conflict` with its value, kept.
   * Without it the entry is set whatever it holds.
   */
  cacheSet: {
    request: { database: number; key: Encoded; value: Encoded; ttl?: number; baseVersion?: Hash | null };
    response: { hash: Hash };
  };
  /**
   * `baseVersion`: the hash of the entry's value as the panel listed it; an entry the app set
   * since (or removed) is a `conflict` with its value, kept. Without it the entry is deleted as it is.
   */
  cacheDelete: { request: { database: number; key: Encoded; baseVersion?: Hash }; response: { deleted: true } };
  cachePrune: { request: { database: number }; response: { removed: number } };

  /** One page of a database's blobs, oldest first: at most `limit` (capped at BLOB_PAGE) from `offset`. */
  blobList: { request: { database: number; offset?: number; limit?: number }; response: BlobListing };
  /** Bytes from `offset`, at most `length` (capped at MAX_BLOB_CHUNK). */
  blobRead: { request: { database: number; id: string; offset: number; length: number }; response: BlobChunk };
  /** Starts an upload; `replace` deletes that blob once the new one is stored. */
  blobPutStart: {
    request: { database: number; size: number; type: string; name?: string; replace?: string };
    response: { upload: string };
  };
  blobPutChunk: { request: { upload: string; offset: number; bytes: string }; response: { received: number } };
  blobPutEnd: { request: { upload: string }; response: { id: string } };
  blobPutAbort: { request: { upload: string }; response: { aborted: boolean } };
  blobDelete: { request: { database: number; id: string }; response: { deleted: true } };

  /**
   * Makes a snapshot file of the page (runtime/devtools/snapshot/format.ts). A file can be far
   * larger than a message (a 20 MB blob is 27 MB of base64), so it is never sent whole: the answer
   * names a transfer holding the file's JSON text, which the panel pulls with snapshotRead.
   */
  snapshotExport: { request: Record<string, never>; response: { transfer: string; size: number } };
  /** `length` characters of a transfer's text from `offset` (at most MAX_SNAPSHOT_CHUNK). */
  snapshotRead: {
    request: { transfer: string; offset: number; length: number };
    response: { offset: number; text: string; size: number };
  };
  /**
   * Sends a snapshot file's text in order, at most MAX_SNAPSHOT_CHUNK characters a piece:
   * `transfer: null` starts a transfer of `size` characters, later pieces name it.
   */
  snapshotWrite: {
    request: { transfer: string | null; offset: number; text: string; size: number };
    response: { transfer: string; received: number };
  };
  /** What importing a transfer's snapshot would change (nothing is applied); a refusal is an `invalid` error in words. */
  snapshotPreview: { request: { transfer: string; strict?: boolean }; response: SnapshotSummary };
  /**
   * Imports a transfer's snapshot: refused with the reason and nothing applied (newer format,
   * truncated, malformed, schema mismatch; with `strict`, anything the page lacks), else applied
   * per database in one transaction, then webstorage, then states.
   */
  snapshotImport: { request: { transfer: string; strict?: boolean }; response: SnapshotSummary };
  /** Forgets a transfer either way (they also go after 60 s unused, and when the panel leaves). */
  snapshotDiscard: { request: { transfer: string }; response: { discarded: boolean } };

  /**
   * Issue 23. Starts recording the page (runtime/snapshot-file/recording.ts): a snapshot now, then
   * every change of every stratum, until recordStop or `budget` characters of changes (then it stops
   * itself: `stopped: 'budget'`). `trace` adds call sites.
   */
  recordStart: { request: { budget?: number; trace?: boolean }; response: RecordStatus };
  /** Whether a recording runs, how many changes and characters it holds, and whether the budget stopped it. */
  recordStatus: { request: Record<string, never>; response: RecordStatus };
  /** Stops recording; the file's JSON text is a transfer, pulled with snapshotRead. */
  recordStop: { request: Record<string, never>; response: { transfer: string; size: number; changes: number; stopped: 'user' | 'budget' } };
  /**
   * Brings the page to change `to` of the recording held by `transfer` (sent with snapshotWrite):
   * from `from` when the page is there and `to` is ahead, else from the restored start.
   */
  replayApply: { request: { transfer: string; from: number; to: number }; response: { position: number; total: number; skipped: number } };
  /**
   * Runs the app's current upgrade on a throw-away memory copy of the snapshot held by `transfer`;
   * the answer (every table's differences, or the error and its row) is a transfer of JSON.
   */
  rehearseUpgrade: { request: { transfer: string; database?: string }; response: { transfer: string; size: number } };

  /**
   * A part of a value, encoded again from `path` with fresh limits. With `offset` or `limit`, one
   * page of the part (see ExpandPage): characters of a string, items of an array, Set or typed
   * array, entries of a Map, own keys of an object; `total` says how many there are.
   */
  expand: {
    request: { target: ValueRef; path: Path; offset?: number; limit?: number };
    /** `version`: a state's version the value was read at (path [] of a state, no paging). */
    response: { value: Encoded; redacted: Path[]; offset?: number; total?: number; version?: number };
  };
  /** Sets `window.$stratum` in the page to the value at `path` (no eval). */
  storeAsGlobal: { request: { target: ValueRef; path: Path }; response: { name: '$stratum' } };
  pageFacts: { request: Record<string, never>; response: PageFacts };
  /** Failure simulation (issue 22; development builds only): turn one on or off; answers what is active. */
  simulate: { request: SimulateRequest; response: SimulateResult };
  /** Bytes per webstorage namespace, table, index and blob store, the largest items, estimate() and persisted(). */
  storageBudget: { request: { top?: number }; response: StorageBudget };
  /** Runs navigator.storage.persist() in the page; `granted` is its answer, `persisted` persisted() after it. */
  storagePersist: { request: Record<string, never>; response: { persisted: boolean; granted: boolean } };
  /** Cache Storage caches and OPFS files of the origin, with sizes; read-only (issue 21, part 5). */
  originStores: { request: Record<string, never>; response: OriginStores };
  /**
   * Trace frames (as deltas carry them, at most MAX_TRACE_FRAMES) at their original positions
   * through the page's source maps: one entry per frame, null when no map covers it.
   */
  resolveFrames: {
    request: { frames: string[] };
    response: { frames: ({ fn: string; url: string; line: number; column: number } | null)[] };
  };
  /** Searches states, webstorage keys and table rows a slice at a time (power.ts); the panel asks again with `cursor`. */
  search: { request: SearchRequest; response: SearchResult };
  /** The query console's structured query: rows as dbQuery gives them, a filter on fields, and how they were found. */
  dbConsole: { request: ConsoleQuery; response: ConsoleResult };
  /** Read-only SQL on a libSQL or Postgres database; the engine refuses writes (a read-only transaction). */
  dbSql: { request: { database: number; sql: string }; response: SqlResult };
  /** Puts and deletes in one transaction labelled `label` (the timeline shows it; its rows can be restored). */
  dbWrite: { request: { database: number; label: string; ops: WriteOp[] }; response: { written: number } };
}

export type EventName = keyof RuntimeEvents;
export type CommandName = keyof PanelCommands;
export type CommandRequest<K extends CommandName> = PanelCommands[K]['request'];
export type CommandResult<K extends CommandName> = PanelCommands[K]['response'];

/** Every event name, spelled once; use `Event.snapshot`, never the string. */
export const Event: { readonly [K in EventName]: K } = {
  announce: ANNOUNCE,
  snapshot: 'snapshot',
  stateAdded: 'stateAdded',
  stateChanged: 'stateChanged',
  stateRemoved: 'stateRemoved',
  webstorageChanged: 'webstorageChanged',
  dbChanged: 'dbChanged',
  registered: 'registered',
  unregistered: 'unregistered',
  report: 'report',
  response: 'response',
};

/** Every command name, spelled once; use `Command.stateSet`, never the string. */
export const Command: { readonly [K in CommandName]: K } = {
  hello: HELLO,
  stop: 'stop',
  snapshot: 'snapshot',
  trace: 'trace',
  stateSet: 'stateSet',
  edit: 'edit',
  webstorageSet: 'webstorageSet',
  webstorageRemove: 'webstorageRemove',
  webstorageClear: 'webstorageClear',
  dbQuery: 'dbQuery',
  dbPut: 'dbPut',
  dbAdd: 'dbAdd',
  dbDelete: 'dbDelete',
  dbClear: 'dbClear',
  dbDeleteDatabase: 'dbDeleteDatabase',
  cacheList: 'cacheList',
  cacheSet: 'cacheSet',
  cacheDelete: 'cacheDelete',
  cachePrune: 'cachePrune',
  blobList: 'blobList',
  blobRead: 'blobRead',
  blobPutStart: 'blobPutStart',
  blobPutChunk: 'blobPutChunk',
  blobPutEnd: 'blobPutEnd',
  blobPutAbort: 'blobPutAbort',
  blobDelete: 'blobDelete',
  snapshotExport: 'snapshotExport',
  snapshotRead: 'snapshotRead',
  snapshotWrite: 'snapshotWrite',
  snapshotPreview: 'snapshotPreview',
  snapshotImport: 'snapshotImport',
  snapshotDiscard: 'snapshotDiscard',
  recordStart: 'recordStart',
  recordStatus: 'recordStatus',
  recordStop: 'recordStop',
  replayApply: 'replayApply',
  rehearseUpgrade: 'rehearseUpgrade',
  expand: 'expand',
  storeAsGlobal: 'storeAsGlobal',
  pageFacts: 'pageFacts',
  simulate: 'simulate',
  storageBudget: 'storageBudget',
  storagePersist: 'storagePersist',
  originStores: 'originStores',
  resolveFrames: 'resolveFrames',
  search: 'search',
  dbConsole: 'dbConsole',
  dbSql: 'dbSql',
  dbWrite: 'dbWrite',
};

// ---- Envelope contents -------------------------------------------------------------------------

export type ErrorCode =
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'redacted'
  | 'not-editable'
  | 'unavailable'
  | 'constraint'
  | 'quota'
  | 'too-large'
  | 'failed'
  | 'timeout'
  | 'disconnected';

export interface ProtocolError {
  code: ErrorCode;
  /** A sentence a user can act on. */
  message: string;
  /** With `conflict`: the value the edit would have overwritten. */
  current?: Current;
}

/** Exactly one per command id. */
export type Response = {
  [K in CommandName]:
    | { id: string; command: K; ok: true; result: CommandResult<K> }
    | { id: string; command: K; ok: false; error: ProtocolError };
}[CommandName];

export type EventMessage = { [K in EventName]: { event: K; payload: RuntimeEvents[K] } }[EventName];
export type CommandMessage = {
  [K in CommandName]: { command: K; id: string; payload: CommandRequest<K> };
}[CommandName];

export type RuntimeEnvelope = Envelope<SourceRuntime, EventMessage>;
export type ContentEnvelope = Envelope<SourceContent, CommandMessage>;

export * from './limits.js';
