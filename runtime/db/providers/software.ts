/**
 * IndexedDB's object-store rules in software, for providers whose storage has none of them
 * (memory, SQLite): key paths, key generators, `add` conflicts, unique and multiEntry indexes.
 * A provider supplies only a RowStore — rows by key, with their index keys — and gets a
 * ProviderTransaction that behaves as IndexedDB does.
 */
import { ConstraintError, DataError, TransactionInactiveError } from '../errors.js';
import { compareKeys, toKey, type Key } from '../keys.js';
import type { ProviderQuery, ProviderTransaction } from '../provider.js';
import { indexKeys, injectKey, keyAt, valueAt, type TableInfo } from '../schema.js';
import { checkWritable } from '../writable.js';

/** Rows of one transaction, in key order; index keys come computed. */
export interface RowStore {
  read(table: string, key: Key): Promise<unknown>;
  has(table: string, key: Key): Promise<boolean>;
  /** Primary keys of the rows that have `key` in the index. */
  owners(table: string, index: string, key: Key): Promise<Key[]>;
  /** Replaces the row (and every index entry it had) with `value` and its index keys. */
  write(table: string, key: Key, value: unknown, indexes: Map<string, Key[]>): Promise<void>;
  remove(table: string, key: Key): Promise<void>;
  clear(table: string): Promise<void>;
  scan(table: string, query: ProviderQuery): Promise<unknown[]>;
  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number>;
  /** The key generator's next number (1 for a new table). */
  nextKey(table: string): Promise<number>;
  setNextKey(table: string, next: number): Promise<void>;
}

/** IndexedDB's key generator stops at 2^53 (the largest integer a double holds exactly). */
const MAX_GENERATED = 2 ** 53;
/**
 * The generator's number once 2^53 was used (IndexedDB's 2^53 + 1). That one is no double, and
 * 2^53 + 1 rounds back to 2^53, which would hand out 2^53 again and overwrite its row.
 */
const EXHAUSTED = 2 ** 53 + 2;

/** The generator's number after `key` was used (generated, or explicit and not smaller). */
function after(key: number): number {
  return key >= MAX_GENERATED ? EXHAUSTED : Math.floor(key) + 1;
}

export abstract class SoftwareTransaction implements ProviderTransaction {
  protected abstract readonly _rows: RowStore;
  /** True where rows are kept as structured clones (memory), which cannot hold a URL. */
  protected abstract readonly _structuredClone: boolean;
  protected abstract _table(name: string): TableInfo;
  private _tail: Promise<unknown> = Promise.resolve();
  /** Operations issued and not yet settled: with none, the next one starts at once. */
  private _inFlight = 0;
  /** Set by commit and abort: operations still queued behind a failed one must not run after the rollback. */
  protected _ended = false;

  get(table: string, key: Key): Promise<unknown> {
    return this._serial(() => this._rows.read(table, key));
  }

  put(table: string, value: unknown, add: boolean): Promise<Key> {
    return this._serial(() => this._put(table, value, add));
  }

  delete(table: string, key: Key): Promise<void> {
    return this._serial(() => this._rows.remove(table, key));
  }

  clear(table: string): Promise<void> {
    return this._serial(() => this._rows.clear(table));
  }

  query(table: string, query: ProviderQuery): Promise<unknown[]> {
    return this._serial(() => this._rows.scan(table, query));
  }

  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    return this._serial(() => this._rows.count(table, query));
  }

  abstract idle(): Promise<void>;
  abstract commit(): Promise<void>;
  abstract abort(): Promise<void>;

  /**
   * One operation at a time, in the order issued, as IndexedDB runs requests: two puts issued
   * together must not both read the key generator before either advances it.
   */
  private _serial<T>(operation: () => Promise<T>): Promise<T> {
    const start = (): Promise<T> => {
      if (this._ended) throw new TransactionInactiveError('The transaction already ended (committed or rolled back); this operation was not run.');
      return operation();
    };
    let run: Promise<T>;
    if (this._inFlight === 0) {
      // Nothing ahead of it: no turn to wait for (a single read is one operation, issue 18).
      try {
        run = start();
      } catch (error) {
        run = Promise.reject(error);
      }
    } else {
      run = this._tail.then(start);
    }
    this._inFlight++;
    const settled = (): void => {
      this._inFlight--;
    };
    // The queue only waits for the turn; each caller gets its own operation's outcome from `run`.
    this._tail = run.then(settled, settled);
    return run;
  }

  private async _put(table: string, value: unknown, add: boolean): Promise<Key> {
    checkWritable(value, `${table}.${add ? 'add' : 'put'}`, this._structuredClone);
    const info = this._table(table);
    const rows = this._rows;
    let row = value;
    let key = keyAt(row, info.key);
    if (key === undefined) {
      const where = `${table}.${add ? 'add' : 'put'}`;
      const path = info.key as string;
      if (!info.autoIncrement || valueAt(row, path) !== undefined) {
        // Present but not a key, or absent with nothing to generate it: IndexedDB's DataError.
        toKey(Array.isArray(info.key) ? info.key.map((part) => valueAt(row, part)) : valueAt(row, path), `${where}: the row's key at ${JSON.stringify(info.key)}`);
      }
      const next = await rows.nextKey(table);
      if (next > MAX_GENERATED) throw new ConstraintError(`${where}: the key generator of '${table}' is exhausted (it stops at 2^53).`);
      // The caller's object stays as it was; the generated key goes into the stored copy.
      row = structuredClone(row);
      if (!injectKey(row, path, next)) throw new DataError(`${where}: cannot write the generated key into the row at '${path}'; the row must be an object.`);
      key = next;
      await rows.setNextKey(table, after(next));
    } else if (info.autoIncrement && typeof key === 'number') {
      const next = await rows.nextKey(table);
      if (key >= next) await rows.setNextKey(table, after(key));
    }
    if (add && (await rows.has(table, key))) {
      throw new ConstraintError(`${table}.add: a row with key ${describeKey(key)} already exists; use put to replace it.`);
    }
    const entries = new Map<string, Key[]>();
    for (const index of info.indexes) {
      const keys = indexKeys(row, index, compareKeys);
      entries.set(index.name, keys);
      if (!index.unique) continue;
      for (const indexKey of keys) {
        const other = (await rows.owners(table, index.name, indexKey)).find((owner) => compareKeys(owner, key) !== 0);
        if (other !== undefined) {
          throw new ConstraintError(`${table}.${add ? 'add' : 'put'}: unique index '${index.name}' already has ${describeKey(indexKey)} (row ${describeKey(other)}).`);
        }
      }
    }
    await rows.write(table, key, row, entries);
    return key;
  }
}

/** A key in words for messages: JSON where it reads well, else its type. */
export function describeKey(key: Key): string {
  if (key instanceof Date) return `Date(${key.toISOString()})`;
  if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) return `binary(${key.byteLength} bytes)`;
  if (Array.isArray(key)) return `[${key.map(describeKey).join(', ')}]`;
  return JSON.stringify(key);
}
