/**
 * Any IndexedDB database of the page's origin, through raw IndexedDB: described (object stores,
 * key paths, indexes, counts), read a page at a time in IndexedDB order, and written with the same
 * conflict check as Stratum's rows (the hash of the row the panel saw, checked and written in one
 * readwrite transaction). The inspector's connection closes on `versionchange`, so an app that
 * upgrades or deletes its database is never blocked by the panel.
 */
import { decode, encode, Truncated, type Encoded, type Path } from '#codec/index.js';
import { CommandError } from '#protocol/errors.js';
import type { DatabaseInfo, Hash, Range, Row, RowPage, TableInfo } from '#protocol/messages.js';
import { applyEdit, decodeEdit, type EditOp } from '#runtime/devtools/agent/edit.js';
import type { InlineBlobs } from '#runtime/devtools/agent/show.js';
import { Blobs, conflict, guardStandIns, hashOf, isBlob, nodeAt, reason, show, swapChildren } from './show.js';

/** The most rows one query returns (the protocol's MAX_PAGE is the agent's; the panel asks for 200). */
const MAX_ROWS = 1000;

export interface RowEdit {
  path: Path;
  op: EditOp;
  value?: Encoded;
  to?: string;
  baseVersion?: Hash | number;
}

/** What a write did, for the live `dbChanged` the inspector sends after it. */
export interface Written {
  database: number;
  table: string;
  change: 'put' | 'delete' | 'clear';
  keys: unknown[];
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error ?? new Error('the transaction failed'));
  });
}

function where(path: Path): string {
  return path.length === 0 ? 'the value' : path.map((step) => `[${JSON.stringify(step)}]`).join('');
}

function keyChange(keyPath: string | string[]): CommandError {
  return new CommandError('invalid', `the edit would change the row's key (${JSON.stringify(keyPath)}): add a row with the new key and delete this one instead`);
}

function keyPathOf(path: string | string[] | null): string | string[] {
  // Out-of-line keys (localForage, many idb stores): '' is what the panel shows as "(out of line)".
  return path === null ? '' : typeof path === 'string' ? path : [...path];
}

function decodeKey(encoded: Encoded, what: string): IDBValidKey {
  let key: unknown;
  try {
    key = decode(encoded);
  } catch (error) {
    throw new CommandError('invalid', `${what} cannot be decoded: ${reason(error)}`);
  }
  // Keys go out whole (encodeKey), so a cut one was cut elsewhere: IndexedDB would only say DataError.
  const cut = (part: unknown): boolean => part instanceof Truncated || (Array.isArray(part) && part.some(cut));
  if (cut(key)) throw new CommandError('invalid', `${what} is cut short (the panel shows a shortened key): reload the rows and try again`);
  return key as IDBValidKey;
}

/**
 * A primary key as the panel sends it back: whole, without the display limits. A key cut for
 * display (a long data: URL, a large binary key) could never find its row again.
 */
function encodeKey(key: IDBValidKey): Encoded {
  return encode(key);
}

function rangeOf(range: Range | undefined): IDBKeyRange | undefined {
  if (!range) return undefined;
  if (range.eq !== undefined) return IDBKeyRange.only(decodeKey(range.eq, 'range.eq'));
  const lower = range.gte ?? range.gt;
  const upper = range.lte ?? range.lt;
  const lo = lower === undefined ? undefined : decodeKey(lower, 'the lower bound');
  const hi = upper === undefined ? undefined : decodeKey(upper, 'the upper bound');
  if (lo !== undefined && hi !== undefined) return IDBKeyRange.bound(lo, hi, range.gte === undefined, range.lte === undefined);
  if (lo !== undefined) return IDBKeyRange.lowerBound(lo, range.gte === undefined);
  if (hi !== undefined) return IDBKeyRange.upperBound(hi, range.lte === undefined);
  return undefined;
}

/**
 * A value read in this world. Firefox hands a content script the page's objects through Xray
 * wrappers (see content.ts); a structured clone is an object of this world that the codec reads
 * like any other. Chrome's isolated world already reads its own copy.
 */
function own<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === Array.prototype || proto === null) return value;
  try {
    return structuredClone(value);
  } catch {
    // Not cloneable here (it came out of IndexedDB, so it was once): the codec reads it as it is.
    return value;
  }
}

export class PageDatabases {
  private readonly _ids = new Map<string, number>();
  private readonly _names = new Map<number, string>();
  private readonly _open = new Map<string, Promise<IDBDatabase>>();
  private _next = 0;

  constructor(
    private readonly _idb: IDBFactory,
    readonly blobs: Blobs = new Blobs(),
    /** Told when the app upgraded or deleted a database the inspector had open (it closed). */
    private readonly _onVersionChange: (name: string) => void = () => {},
    /** Why database `name` is left to a Stratum runtime's view (claims.ts), or undefined. */
    private readonly _withheld: (name: string) => Promise<string | undefined> = async () => undefined,
  ) {}

