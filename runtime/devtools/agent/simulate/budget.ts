/**
 * The storage budget: bytes per webstorage namespace, table, index and blob store, and the
 * largest keys and rows. Sizes are the codec's (see sizes.ts), read through the public APIs; a
 * table is read at most SCAN_LIMIT rows deep (the rest is counted, not measured).
 */
import { encode, type Path } from '../../../codec/index.js';
import { BLOB_DATA_TABLE, BLOBS_TABLE, keyAt, type TableInfo } from '../../../db/schema.js';
import type { Database } from '../../../db/types.js';
import type { BudgetItem, DatabaseBudget, StorageBudget, TableBudget, WebstorageBudget } from '../../../protocol/messages.js';
import { redactedPaths } from '../show.js';
import { keyHidden } from '../key-handles.js';
import { keyedRows } from '../commands/out-of-line.js';
import { all, type WebStorageLike } from '../targets.js';
import { estimate, persisted } from '../commands/page.js';
import { utf8Length, valueBytes } from './sizes.js';

export const SCAN_LIMIT = 100_000;
export const WARN_AT = 0.8;
const DEFAULT_TOP = 10;

/** Keeps the `n` largest items seen. */
class Top {
  private readonly _items: { key: unknown; bytes: number }[] = [];
  constructor(private readonly _n: number) {}
  add(key: unknown, bytes: number): void {
    const items = this._items;
    if (this._n === 0) return;
    if (items.length === this._n && bytes <= items[items.length - 1]!.bytes) return;
    let at = items.length;
    while (at > 0 && items[at - 1]!.bytes < bytes) at--;
    items.splice(at, 0, { key, bytes });
    if (items.length > this._n) items.pop();
  }
  list(): BudgetItem[] {
    return this._items.map(({ key, bytes }) => ({ key: encode(key), bytes }));
  }
}

function webstorageBudget(id: number, storage: WebStorageLike, top: number): WebstorageBudget {
  const best = new Top(top);
  let bytes = 0;
  const entries = storage.rawEntries();
  for (const entry of entries) {
    bytes += entry.bytes;
    if (!hides(storage.get(entry.key), ['webstorage', storage.namespace, entry.key])) best.add(entry.key, entry.bytes);
  }
  return { id, kind: storage.kind, namespace: storage.namespace, bytes, keys: entries.length, top: best.list() };
}

/**
 * Where redact() hides a part, the item's own size would tell the secret's length: it is left out
 * of the largest items (the totals, what the quota counts, still hold it).
 */
function hides(value: unknown, root: Path): boolean {
  return redactedPaths(value, root).length > 0;
}

function keyBytes(key: unknown): number {
  return utf8Length(JSON.stringify(encode(key)));
}

async function tableBudget(db: Database, info: TableInfo, top: number): Promise<TableBudget> {
  const table = db.table(info.name);
  const rows = await table.count();
  // Out-of-line keys (localForage's stores): each row with its key from the cursor, as the grid reads them.
  const entries = info.key === null ? await keyedRows(table).read({ limit: SCAN_LIMIT }) : undefined;
  const read = entries ? entries.map((entry) => entry.value) : ((await table.query({ limit: SCAN_LIMIT })) as unknown[]);
  const best = new Top(top);
  const indexes = info.indexes.map((index) => ({ name: index.name, path: index.path, multi: index.multiEntry, bytes: 0 }));
  // IndexedDB and memory keep structured clones, which hold no array holes (see valueBytes).
  const clone = db.provider === 'indexeddb' || db.provider === 'memory';
  let bytes = 0;
  for (let i = 0; i < read.length; i++) {
    const row = read[i];
    const size = valueBytes(row, clone);
    const key = entries ? entries[i]!.key : keyAt(row, info.key!);
    bytes += size;
    const root = ['db', db.name, info.name];
    // An out-of-line key is not in the row: redact() is asked about it apart (key-handles.ts).
    if (!hides(row, root) && !(entries && key !== undefined && keyHidden(key, { root, keyPath: null }))) best.add(key, size);
    const primary = key === undefined ? 0 : keyBytes(key);
    for (const index of indexes) {
      // An index entry is its key and the row's primary key (estimated with the codec's sizes).
      const value = keyAt(row, index.path);
      if (value === undefined) continue;
      const keys = index.multi && Array.isArray(value) ? value : [value];
      for (const one of keys) index.bytes += keyBytes(one) + primary;
    }
  }
  return { name: info.name, rows, bytes, indexes: indexes.map(({ name, bytes: size }) => ({ name, bytes: size })), top: best.list(), measured: read.length };
}

const METHOD: Record<string, string> = {
  indexeddb: 'UTF-8 bytes of the codec text of each row without array holes, blobs by size (IndexedDB stores structured clones, which Chromium compresses: estimate() below is what the browser counts)',
  memory: 'UTF-8 bytes of the codec text of each row without array holes, blobs by size (held in memory)',
};
const ESTIMATED = 'UTF-8 bytes of the codec text of each row, as this provider stores it (v column / value); page overhead and the engine\'s own index structures not counted';

export async function databaseBudget(id: number, db: Database, top: number): Promise<DatabaseBudget> {
  const tables: TableBudget[] = [];
  for (const info of db.tables()) tables.push(await tableBudget(db, info, top));
  // IndexedDB lists stores by name, so $blobdata comes before $blobs: joined after the loop.
  const meta = tables.find((table) => table.name === BLOBS_TABLE);
  const data = tables.find((table) => table.name === BLOB_DATA_TABLE);
  const blobs = meta && { count: meta.rows, bytes: data?.bytes ?? 0 };
  const bytes = tables.reduce((sum, table) => sum + table.bytes + table.indexes.reduce((s, index) => s + index.bytes, 0), 0);
  return { id, name: db.name, provider: db.provider, bytes, tables, ...(blobs && { blobs }), method: METHOD[db.provider] ?? ESTIMATED };
}

/** Bytes a database holds now, as the budget counts them (a simulated quota starts from it). */
export async function databaseBytes(db: Database): Promise<number> {
  return (await databaseBudget(0, db, 0)).bytes;
}

export async function storageBudget(top = DEFAULT_TOP): Promise<StorageBudget> {
  const n = Math.max(0, Math.min(top, 100));
  const webstorages = all('webstorage').map(({ id, object }) => webstorageBudget(id, object, n));
  const databases: DatabaseBudget[] = [];
  for (const { id, object } of all('database')) {
    if (object.closed) continue;
    databases.push(await databaseBudget(id, object, n));
  }
  return { webstorages, databases, estimate: await estimate(), persisted: await persisted(), warnAt: WARN_AT };
}
