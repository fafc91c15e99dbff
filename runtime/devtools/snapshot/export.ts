/**
 * exportSnapshot(): the page's data as a snapshot file (format.ts), read through the public API
 * of every registered store, webstorage and database. Values are encoded whole (no display
 * limits); parts configureDevtools({ redact }) hides are cut as the panel would show them, and
 * their bytes never enter the file. Each database is read in one readonly transaction, so its
 * tables agree with each other.
 */
import { bytesToBase64 } from '../../codec/base64.js';
import { CODEC_VERSION, encode, type Encoded, type Path } from '../../codec/index.js';
import { keyAt } from '../../db/schema.js';
import type { Key } from '../../db/keys.js';
import type { KeyedRow } from '../../db/provider.js';
import type { Database } from '../../db/types.js';
import type { Store } from '../../store/store.js';
import { config } from '../../registry/registry.js';
import { fileKey } from '../agent/key-handles.js';
import { keyedRows } from '../agent/commands/out-of-line.js';
import { applyRedaction } from '../agent/redact.js';
import { refuseFar } from './refuse-far.js';
import { all, type WebStorageLike } from '../agent/targets.js';
import { blobRefs } from '../../codec/encoded.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotBlob,
  type SnapshotDatabase,
  type SnapshotFile,
  type SnapshotStore,
  type SnapshotWebstorage,
} from '../../snapshot-file/format.js';

const CACHE = '$cache';
const BLOBS = '$blobs';
const BLOB_DATA = '$blobdata';

/** Blobs met while encoding, by ref; only those still referenced after redaction are read. */
export class Collected {
  private readonly _refs = new Map<Blob, string>();
  private readonly _blobs = new Map<string, Blob>();

  ref = (blob: Blob): string => {
    let ref = this._refs.get(blob);
    if (ref === undefined) {
      ref = `b${this._refs.size + 1}`;
      this._refs.set(blob, ref);
      this._blobs.set(ref, blob);
    }
    return ref;
  };

  /** Encodes `value` whole; `root` is where redact() sees it. A far sparse array is refused in words (sparse.ts). */
  encode(value: unknown, root: Path, verb: 'export' | 'record' = 'export'): { value: Encoded; redacted?: Path[] } {
    refuseFar(value, root, verb);
    const encoded = encode(value, { onBlob: this.ref });
    const redact = config.redact;
    if (!redact) return { value: encoded };
    const cut = applyRedaction(encoded, value, redact, root);
    return cut.redacted.length > 0 ? cut : { value: cut.value };
  }

  async bytes(used: Iterable<string>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const ref of used) {
      const blob = this._blobs.get(ref);
      if (blob && !Object.hasOwn(out, ref)) out[ref] = bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
    }
    return out;
  }
}

export function exportStore(store: Store, collected: Collected): SnapshotStore {
  return {
    name: store.name,
    // None on a server without forClient: its `$client:` scopes are then kept as named.
    clientId: store.clientId ?? null,
    userId: store.userId,
    states: store.states().map((state) => ({ scope: state.scope, key: state.key, ...collected.encode(state.value, ['state', state.scope, state.key]) })),
  };
}

export function exportWebstorage(storage: WebStorageLike): SnapshotWebstorage {
  const prefix = `stratum:${CODEC_VERSION}:`;
  return {
    kind: storage.kind,
    namespace: storage.namespace,
    entries: storage.rawEntries().map(({ key, text }) => {
      const redact = config.redact;
      if (!redact) return { key, text };
      const value = storage.get(key);
      const cut = applyRedaction(encode(value), value, redact, ['webstorage', storage.namespace, key]);
      // The stored text would show what redact() hides: the cut value is written in its place.
      return cut.redacted.length > 0 ? { key, text: prefix + JSON.stringify(cut.value), redacted: cut.redacted } : { key, text };
    }),
  };
}

interface BlobRow {
  id: string;
  name: string;
  type: string;
  size: number;
  created: number;
  meta?: object;
}

/**
 * `keys: 'real'` (an import's view of the page, which keeps its hidden rows by key) writes every
 * row key as it is; a file gets `{ $t: 'redacted' }` for a key redact() hides (fileKey).
 */
