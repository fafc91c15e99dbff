/**
 * Sizes the way Stratum stores things: a webstorage entry is its full key and stored text in
 * UTF-16 (2 bytes a code unit, what browsers count against localStorage's quota); a row is the
 * UTF-8 bytes of the codec's `stratum:1:` text (what SQLite's `v` column holds) plus the bytes
 * of the Blobs inside it.
 */
import { encode } from '../../../codec/index.js';

/** UTF-8 bytes of a string, without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function entryBytes(full: string, text: string): number {
  return (full.length + text.length) * 2;
}

const MARKER = 'stratum:1:'.length;

/**
 * A row (or key) as the codec stores it, plus its blobs' bytes. `clone`: the provider keeps
 * structured clones (IndexedDB, memory), which hold a sparse array's elements, not its holes.
 */
export function valueBytes(value: unknown, clone = false): number {
  let blobs = 0;
  const encoded = encode(clone ? withoutHoles(value) : value, {
    onBlob: (blob) => {
      blobs += blob.size;
      return '';
    },
  });
  return MARKER + utf8Length(JSON.stringify(encoded)) + blobs;
}

/** Whether an array has more holes than elements, told without walking every hole. */
function isSparse(array: unknown[]): boolean {
  for (let i = 0; i < array.length; i++) if (!(i in array)) return Object.keys(array).length * 2 < array.length;
  return false;
}

/**
 * A copy of `value` in which every sparse array (`a[1e6] = 1`) is a plain object of its elements,
 * what a structured clone holds of it: the codec's text writes each hole ({"$t":"hole"}), so a
 * million holes counted 14 MB and were walked one by one. Arrays, plain objects, Maps and Sets
 * are copied (shared parts once, cycles kept), so the rest encodes as before; class instances
 * are kept as they are (a sparse array inside one still counts whole).
 */
function withoutHoles(value: unknown): unknown {
  const copies = new Map<object, object>();
  const todo: [object, object][] = [];
  const copy = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const proto = Object.getPrototypeOf(node) as object | null;
    const array = Array.isArray(node);
    if (!array && proto !== Object.prototype && proto !== null && !(node instanceof Map) && !(node instanceof Set)) return node;
    let out = copies.get(node);
    if (!out) {
      out = node instanceof Map ? new Map() : node instanceof Set ? new Set() : array ? (isSparse(node) ? {} : new Array(node.length)) : Object.create(proto) as object;
      copies.set(node, out);
      todo.push([node, out]);
    }
    return out;
  };
  const root = copy(value);
  for (let next; (next = todo.pop()); ) {
    const [node, out] = next;
    if (node instanceof Map) for (const [k, v] of node) (out as Map<unknown, unknown>).set(copy(k), copy(v));
    else if (node instanceof Set) for (const item of node) (out as Set<unknown>).add(copy(item));
    else for (const key of Object.keys(node)) Object.defineProperty(out, key, { value: copy((node as Record<string, unknown>)[key]), writable: true, enumerable: true, configurable: true });
  }
  return root;
}

/** Bytes a namespace holds in a Storage (every key with the prefix), leaving out `except`. */
export function namespaceBytes(storage: Storage, prefix: string, except?: string): number {
  let bytes = 0;
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key === null || !key.startsWith(prefix) || key === except) continue;
    bytes += entryBytes(key, storage.getItem(key) ?? '');
  }
  return bytes;
}
