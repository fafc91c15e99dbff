/**
 * A table's operations, checked once here and handed to the provider as plain requests, so
 * every provider gets the same validated keys, ranges and paging.
 */
import { DataError, NotFoundError } from './errors.js';
import { compareKeys, numberBound, toKey, type Key, type KeyBound } from './keys.js';
import { KEYED_ROWS, type KeyedRow, type KeyedRows, type KeyRange, type ProviderQuery, type ProviderTransaction } from './provider.js';
import { keyAt, type TableInfo } from './schema.js';
import { stamp, type Change, type OpHost, type Stamp } from './op.js';
import type { CountQuery, Query, Range, Table } from './types.js';

type Bound = { key: Key; open: boolean };

function bound(value: KeyBound, side: 'lower' | 'upper', open: boolean, what: string): Bound {
  if (typeof value !== 'bigint') return { key: toKey(value, what), open };
  const converted = numberBound(value, side, open);
  return { key: converted.value, open: converted.open };
}

/** Two bounds in key order; a BigInt is compared exactly with a number. */
function compareBounds(a: KeyBound, b: KeyBound): number {
  if (typeof a !== 'bigint' && typeof b !== 'bigint') return compareKeys(toKey(a, 'a range bound'), toKey(b, 'a range bound'));
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  // One BigInt and one other bound: only a number compares by value; every other key type sorts after numbers.
  const [big, other, sign] = typeof a === 'bigint' ? [a, b, 1] : [b as bigint, a, -1];
  if (typeof other !== 'number') return -sign;
  if (Number.isNaN(other)) return compareKeys(other, 0);
  if (!Number.isFinite(other)) return other > 0 ? -sign : sign;
  const rounded = Number(big);
  if (rounded !== other) return (rounded < other ? -1 : 1) * sign;
  const exact = BigInt(other);
  return (big === exact ? 0 : big < exact ? -1 : 1) * sign;
}

/** The range as provider bounds, or null when it can hold no key at all (BigInt bounds between two doubles). */
export function toKeyRange(range: Range | undefined, where: string): KeyRange | undefined | null {
  if (range === undefined) return undefined;
  if (range === null || typeof range !== 'object') throw new TypeError(`${where}: range must be an object like { gte: 1, lt: 10 }.`);
  const { eq, gt, gte, lt, lte } = range;
  if (eq !== undefined) {
    if (gt !== undefined || gte !== undefined || lt !== undefined || lte !== undefined) {
      throw new TypeError(`${where}: range.eq cannot be combined with gt/gte/lt/lte.`);
    }
    if (typeof eq === 'bigint') {
      const exact = numberBound(eq, 'lower', false);
      if (BigInt(exact.value) !== eq) return null;
      return { lower: exact.value, lowerOpen: false, upper: exact.value, upperOpen: false };
    }
    const key = toKey(eq, `${where}: range.eq`);
    return { lower: key, lowerOpen: false, upper: key, upperOpen: false };
  }
  if (gt !== undefined && gte !== undefined) throw new TypeError(`${where}: range has both gt and gte; give one lower bound.`);
  if (lt !== undefined && lte !== undefined) throw new TypeError(`${where}: range has both lt and lte; give one upper bound.`);
  const lowerValue = gt ?? gte;
  const upperValue = lt ?? lte;
  const lower = lowerValue === undefined ? undefined : bound(lowerValue, 'lower', gt !== undefined, `${where}: range.${gt !== undefined ? 'gt' : 'gte'}`);
  const upper = upperValue === undefined ? undefined : bound(upperValue, 'upper', lt !== undefined, `${where}: range.${lt !== undefined ? 'lt' : 'lte'}`);
  if (lower && upper && lowerValue !== undefined && upperValue !== undefined) {
    // As IndexedDB (IDBKeyRange.bound): lower above upper, or equal with an open end, is a
    // DataError, judged on the bounds as given. A BigInt bound that no double can hold may
    // still leave no key between the converted bounds: that range is fine, and empty.
    const given = compareBounds(lowerValue, upperValue);
    if (given > 0 || (given === 0 && (gt !== undefined || lt !== undefined))) {
      throw new DataError(`${where}: the range's lower bound is above its upper bound${given === 0 ? ' (equal, with an open end)' : ''}, so it can hold no key.`);
    }
    const order = compareKeys(lower.key, upper.key);
    if (order > 0 || (order === 0 && (lower.open || upper.open))) return null;
  }
  const out: KeyRange = { lowerOpen: lower?.open ?? false, upperOpen: upper?.open ?? false };
  if (lower) out.lower = lower.key;
  if (upper) out.upper = upper.key;
  return out;
}

