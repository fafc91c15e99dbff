/**
 * The rows of in-memory tables: sorted by key with `compareKeys`, index entries sorted by index
 * key then primary key, values kept as structured clones. Writes log their inverse, so a
 * transaction rolls back by running the log backwards.
 */
import { ConstraintError } from '../errors.js';
import { compareKeys, type Key } from '../keys.js';
import type { ProviderQuery } from '../provider.js';
import { indexKeys, type IndexInfo, type TableInfo } from '../schema.js';
import { describeKey, type RowStore } from './software.js';

export interface Row {
  key: Key;
  value: unknown;
  /** The row's keys per index, so removing it finds its index entries. */
  entries: Map<string, Key[]>;
}

export interface Entry {
  key: Key;
  primary: Key;
}

export interface MemTable {
  info: TableInfo;
  rows: Row[];
  next: number;
  indexes: Map<string, Entry[]>;
}

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

export function copyTable(table: MemTable): MemTable {
  const indexes = new Map<string, Entry[]>([...table.indexes].map(([name, entries]) => [name, [...entries]]));
  return { info: table.info, rows: [...table.rows], next: table.next, indexes };
}

/** Rows are shared with the snapshot an upgrade restores on failure: never change one in place. */
export function dropIndex(table: MemTable, name: string): void {
  table.indexes.delete(name);
  table.rows = table.rows.map((row) => {
    const entries = new Map(row.entries);
    entries.delete(name);
    return { ...row, entries };
  });
}

export function buildIndex(table: MemTable, index: IndexInfo): void {
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

export class MemoryRows implements RowStore {
  /** Inverse operations, newest last. */
  readonly undo: Array<() => void> = [];
  private _tables: Map<string, MemTable>;

  constructor(tables: Map<string, MemTable>) {
    this._tables = tables;
  }

  table(name: string): MemTable {
    return this._tables.get(name) as MemTable;
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
