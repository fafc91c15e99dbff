/**
 * Databases in memory, shared by name within this JavaScript realm (as IndexedDB is within an
 * origin), gone with it. The same values as IndexedDB's are accepted (structured clones: a
 * function is a DataCloneError in both). One transaction runs at a time.
 */
import { VersionError } from '../errors.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderTransaction } from '../provider.js';
import { planUpgrade, type TableInfo } from '../schema.js';
import { buildIndex, copyTable, dropIndex, MemoryRows, type MemTable } from './memory-rows.js';
import { SoftwareTransaction } from './software.js';
import { Lock, nextTask } from './tasks.js';

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

class MemoryTransaction extends SoftwareTransaction {
  protected readonly _rows: MemoryRows;
  protected readonly _structuredClone = true;
  private _release: () => void;

  constructor(db: MemDatabase, release: () => void) {
    super();
    this._rows = new MemoryRows(db.tables);
    this._release = release;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name).info;
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._ended = true;
    this._release();
  }

  async abort(): Promise<void> {
    this._ended = true;
    // An operation queued behind the failed one may have started already: undo after it.
    await this._settled();
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
