/**
 * encode(value, limits?) → the tagged JSON form described in tags.ts.
 *
 * Iterative, not recursive: a 10,000-deep list must not blow the stack. Work items live in
 * parallel arrays (no object per item), and JSON-ready children are written straight into the
 * output, so plain data costs one output container per source container and little else.
 * Children are pushed in reverse so they are visited in document order: the first occurrence
 * of a shared object is always the one that gets the `id`, and every `ref` follows it.
 */
import { CodecError, formatPath } from './error.js';
import { foreignKind, leafObjectNode, refuseForStorage, refuseSymbolKeys } from './kinds.js';
import { blobNode, bufferNode, className, dateNode, functionNode, numberNode, truncatedNode } from './leaves.js';
import { BlobRef, Opaque, Truncated } from './markers.js';
import { HOLE, isFinalJson, TAG, UNDEFINED } from './tags.js';
import type { Encoded, EncodeLimits, Path, PathSegment } from './types.js';

type Node = { [key: string]: Encoded };
type Out = Encoded[] | Node;

const hasOwn = Object.prototype.hasOwnProperty;
/**
 * Holes one stored value may write: each is a node of its own (14 bytes of text), so
 * a[2 ** 32 - 2] = 1 would write four billion. 1,000,000 is 14 MB, past what webstorage holds.
 * Display encodings are cut by maxEntries instead; see ARCHITECTURE.md for the unlimited ones.
 */
const MAX_HOLES = 1e6;
const ERROR_OWN = new Set(['name', 'message', 'stack', 'cause', 'errors']);

export function encode(value: unknown, limits: EncodeLimits = {}): Encoded {
  return new Encoder(limits).run(value);
}

class Encoder {
  private readonly _maxString: number;
  private readonly _maxEntries: number;
  private readonly _maxDepth: number;
  private readonly _maxBytes: number;
  /** Entries the whole value may still write (maxNodes); containers past it are cut. */
  private _room: number;
  private readonly _base: Path;
  private readonly _onBlob: ((blob: Blob) => string) | undefined;
  private readonly _strict: boolean;
  // Work items: the value, where its encoding goes (container + key), its parent node, its depth.
  private readonly _tValue: unknown[] = [];
  private readonly _tOut: Out[] = [];
  private readonly _tKey: PathSegment[] = [];
  private readonly _tParent: number[] = [];
  private readonly _tDepth: number[] = [];
  // Nodes (source containers): parent node, path segment (= key in the holder), holder, output, id.
  private readonly _nParent: number[] = [];
  private readonly _nSeg: PathSegment[] = [];
  private readonly _nHolder: Out[] = [];
  private readonly _nOut: Encoded[] = [];
  private readonly _nId = new Map<number, number>();
  private readonly _seen = new Map<object, number>();
  private _nextId = 0;
  private _holes = 0;
  // The item being encoded.
  private _out: Out = [];
  private _key: PathSegment = 0;
  private _parent = -1;
  private _depth = 1;

  constructor(limits: EncodeLimits) {
    this._maxString = limits.maxString ?? Infinity;
    this._maxEntries = limits.maxEntries ?? Infinity;
    this._maxDepth = limits.maxDepth ?? Infinity;
    this._maxBytes = limits.maxBytes ?? Infinity;
    this._room = limits.maxNodes ?? Infinity;
    this._base = limits.basePath ?? [];
    this._onBlob = limits.onBlob;
    this._strict = limits.strict === true;
  }

  run(value: unknown): Encoded {
    const root: Encoded[] = [null];
    this._push(value, root, 0, -1, 1);
    while (this._tValue.length > 0) {
      const item = this._tValue.pop();
      this._out = this._tOut.pop()!;
      this._key = this._tKey.pop()!;
      this._parent = this._tParent.pop()!;
      this._depth = this._tDepth.pop()!;
      let encoded: Encoded;
      try {
        encoded = this._one(item);
      } catch (error) {
        if (error instanceof CodecError) throw error;
        // A throwing getter or a revoked proxy: say where, keep the original as the cause.
        const path = this._pathAt(this._parent, this._key);
        throw new CodecError(`cannot encode ${formatPath(path)}: ${String(error)}`);
      }
      (this._out as Record<PathSegment, Encoded>)[this._key] = encoded;
    }
    return root[0]!;
  }

  private _push(value: unknown, out: Out, key: PathSegment, parent: number, depth: number): void {
    this._tValue.push(value);
    this._tOut.push(out);
    this._tKey.push(key);
    this._tParent.push(parent);
    this._tDepth.push(depth);
  }

