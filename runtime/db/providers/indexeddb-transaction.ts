/**
 * A transaction on IndexedDB through `idb`: the browser's DOMExceptions become the database's
 * error classes, in words, and `idle` keeps the transaction open across one task boundary.
 */
import { unwrap, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import { ConstraintError, DatabaseUnavailableError, DataError, describeError, ReadOnlyError, TransactionInactiveError } from '../errors.js';
import { toKey, type Key } from '../keys.js';
import type { KeyRange, ProviderQuery, ProviderTransaction } from '../provider.js';
import { isInternalTable, keyAt, valueAt, type TableInfo } from '../schema.js';
import { checkWritable } from '../writable.js';
import { holdUntilDone } from './indexeddb-unload.js';

export type Tx = IDBPTransaction<unknown, string[], IDBTransactionMode>;
// Typed as writable: which operations a readonly transaction may run is checked before they get here.
type Store = IDBPObjectStore<unknown, string[], string, 'readwrite'>;

/** The browser's DOMException as the database's error class, with words about what was done. */
export function mapError(error: unknown, where: string): unknown {
  const name = (error as { name?: unknown } | null)?.name;
  const words = `${where}: ${describeError(error)}`;
  if (name === 'ConstraintError') return new ConstraintError(words, { cause: error });
  if (name === 'DataError') return new DataError(words, { cause: error });
  if (name === 'ReadOnlyError') return new ReadOnlyError(words, { cause: error });
  if (name === 'TransactionInactiveError') return new TransactionInactiveError(`${words}. The transaction had already committed.`, { cause: error });
  if (name === 'InvalidStateError') return new DatabaseUnavailableError(`${where}: the connection is closing or closed.`, describeError(error), { cause: error });
  // Chromium aborts the transaction with a QuotaExceededError that has no message at all.
  if (name === 'QuotaExceededError' && !(error as { message?: unknown }).message) {
    return new DOMException(`${where}: the storage quota of this origin is used up (navigator.storage.estimate() tells how much); nothing of the transaction was written.`, 'QuotaExceededError');
  }
  return error;
}

function toIDBRange(range: KeyRange | undefined): IDBKeyRange | undefined {
  if (!range) return undefined;
  const { lower, upper, lowerOpen, upperOpen } = range;
  if (lower !== undefined && upper !== undefined) return IDBKeyRange.bound(lower, upper, lowerOpen, upperOpen);
  if (lower !== undefined) return IDBKeyRange.lowerBound(lower, lowerOpen);
  if (upper !== undefined) return IDBKeyRange.upperBound(upper, upperOpen);
  return undefined;
}

/** The tables as IndexedDB holds them; reading metadata needs a transaction, which issues no request. */
type StoreShape = Pick<IDBObjectStore, 'name' | 'keyPath' | 'autoIncrement' | 'indexNames'> & {
  index(name: string): Pick<IDBIndex, 'keyPath' | 'unique' | 'multiEntry'>;
};

export function describeStores(stores: StoreShape[]): TableInfo[] {
  return stores.map((store) => ({
    name: store.name,
    // null: a store other code made without a key path (out-of-line keys, localForage's).
    key: store.keyPath as string | string[] | null,
    autoIncrement: store.autoIncrement,
    internal: isInternalTable(store.name),
    indexes: [...store.indexNames].map((indexName) => {
      const index = store.index(indexName);
      return { name: indexName, path: index.keyPath as string | string[], unique: index.unique, multiEntry: index.multiEntry };
    }),
  }));
}

export class IdbTransaction implements ProviderTransaction {
  private _tx: Tx;
  private _tables: TableInfo[];
  private _done: Promise<void>;
  /** Lets the page's going away abort this write no longer; a read has nothing to undo. */
  private _release: () => unknown;

  constructor(tx: Tx, tables: TableInfo[]) {
    this._tx = tx;
    this._tables = tables;
    this._done = tx.done;
    this._release = tx.mode === 'readonly' ? Boolean : holdUntilDone(unwrap(tx));
    // The outcome is observed by commit() and abort(); handling it here too keeps a rolled-back
    // transaction from being reported as an unhandled rejection while nobody awaits it yet.
    this._done.then(this._release, this._release);
  }

  get(table: string, key: Key): Promise<unknown> {
    return this._run(`${table}.get`, () => this._store(table).get(key as IDBValidKey));
  }

  async put(table: string, value: unknown, add: boolean, key?: Key): Promise<Key> {
    // Async, so a synchronous DataError becomes a rejection like every other failure (bulkPut
    // waits on all its puts; a throw here would leave the others' AbortErrors unobserved).
    // Before the store: in Node, fake-indexeddb's clone empties a URL instead of refusing it.
    checkWritable(value, `${table}.${add ? 'add' : 'put'}`, true);
    const info = this._info(table);
    if (key === undefined) refuseKeyless(info, table, add ? 'add' : 'put');
    const generated = generatedPath(info);
    try {
      const stored = generated === undefined ? value : withoutUndefinedKey(value, generated);
      const store = this._store(table);
      // `key` only for out-of-line keys. Otherwise not passed at all: `idb` forwards every argument,
      // and a key given to an in-line store is a DataError; no engine is left to decide whether an
      // explicit undefined counts as one.
      const args = (key === undefined ? [stored] : [stored, key]) as [unknown, IDBValidKey?];
      return (await (add ? store.add(...args) : store.put(...args))) as Key;
    } catch (error) {
      throw this._putError(error, table, value, add, `${table}.${add ? 'add' : 'put'}`);
    }
  }

  /**
   * bulkPut: every row issued on the store at once, each checked just before its request as put
   * does, with one promise for them all (a promise and a microtask per row were most of the
   * time of 10,000 puts). Requests of a transaction succeed in order, so the last success means
   * every key is in; the first failure rejects, and IndexedDB aborts the transaction.
   *
   * As Dexie does, only the last request gets a success handler, and every request shares one
   * error handler: a row whose key is a number or a string at a plain key path has that key as
   * its result (IndexedDB returns it as it is), so no handler per row is needed to collect it.
   * Rows whose key IndexedDB makes or converts (generated, Date, binary, array keys) keep one,
   * and so does a row whose key is not an own enumerable data property (see cloneKey).
   */
  putAll(table: string, values: unknown[]): Promise<Key[]> {
    const where = `${table}.put`;
    const info = this._info(table);
    try {
      refuseKeyless(info, table, 'bulkPut');
    } catch (error) {
      return Promise.reject(error);
    }
    const path = info && typeof info.key === 'string' && !info.key.includes('.') ? info.key : undefined;
    const generated = generatedPath(info);
    return new Promise((resolve, reject) => {
      const keys = new Array<Key>(values.length);
      const requests = new Array<IDBRequest>(values.length);
      let failed = false;
      const fail = (error: unknown, value: unknown): void => {
        if (failed) return;
        failed = true;
        reject(this._putError(error, table, value, false, where));
      };
      const onerror = (event: Event): void => {
        const request = event.target as IDBRequest;
        fail(request.error, values[requests.indexOf(request)]);
      };
      const last = values.length - 1;
      if (last < 0) return resolve(keys);
      let store: IDBObjectStore;
      try {
        store = unwrap(this._store(table));
      } catch (error) {
        return reject(mapError(error, where));
      }
      for (let i = 0; i <= last; i++) {
        const value = values[i];
        // A refusal before a request rejects at once; the rows already issued then fail with the
        // transaction's abort, which the caller's abort() observes.
        try {
          checkWritable(value, where, true);
        } catch (error) {
          failed = true;
          return reject(error);
        }
        let request: IDBRequest;
        const key = path === undefined ? undefined : cloneKey(value, path);
        try {
          // The key read first: only a row whose key is not a plain number or string can be one
          // with an undefined key to leave out.
          request = store.put(generated === undefined || typeof key === 'number' || typeof key === 'string' ? value : withoutUndefinedKey(value, generated));
        } catch (error) {
          return fail(error, value);
        }
        requests[i] = request;
        request.onerror = onerror;
        if (i === last) {
          request.onsuccess = () => {
            keys[i] = request.result as Key;
            if (!failed) resolve(keys);
          };
        } else if ((typeof key === 'number' && !Number.isNaN(key) && !Object.is(key, -0)) || typeof key === 'string') {
          keys[i] = key;
        } else {
          request.onsuccess = () => {
            keys[i] = request.result as Key;
          };
        }
      }
    });
  }

  delete(table: string, key: Key): Promise<void> {
    return this._run(`${table}.delete`, () => this._store(table).delete(key as IDBValidKey));
  }

  clear(table: string): Promise<void> {
    return this._run(`${table}.clear`, () => this._store(table).clear());
  }

  async query(table: string, query: ProviderQuery, keys?: boolean): Promise<unknown[]> {
    const where = `${table}.query`;
    const store = this._store(table);
    const source = query.index === undefined ? store : store.index(query.index);
    const range = toIDBRange(query.range);
    try {
      if (!keys && query.direction === 'next' && query.offset === 0) {
        // getAll's count is an unsigned long (a larger one is a bare TypeError); no array holds
        // more than 2^32 - 1 rows anyway, so a larger limit is no limit.
        return await source.getAll(range, query.limit !== undefined && query.limit <= 0xffff_ffff ? query.limit : undefined);
      }
      const limit = query.limit ?? Infinity;
      const out: unknown[] = [];
      let cursor = await source.openCursor(range, query.direction);
      // advance() takes an [EnforceRange] unsigned long: a count past 2^32 - 1 is a TypeError in
      // browsers, so a larger offset is skipped in steps, stopping once the cursor has ended.
      let left = query.offset;
      while (cursor && left > 0) {
        const step = Math.min(left, 2 ** 32 - 1);
        left -= step;
        cursor = await cursor.advance(step);
      }
      while (cursor && out.length < limit) {
        // `keys`: a table whose keys are out of line; its rows do not hold them (KEYED_ROWS).
        out.push(keys ? { key: cursor.primaryKey, value: cursor.value } : cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    } catch (error) {
      throw mapError(error, where);
    }
  }

  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    return this._run(`${table}.count`, () => {
      const store = this._store(table);
      return (query.index === undefined ? store : store.index(query.index)).count(toIDBRange(query.range));
    });
  }

  /** One cheap request: while it is pending the transaction cannot commit; its success is a new task. */
  async idle(): Promise<void> {
    const first = this._tx.objectStoreNames[0];
    // An upgrade of a database without tables has nothing to keep open or to commit.
    if (first === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
    await this._store(first).get(-Infinity);
  }

  async commit(): Promise<void> {
    // The app's function returned: what it wrote is whole, and a page closing now may keep it.
    this._release();
    try {
      // commit() (IndexedDB 3.0) only saves the wait for auto-commit; older browsers lack it.
      if (typeof this._tx.commit === 'function' && this._tx.mode !== 'versionchange') this._tx.commit();
    } catch (error) {
      // InvalidStateError: the function finished outside a request callback (it awaited something
      // else last); the transaction then commits by itself once its requests are done.
      if ((error as Error).name !== 'InvalidStateError') throw mapError(error, 'commit');
    }
    // A read has nothing to save: what its requests returned stands once they succeeded. Waiting
    // for `complete` cost every get, query and count one more trip to the IndexedDB backend and
    // a task (issue 18: a table's first rows). A write waits: only `complete` says it is saved.
    if (this._tx.mode === 'readonly') return;
    try {
      await this._done;
    } catch (error) {
      throw mapError(error, 'commit');
    }
  }

  async abort(): Promise<void> {
    try {
      this._tx.abort();
    } catch (error) {
      // InvalidStateError: a failed request already aborted it (IndexedDB does so by itself).
      if ((error as Error).name !== 'InvalidStateError') throw error;
    }
    await this._done.then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  /** The table as this transaction's schema describes it. */
  private _info(table: string): TableInfo | undefined {
    return this._tables.find((candidate) => candidate.name === table);
  }

  private _store(table: string): Store {
    return this._tx.objectStore(table) as Store;
  }

  private async _run<T>(where: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapError(error, where);
    }
  }

  /** IndexedDB says only "ConstraintError"; the table's schema tells which key or index it was. */
  private _putError(error: unknown, table: string, value: unknown, add: boolean, where: string): unknown {
    const info = this._tables.find((candidate) => candidate.name === table);
    const name = (error as { name?: unknown } | null)?.name;
    // Out-of-line keys: nothing in the row to word the key by; IndexedDB's own words stand.
    if (!info || info.key === null) return mapError(error, where);
    // A row whose key is a function or a Proxy fails to clone before IndexedDB looks at the key:
    // the key is what is wrong, so say so the way the other providers do (DataError).
    const raw = Array.isArray(info.key) ? info.key.map((part) => valueAt(value, part)) : valueAt(value, info.key);
    if ((name === 'DataError' || name === 'DataCloneError') && !keyAt(value, info.key) && (raw !== undefined || !info.autoIncrement)) {
      try {
        toKey(raw, `${where}: the row's key at ${JSON.stringify(info.key)}`);
      } catch (keyError) {
        return keyError;
      }
    }
    // A missing key the generator would fill in is a DataError only when there is no object to
    // write it into (IndexedDB's "check that a key could be injected"): say so, as the other providers do.
    if (name === 'DataError' && info.autoIncrement && raw === undefined) {
      return new DataError(`${where}: cannot write the generated key into the row at '${info.key}'; the row must be an object.`, { cause: error });
    }
    if (name !== 'ConstraintError') return mapError(error, where);
    const unique = info.indexes.filter((index) => index.unique).map((index) => `'${index.name}'`);
    const key = keyAt(value, info.key);
    if (key === undefined && info.autoIncrement) {
      // A generated key is never one already used: past 2^53 the generator refuses to make one
      // (IndexedDB's ConstraintError, which says no more), as the other providers say.
      const or = unique.length ? `, or the row repeats a value of unique index ${unique.join(' or ')}` : '';
      return new ConstraintError(`${where}: the key generator of '${table}' is exhausted (it stops at 2^53)${or}.`, { cause: error });
    }
    const row = `key ${JSON.stringify(key)}`;
    const message = !add
      ? `${where}: the row repeats a value of unique index ${unique.join(' or ')}.`
      : unique.length === 0
        ? `${where}: a row with ${row} already exists; use put to replace it.`
        : `${where}: a row with ${row} already exists, or the row repeats a value of unique index ${unique.join(' or ')}.`;
    return new ConstraintError(message, { cause: error });
  }
}

/**
 * The key a put stores at a plain key path, read as IndexedDB reads it: from the structured
 * clone, which holds own enumerable properties only. An inherited getter or a hidden own property
 * is not in the clone (a key generator then makes the key), and a getter may answer differently a
 * second time, so for those the request's own result is the key: undefined here.
 */
function cloneKey(value: unknown, path: string): unknown {
  const field = Object.getOwnPropertyDescriptor(value, path);
  return field?.enumerable && 'value' in field ? field.value : undefined;
}

/**
 * A row whose generated key is an own property holding undefined (a TypeScript class field such
 * as `id?: number` is one) is stored as if the property were absent, so the key generator fills
 * it in, as every other provider does; IndexedDB itself refuses it with a DataError. What is put
 * is the row's structured clone (what IndexedDB stores anyway, so a Map, a Date or a class
 * instance keeps what it would keep, and a Proxy is refused as before) without that property;
 * the caller's row is not changed. Any other row is returned as it is.
 */
export function withoutUndefinedKey(value: unknown, path: string): unknown {
  const steps = path.split('.');
  const last = steps.pop()!;
  const parentOf = (root: unknown): Record<string, unknown> | undefined => {
    let node = root;
    for (const step of steps) {
      if (typeof node !== 'object' || node === null || !Object.hasOwn(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
    return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
  };
  const parent = parentOf(value);
  if (!parent || !Object.hasOwn(parent, last) || parent[last] !== undefined) return value;
  const copy: unknown = structuredClone(value);
  // A Map's or a Set's own fields are not in its clone: nothing to leave out there.
  const inCopy = parentOf(copy);
  if (inCopy) delete inCopy[last];
  return copy;
}

/** The key path a table's key generator fills in, if it has one. */
function generatedPath(info: TableInfo | undefined): string | undefined {
  return info?.autoIncrement && typeof info.key === 'string' ? info.key : undefined;
}

/**
 * A store other code made with its keys out of line (TableInfo.key null) and no key generator:
 * a row cannot name its key, and IndexedDB would say only DataError. Checked against the
 * transaction's own schema, so a write under way when the database is closed still finishes.
 */
function refuseKeyless(info: TableInfo | undefined, table: string, method: string): void {
  if (info && info.key === null && !info.autoIncrement) {
    throw new DataError(`${table}.${method}: table '${table}' keeps its keys out of line and generates none, so a row cannot name its key; nothing was written.`);
  }
}
