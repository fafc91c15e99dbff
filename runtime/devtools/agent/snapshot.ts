/** What the panel gets on connect: every registered instance, described through its public API. */
import { countRows, keepsCount } from './counts.js';
import { deserialize } from '../../codec/index.js';
import type { Database } from '../../db/types.js';
import type { WebStorageRawEntry } from '../../webstorage/types.js';
import type { DatabaseInfo, ReportInfo, Snapshot, StateColumns, StateInfo, StoreInfo, TableInfo, WebstorageInfo, WebstorageKeyInfo } from '../../protocol/messages.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import { config, liveRequests, recentReports, type RegistryReport } from '../../registry/registry.js';
import type { Encoded, Path } from '../../codec/index.js';
import { decodeErrorText, fingerprint, PREVIEW, redactedPaths, show, storedBytes, type InlineBlobs, type Shown } from './show.js';
import { all, type WebStorageLike } from './targets.js';

/**
 * Previews of one snapshot: equal preview nodes (`object` of 7 keys, …) and empty `redacted`
 * lists are one object each, which structured clone (window.postMessage, the page's first hop)
 * writes once and then refers to. The receiver validates into fresh copies, so sharing is unseen.
 */
export class Previews {
  private readonly _nodes = new Map<string, Encoded>();
  private readonly _none: Path[] = [];

  /**
   * A plain object's or array's preview without an encoder (most states are one): the node
   * PREVIEW's encoding gives them, `truncated` with the key count or length. Undefined for
   * anything else, and whenever redact() is configured (it decides what may be shown).
   */
  quick(value: unknown): Shown | undefined {
    if (config.redact || typeof value !== 'object' || value === null) return undefined;
    let type: string;
    let size: number;
    if (Array.isArray(value)) {
      type = 'array';
      size = value.length;
    } else if (Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, Symbol.toStringTag) && !Object.hasOwn(value, '$t')) {
      type = 'object';
      size = Object.keys(value).length;
    } else return undefined;
    const key = `${type}:${size}`;
    let node = this._nodes.get(key);
    if (!node) this._nodes.set(key, (node = { $t: 'truncated', type, size, path: [] }));
    return { value: node, redacted: this._none };
  }

  share(shown: Shown): Shown {
    const node = shown.value as { $t?: unknown; type?: unknown; size?: unknown; path?: unknown[]; v?: unknown; class?: unknown };
    if (shown.redacted.length > 0 || typeof node !== 'object' || node === null || node.$t !== 'truncated') return shown;
    if (node.v !== undefined || node.class !== undefined || node.path?.length !== 0) return { value: shown.value, redacted: this._none };
    const key = `${String(node.type)}:${String(node.size)}`;
    let shared = this._nodes.get(key);
    if (!shared) this._nodes.set(key, (shared = shown.value));
    return { value: shared, redacted: this._none };
  }
}

/**
 * A state's value as a snapshot or `stateAdded` shows it. A value the codec cannot read (a revoked
 * proxy, a getter that throws) is said in words: thrown, it failed the flush every answer and
 * delta waits on, so the agent answered nothing more (and failed the app's createState).
 */
function showState(state: State<unknown>, blobs: InlineBlobs, previews: Previews | undefined): Shown {
  try {
    return previews?.quick(state.value) ?? show(state.value, ['state', state.scope, state.key], blobs, [], previews ? PREVIEW : undefined);
  } catch (error) {
    return { value: `[cannot show: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}]`, redacted: [] };
  }
}

/** With `previews`, the value as a short preview (PREVIEW), marked so the panel pulls the rest. */
export function stateInfo(state: State<unknown>, blobs: InlineBlobs, previews?: Previews): StateInfo {
  let shown = showState(state, blobs, previews);
  const cut = previews !== undefined && isCut(shown.value);
  if (cut) shown = previews.share(shown);
  const info: StateInfo = { id: state.id, key: state.key, scope: state.scope, version: state.version, value: shown.value, redacted: shown.redacted };
  if (state.persistence !== undefined) info.persistence = state.persistence;
  // A value the preview showed whole (a number, a short string) needs no pull.
  if (cut) info.preview = true;
  return info;
}

function isCut(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { $t?: unknown }).$t === 'truncated';
}

/**
 * How a snapshot lists states: `full` values (the kit, tools), `previews` as StateInfo objects
 * (a panel), or `columns` of previews (a panel that reads them, protocol/columns.ts).
 */
export type SnapshotForm = 'full' | 'previews' | 'columns';