  private _one(value: unknown): Encoded {
    switch (typeof value) {
      case 'string':
        return value.length <= this._maxString ? value : this._truncated('string', value.length, value.slice(0, this._maxString));
      case 'number':
        return isFinalJson(value, Infinity) ? value : numberNode(value);
      case 'boolean':
        return value;
      case 'undefined':
        return UNDEFINED;
      case 'bigint':
        return { $t: 'bigint', v: value.toString() };
      case 'symbol':
        return { $t: 'symbol', description: value.description ?? null };
      case 'function':
        return this._ref(value) ?? this._node(functionNode(value), value);
      default:
        return value === null ? null : (this._ref(value as object) ?? this._object(value as object));
    }
  }

  /** A `ref` node when the object was encoded before; the first occurrence then gets its id. */
  private _ref(value: object): Encoded | undefined {
    const node = this._seen.get(value);
    if (node === undefined) return undefined;
    let id = this._nId.get(node);
    if (id === undefined) {
      id = this._nextId++;
      this._nId.set(node, id);
      const out = this._nOut[node]!;
      if (Array.isArray(out) || (out as Node)[TAG] === undefined) {
        // A plain container has nowhere to put an id: wrap it where it was written.
        const wrapped: Node = { $t: Array.isArray(out) ? 'array' : 'object', id, v: out };
        (this._nHolder[node] as Record<PathSegment, Encoded>)[this._nSeg[node]!] = wrapped;
        this._nOut[node] = wrapped;
      } else {
        (out as Node).id = id;
      }
    }
    return { $t: 'ref', id };
  }

  /** Records the container being encoded; `source` makes it a target for later refs. */
  private _node(out: Encoded, source?: object): Encoded {
    const index = this._nOut.push(out) - 1;
    this._nParent.push(this._parent);
    this._nSeg.push(this._key);
    this._nHolder.push(this._out);
    if (source !== undefined) this._seen.set(source, index);
    return out;
  }

