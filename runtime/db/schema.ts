/**
 * The declared schema, normalized and checked once, and IndexedDB's key-path rules (evaluate,
 * inject, index keys) for the providers that implement them in software (memory, SQLite).
 */
import { asKey, type Key } from './keys.js';
import { blobKind } from './realm.js';

export type KeyPath = string | string[];

/** How `openDatabase` declares a table. */
export interface TableDeclaration {
  /** The key path: a property (`'id'`, `'a.b'`) or several for a compound key. */
  key: KeyPath;
  autoIncrement?: boolean;
  indexes?: Record<string, KeyPath | { path: KeyPath; unique?: boolean; multiEntry?: boolean }>;
}

export interface IndexInfo {
  name: string;
  path: KeyPath;
  unique: boolean;
  multiEntry: boolean;
}

/** A table as it exists in the database (what the panel and `db.tables()` show). */
export interface TableInfo {
  name: string;
  /**
   * The key path; null for an IndexedDB object store other code made without one (localForage,
   * idb-keyval: keys "out of line", kept apart from the values). Such a table is read by its own
   * primary keys; a write that cannot name its key is refused (see table.ts).
   */
  key: KeyPath | null;
  autoIncrement: boolean;
  indexes: IndexInfo[];
  /** `$cache`, `$blobs` and `$blobdata`: layouts Stratum adds, shown but not declared. */
  internal: boolean;
}

export const CACHE_TABLE = '$cache';
export const BLOBS_TABLE = '$blobs';
/** The bytes of blobs, apart from their metadata so `blobs.list()` never reads them. */
export const BLOB_DATA_TABLE = '$blobdata';

const INTERNAL: Record<string, TableDeclaration> = {
  [CACHE_TABLE]: { key: 'key', indexes: { expires: 'expires' } },
  [BLOBS_TABLE]: { key: 'id', indexes: { created: 'created' } },
  [BLOB_DATA_TABLE]: { key: 'id' },
};

function checkPath(path: unknown, where: string): KeyPath {
  // IndexedDB's rule: each part is an ECMAScript identifier name.
  const valid = (part: unknown) =>
    typeof part === 'string' && (part === '' || part.split('.').every((name) => /^[$_\p{ID_Start}][$\p{ID_Continue}\u200c\u200d]*$/u.test(name)));
  if (Array.isArray(path) ? path.length > 0 && path.every(valid) : valid(path)) return path as KeyPath;
  throw new TypeError(`${where}: a key path is a property name like 'id' or 'a.b', or a non-empty array of them; got ${JSON.stringify(path)}.`);
}

function normalizeTable(name: string, table: TableDeclaration, internal: boolean): TableInfo {
  const where = `table '${name}'`;
  if (!table || typeof table !== 'object') throw new TypeError(`${where}: expected { key, autoIncrement?, indexes? }.`);
  const key = checkPath(table.key, where);
  if (key === '') throw new TypeError(`${where}: the key path may not be empty; name the property that holds the key.`);
  const autoIncrement = table.autoIncrement === true;
  if (autoIncrement && Array.isArray(key)) {
    throw new TypeError(`${where}: autoIncrement needs a single key path, not a compound one (IndexedDB cannot generate compound keys).`);
  }
  const indexes = Object.entries(table.indexes ?? {}).map(([indexName, spec]): IndexInfo => {
    const full = typeof spec === 'string' || Array.isArray(spec) ? { path: spec } : spec;
    const path = checkPath(full?.path, `${where}, index '${indexName}'`);
    const multiEntry = full.multiEntry === true;
    if (multiEntry && Array.isArray(path)) {
      throw new TypeError(`${where}, index '${indexName}': multiEntry needs a single key path, not a compound one.`);
    }
    return { name: indexName, path, unique: full.unique === true, multiEntry };
  });
  return { name, key, autoIncrement, indexes, internal };
}

/** The tables to create: the declared ones plus the layouts asked for, checked. */
export function normalizeSchema(
  tables: Record<string, TableDeclaration>,
  layouts: { cache: boolean; blobs: boolean },
): TableInfo[] {
  if (!tables || typeof tables !== 'object') throw new TypeError('openDatabase: `tables` must be an object of table name → { key, … }.');
  const out = Object.entries(tables).map(([name, table]) => {
    if (name === '' || name.startsWith('$')) {
      throw new TypeError(`openDatabase: table name ${JSON.stringify(name)} is reserved; names starting with $ belong to Stratum's layouts.`);
    }
    return normalizeTable(name, table, false);
  });
  if (layouts.cache) out.push(normalizeTable(CACHE_TABLE, INTERNAL[CACHE_TABLE] as TableDeclaration, true));
  if (layouts.blobs) {
    out.push(normalizeTable(BLOBS_TABLE, INTERNAL[BLOBS_TABLE] as TableDeclaration, true));
    out.push(normalizeTable(BLOB_DATA_TABLE, INTERNAL[BLOB_DATA_TABLE] as TableDeclaration, true));
  }
  return out;
}

export function isInternalTable(name: string): boolean {
  return name in INTERNAL;
}

