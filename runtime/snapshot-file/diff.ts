/**
 * diff(a, b): what differs between two snapshot files, as a list of (path, before, after), in
 * document order, across all strata. Pure: it reads only the two files (Node, the page and the
 * panel can all run it). Entries are matched by identity (store + scope + key, kind + namespace +
 * key, database + table + row key, …); where both sides hold an entry, plain objects and arrays
 * are compared field by field, everything else as a whole. Blobs are equal when their metadata
 * and bytes are — the `ref` naming the bytes differs from file to file and is not compared.
 * Metadata of the files themselves (createdAt, page, state versions, providers) is not compared,
 * and each file's own client and user scopes read `$client` and `$user`.
 */
import { encode, type Encoded, type Path, type PathSegment } from '../codec/index.js';
import type { SnapshotDifference } from '../protocol/values.js';
import { isNode, isTagged, literalField, type Node, type Tagged } from '../codec/encoded.js';
import type { SnapshotDatabase, SnapshotFile } from './format.js';

export type Difference = SnapshotDifference;
export type Stratum = 'state' | 'webstorage' | 'database' | 'row' | 'cache' | 'blob';

/** How many path steps name an entry of each stratum; deeper steps are inside its value. */
export const ENTRY_DEPTH: Record<Stratum, number> = { state: 4, webstorage: 4, database: 2, row: 4, cache: 3, blob: 3 };

interface Entry {
  path: Path;
  value: Encoded;
  /** A webstorage text that is not JSON: `value` is the text, which is not the same as the JSON string of it. */
  raw?: true;
}

const STORED = /^stratum:\d+:/;

