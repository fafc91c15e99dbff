/** Shape checks for the data types of values.ts; each is typed against its interface, so a field added there without a check here fails the build. */
import { LIMITS, MAX_PAGE } from './messages.js';
import type { Current, ProtocolError, Ready, RuntimeInfo, WorkerInfo } from './messages.js';
import { stateColumnsCheck } from './columns.js';
import { arr, bool, finite, id, int, json, literal, nullable, obj, oneOf, opt, ShapeError, str, tagged, type Check } from './shape.js';
import type {
  RequestTag,
  BlobChunk,
  BlobInfo,
  BlobListing,
  CacheEntry,
  CacheListing,
  DatabaseInfo,
  ForeignKey,
  Hash,
  IndexInfo,
  OriginStores,
  PageFacts,
  Path,
  Range,
  ReportInfo,
  Row,
  RowPage,
  ScopeInfo,
  Snapshot,
  SnapshotCounts,
  SnapshotDifference,
  SnapshotSummary,
  StateInfo,
  StoreInfo,
  TableInfo,
  ValueRef,
  WebstorageInfo,
  WebstorageKeyInfo,
} from './values.js';

/** Generous caps on list lengths: far above any real page, far below what would hang a reader. */
const MANY = 100_000;
const TEXT = 10_000;

export const text = str(TEXT);
export const encoded = json;

export const hash: Check<Hash> = (value, at, budget, depth) => {
  const s = str(40)(value, at, budget, depth);
  if (!/^h[0-9a-z]+$/.test(s)) throw new ShapeError(`${at}: not a value hash`);
  return s as Hash;
};

export const path: Check<Path> = arr(oneOf(str(), int, 'a key or an index'), LIMITS.path);
const paths = arr(path, MANY);

export const runtimeInfo = obj<RuntimeInfo>({
  id,
  name: text,
  frame: obj<RuntimeInfo['frame']>({ url: text, top: bool, title: text }),
  worker: opt(obj<WorkerInfo>({ kind: literal('dedicated', 'shared'), name: text, url: text })),
  protocol: int,
  version: text,
});

export const ready = obj<Ready>({
  runtime: runtimeInfo,
  protocol: obj<Ready['protocol']>({ runtime: int, panel: int }),
  compatible: bool,
  message: opt(text),
  dropped: int,
});

export const stateInfo = obj<StateInfo>({
  id: text,
  key: text,
  scope: text,
  version: int,
  value: encoded,
  persistence: opt(text),
  redacted: paths,
  preview: opt(literal(true)),
});

export const storeInfo = obj<StoreInfo>({
  id: int,
  name: text,
  scopes: arr(obj<ScopeInfo>({ name: text, states: arr(stateInfo, MANY), columns: opt(stateColumnsCheck({ many: MANY, text: TEXT, path })) }), MANY),
});

const webstorageKey = obj<WebstorageKeyInfo>({
  key: str(),
  value: encoded,
  hash,
  size: int,
  redacted: paths,
  error: opt(text),
});

export const webstorageInfo = obj<WebstorageInfo>({
  id: int,
  kind: literal('local', 'session', 'memory'),
  backend: literal('localStorage', 'sessionStorage', 'memory'),
  available: bool,
  reason: opt(text),
  namespace: text,
  keys: arr(webstorageKey, MANY),
  bytes: int,
  request: opt(obj<RequestTag>({ id: int, name: text, since: finite })),
});

const keyPath = oneOf(text, arr(text, 64), 'a key path');

const tableInfo = obj<TableInfo>({
  name: text,
  keyPath,
  autoIncrement: bool,
  indexes: arr(obj<IndexInfo>({ name: text, keyPath, unique: bool, multiEntry: bool }), 1000),
  count: nullable(int),
  internal: bool,
});

export const databaseInfo = obj<DatabaseInfo>({
  id: int,
  name: text,
  version: int,
  provider: literal('indexeddb', 'libsql', 'memory', 'postgres', 'redis'),
  persistent: bool,
  reason: opt(text),
  closed: bool,
  tables: arr(tableInfo, 10_000),
  cache: bool,
  blobs: bool,
  redact: opt(literal(true)),
});

