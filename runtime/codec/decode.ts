/**
 * decode(encoded) → the value encode() was given. Everything is validated: a node of the wrong
 * shape, an unknown tag, a ref to no node, duplicate Map keys: each is a CodecError naming
 * the path, never a wrong value. Iterative, in the encoder's document order (tasks pushed in
 * reverse), so every `ref` meets the node it names already decoded.
 */
import { base64ToBytes } from './base64.js';
import { CodecError } from './error.js';
import { BlobRef, Opaque, Truncated } from './markers.js';
import { ERROR_TYPES, TAG, VIEW_TYPES } from './tags.js';
import type { Path, PathSegment } from './types.js';

export type Json = { [key: string]: unknown };
type Target = Record<PathSegment, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;
const ASSIGN = 0;
const DEFINE = 1; // own, non-enumerable: an Error's cause and errors, as the engine makes them
const FINISH = 2; // fill a Map or Set once its entries are decoded
const NUMBERS: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
const BIGINT = /^-?\d+$/;
/** What Decoder._leaf returns for a tag whose node has children. */
export const NOT_LEAF: unique symbol = Symbol('not a leaf');

export function decode(encoded: unknown): unknown {
  return new Decoder().run(encoded);
}

export class Decoder {
  private readonly _tNode: unknown[] = [];
  private readonly _tTarget: Target[] = [];
  private readonly _tKey: PathSegment[] = [];
  private readonly _tParent: number[] = [];
  private readonly _tMode: number[] = [];
  private readonly _nParent: number[] = [];
  private readonly _nSeg: PathSegment[] = [];
  private readonly _ids = new Map<number, unknown>();
  private _key: PathSegment = 0;
  private _parent = -1;

  run(encoded: unknown): unknown {
    const root: unknown[] = [undefined];
    this._push(encoded, root as unknown as Target, 0, -1, ASSIGN);
    while (this._tNode.length > 0) {
      const node = this._tNode.pop();
      const target = this._tTarget.pop()!;
      const key = this._tKey.pop()!;
      const mode = this._tMode.pop()!;
      this._key = key;
      this._parent = this._tParent.pop()!;
      if (mode === FINISH) this._finish(target, node as unknown[]);
      else if (mode === DEFINE) Object.defineProperty(target, key, { value: this._one(node), writable: true, configurable: true });
      else target[key] = this._one(node);
    }
    return root[0];
  }

  private _push(node: unknown, target: Target, key: PathSegment, parent: number, mode: number): void {
    this._tNode.push(node);
    this._tTarget.push(target);
    this._tKey.push(key);
    this._tParent.push(parent);
    this._tMode.push(mode);
  }

  protected _fail(message: string): never {
    const segments: PathSegment[] = [];
    if (this._parent >= 0) {
      segments.push(this._key);
      for (let node = this._parent; this._nParent[node]! >= 0; node = this._nParent[node]!) segments.push(this._nSeg[node]!);
    }
    throw new CodecError(message, segments.reverse());
  }

  protected _one(node: unknown): unknown {
    switch (typeof node) {
      case 'string':
      case 'boolean':
        return node;
      case 'number':
        return Number.isFinite(node) ? node : this._fail(`${node} is not JSON`);
      case 'object': {
        if (node === null) return null;
        if (Array.isArray(node)) return this._array(node);
        const proto: unknown = Object.getPrototypeOf(node);
        if (proto !== Object.prototype && proto !== null) this._fail('not JSON: an object with a prototype');
        return hasOwn.call(node, TAG) ? this._tagged(node as Json) : this._record({}, node as Json);
      }
      default:
        return this._fail(`not JSON: a ${typeof node}`);
    }
  }

  /** Registers a decoded container for paths in messages; returns its node index. */
  private _node(): number {
    this._nParent.push(this._parent);
    return this._nSeg.push(this._key) - 1;
  }