function count(value: unknown, name: string, where: string): number {
  if (value === undefined) return name === 'offset' ? 0 : Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where}: ${name} must be a whole number ≥ 0; got ${String(value)}.`);
  }
  return value;
}

export class TableImpl implements Table {
  readonly name: string;
  private _host: OpHost;

  constructor(host: OpHost, name: string) {
    this._host = host;
    this.name = name;
  }

  get(key: Key): Promise<unknown> {
    return this._run(false, (tx) => tx.get(this.name, toKey(key, this._where('get'))));
  }

  put(value: unknown): Promise<Key> {
    return this._write(value, false, stamp('put', this.put));
  }

  add(value: unknown): Promise<Key> {
    return this._write(value, true, stamp('add', this.add));
  }

  update(key: Key, patch: object): Promise<unknown> {
    const where = this._where('update');
    const info = this._info();
    const named = stamp('update', this.update);
    return this._run(true, async (tx, changes) => {
      const target = toKey(key, where);
      if (patch === null || typeof patch !== 'object') throw new TypeError(`${where}: the patch must be an object of fields to change.`);
      const row = await tx.get(this.name, target);
      if (row === undefined) throw new NotFoundError(`${where}: no row with key ${JSON.stringify(target)}; nothing was changed.`);
      if (row === null || typeof row !== 'object') throw new TypeError(`${where}: the row with key ${JSON.stringify(target)} is not an object, so it cannot be patched.`);
      const next = { ...row, ...patch };
      // Out-of-line keys (key null): no patch changes a key the row does not hold; written at `target`.
      const after = info.key === null ? target : keyAt(next, info.key);
      if (after === undefined || compareKeys(after, target) !== 0) {
        throw new DataError(`${where}: the patch would change the row's key; delete the row and add it under the new key instead.`);
      }
      await tx.put(this.name, next, false, info.key === null ? target : undefined);
      changes.push({ type: 'put', table: this.name, key: target });
      return next;
    }, named);
  }

  delete(key: Key): Promise<void> {
    const named = stamp('delete', this.delete);
    return this._run(true, async (tx, changes) => {
      const target = toKey(key, this._where('delete'));
      await tx.delete(this.name, target);
      changes.push({ type: 'delete', table: this.name, key: target });
    }, named);
  }

  clear(): Promise<void> {
    const named = stamp('clear', this.clear);
    return this._run(true, async (tx, changes) => {
      await tx.clear(this.name);
      changes.push({ type: 'clear', table: this.name });
    }, named);
  }

  bulkPut(values: unknown[]): Promise<Key[]> {
    if (!Array.isArray(values)) return Promise.reject(new TypeError(`${this._where('bulkPut')}: expected an array of rows.`));
    const named = stamp('bulkPut', this.bulkPut);
    return this._run(true, async (tx, changes) => {
      // Issued together: IndexedDB pipelines requests within one transaction.
      const keys = tx.putAll ? await tx.putAll(this.name, values) : await Promise.all(values.map((value) => tx.put(this.name, value, false)));
      for (const key of keys) changes.push({ type: 'put', table: this.name, key });
      return keys;
    }, named);
  }

  query(query: Query = {}): Promise<unknown[]> {
    const where = this._where('query');
    return this._run(false, async (tx) => {
      const full = this._paged(query, where);
      return full ? tx.query(this.name, full) : [];
    });
  }

  /** The devtools agent's reads and writes by primary key (provider.ts KEYED_ROWS); not public. */
  [KEYED_ROWS](): KeyedRows {
    return {
      read: (query) => this._run(false, async (tx) => {
        const full = this._paged(query, this._where('query'));
        return full ? ((await tx.query(this.name, full, true)) as KeyedRow[]) : [];
      }),
      put: (key, value) => this._run(true, async (tx, changes) => {
        const written = await tx.put(this.name, value, false, toKey(key, this._where('put')));
        changes.push({ type: 'put', table: this.name, key: written });
        return written;
      }, { label: 'put' }),
    };
  }

  /** The query checked and made a provider's, or null when it can select no row. */
  private _paged(query: Query, where: string): ProviderQuery | null {
    const request = this._select(query, where);
    if (!request) return null;
    const offset = count(query.offset, 'offset', where);
    const limit = count(query.limit, 'limit', where);
    const direction = query.direction ?? 'next';
    if (direction !== 'next' && direction !== 'prev') throw new TypeError(`${where}: direction is 'next' or 'prev'; got ${String(direction)}.`);
    // No table holds 2^53 rows: skipping more is none left, and taking more is no limit. Past
    // it the SQL engines and Redis take no such number (a driver's 'out of range').
    if (limit === 0 || offset > Number.MAX_SAFE_INTEGER) return null;
    const full: ProviderQuery = { ...request, direction, offset };
    if (limit <= Number.MAX_SAFE_INTEGER) full.limit = limit;
    return full;
  }

  count(query: CountQuery = {}): Promise<number> {
    const where = this._where('count');
    return this._run(false, async (tx) => {
      const request = this._select(query, where);
      return request ? tx.count(this.name, request) : 0;
    });
  }

  private _select(query: CountQuery, where: string): Pick<ProviderQuery, 'index' | 'range'> | null {
    if (query === null || typeof query !== 'object') throw new TypeError(`${where}: expected { index?, range?, offset?, limit?, direction? }.`);
    const out: Pick<ProviderQuery, 'index' | 'range'> = {};
    if (query.index !== undefined) {
      if (!this._info().indexes.some((index) => index.name === query.index)) {
        const known = this._info().indexes.map((index) => `'${index.name}'`).join(', ') || 'none';
        throw new NotFoundError(`${where}: no index '${String(query.index)}' (indexes: ${known}).`);
      }
      out.index = query.index;
    }
    const range = toKeyRange(query.range as Range | undefined, where);
    if (range === null) return null;
    if (range) out.range = range;
    return out;
  }

  private _write(value: unknown, add: boolean, named: Stamp): Promise<Key> {
    return this._run(true, async (tx, changes) => {
      const key = await tx.put(this.name, value, add);
      changes.push({ type: 'put', table: this.name, key });
      return key;
    }, named);
  }

  private _info(): TableInfo {
    return this._host._info(this.name);
  }

  private _where(method: string): string {
    return `${this.name}.${method}`;
  }

  private _run<T>(write: boolean, op: (tx: ProviderTransaction, changes: Change[]) => Promise<T>, named?: Stamp): Promise<T> {
    try {
      this._info();
    } catch (error) {
      return Promise.reject(error);
    }
    return this._host._op(this.name, write, op, named);
  }
}