  private _object(value: object): Encoded {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype) {
      const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
      // A decoded class instance keeps its class name as an own Symbol.toStringTag.
      if (typeof tag === 'string' && hasOwn.call(value, Symbol.toStringTag)) return this._record(value, 'instance', tag);
      return this._record(value, hasOwn.call(value, TAG) ? 'object' : 'plain', null);
    }
    if (Array.isArray(value)) return this._array(value);
    if (proto === null) return this._record(value, 'null', null);
    // One made in another realm (an iframe, a vm context) fails every instanceof below: tell it
    // by its internal slots. Only objects outside this realm's Object pay for that.
    const foreign = value instanceof Object ? undefined : foreignKind(value);
    if (foreign === 'Object') return this._record(value, hasOwn.call(value, TAG) ? 'object' : 'plain', null);
    if (value instanceof Date || foreign === 'Date') return this._node(dateNode(value as Date), value);
    if (value instanceof RegExp || foreign === 'RegExp') {
      const { source, flags } = value as RegExp;
      return this._node({ $t: 'regexp', source, flags }, value);
    }
    if (value instanceof Map || foreign === 'Map') return this._collection(value as Map<unknown, unknown>, 'map');
    if (value instanceof Set || foreign === 'Set') return this._collection(value as Set<unknown>, 'set');
    if (value instanceof ArrayBuffer || foreign === 'ArrayBuffer') {
      const buffer = value as ArrayBuffer;
      if (this._strict) refuseForStorage(buffer, this._pathAt(this._parent, this._key));
      if (buffer.byteLength > this._maxBytes) return this._truncated('ArrayBuffer', buffer.byteLength);
      return this._node(bufferNode(buffer), value);
    }
    if (ArrayBuffer.isView(value)) return this._view(value);
    if (value instanceof Error || foreign === 'Error') return this._error(value as Error);
    if ((typeof Blob === 'function' && value instanceof Blob) || foreign === 'Blob' || foreign === 'File') return this._blob(value as Blob, foreign);
    if (value instanceof Opaque) return this._opaque(value);
    if (value instanceof BlobRef) return this._node(blobNode(value.type, value.size, value.ref, value.name, value.lastModified), value);
    if (value instanceof Truncated) return this._retruncate(value);
    if (this._strict) refuseForStorage(value, this._pathAt(this._parent, this._key), foreign);
    const leaf = leafObjectNode(value, foreign);
    if (leaf) return this._node(leaf, value);
    return this._record(value, 'instance', className(proto as object));
  }

  private _record(value: object, kind: 'plain' | 'object' | 'null' | 'instance', name: string | null): Encoded {
    if (this._strict) refuseSymbolKeys(value, this._pathAt(this._parent, this._key), Symbol.toStringTag);
    const keys = Object.keys(value);
    const room = this._take(keys.length, 1);
    if (this._depth > this._maxDepth || (room === 0 && keys.length > 0)) {
      return this._truncated(kind === 'instance' ? 'instance' : 'object', keys.length, undefined, name);
    }
    const record: Node = {};
    if (keys.length > room) {
      const cut = this._truncated(kind === 'instance' ? 'instance' : 'object', keys.length, record, name);
      this._node(cut);
      this._fillRecord(value as Record<string, unknown>, keys, room, record, this._nOut.length - 1);
      return cut;
    }
    let out: Encoded = record;
    if (kind === 'object') out = { $t: 'object', v: record };
    else if (kind === 'null') out = { $t: 'object', null: true, v: record };
    else if (kind === 'instance') out = { $t: 'instance', class: name, v: record };
    this._node(out, value);
    this._fillRecord(value as Record<string, unknown>, keys, keys.length, record, this._nOut.length - 1);
    return out;
  }

  private _array(value: unknown[]): Encoded {
    if (this._strict) refuseSymbolKeys(value, this._pathAt(this._parent, this._key));
    const room = this._take(value.length, 1);
    if (this._depth > this._maxDepth || (room === 0 && value.length > 0)) return this._truncated('array', value.length);
    const items: Encoded[] = [];
    if (value.length > room) {
      const cut = this._truncated('array', value.length, items);
      this._node(cut);
      this._fillArray(value, room, items, this._nOut.length - 1);
      return cut;
    }
    this._node(items, value);
    this._fillArray(value, value.length, items, this._nOut.length - 1);
    return items;
  }

  private _collection(value: Map<unknown, unknown> | Set<unknown>, type: 'map' | 'set'): Encoded {
    // A Map entry is three parts on the wire: the pair, its key and its value.
    const count = this._take(value.size, type === 'map' ? 3 : 1);
    if (this._depth > this._maxDepth || (count === 0 && value.size > 0)) return this._truncated(type, value.size);
    const items: Encoded[] = [];
    const out = count < value.size ? this._truncated(type, value.size, items) : { $t: type, v: items };
    this._node(out, count < value.size ? undefined : value);
    this._fillEntries(value, type, count, items, this._nOut.length - 1);
    return out;
  }

  /**
   * How many of `size` entries a container may write (maxEntries, and what is left of maxNodes),
   * taking them from the budget: the container itself and `each` parts per entry.
   */
  private _take(size: number, each: number): number {
    const count = Math.max(0, Math.min(size, this._maxEntries, Math.floor((this._room - 1) / each)));
    this._room -= 1 + count * each;
    return count;
  }

  private _fillRecord(value: Record<string, unknown>, keys: string[], count: number, record: Node, node: number): void {
    let pending = 0;
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const child = value[key];
      if (!isFinalJson(child, this._maxString)) pending++;
      // An own "__proto__" key must stay an own property of the output, not set its prototype.
      if (key === '__proto__') Object.defineProperty(record, key, { value: child, enumerable: true, writable: true, configurable: true });
      else record[key] = child as Encoded;
    }
    if (pending === 0) return;
    const depth = this._depth + 1;
    for (let i = count - 1; i >= 0; i--) {
      const child = record[keys[i]!];
      if (!isFinalJson(child, this._maxString)) this._push(child, record, keys[i]!, node, depth);
    }
  }

  private _fillArray(value: ArrayLike<unknown>, count: number, items: Encoded[], node: number): void {
    let pending = 0;
    for (let i = 0; i < count; i++) {
      const child = value[i];
      if (isFinalJson(child, this._maxString)) items.push(child as Encoded);
      else if (child === undefined && !(i in value)) {
        if (this._strict && ++this._holes > MAX_HOLES) throw new CodecError(`cannot encode ${formatPath(this._pathAt(this._parent, this._key))}: over ${MAX_HOLES} empty slots in arrays (one node each); use a Map`);
        items.push(HOLE);
      }
      else {
        items.push(child as Encoded);
        pending++;
      }
    }
    if (pending === 0) return;
    const depth = this._depth + 1;
    for (let i = count - 1; i >= 0; i--) {
      const child = items[i];
      if (child !== HOLE && !isFinalJson(child, this._maxString)) this._push(child, items, i, node, depth);
    }
  }

  /** Map entries become [key, value] pairs (each its own path step); Set values a list. */
  private _fillEntries(value: Iterable<unknown>, type: 'map' | 'set', count: number, items: Encoded[], node: number): void {
    if (type === 'set') return this._fillArray([...value].slice(0, count), count, items, node);
    const pairs: Encoded[][] = [];
    for (const entry of value) {
      if (pairs.length === count) break;
      pairs.push(entry as Encoded[]);
    }
    const depth = this._depth + 1;
    for (let i = count - 1; i >= 0; i--) {
      const pair = pairs[i]!;
      const [key, val] = pair;
      items[i] = pair;
      if (isFinalJson(key, this._maxString) && isFinalJson(val, this._maxString)) continue;
      // The pair is a path step of its own (entry index, then 0 for the key or 1 for the value).
      const pairNode = this._nOut.push(pair) - 1;
      this._nParent.push(node);
      this._nSeg.push(i);
      this._nHolder.push(items);
      if (!isFinalJson(val, this._maxString)) this._push(val, pair, 1, pairNode, depth);
      if (!isFinalJson(key, this._maxString)) this._push(key, pair, 0, pairNode, depth);
    }
  }

  private _view(view: ArrayBufferView): Encoded {
    const type = (view as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? 'DataView';
    if (this._strict) refuseForStorage(view, this._pathAt(this._parent, this._key));
    if (view.byteLength > this._maxBytes) return this._truncated(type, view.byteLength);
    const out: Node = { $t: 'typed', type, buffer: null };
    const buffer = view.buffer;
    if (view.byteOffset !== 0 || view.byteLength !== buffer.byteLength) {
      out.offset = view.byteOffset;
      out.length = type === 'DataView' ? view.byteLength : (view as Uint8Array).length;
    }
    this._node(out, view);
    this._push(buffer, out, 'buffer', this._nOut.length - 1, this._depth + 1);
    return out;
  }

  private _error(error: Error): Encoded {
    const out: Node = { $t: 'error', name: String(error.name), message: String(error.message) };
    if (typeof error.stack === 'string') out.stack = error.stack;
    const node = this._nOut.length;
    this._node(out, error);
    const depth = this._depth + 1;
    // Pushed in reverse of document order: cause, errors, fields.
    const fields = Object.keys(error).filter((key) => !ERROR_OWN.has(key));
    const hasCause = hasOwn.call(error, 'cause');
    const hasErrors = hasOwn.call(error, 'errors');
    if (hasCause) out.cause = null;
    if (hasErrors) out.errors = null;
    if (fields.length > 0) {
      const record: Node = {};
      out.fields = record;
      this._fillRecord(error as unknown as Record<string, unknown>, fields, fields.length, record, node);
    }
    if (hasErrors) this._push((error as { errors?: unknown }).errors, out, 'errors', node, depth);
    if (hasCause) this._push(error.cause, out, 'cause', node, depth);
    return out;
  }

  private _blob(blob: Blob, foreign: string | undefined): Encoded {
    const isFile = foreign === 'File' || (typeof File === 'function' && blob instanceof File);
    if (this._strict && !this._onBlob) {
      // Nothing keeps the bytes (serialize's text has no room for them): it would read back as a BlobRef.
      throw new CodecError(`cannot store ${formatPath(this._pathAt(this._parent, this._key))}: a ${isFile ? 'File' : 'Blob'}'s bytes do not fit in text; store its arrayBuffer()`);
    }
    const ref = this._onBlob ? this._onBlob(blob) : null;
    const file = blob as File;
    return this._node(blobNode(blob.type, blob.size, ref, isFile ? file.name : null, isFile ? file.lastModified : null), blob);
  }

  private _opaque(value: Opaque): Encoded {
    if (value.kind === 'symbol') return { $t: 'symbol', description: value.name };
    return this._node({ $t: 'function', name: value.name ?? '', description: value.description }, value);
  }

  /** A decoded Truncated re-encodes to the node it came from. */
  private _retruncate(value: Truncated): Encoded {
    const preview = value.preview;
    if (preview === undefined || typeof preview === 'string') {
      return truncatedNode(value.type, value.size, value.path, preview, value.className);
    }
    const holder: Out = Array.isArray(preview) || preview instanceof Map || preview instanceof Set ? [] : {};
    const out = truncatedNode(value.type, value.size, value.path, holder, value.className);
    const node = this._nOut.length;
    this._node(out);
    if (preview instanceof Map || preview instanceof Set) this._fillEntries(preview, preview instanceof Map ? 'map' : 'set', preview.size, holder as Encoded[], node);
    else if (Array.isArray(preview)) this._fillArray(preview, preview.length, holder as Encoded[], node);
    else if (typeof preview === 'object' && preview !== null) {
      const keys = Object.keys(preview);
      this._fillRecord(preview as Record<string, unknown>, keys, keys.length, holder as Node, node);
    }
    return out;
  }

  private _truncated(type: string, size: number, preview?: Encoded, name: string | null = null): Node {
    return truncatedNode(type, size, this._pathAt(this._parent, this._key), preview, name);
  }

  private _pathAt(parent: number, key: PathSegment): Path {
    if (parent < 0) return [...this._base];
    const segments: PathSegment[] = [key];
    for (let node = parent; this._nParent[node]! >= 0; node = this._nParent[node]!) segments.push(this._nSeg[node]!);
    return [...this._base, ...segments.reverse()];
  }
}
