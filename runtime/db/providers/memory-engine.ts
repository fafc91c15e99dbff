/**
 * Databases in memory, shared by name within this JavaScript realm (as IndexedDB is within an
 * origin), gone with it. Rows are kept sorted by key with `compareKeys`; values are structured
 * clones, so a stored row never changes under the caller and the same values as IndexedDB's
 * are accepted (a function is a DataCloneError in both). One transaction runs at a time; an
 * undo log rolls it back.
 */
import { ConstraintError, VersionError } from '../errors.js';
import { compareKeys, type Key } from '../keys.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderQuery, ProviderTransaction } from '../provider.js';
import { indexKeys, planUpgrade, type IndexInfo, type TableInfo } from '../schema.js';
import { describeKey, SoftwareTransaction, type RowStore } from './software.js';
import { Lock, nextTask } from './tasks.js';

interface Row {
  key: Key;
  value: unknown;
  /** The row's keys per index, so removing it finds its index entries. */
  entries: Map<string, Key[]>;
}

interface Entry {
  key: Key;
  primary: Key;
}

interface MemTable {
  info: TableInfo;
  rows: Row[];
  next: number;
  indexes: Map<string, Entry[]>;
}

interface MemDatabase {
  version: number;
  tables: Map<string, MemTable>;
  connections: Set<MemoryConnection>;
  lock: Lock;
  /** Called whenever a connection closes, so a blocked open or delete can look again. */
  waiters: Set<() => void>;
}

const databases = new Map<string, MemDatabase>();
/** Memory is per realm, so change events must not reach another realm's channel of the same name. */
const REALM = Math.random().toString(36).slice(2);

