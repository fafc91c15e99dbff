/**
 * How the inspector puts a page value on the wire: the agent's display limits and its kind of
 * hash (runtime/devtools/agent/show.ts), without the agent's registry (the content script must
 * never load the registry, which would start a runtime listener in the isolated world).
 */
import { encode, pathWords, stringifyEncoded, type Encoded, type EncodeLimits, type Path } from '#codec/index.js';
import type { Current, Hash } from '#protocol/messages.js';
import { CommandError } from '#protocol/errors.js';
// The agent's far sparse arrays (sparse.ts): its codec and far.ts only, no registry.
import { encodeWhole, showFar } from '#runtime/devtools/agent/sparse.js';

/** The same limits the agent uses: a value always fits an envelope, cut parts expand by path. */
export const DISPLAY: EncodeLimits = { maxString: 10_000, maxEntries: 200, maxDepth: 16, maxBytes: 64 * 1024, maxNodes: 100_000 };

/** The row and the place in it where a Blob was read (see Blobs.place). */
export interface BlobPlace {
  database: number;
  table: string;
  key: IDBValidKey;
  path: Path;
}

/** Blob refs for values in rows (the panel reads their bytes with blobRead database 0). */
export class Blobs {
  private readonly _byRef = new Map<string, Blob>();
  // A Blob's hash is only its type and size, so a row's hash cannot tell the Blob the panel was
  // shown from one the app put there since: a write looks the row's Blob up again by its place.
  private readonly _places = new WeakMap<Blob, BlobPlace>();
  private _next = 0;

  ref(blob: Blob): string {
    const ref = `b${++this._next}`;
    this._byRef.set(ref, blob);
    // Bounded as the agent's: the oldest refs go first.
    if (this._byRef.size > 1000) this._byRef.delete(this._byRef.keys().next().value!);
    return ref;
  }

  get(ref: string): Blob | undefined {
    return this._byRef.get(ref);
  }

  /** Remembers where each Blob of a row read from IndexedDB sits in it. */
  place(value: unknown, at: Omit<BlobPlace, 'path'>): void {
    for (const [blob, path] of blobPaths(value)) if (!this._places.has(blob)) this._places.set(blob, { ...at, path });
  }

  placeOf(blob: Blob): BlobPlace | undefined {
    return this._places.get(blob);
  }
}

export function isBlob(value: unknown): value is Blob {
  return typeof Blob === 'function' && value instanceof Blob;
}

/** A container's children with the steps to them, as the codec's paths count them. */
export function children(node: object): [string | number, unknown][] {
  if (node instanceof Map) return [...node].map((entry, i) => [i, entry]);
  if (node instanceof Set) return [...node].map((item, i) => [i, item]);
  return Object.keys(node).map((key) => [Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key, (node as Record<string, unknown>)[key]]);
}

/**
 * Visits every object in `value` once, in the order a recursive walk would (depth first, children
 * in order), without recursion: rows thousands of levels deep ran the recursive walk out of stack
 * (RangeError in V8, InternalError in Firefox), and the inspector could neither list nor hash them.
 * `visit` gets the node and a function that builds its path (only called where one is kept); it
 * returns true to go into the node's children.
 */
function walk(value: unknown, visit: (node: object, path: () => Path) => boolean, kids: (node: object) => [string | number, unknown][] = children): void {
  const seen = new Set<object>();
  // A place is its node, its step and its parent's place: a path is built only when asked for
  // (a path array per node is quadratic at depth).
  type Place = [unknown, (string | number)?, Place?];
  const stack: Place[] = [[value]];
  for (let at: Place | undefined; (at = stack.pop()); ) {
    const node = at[0];
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const path = (): Path => {
      const steps: Path = [];
      for (let up = at!; up[2]; up = up[2]) steps.push(up[1]!);
      return steps.reverse();
    };
    if (visit(node, path)) for (const [step, child] of kids(node).reverse()) stack.push([child, step, at]);
  }
}

/** Every Blob in `value` with the path to its first place. */
function blobPaths(value: unknown): Map<Blob, Path> {
  const found = new Map<Blob, Path>();
  walk(value, (node, path) => {
    if (typeof Blob === 'function' && node instanceof Blob) {
      found.set(node, path());
      return false;
    }
    return !(ArrayBuffer.isView(node) || node instanceof ArrayBuffer);
  });
  return found;
}

/** What `value` holds at `path` (paths as blobPaths gives them), or undefined. */
export function nodeAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    const child = children(node).find(([at]) => at === step);
    if (!child) return undefined;
    node = child[1];
  }
  return node;
}

/**
 * As the agent shows a value (`at`: the path it was expanded from): a far sparse array is a
 * `sparse` node of its first items.
 */
export function show(value: unknown, blobs: Blobs, at: Path = []): Encoded {
  const options: EncodeLimits = { ...DISPLAY, basePath: at, onBlob: (blob) => blobs.ref(blob) };
  const encoded = encode(value, options);
  showFar(encoded, value, at, options);
  return encoded;
}

/**
 * FNV-1a over the full encoded JSON, two 32-bit halves (the agent's fingerprint), and over what
 * the value's platform objects show (platformFacts): a value without any hashes as the agent's.
 */