/** Whether two key paths are the same (null: out-of-line keys). */
export function samePath(a: KeyPath | null, b: KeyPath | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function evaluateOne(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const part of path.split('.')) {
    // IndexedDB reads `length` of strings and arrays, a Blob's `size` and `type` and a File's
    // `name` and `lastModified` too (none of them own properties); other properties only from objects.
    if (typeof current === 'string' && part === 'length') current = current.length;
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, part)) current = (current as Record<string, unknown>)[part];
    else if (Array.isArray(current) && part === 'length') current = current.length;
    else if ((part === 'size' || part === 'type') && blobKind(current)) current = (current as Blob)[part];
    else if ((part === 'name' || part === 'lastModified') && blobKind(current) === 'File') current = (current as File)[part];
    else return undefined;
  }
  return current;
}

/** The key at `path` in `value` (IndexedDB "evaluate a key path"), or undefined when there is none. */
export function keyAt(value: unknown, path: KeyPath): Key | undefined {
  if (!Array.isArray(path)) return asKey(evaluateOne(value, path));
  const parts: Key[] = [];
  for (const part of path) {
    const key = asKey(evaluateOne(value, part));
    if (key === undefined) return undefined;
    parts.push(key);
  }
  return parts;
}

/** The raw value at a single path, to tell "missing" from "not a key" in error messages. */
export function valueAt(value: unknown, path: string): unknown {
  return evaluateOne(value, path);
}

/** Writes a generated key into `value` at `path`, creating plain objects on the way (IndexedDB "inject a key"). */
export function injectKey(value: unknown, path: string, key: Key): boolean {
  const parts = path.split('.');
  let current = value;
  for (const part of parts.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return false;
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, part)) record[part] = {};
    current = record[part];
  }
  if (current === null || typeof current !== 'object' || Array.isArray(current)) return false;
  (current as Record<string, unknown>)[parts[parts.length - 1] as string] = key;
  return true;
}

/** The keys a row has in an index: none when the path holds no key; each distinct element for multiEntry arrays. */
export function indexKeys(value: unknown, index: IndexInfo, compare: (a: Key, b: Key) => number): Key[] {
  if (!index.multiEntry) {
    const key = keyAt(value, index.path);
    return key === undefined ? [] : [key];
  }
  const raw = evaluateOne(value, index.path as string);
  if (!Array.isArray(raw)) {
    const key = asKey(raw);
    return key === undefined ? [] : [key];
  }
  const keys: Key[] = [];
  for (const item of raw) {
    const key = asKey(item);
    if (key !== undefined && !keys.some((other) => compare(other, key) === 0)) keys.push(key);
  }
  return keys;
}

/** What an upgrade changes, in the order providers apply it. */
export interface UpgradePlan {
  /** New tables, created with their indexes before the upgrade function runs. */
  create: TableInfo[];
  /** Indexes of existing tables whose definition changed: dropped, then created again from `add`. */
  drop: { table: string; index: string }[];
  /** Indexes to create on existing tables (new ones and changed ones), before the upgrade function. */
  add: { table: string; index: IndexInfo }[];
  /** Tables and indexes no longer declared, deleted after the upgrade function (never a store without a key path). */
  removeTables: string[];
  removeIndexes: { table: string; index: string }[];
}

/** Compares the stored tables with the declared ones; a changed key path or autoIncrement is an error in words. */
export function planUpgrade(existing: TableInfo[], declared: TableInfo[]): UpgradePlan {
  const plan: UpgradePlan = { create: [], drop: [], add: [], removeTables: [], removeIndexes: [] };
  for (const table of declared) {
    const old = existing.find((candidate) => candidate.name === table.name);
    if (!old) {
      plan.create.push(table);
      continue;
    }
    if (!samePath(old.key, table.key) || old.autoIncrement !== table.autoIncrement) {
      const was = old.key === null ? 'its keys out of line (no key path)' : `key ${JSON.stringify(old.key)}`;
      throw new TypeError(
        `Table '${table.name}' exists with ${was}${old.autoIncrement ? ' (autoIncrement)' : ''}; ` +
          `its key cannot change in place. Declare a table under a new name and copy the rows in upgrade.`,
      );
    }
    for (const index of table.indexes) {
      const before = old.indexes.find((candidate) => candidate.name === index.name);
      const same = before && samePath(before.path, index.path) && before.unique === index.unique && before.multiEntry === index.multiEntry;
      if (same) continue;
      if (before) plan.drop.push({ table: table.name, index: index.name });
      plan.add.push({ table: table.name, index });
    }
    for (const index of old.indexes) {
      if (!table.indexes.some((candidate) => candidate.name === index.name)) plan.removeIndexes.push({ table: table.name, index: index.name });
    }
  }
  for (const table of existing) {
    // A store without a key path is another library's (localForage, idb-keyval): no declaration
    // makes one, so not declaring it says nothing about it, and its rows stay.
    if (table.key === null) continue;
    if (!declared.some((candidate) => candidate.name === table.name)) plan.removeTables.push(table.name);
  }
  return plan;
}