  protected _define<T>(node: Json, value: T): T {
    const id = node.id;
    if (id === undefined) return value;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) this._fail(`id must be a non-negative integer, got ${JSON.stringify(id)}`);
    if (this._ids.has(id)) this._fail(`id ${id} is defined twice`);
    this._ids.set(id, value);
    return value;
  }

  private _array(items: unknown[], node?: Json): unknown[] {
    const out = new Array<unknown>(items.length);
    if (node) this._define(node, out);
    const index = this._node();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (typeof item !== 'object' || item === null) out[i] = this._one(item);
      else if ((item as Json)[TAG] === 'hole' && hasOwn.call(item, TAG)) continue;
      else this._push(item, out as unknown as Target, i, index, ASSIGN);
    }
    return out;
  }

  /** Copies a record's keys literally (a `$t` key in here is data); values are decoded. */
  private _record<T extends object>(out: T, record: unknown, node?: Json): T {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) this._fail('expected an object of fields');
    if (node) this._define(node, out);
    const index = this._node();
    const keys = Object.keys(record);
    let pending = 0;
    for (const key of keys) {
      const value = (record as Json)[key];
      const ready = typeof value !== 'object' || value === null;
      const decoded = ready ? this._one(value) : undefined;
      // An own "__proto__" key must become an own property: assigning it would set the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: decoded, enumerable: true, writable: true, configurable: true });
      else (out as Record<string, unknown>)[key] = decoded;
      if (!ready) pending++;
    }
    for (let i = keys.length - 1; pending > 0 && i >= 0; i--) {
      const value = (record as Json)[keys[i]!];
      if (typeof value === 'object' && value !== null) this._push(value, out as Target, keys[i]!, index, ASSIGN);
    }
    return out;
  }

  private _tagged(node: Json): unknown {
    const tag = node[TAG];
    const leaf = this._leaf(node, tag);
    if (leaf !== NOT_LEAF) return leaf;
    switch (tag) {
      case 'object':
        return this._record(node.null === true ? Object.create(null) : {}, node.v, node);
      case 'array':
        return Array.isArray(node.v) ? this._array(node.v, node) : this._fail('an array node needs a list in v');
      case 'instance':
        return this._record(instance(this._string(node, 'class')), node.v, node);
      case 'map':
      case 'set':
        return this._collection(node, this._define(node, tag === 'map' ? new Map() : new Set()));
      case 'error':
        return this._error(node);
      case 'truncated':
        return this._truncated(node);
      case 'hole':
        return this._fail('a hole outside an array');
      default:
        return this._fail(`unknown tag ${JSON.stringify(tag)}`);
    }
  }

  /**
   * The nodes without children to decode (a view's buffer is part of its node), or NOT_LEAF.
   * Shared with the in-place pass (decode-parsed.ts).
   */
  protected _leaf(node: Json, tag: unknown): unknown {
    switch (tag) {
      case 'undefined':
        return undefined;
      case 'number':
        return typeof node.v === 'string' && hasOwn.call(NUMBERS, node.v) ? NUMBERS[node.v] : this._fail(`bad number ${JSON.stringify(node.v)}`);
      case 'bigint':
        return BIGINT.test(this._string(node, 'v')) ? BigInt(node.v as string) : this._fail(`bad bigint ${JSON.stringify(node.v)}`);
      case 'symbol':
        return this._symbol(node);
      case 'date':
        return this._define(node, this._date(node.v));
      case 'regexp':
        return this._define(node, this._regexp(node));
      case 'arraybuffer':
        return this._define(node, this._buffer(node));
      case 'typed':
        return this._define(node, this._view(node));
      case 'blob':
        return this._define(node, this._blob(node));
      case 'function':
        return this._define(node, new Opaque('function', this._string(node, 'name'), this._string(node, 'description')));
      case 'boxed':
        return this._define(node, this._boxed(node));
      case 'url':
        return this._define(node, this._url(node));
      case 'urlsearchparams':
        return this._define(node, new URLSearchParams(this._string(node, 'v')));
      case 'ref':
        if (typeof node.id !== 'number' || !this._ids.has(node.id)) this._fail(`ref to unknown id ${JSON.stringify(node.id)}`);
        return this._ids.get(node.id);
      default:
        return NOT_LEAF;
    }
  }

  private _boxed(node: Json): object {
    const type = this._string(node, 'type');
    const v = node.v;
    if (type === 'String' && typeof v === 'string') return Object(v) as object;
    if (type === 'Boolean' && typeof v === 'boolean') return Object(v) as object;
    if (type === 'BigInt' && typeof v === 'string' && BIGINT.test(v)) return Object(BigInt(v)) as object;
    if (type === 'Number') {
      const n = typeof v === 'object' && v !== null ? this._tagged(v as Json) : v;
      if (typeof n === 'number') return Object(n) as object;
    }
    return this._fail(`bad boxed ${JSON.stringify(type)} value ${JSON.stringify(v)}`);
  }

  private _url(node: Json): URL {
    const href = this._string(node, 'v');
    try {
      return new URL(href);
    } catch (error) {
      return this._fail(`bad url ${JSON.stringify(href)}: ${(error as Error).message}`);
    }
  }

  protected _string(node: Json, field: string): string {
    const value = node[field];
    return typeof value === 'string' ? value : this._fail(`a ${String(node[TAG])} node needs a string ${field}`);
  }

  private _optional(node: Json, field: string, type: 'string' | 'number'): unknown {
    const value = node[field];
    if (value === undefined || value === null || typeof value === type) return value ?? null;
    return this._fail(`bad ${field} in a ${String(node[TAG])} node`);
  }

  private _symbol(node: Json): Opaque {
    const description = this._optional(node, 'description', 'string') as string | null;
    return new Opaque('symbol', description, `Symbol(${description ?? ''})`);
  }

  private _date(value: unknown): Date {
    if (value === null) return new Date(Number.NaN);
    const date = new Date(typeof value === 'string' ? value : Number.NaN);
    return Number.isNaN(date.getTime()) ? this._fail(`bad date ${JSON.stringify(value)}`) : date;
  }

  private _regexp(node: Json): RegExp {
    try {
      return new RegExp(this._string(node, 'source'), this._string(node, 'flags'));
    } catch (error) {
      if (error instanceof CodecError) throw error;
      return this._fail(`bad regexp: ${(error as Error).message}`);
    }
  }

  private _collection(node: Json, out: Map<unknown, unknown> | Set<unknown>): unknown {
    const entries = node.v;
    if (!Array.isArray(entries)) this._fail(`a ${String(node[TAG])} node needs a list in v`);
    const index = this._node();
    const isMap = out instanceof Map;
    const slots = new Array<unknown>(entries.length);
    // Filled after the entries (pushed first, so popped last): a Map needs its keys decoded.
    this._push(slots, out as unknown as Target, 0, index, FINISH);
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry: unknown = entries[i];
      if (!isMap) {
        this._slot(slots, i, entry, index);
        continue;
      }
      if (!Array.isArray(entry) || entry.length !== 2) this._fail(`map entry ${i} is not a [key, value] pair`);
      // Each pair is a path step of its own: entry index, then 0 (key) or 1 (value).
      const pair: unknown[] = [undefined, undefined];
      slots[i] = pair;
      this._nParent.push(index);
      const pairNode = this._nSeg.push(i) - 1;
      this._slot(pair, 1, entry[1], pairNode);
      this._slot(pair, 0, entry[0], pairNode);
    }
    return out;
  }

  private _slot(list: unknown[], i: number, node: unknown, parent: number): void {
    if (typeof node === 'object' && node !== null) this._push(node, list as unknown as Target, i, parent, ASSIGN);
    else list[i] = this._one(node);
  }

  private _finish(target: Target, slots: unknown[]): void {
    if (target instanceof Map) {
      for (const pair of slots as unknown[][]) target.set(pair[0], pair[1]);
      if (target.size !== slots.length) this._fail('a map with duplicate keys');
    } else {
      const set = target as unknown as Set<unknown>;
      for (const value of slots) set.add(value);
      if (set.size !== slots.length) this._fail('a set with duplicate values');
    }
  }

  private _error(node: Json): Error {
    const name = this._string(node, 'name');
    const message = this._string(node, 'message');
    const stack = this._optional(node, 'stack', 'string');
    const known = (ERROR_TYPES as readonly string[]).includes(name) ? (globalThis as Record<string, unknown>)[name] : undefined;
    const Ctor = (typeof known === 'function' ? known : Error) as ErrorConstructor;
    const error = name === 'AggregateError' ? new (Ctor as unknown as AggregateErrorConstructor)([], message) : new Ctor(message);
    if (error.name !== name) Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
    if (stack === null) delete (error as { stack?: string }).stack;
    else Object.defineProperty(error, 'stack', { value: stack, writable: true, configurable: true });
    if (!hasOwn.call(node, 'errors')) delete (error as { errors?: unknown }).errors;
    this._define(node, error);
    if (node.fields !== undefined) this._record(error, node.fields);
    const index = node.fields !== undefined ? this._nSeg.length - 1 : this._node();
    for (const key of ['errors', 'cause'] as const) {
      if (hasOwn.call(node, key)) this._push(node[key], error as unknown as Target, key, index, DEFINE);
    }
    return error;
  }

  private _buffer(node: Json): ArrayBuffer {
    const bytes = base64ToBytes(this._string(node, 'v'));
    return bytes ? (bytes.buffer as ArrayBuffer) : this._fail('bad base64 in an arraybuffer node');
  }

  private _view(node: Json): ArrayBufferView {
    const type = this._string(node, 'type');
    const Ctor = (VIEW_TYPES as readonly string[]).includes(type) ? (globalThis as Record<string, unknown>)[type] : undefined;
    if (typeof Ctor !== 'function') this._fail(`unknown view type ${JSON.stringify(type)}`);
    const source = node.buffer as Json | null;
    const isNode = typeof source === 'object' && source !== null && !Array.isArray(source);
    const buffer = isNode && source[TAG] === 'ref' ? this._ids.get(source.id as number) : isNode && source[TAG] === 'arraybuffer' ? this._define(source, this._buffer(source)) : undefined;
    if (!(buffer instanceof ArrayBuffer)) return this._fail(`a ${type} needs an ArrayBuffer`);
    const offset = this._optional(node, 'offset', 'number') as number | null;
    const length = this._optional(node, 'length', 'number') as number | null;
    // The constructor would round 1.5 down and read other bytes than the node names.
    if (!Number.isInteger(offset ?? 0) || !Number.isInteger(length ?? 0)) this._fail(`bad ${type}: offset and length must be whole numbers`);
    try {
      const View = Ctor as new (buffer: ArrayBuffer, offset?: number, length?: number) => ArrayBufferView;
      return new View(buffer, offset ?? 0, length ?? undefined);
    } catch (error) {
      return this._fail(`bad ${type}: ${(error as Error).message}`);
    }
  }

  private _blob(node: Json): BlobRef {
    const size = node.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) this._fail('a blob node needs a size');
    const ref = this._optional(node, 'ref', 'string') as string | null;
    const name = this._optional(node, 'name', 'string') as string | null;
    const lastModified = this._optional(node, 'lastModified', 'number') as number | null;
    return new BlobRef(this._string(node, 'type'), size, ref, name, lastModified);
  }

  private _truncated(node: Json): Truncated {
    const type = this._string(node, 'type');
    const size = node.size;
    const path = node.path;
    if (typeof size !== 'number' || size < 0) this._fail('a truncated node needs a size');
    if (!Array.isArray(path) || !path.every((s) => typeof s === 'string' || typeof s === 'number')) this._fail('a truncated node needs a path');
    const name = this._optional(node, 'class', 'string') as string | null;
    const v = node.v;
    let preview: unknown;
    if (v === undefined || typeof v === 'string') preview = v;
    else if (Array.isArray(v) && (type === 'map' || type === 'set')) preview = this._collection(node, type === 'map' ? new Map() : new Set());
    else if (Array.isArray(v)) preview = this._array(v);
    else preview = this._record({}, v);
    return new Truncated(type, size, path as Path, preview, name);
  }
}

/** A decoded class instance: a plain object whose own Symbol.toStringTag keeps the class name. */
export function instance(className: string, fields: object = {}): object {
  return Object.defineProperty(fields, Symbol.toStringTag, { value: className, configurable: true, writable: true });
}