export function storeInfo(id: number, store: Store, blobs: InlineBlobs, previews?: Previews, columns = false): StoreInfo {
  return {
    id,
    name: store.name,
    scopes: store.scopes().map((scope) =>
      previews && columns
        ? { name: scope, states: [], columns: scopeColumns(store.getScope(scope).values(), blobs, previews) }
        : { name: scope, states: [...store.getScope(scope).values()].map((state) => stateInfo(state, blobs, previews)) },
    ),
  };
}

/** A scope's states as columns of previews: what stateInfo gives, without an object per state. */
export function scopeColumns(states: Iterable<State<unknown>>, blobs: InlineBlobs, previews: Previews): StateColumns {
  const columns: StateColumns = { ids: [], keys: [], versions: [], values: [], redactedAt: [], redacted: [], persistedAt: [], persistence: [] };
  let index = 0;
  for (const state of states) {
    let shown = showState(state, blobs, previews);
    if (isCut(shown.value)) shown = previews.share(shown);
    columns.ids.push(state.id);
    columns.keys.push(state.key);
    columns.versions.push(state.version);
    // A value the preview showed whole (a number, a short string) needs no pull; the panel tells
    // them apart by the root `truncated` node, as StateInfo.preview would have said.
    columns.values.push(shown.value);
    if (shown.redacted.length > 0) {
      columns.redactedAt.push(index);
      columns.redacted.push(shown.redacted);
    }
    if (state.persistence !== undefined) {
      columns.persistedAt.push(index);
      columns.persistence.push(state.persistence);
    }
    index++;
  }
  return columns;
}

/** One key of a webstorage as the grid shows it: value, hash (its version), stored bytes. */
export function webstorageKey(storage: WebStorageLike, entry: WebStorageRawEntry, blobs: InlineBlobs): WebstorageKeyInfo {
  const value = storage.get(entry.key);
  const root = ['webstorage', storage.namespace, entry.key];
  const { hash, chars, masked } = fingerprint(value, root);
  const info: WebstorageKeyInfo = {
    key: entry.key,
    hash,
    // Where redact() hides a part, the size of the value as shown: the stored one tells the secret's length.
    size: masked ? storedBytes(storage.namespace, entry.key, chars) : entry.bytes,
    ...show(value, root, blobs),
  };
  try {
    deserialize(entry.text);
  } catch (error) {
    // Left in place by the webstorage (never deleted); shown with the reason, not editable.
    info.error = error instanceof Error ? decodeErrorText(error, ['webstorage', storage.namespace, entry.key]) : String(error);
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
  if (config.redact) info.redact = true;
  const tables = db.tables();
  info.cache = tables.some((table) => table.name === '$cache');
  info.blobs = tables.some((table) => table.name === '$blobs');
  info.tables = await Promise.all(
    tables.map(async (table): Promise<TableInfo> => {
      let count: number | null = null;
      // A closed database (another tab upgraded it) cannot count; the panel shows why, not a zero.
      // Afresh: a snapshot is the panel connecting or its Refresh, which must show what is there
      // now, writers the agent cannot hear included; the grid's pages then reuse this count.
      if (!db.closed) {
        count = await countRows(id, table.name, () => db.table(table.name).count(), { keep: keepsCount(db.provider, table.name), fresh: true }).catch(() => null);
      }
      return {
        name: table.name,
        // '' for out-of-line keys: what the panel shows as "(out of line)", as the inspector sends it.
        keyPath: table.key ?? '',
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
  return { kind: report.kind, id: report.id, type: report.type, message: withheld(report) ?? report.message, at: report.at };
}

/**
 * A webstorage's decode error quotes the JSON parser, which quotes the stored text: where
 * redact() hides the key it names, or no key of the webstorage can be told from the words (the
 * webstorage writes them; the key may be gone since), the words without the text.
 */
function withheld({ kind, id, type, message }: RegistryReport): string | undefined {
  if (kind !== 'webstorage' || type !== 'decode-error' || !config.redact) return undefined;
  const storage = all('webstorage').find((entry) => entry.id === id)?.object;
  const named = storage?.keys().filter((key) => message.startsWith(`"${key}" in `) || message.startsWith(`another tab stored "${key}" in `)) ?? [];
  if (named.length > 0 && named.every((key) => redactedPaths(undefined, ['webstorage', storage!.namespace, key]).length === 0)) return undefined;
  return `${named.length === 1 ? `"${named[0]}"` : 'a key'} in ${storage?.backend ?? 'a webstorage'} cannot be decoded (its details are redacted by configureDevtools({ redact })); it is left in place`;
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
