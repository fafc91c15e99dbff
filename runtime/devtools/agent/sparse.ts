/**
 * Far sparse arrays on the agent's side. `const a = []; a[2 ** 32 - 2] = 1` is a legal IndexedDB
 * or memory row and a legal state (structured clone keeps holes as holes), but the codec writes
 * an array hole by hole (a `hole` node each), so four billion nodes: the page ran out of memory
 * hashing it for the panel. The codec's encoder is in every entry apps ship, so the agent does
 * this itself: an array with more than MAX_HOLES holes and more holes than items becomes a node
 * of its own, `{ $t: 'sparse', length, v: [[index, item], …] }`, in what the agent hashes and
 * shows. Storage never writes that node (the codec refuses over 1,000,000 holes), and the
 * codec's decoder refuses it as an unknown tag, so it never comes back as a wrong value.
 *
 * Every other value is encoded by the codec exactly as before: the far arrays are found by one
 * walk first, and only a value holding one takes the other way.
 */
import { CodecError, encode, resolvePath, type Encoded, type EncodeLimits, type Path, type PathSegment } from '../../codec/index.js';
import { eachTagged, isNode, isTagged } from '../../codec/encoded.js';
import { describePath } from './describe-path.js';

/**
 * Holes past which an array is far (with more holes than items): the codec's storage encodes
 * refuse a value with more (one node each), so nothing under it changes here.
 */
export const MAX_HOLES = 1_000_000;
/** Past this, no engine holds an array densely (V8 stops near 2^27): its own keys are few. */
const DENSE_MAX = 2 ** 27;
const PROBES = 64;

/**
 * The indexes `list` holds, in order, when it is far; undefined for any other array. Exact: a
 * probe only picks how to count (a scan for arrays that look dense, which stops as soon as the
 * items rule it out; the own keys otherwise, which a dictionary-mode array lists by its items).
 */
export function farIndexes(list: unknown[]): number[] | undefined {
  const length = list.length;
  if (length <= MAX_HOLES) return undefined;
  // Items from which it is not far: then its holes are at most MAX_HOLES, or no more than its items.
  const enough = Math.min(length - MAX_HOLES, Math.ceil(length / 2));
  let found = 0;
  for (let k = 0; k < PROBES; k++) if (Math.floor((k * (length - 1)) / (PROBES - 1)) in list) found++;
  if (found * 2 > PROBES && length <= DENSE_MAX) {
    let items = 0;
    for (let i = 0; i < length; i++) if (i in list && ++items >= enough) return undefined;
  }
  const indexes: number[] = [];
  // Array indexes come first in own-key order, ascending; a named property ends them.
  for (const key of Object.keys(list)) {
    const index = Number(key);
    if (!(index < length) || String(index) !== key) break;
    indexes.push(index);
  }
  return indexes.length < enough ? indexes : undefined;
}

/** An item the walk met: the object, and where it sits (node index of its holder, its step). */
type Visit = (child: unknown, step: PathSegment, pairStep?: 0 | 1) => void;

function isLeaf(node: object): boolean {
  return node instanceof Date || node instanceof RegExp || node instanceof ArrayBuffer || ArrayBuffer.isView(node) || (typeof Blob === 'function' && node instanceof Blob);
}

/** The children the codec's encoder visits, in its order; a far array's items only. */
function eachChild(node: object, far: number[] | undefined, visit: Visit): void {
  if (Array.isArray(node)) {
    if (far) for (const i of far) visit(node[i], i);
    else for (let i = 0; i < node.length; i++) visit(node[i], i);
  } else if (node instanceof Map) {
    let i = 0;
    for (const [key, value] of node) {
      visit(key, i, 0);
      visit(value, i++, 1);
    }
  } else if (node instanceof Set) {
    let i = 0;
    for (const value of node) visit(value, i++);
  } else if (!isLeaf(node)) {
    for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key], key);
    if (node instanceof Error) for (const own of ['cause', 'errors']) if (Object.hasOwn(node, own)) visit((node as unknown as Record<string, unknown>)[own], own);
  }
}

export interface FarArrays {
  /** Each far array with the indexes it holds. */
  far: Map<unknown[], number[]>;
  /** The path of each far array as first met (the codec's steps). */
  paths: Map<unknown[], Path>;
  /** Every object met, with the objects holding it: what a stand-in copy must copy. */
  holders: Map<object, object[]>;
}

/**
 * The far arrays in `value`, or undefined when it holds none (then the codec encodes it as ever).
 * A getter that throws is left to the encoder, which says where in words.
 */
