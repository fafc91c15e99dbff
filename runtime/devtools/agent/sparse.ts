/**
 * Far sparse arrays on the agent's side. `const a = []; a[2 ** 32 - 2] = 1` is a legal IndexedDB
 * or memory row and a legal state (structured clone keeps holes as holes), but the codec writes
 * an array hole by hole (a `hole` node each): four billion nodes, and the page ran out of memory
 * hashing it for the panel. The codec's encoder is in every entry apps ship, so the agent does
 * this itself: a far array (far.ts) becomes `{ $t: 'sparse', length, v: [[index, item], …] }`
 * in what the agent hashes and shows. Storage never writes that node (the codec refuses the
 * same arrays), and the codec's decoder refuses it as an unknown tag, never a wrong value.
 *
 * Every other value is encoded by the codec exactly as before: one walk looks for far arrays
 * first, and only a value holding one takes the other way.
 */
import { CodecError, encode, resolvePath, type Encoded, type EncodeLimits, type Path } from '../../codec/index.js';
import { eachTagged } from '../../codec/encoded.js';
import { farIndexes, MAX_HOLES } from './far.js';

export interface FarArrays {
  /** Each far array with the indexes it holds. */
  far: Map<unknown[], number[]>;
  /** Every object met, with the objects holding it (one entry per reference). */
  holders: Map<object, object[]>;
}

/**
 * The far arrays in `value`, or undefined when it holds none: a first walk only looks, and only
 * when it finds one does a second note who holds what. The children walked are the encoder's
 * (a far array's items only); a getter that throws is left to the encoder, which says where.
 */
export function farArrays(value: unknown): FarArrays | undefined {
  try {
    return walk(value, false) ? walk(value, true) : undefined;
  } catch {
    // The encoder reads the same getters and reports the one that throws with its path.
    return undefined;
  }
}

function walk(value: unknown, note: boolean): FarArrays | undefined {
  const found: FarArrays = { far: new Map(), holders: new Map() };
  const seen = new Set<unknown>([value]);
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const visit = (child: unknown): void => {
      if (typeof child !== 'object' || child === null) return;
      const holders = found.holders.get(child);
      if (holders) holders.push(node);
      else if (note) found.holders.set(child, [node]);
      if (seen.has(child)) return;
      seen.add(child);
      stack.push(child);
    };
    const far = Array.isArray(node) ? farIndexes(node) : undefined;
    if (far) {
      if (!note) return found;
      found.far.set(node as unknown[], far);
      for (const i of far) visit((node as unknown[])[i]);
    } else if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visit(node[i]);
    else if (node instanceof Map) for (const [key, item] of node) visit(key), visit(item);
    else if (node instanceof Set) for (const item of node) visit(item);
    else if (!(node instanceof Date || node instanceof RegExp || node instanceof ArrayBuffer || ArrayBuffer.isView(node) || (typeof Blob === 'function' && node instanceof Blob))) {
      for (const key of Object.keys(node)) visit((node as Record<string, unknown>)[key]);
      if (node instanceof Error) for (const own of ['cause', 'errors']) if (Object.hasOwn(node, own)) visit((node as unknown as Record<string, unknown>)[own]);
    }
  }
  return found.far.size > 0 ? found : undefined;
}

/**
 * `value` encoded whole, as encode(value) would, except that each far array is a `sparse` node.
 * One encode, so shared and circular references keep their ids: the far arrays and every
 * container that reaches one are copied (the codec reads a copy as its original), each far
 * array as a Map of its items, whose entries (first the length) are arrays of ours.
 */
export function encodeWhole(value: unknown): Encoded {
  const found = farArrays(value);
  if (!found) return encode(value);
  const copies = new Map<object, object>();
  const firsts = new Set<unknown>();
  const queue: object[] = [...found.far.keys()];
  for (const node of queue) {
    if (copies.has(node)) continue;
    const far = found.far.get(node as unknown[]);
    let copy: object;
    if (far) {
      // The encoder reads a Map's size and iterates it: own properties here.
      const pairs: unknown[][] = [['length', (node as unknown[]).length]];
      firsts.add(pairs[0]);
      copy = Object.defineProperties(new Map(), { size: { get: () => pairs.length }, [Symbol.iterator]: { value: () => pairs.values() }, pairs: { value: pairs } });
    } else copy = Array.isArray(node) ? [] : node instanceof Map ? new Map() : node instanceof Set ? new Set() : (Object.create(Object.getPrototypeOf(node) as object | null) as object);
    copies.set(node, copy);
    queue.push(...(found.holders.get(node) ?? []));
  }
  const swap = (item: unknown): unknown => copies.get(item as object) ?? item;
  for (const [node, copy] of copies) {
    const far = found.far.get(node as unknown[]);
    if (far) for (const i of far) (copy as unknown as { pairs: unknown[][] }).pairs.push([i, swap((node as unknown[])[i])]);
    else if (Array.isArray(node)) {
      (copy as unknown[]).length = node.length;
      for (let i = 0; i < node.length; i++) if (i in node) (copy as unknown[])[i] = swap(node[i]);
    } else if (node instanceof Map) for (const [key, item] of node) (copy as Map<unknown, unknown>).set(swap(key), swap(item));
    else if (node instanceof Set) for (const item of node) (copy as Set<unknown>).add(swap(item));
    // Own properties as they are (a decoded instance's Symbol.toStringTag, an Error's message).
    else for (const key of Reflect.ownKeys(node)) Object.defineProperty(copy, key, { value: swap((node as Record<PropertyKey, unknown>)[key]), enumerable: Object.prototype.propertyIsEnumerable.call(node, key), writable: true, configurable: true });
  }
  const root: Encoded[] = [encode(copies.get(value as object))];
  eachTagged(root, (node) => {
    const items = node['v'];
    if (node['$t'] !== 'map' || !Array.isArray(items) || !firsts.has(items[0])) return;
    node['$t'] = 'sparse';
    delete node['v'];
    node['length'] = (items[0] as Encoded[])[1]!;
    node['v'] = items.slice(1);
  });
  return root[0]!;
}

/**
 * The display encoding with each cut far array (a `truncated` array node over MAX_HOLES slots)
 * made a `sparse` node of its first `maxEntries` items, each encoded from its own path with the
 * same limits (maxNodes shared out); `items` says how many it holds when not all are shown. `at`
 * is the path `value` was encoded from. Changes `encoded` in place.
 */
export function showFar(encoded: Encoded, value: unknown, at: Path, limits: EncodeLimits): void {
  eachTagged(encoded, (node) => {
    const path = node['path'] as Path;
    if (node['$t'] !== 'truncated' || node['type'] !== 'array' || !((node['size'] as number) > MAX_HOLES)) return;
    let list: unknown;
    try {
      list = resolvePath(value, path.slice(at.length));
    } catch (error) {
      if (error instanceof CodecError) return;
      throw error;
    }
    const far = Array.isArray(list) ? farIndexes(list) : undefined;
    if (!far) return;
    const shown = far.slice(0, limits.maxEntries);
    const maxNodes = Math.ceil((limits.maxNodes ?? Infinity) / (shown.length || 1));
    for (const field of Object.keys(node)) delete node[field];
    // eachTagged reads the node's fields after this: the items' own cut far arrays are met too.
    Object.assign(node, { $t: 'sparse', length: (list as unknown[]).length, v: shown.map((i) => [i, encode((list as unknown[])[i], { ...limits, maxNodes, basePath: [...path, i] })]) }, shown.length < far.length && { items: far.length });
  });
}