  /** Whether the panel was given an id for `name` (it may be showing that database). */
  listed(name: string): boolean {
    return this._ids.has(name);
  }

  idOf(name: string): number {
    let id = this._ids.get(name);
    if (id === undefined) {
      id = ++this._next;
      this._ids.set(name, id);
      this._names.set(id, name);
    }
    return id;
  }

  /** Every database of the origin, described; one that cannot be opened says why in `reason`. */
  async list(): Promise<DatabaseInfo[]> {
    if (typeof this._idb.databases !== 'function') return [];
    const found = await this._idb.databases();
    const out: DatabaseInfo[] = [];
    for (const { name, version } of found) {
      if (name === undefined) continue;
      out.push(await this.describe(name, version ?? 0));
    }
    return out;
  }

  async describe(name: string, version = 0): Promise<DatabaseInfo> {
    const base = { id: this.idOf(name), name, provider: 'indexeddb' as const, persistent: true, cache: false, blobs: false };
    // Listed, not left out: a database missing from this list would look lost. Not even opened:
    // its tables' counts are computed from what the runtime hides.
    const held = await this._withheld(name);
    if (held !== undefined) return { ...base, version, closed: false, tables: [], reason: held };
    try {
      const db = await this._db(name);
      const names = [...db.objectStoreNames];
      const tables: TableInfo[] = [];
      if (names.length > 0) {
        const tx = db.transaction(names, 'readonly');
        for (const storeName of names) {
          const store = tx.objectStore(storeName);
          const indexes = [...store.indexNames].map((indexName) => {
            const index = store.index(indexName);
            return { name: indexName, keyPath: keyPathOf(index.keyPath), unique: index.unique, multiEntry: index.multiEntry };
          });
          const count = await request(store.count());
          tables.push({ name: storeName, keyPath: keyPathOf(store.keyPath), autoIncrement: store.autoIncrement, indexes, count, internal: false });
        }
      }
      return { ...base, version: db.version, closed: false, tables };
    } catch (error) {
      return { ...base, version, closed: true, tables: [], reason: `not readable now: ${reason(error)}` };
    }
  }

  /**
   * The connection to `name`, opened without a version (never an upgrade) and closed as soon as
   * anyone asks for a version change. A database deleted since it was listed is not created again:
   * an upgrade on our open means it did not exist, and the open is aborted.
   */
  private _db(name: string): Promise<IDBDatabase> {
    let open = this._open.get(name);
    if (open) return open;
    open = new Promise<IDBDatabase>((resolve, reject) => {
      const req = this._idb.open(name);
      let created = false;
      req.onupgradeneeded = () => {
        created = true;
        req.transaction?.abort();
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => {
          db.close();
          if (this._open.get(name) === open) this._open.delete(name);
          this._onVersionChange(name);
        };
        // The browser closed it (storage cleared, a crash of the backing store): open again next time.
        db.onclose = () => {
          if (this._open.get(name) === open) this._open.delete(name);
        };
        resolve(db);
      };
      req.onerror = () => {
        if (this._open.get(name) === open) this._open.delete(name);
        reject(created ? new CommandError('not-found', `database "${name}" no longer exists`) : (req.error ?? new Error(`could not open "${name}"`)));
      };
      req.onblocked = () => console.debug(`stratum inspector: opening "${name}" waits for another connection's upgrade`);
    });
    this._open.set(name, open);
    return open;
  }

  private _name(id: number): string {
    const name = this._names.get(id);
    if (name === undefined) throw new CommandError('not-found', `no database ${id} on this page (refresh the panel)`);
    return name;
  }

  private async _store(database: number, table: string, mode: IDBTransactionMode): Promise<{ tx: IDBTransaction; store: IDBObjectStore }> {
    const name = this._name(database);
    const held = await this._withheld(name);
    if (held !== undefined) throw new CommandError('redacted', `database "${name}" is ${held}`);
    const db = await this._db(name);
    if (!db.objectStoreNames.contains(table)) throw new CommandError('not-found', `database "${name}" has no object store "${table}"`);
    const tx = db.transaction([table], mode);
    return { tx, store: tx.objectStore(table) };
  }