export async function exportDatabase(db: Database, collected: Collected, keys: 'file' | 'real' = 'file'): Promise<SnapshotDatabase> {
  const infos = db.tables();
  const names = infos.map((info) => info.name);
  // Out-of-line keys (localForage's stores): rows read with their primary keys, which they do not hold.
  const read = await db.transaction(names, 'readonly', (tx) =>
    Promise.all(infos.map((info) => (info.key === null ? keyedRows(tx.table(info.name)).read({}) : tx.table(info.name).query()))),
  );
  const rows = new Map(names.map((name, i) => [name, read[i]!]));
  const out: SnapshotDatabase = { name: db.name, version: db.version, provider: db.provider, tables: [] };
  for (const info of infos) {
    if (info.internal) continue;
    const root = ['db', db.name, info.name];
    const fileRow = (row: unknown, key: Key | undefined) => {
      const cut = collected.encode(row, root);
      return { key: keys === 'real' ? encode(key ?? null) : fileKey(key, { root, keyPath: info.key }, cut.redacted), ...cut };
    };
    const keyPath = info.key;
    out.tables.push({
      name: info.name,
      schema: {
        keyPath: info.key,
        autoIncrement: info.autoIncrement,
        indexes: info.indexes.map((index) => ({ name: index.name, keyPath: index.path, unique: index.unique, multiEntry: index.multiEntry })),
      },
      rows:
        keyPath === null
          ? (rows.get(info.name) as KeyedRow[]).map((entry) => fileRow(entry.value, entry.key))
          : rows.get(info.name)!.map((row) => fileRow(row, keyAt(row, keyPath))),
    });
  }
  if (rows.has(CACHE)) {
    out.cache = (rows.get(CACHE) as { key: unknown; value: unknown; expires: number | null }[]).map((row) => {
      const step = typeof row.key === 'string' || typeof row.key === 'number' ? row.key : JSON.stringify(encode(row.key));
      return { key: encode(row.key), expires: row.expires, ...collected.encode(row.value, ['cache', db.name, step]) };
    });
  }
  if (rows.has(BLOBS)) {
    const data = new Map((rows.get(BLOB_DATA) as { id: string; data: Blob }[]).map((row) => [row.id, row.data]));
    out.blobs = (rows.get(BLOBS) as BlobRow[]).map((info): SnapshotBlob => {
      const { meta, ...fields } = info;
      const blob: SnapshotBlob = { ...fields, data: encode(data.get(info.id) ?? null, { onBlob: collected.ref }) };
      if (meta !== undefined) {
        const shown = collected.encode(meta, ['db', db.name, BLOBS, info.id, 'meta']);
        blob.meta = shown.value;
        if (shown.redacted) blob.redacted = shown.redacted;
      }
      return blob;
    });
  }
  return out;
}

export function usedRefs(file: Omit<SnapshotFile, 'bytes'>): Set<string> {
  const used = new Set<string>();
  const note = (value: Encoded) => blobRefs(value).forEach((ref) => used.add(ref));
  for (const store of file.stores) for (const state of store.states) note(state.value);
  for (const db of file.databases) {
    for (const table of db.tables) for (const row of table.rows) note(row.value);
    for (const entry of db.cache ?? []) note(entry.value);
    for (const blob of db.blobs ?? []) note(blob.data);
  }
  return used;
}

export function currentPage(): SnapshotFile['page'] {
  return {
    url: typeof location === 'undefined' ? '' : location.href,
    title: typeof document === 'undefined' ? '' : document.title,
  };
}

/** Which instances a snapshot is made of, or imported into; by default every registered one. */
export interface Targets {
  stores?: Store[];
  webstorages?: WebStorageLike[];
  databases?: Database[];
}

/** The instances to use: one webstorage per kind and namespace, one open database per name, in registration order. */
export function targetsOf(targets: Targets = {}): Required<Targets> {
  const namespaces = new Map<string, WebStorageLike>();
  for (const storage of targets.webstorages ?? all('webstorage').map(({ object }) => object)) {
    if (!namespaces.has(`${storage.kind}:${storage.namespace}`)) namespaces.set(`${storage.kind}:${storage.namespace}`, storage);
  }
  const open = new Map<string, Database>();
  for (const db of targets.databases ?? all('database').map(({ object }) => object)) if (!db.closed && !open.has(db.name)) open.set(db.name, db);
  return {
    stores: targets.stores ?? all('store').map(({ object }) => object),
    webstorages: [...namespaces.values()],
    databases: [...open.values()],
  };
}

/** The page's data as one file: every store, webstorage and open database (or those of `from`). */
export async function exportSnapshot(from?: Targets): Promise<SnapshotFile> {
  const collected = new Collected();
  const targets = targetsOf(from);
  const stores = targets.stores.map((store) => exportStore(store, collected));
  const webstorages = targets.webstorages.map(exportWebstorage);
  const databases = await Promise.all(targets.databases.map((db) => exportDatabase(db, collected)));
  const file = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    codec: CODEC_VERSION,
    createdAt: new Date().toISOString(),
    page: currentPage(),
    stores,
    webstorages,
    databases,
  } as const;
  return { ...file, bytes: await collected.bytes(usedRefs(file)) };
}