/** A stored webstorage text as an encoded value (another app's JSON encoded), or undefined when it is neither. */
function decodeStored(text: string): Encoded | undefined {
  const marker = STORED.exec(text);
  try {
    return marker ? (JSON.parse(text.slice(marker[0].length)) as Encoded) : encode(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * Whether two stored webstorage texts hold the same value. An unreadable text is its own kind:
 * equal to the same text only, never to the JSON of that string (`dark` is not `"dark"`: code
 * reading one with JSON.parse fails on the other).
 */
export function sameStored(x: string, y: string, a: SnapshotFile, b: SnapshotFile): boolean {
  const p = decodeStored(x);
  const q = decodeStored(y);
  if (p === undefined || q === undefined) return p === q && x === y;
  return same(p, q, a, b);
}

/** A key as a path step: strings and numbers as they are, anything else as the JSON of its encoding. */
export function keyStep(key: Encoded): string | number {
  return typeof key === 'string' || typeof key === 'number' ? key : JSON.stringify(key);
}

/** Adds an entry; `key` is the encoded key of a row or cache entry (1 and '1' are different rows). */
type Add = (path: Path, value: Encoded, key?: Encoded, raw?: boolean) => void;

function databaseEntries(db: SnapshotDatabase, add: Add): void {
  const tables: Record<string, Encoded> = {};
  for (const table of db.tables) tables[table.name] = table.schema as unknown as Encoded;
  add(['database', db.name], { version: db.version, tables, cache: db.cache !== undefined, blobs: db.blobs !== undefined });
  for (const table of db.tables) for (const row of table.rows) add(['row', db.name, table.name, keyStep(row.key)], row.value, row.key);
  for (const entry of db.cache ?? []) add(['cache', db.name, keyStep(entry.key)], { value: entry.value, expires: entry.expires }, entry.key);
  for (const blob of db.blobs ?? []) {
    const { redacted: _hidden, id, ...rest } = blob;
    add(['blob', db.name, id], rest as unknown as Encoded);
  }
}

/** Every entry of a file by identity, in document order. */
export function entries(file: SnapshotFile): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add: Add = (path, value, key, raw) => out.set(JSON.stringify(key === undefined ? path : [...path.slice(0, -1), key]), raw ? { path, value, raw } : { path, value });
  const seen = new Map<string, number>();
  for (const store of file.stores) {
    const count = (seen.get(store.name) ?? 0) + 1;
    seen.set(store.name, count);
    // Identity is [name, index]: a store really named `app#2` is not the second `app`. `#n` only shows.
    const name = count === 1 ? store.name : `${store.name}#${count}`;
    const identity = [store.name, count];
    // The tab's own client (and signed-in user) scopes compare as `$client` (`$user`): two tabs,
    // two client ids, the same app state.
    const scope = (resolved: string) =>
      store.clientId !== null && resolved === `$client:${store.clientId}` ? '$client' : store.userId !== null && resolved === `$user:${store.userId}` ? '$user' : resolved;
    for (const state of store.states) {
      const at = scope(state.scope);
      out.set(JSON.stringify(['state', identity, at, state.key]), { path: ['state', name, at, state.key], value: state.value });
    }
  }
  for (const ws of file.webstorages) {
    for (const entry of ws.entries) {
      const value = decodeStored(entry.text);
      add(['webstorage', ws.kind, ws.namespace, entry.key], value ?? entry.text, undefined, value === undefined);
    }
  }
  for (const db of file.databases) databaseEntries(db, add);
  return out;
}

function blobsEqual(x: Node, y: Node, a: SnapshotFile, b: SnapshotFile): boolean {
  for (const field of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (field !== 'ref' && JSON.stringify(x[field]) !== JSON.stringify(y[field])) return false;
  }
  const left = typeof x['ref'] === 'string' ? a.bytes[x['ref']] : undefined;
  const right = typeof y['ref'] === 'string' ? b.bytes[y['ref']] : undefined;
  return left === right;
}

/** Whether two encoded values (of files a and b) are the same value. Iterative. */
export function same(x: Encoded, y: Encoded, a: SnapshotFile, b: SnapshotFile): boolean {
  // `record`: a record with literal keys (inside an object/instance node or an error's fields),
  // where `{ $t: 'blob', ref }` is data, not a blob whose ref may differ.
  const stack: [Encoded, Encoded, boolean][] = [[x, y, false]];
  while (stack.length > 0) {
    const [p, q, record] = stack.pop()!;
    if (p === q) continue;
    if (Array.isArray(p) && Array.isArray(q)) {
      if (p.length !== q.length) return false;
      for (let i = 0; i < p.length; i++) stack.push([p[i]!, q[i]!, false]);
      continue;
    }
    if (!isNode(p) || !isNode(q)) return false;
    const tagged = !record && isTagged(p);
    if (tagged && p['$t'] === 'blob' && q['$t'] === 'blob') {
      if (!blobsEqual(p, q, a, b)) return false;
      continue;
    }
    const keys = Object.keys(p);
    if (keys.length !== Object.keys(q).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(q, key)) return false;
      stack.push([p[key]!, q[key]!, tagged && literalField(p as Tagged, key)]);
    }
  }
  return true;
}

/**
 * One step of the comparison: a value on both sides, or on one only (removed or added). Its path
 * is its parent's plus `key` (the entry's own path at the top), spelled out only for a difference:
 * copied at every level, a 20,000-level value cost 200 million steps.
 */
type Step = { up: Step | undefined; key: PathSegment | undefined; before?: Encoded; after?: Encoded; both: boolean };

function pathOf(step: Step, root: Path): Path {
  const keys: PathSegment[] = [];
  for (let at: Step | undefined = step; at !== undefined && at.key !== undefined; at = at.up) keys.push(at.key);
  return [...root, ...keys.reverse()];
}

/**
 * Where two values of one entry differ: field by field inside plain objects and arrays, in
 * document order. Linear in the values' size: plain containers are walked, not first compared
 * whole with same() at every level (which walked a deep value once per level); same() decides
 * only where the walk stops.
 */
function compare(before: Encoded, after: Encoded, path: Path, a: SnapshotFile, b: SnapshotFile, out: Difference[]): void {
  const stack: Step[] = [{ up: undefined, key: undefined, before, after, both: true }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (!step.both) {
      out.push(step.after === undefined ? { path: pathOf(step, path), kind: 'removed', before: step.before! } : { path: pathOf(step, path), kind: 'added', after: step.after });
      continue;
    }
    const p = step.before!;
    const q = step.after!;
    if (p === q) continue;
    const later: Step[] = [];
    if (isNode(p) && isNode(q) && !isTagged(p) && !isTagged(q)) {
      for (const key of Object.keys(p)) {
        later.push(Object.hasOwn(q, key) ? { up: step, key, before: p[key]!, after: q[key]!, both: true } : { up: step, key, before: p[key]!, both: false });
      }
      for (const key of Object.keys(q)) if (!Object.hasOwn(p, key)) later.push({ up: step, key, after: q[key]!, both: false });
    } else if (Array.isArray(p) && Array.isArray(q)) {
      for (let i = 0; i < Math.max(p.length, q.length); i++) {
        if (i >= q.length) later.push({ up: step, key: i, before: p[i]!, both: false });
        else if (i >= p.length) later.push({ up: step, key: i, after: q[i]!, both: false });
        else later.push({ up: step, key: i, before: p[i]!, after: q[i]!, both: true });
      }
    } else if (!same(p, q, a, b)) {
      out.push({ path: pathOf(step, path), kind: 'changed', before: p, after: q });
    }
    // Reversed onto the stack, so fields come out in document order.
    for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]!);
  }
}

/** What differs from `a` to `b`: removed entries, then per entry of `b`, added or changed. */
export function diff(a: SnapshotFile, b: SnapshotFile): Difference[] {
  const left = entries(a);
  const right = entries(b);
  const out: Difference[] = [];
  for (const [id, entry] of left) if (!right.has(id)) out.push({ path: entry.path, kind: 'removed', before: entry.value });
  for (const [id, entry] of right) {
    const old = left.get(id);
    if (!old) out.push({ path: entry.path, kind: 'added', after: entry.value });
    else if (old.raw !== entry.raw) {
      // Raw text on one side only: changed as a whole, even where the text is the other side's string.
      out.push({ path: entry.path, kind: 'changed', before: old.value, after: entry.value });
    } else compare(old.value, entry.value, entry.path, a, b, out);
  }
  return out;
}

/** The stratum a difference belongs to, and the path of its whole entry. */
export function entryOf(difference: Difference): { stratum: Stratum; path: Path } {
  const stratum = difference.path[0] as Stratum;
  return { stratum, path: difference.path.slice(0, ENTRY_DEPTH[stratum]) };
}
