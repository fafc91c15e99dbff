/** What the panel gets on connect: every registered instance, described through its public API. */
import { countRows } from './counts.js';
import { deserialize } from '../../codec/index.js';
import type { Database } from '../../db/types.js';
import type { WebStorageRawEntry } from '../../webstorage/types.js';
import type { DatabaseInfo, ReportInfo, Snapshot, StateInfo, StoreInfo, TableInfo, WebstorageInfo, WebstorageKeyInfo } from '../../protocol/messages.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import { liveRequests, recentReports, type RegistryReport } from '../../registry/registry.js';
import { fingerprint, PREVIEW, show, type InlineBlobs } from './show.js';
import { all, type WebStorageLike } from './targets.js';

/** `previews`: the value as a short preview (PREVIEW), marked so the panel pulls the rest. */
export function stateInfo(state: State<unknown>, blobs: InlineBlobs, previews = false): StateInfo {
  const shown = show(state.value, ['state', state.scope, state.key], blobs, [], previews ? PREVIEW : undefined);
  const info: StateInfo = { id: state.id, key: state.key, scope: state.scope, version: state.version, ...shown };
  if (state.persistence !== undefined) info.persistence = state.persistence;
  // A value the preview showed whole (a number, a short string) needs no pull.
  if (previews && isCut(shown.value)) info.preview = true;
  return info;
}

function isCut(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { $t?: unknown }).$t === 'truncated';
}

export function storeInfo(id: number, store: Store, blobs: InlineBlobs, previews = false): StoreInfo {
  return {
    id,
    name: store.name,
    scopes: store.scopes().map((scope) => ({
      name: scope,
      states: [...store.getScope(scope).values()].map((state) => stateInfo(state, blobs, previews)),
    })),
  };
}

/** One key of a webstorage as the grid shows it: value, hash (its version), stored bytes. */
export function webstorageKey(storage: WebStorageLike, entry: WebStorageRawEntry, blobs: InlineBlobs): WebstorageKeyInfo {
  const value = storage.get(entry.key);
  const info: WebstorageKeyInfo = {
    key: entry.key,
    hash: fingerprint(value).hash,
    size: entry.bytes,
    ...show(value, ['webstorage', storage.namespace, entry.key], blobs),
  };
  try {
    deserialize(entry.text);
  } catch (error) {
    // Left in place by the webstorage (never deleted); shown with the reason, not editable.
    info.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return info;
}

export function webstorageInfo(id: number, storage: WebStorageLike, blobs: InlineBlobs): WebstorageInfo {
  const keys = storage.rawEntries().map((entry) => webstorageKey(storage, entry, blobs));
  const info: WebstorageInfo = {
    id,
    kind: storage.kind,
    backend: storage.backend,
    available: storage.available,
    namespace: storage.namespace,
    keys,
    bytes: keys.reduce((sum, key) => sum + key.size, 0),
  };
  if (storage.reason !== undefined) info.reason = storage.reason;
  if (storage.request) info.request = { id: storage.request.id, name: storage.request.name, since: storage.request.since };
  return info;
}

export async function databaseInfo(id: number, db: Database): Promise<DatabaseInfo> {
  const info: DatabaseInfo = {
    id,
    name: db.name,
    version: db.version,
    provider: db.provider,
    persistent: db.persistent,
    closed: db.closed,
    tables: [],
    cache: false,
    blobs: false,
  };
  if (db.reason !== undefined) info.reason = db.reason;
  const tables = db.tables();
  info.cache = tables.some((table) => table.name === '$cache');
  info.blobs = tables.some((table) => table.name === '$blobs');
  info.tables = await Promise.all(
    tables.map(async (table): Promise<TableInfo> => {
      let count: number | null = null;
      // A closed database (another tab upgraded it) cannot count; the panel shows why, not a zero.
      if (!db.closed) count = await countRows(id, table.name, () => db.table(table.name).count()).catch(() => null);
      return {
        name: table.name,
        keyPath: table.key,
        autoIncrement: table.autoIncrement,
        indexes: table.indexes.map((index) => ({ name: index.name, keyPath: index.path, unique: index.unique, multiEntry: index.multiEntry })),
        count,
        internal: table.internal,
      };
    }),
  );
  return info;
}

export function reportInfo(report: RegistryReport): ReportInfo {
  return { kind: report.kind, id: report.id, type: report.type, message: report.message, at: report.at };
}

export async function snapshot(blobs: InlineBlobs, trace: boolean): Promise<Snapshot> {
  const out: Snapshot = {
    at: Date.now(),
    stores: all('store').map(({ id, object }) => storeInfo(id, object, blobs)),
    webstorages: all('webstorage').map(({ id, object }) => webstorageInfo(id, object, blobs)),
    databases: await Promise.all(all('database').map(({ id, object }) => databaseInfo(id, object))),
    reports: recentReports().map(reportInfo),
    trace,
  };
  if (liveRequests.live > 0) out.requests = { live: liveRequests.live, listed: liveRequests.listed };
  return out;
}
