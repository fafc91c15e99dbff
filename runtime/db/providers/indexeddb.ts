/**
 * The IndexedDB provider (the default in browsers), through `idb`. Key order, key generators,
 * unique and multiEntry indexes and transactions are the browser's own; this file opens,
 * upgrades (tables and indexes to match the declaration, around the user's upgrade) and deletes,
 * and turns an IndexedDB that cannot open into a DatabaseUnavailableError in the browser's words.
 */
import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { faults } from '../../registry/faults.js';
import { ConstraintError, DatabaseUnavailableError, describeError, VersionError } from '../errors.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderTransaction } from '../provider.js';
import { planUpgrade, type TableInfo } from '../schema.js';
import { describeStores, IdbTransaction, mapError, type Tx } from './indexeddb-transaction.js';

/** build.mjs defines it in production builds: the fault hook below folds away (registry/faults.ts). */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

/** Errors that mean "this storage cannot be used", in the browser's words. */
function unavailable(name: string, reason: string, cause?: unknown): DatabaseUnavailableError {
  return new DatabaseUnavailableError(`IndexedDB cannot open '${name}': ${reason}`, reason, { cause });
}

class IdbConnection implements Connection {
  readonly channel: string;
  readonly tables: TableInfo[];
  private _db: IDBPDatabase;

  constructor(db: IDBPDatabase) {
    this._db = db;
    this.channel = `stratum-db:indexeddb:${db.name}`;
    const names = [...db.objectStoreNames];
    const tx = names.length ? (db.transaction(names, 'readonly') as Tx) : undefined;
    this.tables = tx ? describeStores(names.map((name) => tx.objectStore(name))) : [];
  }

  get version(): number {
    return this._db.version;
  }

  async begin(tables: string[], mode: Mode): Promise<ProviderTransaction> {
    try {
      return new IdbTransaction(this._db.transaction(tables, mode) as Tx, this.tables);
    } catch (error) {
      throw mapError(error, `transaction on ${tables.join(', ')}`);
    }
  }

  close(): void {
    this._db.close();
  }
}

/** Creates and deletes stores and indexes inside the versionchange transaction, around the user's upgrade. */
function runUpgrade(db: IDBPDatabase, tx: UpgradeTx, request: OpenRequest, oldVersion: number, unique: string[]): Promise<void> {
  const existing = describeStores([...db.objectStoreNames].map((name) => tx.objectStore(name)));
  const plan = planUpgrade(existing, request.tables);
  for (const { table, index } of plan.add) if (index.unique) unique.push(`'${index.name}' on '${table}'`);
  for (const table of plan.create) {
    const store = db.createObjectStore(table.name, { keyPath: table.key, autoIncrement: table.autoIncrement });
    for (const index of table.indexes) store.createIndex(index.name, index.path, { unique: index.unique, multiEntry: index.multiEntry });
  }
  for (const { table, index } of plan.drop) tx.objectStore(table).deleteIndex(index);
  for (const { table, index } of plan.add) {
    tx.objectStore(table).createIndex(index.name, index.path, { unique: index.unique, multiEntry: index.multiEntry });
  }
  const during = describeStores([...db.objectStoreNames].map((name) => tx.objectStore(name)));
  return request.upgrade(new IdbTransaction(tx as unknown as Tx, during), oldVersion, during).then(() => {
    // Still inside the upgrade transaction: the user's last request just completed.
    for (const { table, index } of plan.removeIndexes) tx.objectStore(table).deleteIndex(index);
    for (const name of plan.removeTables) db.deleteObjectStore(name);
  });
}

/** Only for the words of a VersionError: when even this fails, the message says "a higher version". */
function storedVersion(name: string): Promise<number | undefined> {
  return openDB(name).then(
    (db) => {
      const { version } = db;
      db.close();
      return version;
    },
    () => undefined,
  );
}

class IndexedDBProvider implements Provider {
  readonly kind = 'indexeddb';
  readonly persistent = true;

  async open(request: OpenRequest): Promise<Connection> {
    const { name, version } = request;
    if (typeof indexedDB === 'undefined') throw unavailable(name, 'indexedDB is not defined in this environment');
    // Why an upgrade failed: its own error first (the user's, a planning error), else the
    // transaction's (a unique index over repeated values aborts it by itself).
    let failure: unknown;
    let aborted: unknown;
    /** Unique indexes the upgrade adds over rows already there, in words. */
    const unique: string[] = [];
    let db: IDBPDatabase;
    try {
      // A simulated failing open throws here, so the browser's error takes the real path below.
      if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.open) faults.open(name);
      db = await openDB(name, version, {
        upgrade: (database, oldVersion, _newVersion, transaction) => {
          const tx = transaction as unknown as UpgradeTx;
          const fail = (error: unknown) => {
            failure ??= error;
            try {
              tx.abort();
            } catch (abortError) {
              // Already aborted (a failed request does that by itself): the open fails either way.
              aborted ??= abortError;
            }
          };
          // createIndex on rows that break a new unique index aborts the transaction later, by itself.
          tx.done.catch((error: unknown) => (aborted ??= error));
          try {
            runUpgrade(database, tx, request, oldVersion, unique).catch(fail);
          } catch (error) {
            fail(error);
          }
        },
        blocked: (currentVersion) => request.blocked(currentVersion),
        blocking: (_currentVersion, blockedVersion) => request.versionchange(blockedVersion),
        terminated: () => request.lost('the browser closed the connection (storage cleared or the disk failed)'),
      });
    } catch (error) {
      if (failure === undefined && (aborted as Error | undefined)?.name === 'ConstraintError' && unique.length > 0) {
        // IndexedDB says only "ConstraintError": a unique index created over rows that repeat a
        // value aborts the upgrade by itself. The user's own requests fail with words (failure).
        throw new ConstraintError(`Cannot create unique index ${unique.join(' or ')}: rows repeat a value; '${name}' stays at its old version.`, { cause: aborted });
      }
      failure ??= aborted;
      if (failure !== undefined) throw mapError(failure, `upgrading '${name}' to version ${version}`);
      if ((error as Error | null)?.name === 'VersionError') {
        const stored = await storedVersion(name);
        const at = stored === undefined ? 'a higher version' : `version ${stored}`;
        throw new VersionError(`Database '${name}' is at ${at}; it cannot be opened at the lower version ${version} (versions only go up).`, { cause: error });
      }
      // SecurityError (opaque origins, blocked storage), InvalidStateError (old Firefox private
      // mode), UnknownError (a broken profile): the browser's own words are the reason.
      throw unavailable(name, describeError(error), error);
    }
    return new IdbConnection(db);
  }

  async deleteDatabase(name: string, blocked: () => void): Promise<void> {
    if (typeof indexedDB === 'undefined') throw unavailable(name, 'indexedDB is not defined in this environment');
    await deleteDB(name, { blocked });
  }
}

/** The IndexedDB provider: the default; pass it explicitly only to be explicit. */
export function indexeddb(): Provider {
  return new IndexedDBProvider();
}