export function farArrays(value: unknown): FarArrays | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    if (!walk(value)) return undefined;
  } catch {
    // The encoder reads the same getters and reports the one that throws with its path.
    return undefined;
  }
  const found: FarArrays = { far: new Map(), paths: new Map(), holders: new Map() };
  walk(value, found);
  return found;
}

/** One walk over `root`: without `found`, only whether a far array is there; with it, where each is and who holds what. */
function walk(root: object, found?: FarArrays): boolean {
  const seen = new Set<object>([root]);
  const stack: object[] = [root];
  const pathOf = new Map<object, Path>();
  if (found) pathOf.set(root, []);
  let any = false;
  while (stack.length > 0) {
    const node = stack.pop()!;
    const far = Array.isArray(node) ? farIndexes(node) : undefined;
    if (far) {
      if (!found) return true;
      any = true;
      found.far.set(node as unknown[], far);
      found.paths.set(node as unknown[], pathOf.get(node)!);
    }
    eachChild(node, far, (child, step, pairStep) => {
      if (typeof child !== 'object' || child === null) return;
      if (found) {
        const holders = found.holders.get(child);
        if (holders) holders.push(node);
        else found.holders.set(child, [node]);
      }
      if (seen.has(child)) return;
      seen.add(child);
      if (found) pathOf.set(child, pairStep === undefined ? [...pathOf.get(node)!, step] : [...pathOf.get(node)!, step, pairStep]);
      stack.push(child);
    });
  }
  return any;
}

/**
 * `value` encoded whole, as encode(value) would, except that each far array is a `sparse` node.
 * The value is encoded in one pass, so shared and circular references keep their ids: the far
 * arrays, and every container holding one, are copied (the codec reads the copies exactly as
 * the originals), each far array as a Map of its items, which the codec writes without holes.
 */
export function encodeWhole(value: unknown): Encoded {
  const found = farArrays(value);
  if (!found) return encode(value);
  const firsts = new Set<unknown>();
  return unmark(encode(standIn(value as object, found, firsts)), firsts);
}

/** A copy of `root` where each far array is a Map whose first entry (`firsts`) says it stands in for one. */
function standIn(root: object, { far, holders }: FarArrays, firsts: Set<unknown>): unknown {
  // Only what reaches a far array is copied; everything else stays the page's own object.
  const copies = new Map<object, object>();
  const queue: object[] = [...far.keys()];
  for (const node of queue) {
    if (copies.has(node)) continue;
    copies.set(node, shellOf(node, far.get(node as unknown[]), firsts));
    for (const holder of holders.get(node) ?? []) queue.push(holder);
  }
  const swap = (item: unknown): unknown => (typeof item === 'object' && item !== null ? (copies.get(item) ?? item) : item);
  for (const [node, copy] of copies) fill(node, copy, far.get(node as unknown[]), swap);
  return copies.get(root) ?? root;
}

function shellOf(node: object, far: number[] | undefined, firsts: Set<unknown>): object {
  if (far) {
    // The codec reads a Map's size and iterates it: a plain Map with both as own properties, whose
    // entries (first the length) are arrays of ours that the encoder writes into in place.
    const pairs: unknown[][] = [['length', (node as unknown[]).length]];
    firsts.add(pairs[0]);
    return Object.defineProperties(new Map(), { size: { get: () => pairs.length }, [Symbol.iterator]: { value: () => pairs[Symbol.iterator]() }, pairs: { value: pairs } });
  }
  if (Array.isArray(node)) return new Array<unknown>(node.length);
  if (node instanceof Map) return new Map();
  if (node instanceof Set) return new Set();
  return Object.create(Object.getPrototypeOf(node) as object | null) as object;
}

function fill(node: object, copy: object, far: number[] | undefined, swap: (item: unknown) => unknown): void {
  if (far) {
    const pairs = (copy as unknown as { pairs: unknown[][] }).pairs;
    for (const i of far) pairs.push([i, swap((node as unknown[])[i])]);
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (i in node) (copy as unknown[])[i] = swap(node[i]);
  } else if (node instanceof Map) {
    for (const [key, value] of node) (copy as Map<unknown, unknown>).set(swap(key), swap(value));
  } else if (node instanceof Set) {
    for (const value of node) (copy as Set<unknown>).add(swap(value));
  } else {
    // Own properties as they are (a decoded instance's Symbol.toStringTag, an Error's message and
    // stack), each read once as the encoder reads it.
    for (const key of Reflect.ownKeys(node)) {
      const { enumerable } = Object.getOwnPropertyDescriptor(node, key)!;
      Object.defineProperty(copy, key, { value: swap((node as Record<PropertyKey, unknown>)[key]), enumerable, writable: true, configurable: true });
    }
  }
}