/** First position whose item is ≥ the target by `order` (negative: item before the target). */
function search<T>(items: T[], order: (item: T) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (order(items[middle] as T) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function byEntry(key: Key, primary: Key) {
  return (entry: Entry) => compareKeys(entry.key, key) || compareKeys(entry.primary, primary);
}

/** -1 below the range, 0 inside, 1 above it. */
function place(key: Key, range: ProviderQuery['range']): number {
  if (range?.lower !== undefined) {
    const order = compareKeys(key, range.lower);
    if (order < 0 || (order === 0 && range.lowerOpen)) return -1;
  }
  if (range?.upper !== undefined) {
    const order = compareKeys(key, range.upper);
    if (order > 0 || (order === 0 && range.upperOpen)) return 1;
  }
  return 0;
}

/** The items whose key lies in the range, from a list sorted by key (binary search to the start). */
function slice<T>(items: T[], keyOf: (item: T) => Key, range: ProviderQuery['range']): T[] {
  const lower = range?.lower;
  const out: T[] = [];
  for (let at = lower === undefined ? 0 : search(items, (item) => compareKeys(keyOf(item), lower)); at < items.length; at++) {
    const where = place(keyOf(items[at] as T), range);
    if (where > 0) break;
    if (where === 0) out.push(items[at] as T);
  }
  return out;
}

function copyTable(table: MemTable): MemTable {
  const indexes = new Map<string, Entry[]>([...table.indexes].map(([name, entries]) => [name, [...entries]]));
  return { info: table.info, rows: [...table.rows], next: table.next, indexes };
}

/** Rows are shared with the snapshot an upgrade restores on failure: never change one in place. */
function dropIndex(table: MemTable, name: string): void {
  table.indexes.delete(name);
  table.rows = table.rows.map((row) => {
    const entries = new Map(row.entries);
    entries.delete(name);
    return { ...row, entries };
  });
}

function buildIndex(table: MemTable, index: IndexInfo): void {
  const entries: Entry[] = [];
  table.rows = table.rows.map((row) => {
    const keys = indexKeys(row.value, index, compareKeys);
    for (const key of keys) entries.push({ key, primary: row.key });
    return { ...row, entries: new Map(row.entries).set(index.name, keys) };
  });
  entries.sort((a, b) => compareKeys(a.key, b.key) || compareKeys(a.primary, b.primary));
  for (let at = 1; index.unique && at < entries.length; at++) {
    const [a, b] = [entries[at - 1] as Entry, entries[at] as Entry];
    if (compareKeys(a.key, b.key) === 0) {
      throw new ConstraintError(`Cannot create unique index '${index.name}' on '${table.info.name}': rows ${describeKey(a.primary)} and ${describeKey(b.primary)} share ${describeKey(a.key)}.`);
    }
  }
  table.indexes.set(index.name, entries);
}

class MemoryRows implements RowStore {
  /** Inverse operations, newest last. */
  readonly undo: Array<() => void> = [];
  private _db: MemDatabase;

  constructor(db: MemDatabase) {
    this._db = db;
  }

  table(name: string): MemTable {
    return this._db.tables.get(name) as MemTable;
  }

  async read(table: string, key: Key): Promise<unknown> {
    const row = this._find(this.table(table), key);
    return row && structuredClone(row.value);
  }

  async has(table: string, key: Key): Promise<boolean> {
    return this._find(this.table(table), key) !== undefined;
  }

  async owners(table: string, index: string, key: Key): Promise<Key[]> {
    const entries = this.table(table).indexes.get(index) as Entry[];
    const out: Key[] = [];
    for (let at = search(entries, (entry) => compareKeys(entry.key, key)); at < entries.length; at++) {
      const entry = entries[at] as Entry;
      if (compareKeys(entry.key, key) !== 0) break;
      out.push(entry.primary);
    }
    return out;
  }

  async write(table: string, key: Key, value: unknown, entries: Map<string, Key[]>): Promise<void> {
    const target = this.table(table);
    const row: Row = { key, value: structuredClone(value), entries };
    const old = this._find(target, key);
    this._unlink(target, key);
    this._link(target, row);
    this.undo.push(() => {
      this._unlink(target, key);
      if (old) this._link(target, old);
    });
  }

  async remove(table: string, key: Key): Promise<void> {
    const target = this.table(table);
    const old = this._find(target, key);
    if (!old) return;
    this._unlink(target, key);
    this.undo.push(() => this._link(target, old));
  }

  async clear(table: string): Promise<void> {
    const target = this.table(table);
    const before = copyTable(target);
    target.rows = [];
    for (const name of target.indexes.keys()) target.indexes.set(name, []);
    this.undo.push(() => {
      target.rows = before.rows;
      target.indexes = before.indexes;
    });
  }

  async scan(table: string, query: ProviderQuery): Promise<unknown[]> {
    const rows = this._select(this.table(table), query);
    if (query.direction === 'prev') rows.reverse();
    const end = query.limit === undefined ? undefined : query.offset + query.limit;
    return rows.slice(query.offset, end).map((row) => structuredClone(row.value));
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    return this._select(this.table(table), query).length;
  }

  async nextKey(table: string): Promise<number> {
    return this.table(table).next;
  }

  async setNextKey(table: string, next: number): Promise<void> {
    const target = this.table(table);
    const before = target.next;
    target.next = next;
    this.undo.push(() => {
      target.next = before;
    });
  }

  private _select(table: MemTable, query: Pick<ProviderQuery, 'index' | 'range'>): Row[] {
    if (query.index === undefined) return slice(table.rows, (row) => row.key, query.range);
    const entries = slice(table.indexes.get(query.index) as Entry[], (entry) => entry.key, query.range);
    return entries.map((entry) => this._find(table, entry.primary) as Row);
  }

  private _find(table: MemTable, key: Key): Row | undefined {
    const row = table.rows[search(table.rows, (candidate) => compareKeys(candidate.key, key))];
    return row && compareKeys(row.key, key) === 0 ? row : undefined;
  }

  private _link(table: MemTable, row: Row): void {
    table.rows.splice(search(table.rows, (candidate) => compareKeys(candidate.key, row.key)), 0, row);
    for (const [name, keys] of row.entries) {
      const entries = table.indexes.get(name) as Entry[];
      for (const key of keys) entries.splice(search(entries, byEntry(key, row.key)), 0, { key, primary: row.key });
    }
  }

  private _unlink(table: MemTable, key: Key): void {
    const at = search(table.rows, (candidate) => compareKeys(candidate.key, key));
    const row = table.rows[at];
    if (!row || compareKeys(row.key, key) !== 0) return;
    table.rows.splice(at, 1);
    for (const [name, keys] of row.entries) {
      const entries = table.indexes.get(name) as Entry[];
      for (const indexKey of keys) entries.splice(search(entries, byEntry(indexKey, key)), 1);
    }
  }
}

class MemoryTransaction extends SoftwareTransaction {
  protected readonly _rows: MemoryRows;
  private _release: () => void;

  constructor(db: MemDatabase, release: () => void) {
    super();
    this._rows = new MemoryRows(db);
    this._release = release;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name).info;
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._release();
  }

  async abort(): Promise<void> {
    const undo = this._rows.undo;
    while (undo.length) (undo.pop() as () => void)();
    this._release();
  }
}

class MemoryConnection implements Connection {
  readonly channel: string;
  private _db: MemDatabase;
  private _request: OpenRequest;

  constructor(db: MemDatabase, request: OpenRequest) {
    this._db = db;
    this._request = request;
    this.channel = `stratum-db:memory:${REALM}:${request.name}`;
  }

  get version(): number {
    return this._db.version;
  }

  get tables(): TableInfo[] {
    return [...this._db.tables.values()].map((table) => table.info);
  }

  async begin(_tables: string[], _mode: Mode): Promise<ProviderTransaction> {
    return new MemoryTransaction(this._db, await this._db.lock.acquire());
  }

  /** Another open or delete asks this connection to go. */
  _versionchange(newVersion: number | null): void {
    this._request.versionchange(newVersion);
  }

  close(): void {
    if (!this._db.connections.delete(this)) return;
    for (const waiter of [...this._db.waiters]) waiter();
  }
}

/** Asks every other connection to close; resolves when none is left (reporting `blocked` once if some stay). */
async function evict(db: MemDatabase, newVersion: number | null, blocked: () => void): Promise<void> {
  for (const connection of [...db.connections]) connection._versionchange(newVersion);
  if (db.connections.size === 0) return;
  blocked();
  await new Promise<void>((resolve) => {
    const check = () => {
      if (db.connections.size > 0) return;
      db.waiters.delete(check);
      resolve();
    };
    db.waiters.add(check);
  });
}

/** Runs under the database's lock. */
async function upgrade(db: MemDatabase, request: OpenRequest): Promise<void> {
  const plan = planUpgrade([...db.tables.values()].map((table) => table.info), request.tables);
  const before = new Map([...db.tables].map(([name, table]) => [name, copyTable(table)] as const));
  try {
    for (const info of plan.create) db.tables.set(info.name, { info, rows: [], next: 1, indexes: new Map(info.indexes.map((index) => [index.name, []])) });
    for (const { table, index } of plan.drop) dropIndex(db.tables.get(table) as MemTable, index);
    for (const { table, index } of plan.add) buildIndex(db.tables.get(table) as MemTable, index);
    for (const info of request.tables) (db.tables.get(info.name) as MemTable).info = info;
    const during = [...db.tables.values()].map((table) => table.info);
    await request.upgrade(new MemoryTransaction(db, () => undefined), db.version, during);
    for (const name of plan.removeTables) db.tables.delete(name);
    for (const { table, index } of plan.removeIndexes) dropIndex(db.tables.get(table) as MemTable, index);
    db.version = request.version;
  } catch (error) {
    db.tables = before;
    throw error;
  }
}

function lowerVersion(name: string, stored: number, asked: number): VersionError {
  return new VersionError(`Database '${name}' is at version ${stored}; it cannot be opened at the lower version ${asked} (versions only go up).`);
}

export class MemoryProvider implements Provider {
  readonly kind = 'memory';
  readonly persistent = false;

  async open(request: OpenRequest): Promise<Connection> {
    let db = databases.get(request.name);
    if (!db) {
      db = { version: 0, tables: new Map(), connections: new Set(), lock: new Lock(), waiters: new Set() };
      databases.set(request.name, db);
    }
    if (request.version < db.version) throw lowerVersion(request.name, db.version, request.version);
    if (request.version > db.version) {
      const target = db;
      await evict(target, request.version, () => request.blocked(target.version));
      const release = await target.lock.acquire();
      try {
        // Another open may have upgraded while this one waited for the lock.
        if (request.version < target.version) throw lowerVersion(request.name, target.version, request.version);
        if (request.version > target.version) await upgrade(target, request);
      } finally {
        release();
      }
    }
    const connection = new MemoryConnection(db, request);
    db.connections.add(connection);
    return connection;
  }

  async deleteDatabase(name: string, blocked: () => void): Promise<void> {
    const db = databases.get(name);
    if (!db) return;
    await evict(db, null, blocked);
    const release = await db.lock.acquire();
    if (databases.get(name) === db) databases.delete(name);
    release();
  }
}