export const reportInfo = obj<ReportInfo>({
  kind: literal('store', 'webstorage', 'database'),
  id: int,
  type: text,
  message: text,
  at: finite,
});

export const snapshot = obj<Snapshot>({
  at: finite,
  stores: arr(storeInfo, MANY),
  webstorages: arr(webstorageInfo, MANY),
  databases: arr(databaseInfo, MANY),
  reports: arr(reportInfo, 1000),
  trace: bool,
  requests: opt(obj<NonNullable<Snapshot['requests']>>({ live: int, listed: int })),
});

export const range = obj<Range>({ eq: opt(encoded), gt: opt(encoded), gte: opt(encoded), lt: opt(encoded), lte: opt(encoded) });

export const rowPage = obj<RowPage>({
  rows: arr(obj<Row>({ key: encoded, value: encoded, hash, redacted: paths }), MAX_PAGE),
  total: int,
});

export const cacheListing = obj<CacheListing>({
  entries: arr(
    obj<CacheEntry>({ key: encoded, value: encoded, hash, expires: nullable(finite), expired: bool, redacted: paths }),
    MAX_PAGE,
  ),
  total: int,
});

export const blobListing = obj<BlobListing>({
  blobs: arr(obj<BlobInfo>({ id: text, name: text, type: text, size: int, created: finite, meta: opt(encoded) }), MANY),
  usage: int,
  total: int,
  offset: int,
});

export const blobChunk = obj<BlobChunk>({ offset: int, bytes: str(), size: int, type: text });

export const valueRef = tagged<ValueRef, 'kind'>('kind', {
  state: obj({ kind: literal('state'), store: int, state: text }),
  webstorage: obj({ kind: literal('webstorage'), storage: int, key: str() }),
  row: obj({ kind: literal('row'), database: int, table: text, key: encoded }),
  cache: obj({ kind: literal('cache'), database: int, key: encoded }),
});

const unavailable = obj<{ unavailable: string }>({ unavailable: text });

export const pageFacts = obj<PageFacts>({
  estimate: oneOf(obj<{ usage: number; quota: number }>({ usage: finite, quota: finite }), unavailable, 'an estimate'),
  persisted: nullable(bool),
  databases: oneOf(arr(obj<{ name: string; version: number }>({ name: text, version: int }), MANY), unavailable, 'databases'),
  foreignKeys: arr(
    obj<ForeignKey>({ area: literal('localStorage', 'sessionStorage'), key: str(), preview: text, size: int }),
    MANY,
  ),
  dropped: int,
});

export const originStores = obj<OriginStores>({
  caches: oneOf(arr(obj({ name: str(), entries: int, bytes: finite, partial: opt(literal(true)) }), MANY), unavailable, 'caches'),
  opfs: oneOf(obj({ files: arr(obj({ path: str(), size: finite }), MANY), count: int, bytes: finite, partial: opt(literal(true)) }), unavailable, 'OPFS'),
});

const current = obj<Current>({ value: encoded, version: nullable(oneOf(int, hash, 'a version')), redacted: paths });

export const protocolError = obj<ProtocolError>({
  code: literal(
    'invalid',
    'not-found',
    'conflict',
    'redacted',
    'not-editable',
    'unavailable',
    'constraint',
    'quota',
    'too-large',
    'failed',
    'timeout',
    'disconnected',
  ),
  message: text,
  current: opt(current),
});

const counts = obj<SnapshotCounts>({ added: int, changed: int, removed: int });

export const snapshotSummary = obj<SnapshotSummary>({
  applied: bool,
  counts: obj<SnapshotSummary['counts']>({ state: counts, webstorage: counts, row: counts, cache: counts, blob: counts }),
  skipped: arr(obj<SnapshotSummary['skipped'][number]>({ path, reason: text }), MAX_PAGE),
  differences: arr(
    obj<SnapshotDifference>({ path, kind: literal('added', 'removed', 'changed'), before: opt(encoded), after: opt(encoded) }),
    MAX_PAGE,
  ),
  total: int,
});