/** The encoding with each stand-in Map node (found by its first entry, an array of ours) made a `sparse` node. */
function unmark(encoded: Encoded, firsts: Set<unknown>): Encoded {
  const root: Encoded[] = [encoded];
  const stack: [Encoded[] | { [key: string]: Encoded }, string | number][] = [[root, 0]];
  while (stack.length > 0) {
    const [holder, key] = stack.pop()!;
    let node = (holder as Record<string | number, Encoded>)[key]!;
    if (isTagged(node) && node.$t === 'map' && Array.isArray(node.v) && firsts.has(node.v[0])) {
      const [first, ...items] = node.v;
      node = { $t: 'sparse', length: (first as Encoded[])[1]!, v: items, ...(node.id !== undefined && { id: node.id }) };
      (holder as Record<string | number, Encoded>)[key] = node;
    }
    if (Array.isArray(node)) node.forEach((_, i) => stack.push([node as Encoded[], i]));
    else if (isNode(node)) for (const field of Object.keys(node)) stack.push([node, field]);
  }
  return root[0]!;
}

/**
 * The display encoding with each cut far array (a `truncated` array node over MAX_HOLES slots)
 * made a `sparse` node of its first `maxEntries` items, each encoded from its own path with the
 * same limits; `items` says how many it holds when not all are shown. `at` is the path `value`
 * was encoded from. Changes `encoded` in place.
 */
export function showFar(encoded: Encoded, value: unknown, at: Path, limits: EncodeLimits): void {
  eachTagged(encoded, (node) => {
    if (node['$t'] !== 'truncated' || node['type'] !== 'array' || !((node['size'] as number) > MAX_HOLES) || !Array.isArray(node['path'])) return;
    const path = node['path'] as Path;
    let list: unknown;
    try {
      list = resolvePath(value, path.slice(at.length));
    } catch (error) {
      if (error instanceof CodecError) return;
      throw error;
    }
    const far = Array.isArray(list) ? farIndexes(list) : undefined;
    if (!far) return;
    const shown = far.slice(0, limits.maxEntries ?? far.length);
    const each = { ...limits, maxNodes: Math.max(1, Math.floor((limits.maxNodes ?? Infinity) / Math.max(1, shown.length))) };
    const items = shown.map((i): Encoded => [i, encode((list as unknown[])[i], { ...each, basePath: [...path, i] })]);
    for (const field of Object.keys(node)) delete node[field];
    // eachTagged reads the node's fields after this: the items' own cut far arrays are met too.
    Object.assign(node, { $t: 'sparse', length: (list as unknown[]).length, v: items }, shown.length < far.length && { items: far.length });
  });
}

/** Where `root` is, in words: `state "k" (scope app)`, `a row of table "t" in database "d"`. */
function placeWords(root: Path): string {
  const [kind, a, b] = root;
  if (kind === 'state') return `state ${JSON.stringify(b)} (scope ${String(a)})`;
  if (kind === 'db') return `a row of table ${JSON.stringify(b)} in database ${JSON.stringify(a)}`;
  if (kind === 'cache') return `cache entry ${JSON.stringify(b)} of database ${JSON.stringify(a)}`;
  return describePath(root);
}

/** What refuseFar throws: a CodecError (the protocol's `invalid`), told apart by the recorder. */
export class FarArrayRefusal extends CodecError {}

/**
 * Refuses, in words naming where, a value holding a far array, for what writes the codec's form
 * whole (a snapshot file, a recording): hole by hole it would not fit in memory, and a file of
 * another form would not import into an older runtime nor read in another tool. The codec's
 * storage encodes refuse the same arrays (over 1,000,000 holes) in their own words.
 */
export function refuseFar(value: unknown, root: Path, verb: 'export' | 'record'): void {
  const found = farArrays(value);
  if (!found) return;
  const [list, indexes] = found.far.entries().next().value!;
  const path = found.paths.get(list)!;
  const count = indexes.length;
  throw new FarArrayRefusal(
    `cannot ${verb} ${placeWords(root)}${path.length > 0 ? ` at ${describePath(path)}` : ''}: an array of length ${list.length} holding ${count} ${count === 1 ? 'item' : 'items'}; a ${verb === 'export' ? 'snapshot file' : 'recording'} writes every hole (${list.length - count} here), so hold it as a Map or an object`,
  );
}