  /** One page of rows in IndexedDB order (by primary key, or by an index), and how many match. */
  async query(q: { database: number; table: string; index?: string; range?: Range; offset?: number; limit?: number; direction?: 'next' | 'prev' }): Promise<RowPage> {
    const { store } = await this._store(q.database, q.table, 'readonly');
    let source: IDBObjectStore | IDBIndex = store;
    if (q.index !== undefined) {
      if (!store.indexNames.contains(q.index)) throw new CommandError('not-found', `object store "${q.table}" has no index "${q.index}"`);
      source = store.index(q.index);
    }
    const range = rangeOf(q.range);
    const offset = q.offset ?? 0;
    const limit = Math.min(q.limit ?? 100, MAX_ROWS);
    const total = await request(source.count(range));
    const rows: Row[] = [];
    if (limit === 0 || offset >= total) return { rows, total };
    await new Promise<void>((resolve, reject) => {
      const req = source.openCursor(range, q.direction ?? 'next');
      let skipped = offset === 0;
      req.onerror = () => reject(req.error ?? new Error('the cursor failed'));
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) return resolve();
        if (!skipped) {
          skipped = true;
          return cursor.advance(offset);
        }
        const value = own(cursor.value as unknown);
        this.blobs.place(value, { database: q.database, table: q.table, key: cursor.primaryKey });
        rows.push({ key: encodeKey(own(cursor.primaryKey)), value: show(value, this.blobs), hash: hashOf(value), redacted: [] });
        if (rows.length >= limit) return resolve();
        cursor.continue();
      };
    });
    return { rows, total };
  }

  /** The row now, for `expand`. */
  async get(database: number, table: string, key: Encoded): Promise<unknown> {
    const { store } = await this._store(database, table, 'readonly');
    const rowKey = decodeKey(key, 'the row key');
    const value = own((await request(store.get(rowKey))) as unknown);
    if (value === undefined) throw new CommandError('not-found', `object store "${table}" has no such row (deleted?)`);
    this.blobs.place(value, { database, table, key: rowKey });
    return value;
  }

  /**
   * A whole row from the panel. With a key path, the key is inside the value; `shown`, with a
   * baseVersion hash, is the key of the row the panel saw: a value with another key would write a
   * second row and leave that one, so it is refused as `edit` refuses a key change. Out of line,
   * `shown` is where the row goes (with baseVersion null: a new row's key, only where no row is).
   */
  async put(database: number, table: string, encoded: Encoded, baseVersion: Hash | null, shown?: Encoded): Promise<{ key: IDBValidKey; hash: Hash }> {
    let next = decodeEdit(encoded, this.blobs as unknown as InlineBlobs);
    guardStandIns(next);
    const was = baseVersion === null || shown === undefined ? undefined : decodeKey(shown, 'the row key');
    const { tx, store } = await this._store(database, table, 'readwrite');
    let key: IDBValidKey | undefined;
    if (store.keyPath === null) {
      // Out of line: the row does not hold its key, so it goes where the panel names (the row it
      // saw, or a new row's key typed in Add row), and only where no row is unless it saw one.
      if (shown === undefined) {
        tx.abort();
        throw new CommandError('not-editable', `object store "${table}" keeps its keys outside the values (out of line): send the key the row goes under (the panel's Add row asks for one), or edit a row's fields in place`);
      }
      key = decodeKey(shown, 'the row key');
    } else {
      key = keyAtPath(next, store.keyPath);
      if (was !== undefined && (key === undefined || !this._sameKey(key, was))) {
        tx.abort();
        throw keyChange(store.keyPath);
      }
    }
    const committed = done(tx);
    const current = key === undefined ? undefined : own((await request(store.get(key))) as unknown);
    const hash = current === undefined ? null : hashOf(current);
    if (hash !== baseVersion) {
      tx.abort();
      await committed.catch(() => undefined);
      throw conflict(`row ${JSON.stringify(show(key, this.blobs))} of "${table}"`, current, hash, this.blobs);
    }
    try {
      if (key !== undefined) next = this._freshBlobs(next, current, database, table, key);
    } catch (error) {
      tx.abort();
      await committed.catch(() => undefined);
      throw error;
    }
    const written = await request(store.keyPath === null ? store.put(next, key) : store.put(next));
    const stored = await request(store.get(written));
    await committed;
    return { key: written, hash: hashOf(own(stored as unknown)) };
  }

  async add(database: number, table: string, encoded: Encoded): Promise<{ key: IDBValidKey; hash: Hash }> {
    const next = decodeEdit(encoded, this.blobs as unknown as InlineBlobs);
    guardStandIns(next);
    const { tx, store } = await this._store(database, table, 'readwrite');
    if (store.keyPath === null && !store.autoIncrement) {
      tx.abort();
      throw new CommandError('not-editable', `object store "${table}" takes its keys from the app (out of line, no key generator): send the key the row goes under (the panel's Add row asks for one)`);
    }
    const committed = done(tx);
    const written = await request(store.add(next));
    const stored = await request(store.get(written));
    await committed;
    return { key: written, hash: hashOf(own(stored as unknown)) };
  }

  async delete(database: number, table: string, encodedKey: Encoded, baseVersion: Hash): Promise<IDBValidKey> {
    const key = decodeKey(encodedKey, 'the key');
    const { tx, store } = await this._store(database, table, 'readwrite');
    const committed = done(tx);
    const current = own((await request(store.get(key))) as unknown);
    const hash = current === undefined ? null : hashOf(current);
    if (hash !== baseVersion) {
      tx.abort();
      await committed.catch(() => undefined);
      throw conflict(`row ${JSON.stringify(encodedKey)} of "${table}"`, current, hash, this.blobs);
    }
    await request(store.delete(key));
    await committed;
    return key;
  }

  async clear(database: number, table: string): Promise<void> {
    const { tx, store } = await this._store(database, table, 'readwrite');
    const committed = done(tx);
    await request(store.clear());
    await committed;
  }

  /**
   * One path edit of a row, applied to the row as IndexedDB holds it (a CryptoKey or anything the
   * codec cannot show stays what it is: only the containers on the path are copied).
   */
  async edit(database: number, table: string, encodedKey: Encoded, edit: RowEdit): Promise<{ key: IDBValidKey; hash: Hash }> {
    const key = decodeKey(encodedKey, 'the row key');
    const part = edit.value === undefined ? undefined : decodeEdit(edit.value, this.blobs as unknown as InlineBlobs);
    guardStandIns(part);
    const { tx, store } = await this._store(database, table, 'readwrite');
    const committed = done(tx);
    const fail = async (error: CommandError): Promise<never> => {
      tx.abort();
      await committed.catch(() => undefined);
      throw error;
    };
    const current = own((await request(store.get(key))) as unknown);
    if (current === undefined) return fail(new CommandError('not-found', `object store "${table}" has no such row (deleted?)`));
    const hash = hashOf(current);
    if (edit.baseVersion !== undefined && edit.baseVersion !== hash) return fail(conflict(`row ${JSON.stringify(encodedKey)} of "${table}"`, current, hash, this.blobs));
    let next: unknown;
    try {
      next = applyEdit(current, edit.path, edit.op, part, edit.to);
      next = this._freshBlobs(next, current, database, table, key);
    } catch (error) {
      return fail(error instanceof CommandError ? error : new CommandError('invalid', reason(error)));
    }
    if (store.keyPath !== null) {
      const after = keyAtPath(next, store.keyPath);
      if (after === undefined || !this._sameKey(after, key)) {
        return fail(keyChange(store.keyPath));
      }
      await request(store.put(next));
    } else {
      await request(store.put(next, key));
    }
    const stored = own((await request(store.get(key))) as unknown);
    await committed;
    return { key, hash: hashOf(stored) };
  }

  /**
   * Puts back, in `next`, the Blobs the row holds now wherever the panel sent one of this row's
   * Blobs back by its ref. The panel cannot change a Blob's bytes (a new file never comes as a
   * ref), and a row's hash sees a Blob only as type and size, so the Blob read when the panel
   * was shown the row may be older than the app's: writing it back would undo the app's. A Blob
   * whose place holds no Blob now (the app removed it) is refused rather than written back.
   */
  private _freshBlobs(next: unknown, current: unknown, database: number, table: string, key: IDBValidKey): unknown {
    const fresh = (node: unknown, path: () => Path): unknown => {
      if (!isBlob(node)) return node;
      const place = this.blobs.placeOf(node);
      // Not one of this row's Blobs (copied from another row): it overwrites nothing of this row's.
      if (!place || place.database !== database || place.table !== table || this._idb.cmp(place.key, key) !== 0) return node;
      const now = nodeAt(current, place.path);
      if (isBlob(now)) return now;
      throw new CommandError('not-editable', `${where(path())} is a blob the app has replaced or removed since the panel read the row: reload the row, then edit it`);
    };
    const root = fresh(next, () => []);
    swapChildren(root, fresh);
    return root;
  }

  private _sameKey(a: IDBValidKey, b: IDBValidKey): boolean {
    try {
      return this._idb.cmp(a, b) === 0;
    } catch (error) {
      // Not a valid key at all (an object where the key path points): not the row's key either.
      if (error instanceof DOMException && error.name === 'DataError') return false;
      throw error;
    }
  }

  /** Closes every connection (the inspector stops). */
  close(): void {
    for (const open of this._open.values()) void open.then((db) => db.close(), () => undefined);
    this._open.clear();
  }
}

/** The key at an inline key path, or undefined when the value has none there. */
export function keyAtPath(value: unknown, path: string | string[]): IDBValidKey | undefined {
  if (Array.isArray(path)) {
    const parts = path.map((one) => keyAtPath(value, one));
    return parts.some((part) => part === undefined) ? undefined : (parts as IDBValidKey[]);
  }
  if (path === '') return value as IDBValidKey;
  let node: unknown = value;
  for (const step of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, step)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node as IDBValidKey;
}