export function hashOf(value: unknown): Hash {
  // The codec's writer: JSON.stringify runs out of stack on deep rows (differently per engine).
  // A far sparse array as its items: hole by hole it ran the page out of memory.
  let text = stringifyEncoded(encodeWhole(value));
  text += platformFacts(value);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `h${(a >>> 0).toString(36)}${(b >>> 0).toString(36).padStart(7, '0')}`;
}

/** Containers and leaves the codec reads itself: their prototypes' getters add nothing. */
function codecReads(node: object): boolean {
  const proto: unknown = Object.getPrototypeOf(node);
  return (
    proto === Object.prototype || proto === Array.prototype || proto === null || node instanceof Map || node instanceof Set || node instanceof Date ||
    node instanceof RegExp || node instanceof Error || node instanceof ArrayBuffer || ArrayBuffer.isView(node) || (typeof Blob === 'function' && node instanceof Blob)
  );
}

/**
 * What each platform object in `value` shows through its prototypes' getters, which the codec
 * (own fields only) never sees: a CryptoKey's type, extractable, algorithm and usages, a
 * DOMMatrix's entries. Without them every CryptoKey encodes alike, so a key the app rotated
 * since kept the row's hash and a delete or write over the stale hash went through. Empty when
 * there is none, so such values hash as the agent's.
 */
function platformFacts(value: unknown): string {
  const facts: Encoded[] = [];
  walk(value, (node, path) => {
    if (!codecReads(node)) {
      const shown: Record<string, Encoded> = {};
      for (let proto: unknown = Object.getPrototypeOf(node); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
          if (!descriptor.get || name in shown) continue;
          try {
            shown[name] = encode(descriptor.get.call(node), DISPLAY);
          } catch (error) {
            // A getter that throws on this object shows nothing to tell two of them apart by.
            shown[name] = `throws ${reason(error)}`;
          }
        }
      }
      facts.push({ path: path(), shown });
    }
    return !(node instanceof ArrayBuffer || ArrayBuffer.isView(node) || (typeof Blob === 'function' && node instanceof Blob));
  });
  return facts.length === 0 ? '' : JSON.stringify(facts);
}

/** `conflict`, with what the edit would have overwritten, as the agent words it. */
export function conflict(what: string, value: unknown, version: Current['version'], blobs: Blobs): CommandError {
  return new CommandError('conflict', `${what} changed since the panel read it: reload it, or overwrite`, {
    value: value === undefined ? encode(undefined) : show(value, blobs),
    version,
    redacted: [],
  });
}

export function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Where `value` (decoded from the panel) holds a stand-in for something the codec can only show —
 * a class instance such as a CryptoKey comes back as a plain object carrying the class name — or
 * undefined when it holds none. Writing such a stand-in would replace the page's real object, so
 * the inspector refuses it; a path edit of another field keeps the real one (only the containers
 * on the path are copied).
 */
export function standIn(value: unknown): string | undefined {
  let found: string | undefined;
  // Iterative (walk): a row from the panel thousands of levels deep ran the recursion out of stack.
  // Its own steps, as before: a Map's values only, an array's indexes as strings.
  walk(
    value,
    (node, path) => {
      if (found !== undefined) return false;
      if (!Object.prototype.hasOwnProperty.call(node, Symbol.toStringTag)) return true;
      const steps = path();
      const name = String((node as { [Symbol.toStringTag]: unknown })[Symbol.toStringTag]);
      found = `${steps.length === 0 ? 'the value' : pathWords(steps, (step) => `[${JSON.stringify(step)}]`)} is a ${name} the panel can show but not rebuild`;
      return false;
    },
    (node) => (node instanceof Map ? [...node.values()].map((item, i) => [i, item]) : node instanceof Set ? [...node].map((item, i) => [i, item]) : Object.entries(node)),
  );
  return found;
}

/**
 * Puts `fresh(child, path)` in place of each child of every container in `value` (a Map or Set is
 * rebuilt in order, only when one changed: neither can swap an entry in place), parents before
 * their children; Blobs and bytes are not gone into. Iterative (walk), for rows thousands deep.
 */
export function swapChildren(value: unknown, fresh: (node: unknown, path: () => Path) => unknown): void {
  walk(value, (node, path) => {
    if (isBlob(node) || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) return false;
    const at = (...steps: Path) => () => [...path(), ...steps];
    if (node instanceof Map) {
      const before = [...node];
      const after = before.map(([k, v], i) => [fresh(k, at(i, 0)), fresh(v, at(i, 1))] as const);
      if (after.some(([k, v], i) => k !== before[i]![0] || v !== before[i]![1])) {
        node.clear();
        for (const [k, v] of after) node.set(k, v);
      }
    } else if (node instanceof Set) {
      const before = [...node];
      const after = before.map((item, i) => fresh(item, at(i)));
      if (after.some((item, i) => item !== before[i])) {
        node.clear();
        for (const item of after) node.add(item);
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        const now = fresh(record[k], at(Array.isArray(node) && /^\d+$/.test(k) ? Number(k) : k));
        if (now !== record[k]) Object.defineProperty(record, k, { value: now, writable: true, enumerable: true, configurable: true });
      }
    }
    return true;
  });
}

/** Refuses a value that would overwrite a real object with its stand-in (see standIn). */
export function guardStandIns(value: unknown): void {
  const found = standIn(value);
  if (found) throw new CommandError('not-editable', `${found}: edit the other fields one at a time (an edit of one field keeps it), or change it in the app`);
}
