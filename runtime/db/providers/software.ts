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
  /**
   * Optional: does what `write` does for each of `writes`, in order (a later write of a key
   * replaces an earlier one), in as few round trips as it can. A server's store offers it:
   * one statement per row is one round trip per row. The writes come prepared one at a time (a
   * row's key check fails as the iteration reaches it), so a store that encodes each as it
   * takes it fails on the same row, with the same error, as writing them in order would.
   */
  writeAll?(table: string, writes: AsyncIterable<RowWrite>): Promise<void>;
}

/** One row to write, as `write` takes it. */
export interface RowWrite {
  key: Key;
  value: unknown;
  indexes: Map<string, Key[]>;
}

/** The key generator while a bulkPut prepares its rows: read when first needed, written once at the end. */
interface Generator {
  next: number | undefined;
  moved: boolean;
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

  /**
   * bulkPut's rows as one operation. With a store that writes many rows at once and a table
   * without a unique index, the rows are checked and keyed here (the key generator read once and
   * written once) and written together; a unique index needs each row's check to see the rows
   * before it written, so those rows go one by one, as do rows of a store without writeAll.
   */
  putAll(table: string, values: unknown[]): Promise<Key[]> {
    return this._serial(async () => {
      const info = this._table(table);
      const rows = this._rows;
      const keys: Key[] = [];
      if (!rows.writeAll || info.indexes.some((index) => index.unique)) {
        for (const value of values) keys.push(await this._put(table, value, false));
        return keys;
      }
      const generator: Generator | undefined = info.autoIncrement ? { next: undefined, moved: false } : undefined;
      const prepare = async function* (this: SoftwareTransaction): AsyncGenerator<RowWrite> {
        for (const value of values) {
          const write = await this._prepare(table, info, value, false, generator);
          keys.push(write.key);
          yield write;
        }
      };
      await rows.writeAll(table, prepare.call(this));
      if (generator?.moved) await rows.setNextKey(table, generator.next!);
      return keys;
    });
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
   * Resolves once the operation under way (if any) has settled; call after setting `_ended`, so
   * the ones queued behind it are refused. An abort waits for it: a write that started before
   * the rollback and lands after it would outlive the rollback.
   */
  protected _settled(): Promise<unknown> {
    return this._tail;
  }

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
    const { key, value: row, indexes } = await this._prepare(table, this._table(table), value, add);
    await this._rows.write(table, key, row, indexes);
    return key;
  }

  /**
   * A row's key (generated into a copy where the table makes it), its checks and its index keys.
   * `generator`: a bulkPut's key generator, kept here until its rows are written; without it the
   * stored generator is read and advanced.
   */
  private async _prepare(table: string, info: TableInfo, value: unknown, add: boolean, generator?: Generator): Promise<RowWrite> {
    const where = `${table}.${add ? 'add' : 'put'}`;
    checkWritable(value, where, this._structuredClone);
    const rows = this._rows;
    let row = value;
    // Tables here are made from a declaration, which always names a key path (null: IndexedDB only).
    let key = keyAt(row, info.key!);
    if (key === undefined) {
      const path = info.key as string;
      if (!info.autoIncrement || valueAt(row, path) !== undefined) {
        // Present but not a key, or absent with nothing to generate it: IndexedDB's DataError.
        toKey(Array.isArray(info.key) ? info.key.map((part) => valueAt(row, part)) : valueAt(row, path), `${where}: the row's key at ${JSON.stringify(info.key)}`);
      }
      const next = generator ? (generator.next ??= await rows.nextKey(table)) : await rows.nextKey(table);
      if (next > MAX_GENERATED) throw new ConstraintError(`${where}: the key generator of '${table}' is exhausted (it stops at 2^53).`);
      // The caller's object stays as it was; the generated key goes into the stored copy.
      row = structuredClone(row);
      if (!injectKey(row, path, next)) throw new DataError(`${where}: cannot write the generated key into the row at '${path}'; the row must be an object.`);
      key = next;
      if (generator) Object.assign(generator, { next: after(next), moved: true });
      else await rows.setNextKey(table, after(next));
    } else if (info.autoIncrement && typeof key === 'number') {
      const next = generator ? (generator.next ??= await rows.nextKey(table)) : await rows.nextKey(table);
      if (key >= next) {
        if (generator) Object.assign(generator, { next: after(key), moved: true });
        else await rows.setNextKey(table, after(key));
      }
    }
    if (add && (await rows.has(table, key))) {
      throw new ConstraintError(`${table}.add: a row with key ${describeKey(key)} already exists; use put to replace it.`);
    }
    const indexes = new Map<string, Key[]>();
    for (const index of info.indexes) {
      const keys = indexKeys(row, index, compareKeys);
      indexes.set(index.name, keys);
      if (!index.unique) continue;
      for (const indexKey of keys) {
        const other = (await rows.owners(table, index.name, indexKey)).find((owner) => compareKeys(owner, key) !== 0);
        if (other !== undefined) {
          throw new ConstraintError(`${where}: unique index '${index.name}' already has ${describeKey(indexKey)} (row ${describeKey(other)}).`);
        }
      }
    }
    return { key, value: row, indexes };
  }
}

/** A key in words for messages: JSON where it reads well, else its type. */
export function describeKey(key: Key): string {
  if (key instanceof Date) return `Date(${key.toISOString()})`;
  if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) return `binary(${key.byteLength} bytes)`;
  if (Array.isArray(key)) return `[${key.map(describeKey).join(', ')}]`;
  return JSON.stringify(key);
}
