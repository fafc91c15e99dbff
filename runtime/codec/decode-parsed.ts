/**
 * The in-place pass of `deserialize`: the tree JSON.parse has just made belongs to nobody else,
 * so its plain objects and arrays are kept and only tagged nodes are replaced where they stand,
 * instead of copying every container as decode() must (its input may be the caller's).
 *
 * It is recursive and keeps no paths, so it is short and fast; it refuses (a CodecError without
 * a path) whatever it does not take: anything malformed, a value deeper than MAX_DEPTH, and the
 * nodes that are rare in stored data (errors, truncated nodes). deserialize then decodes a fresh
 * parse with decode(), which gives the value or the error in words with its path. So whatever
 * this pass returns is what decode() would have returned.
 */
import { Decoder, instance, NOT_LEAF, type Json } from './decode.js';
import { CodecError } from './error.js';
import { inheritsKeys } from './plain.js';
import { TAG } from './tags.js';

/** Levels of recursion; well inside any engine's stack. */
const MAX_DEPTH = 1000;

export function decodeParsed(parsed: unknown): unknown {
  // Both loops below read `$t` and keys through the prototype chain: a polluted
  // Object.prototype would show through, so such a page takes decode().
  if (TAG in Object.prototype || inheritsKeys()) throw new CodecError('Object.prototype has extra keys');
  return new InPlace().value(parsed, 0);
}

/**
 * decode() of a fresh parse of stored text, where the in-place pass gave up. Its numbers stand as
 * JSON.parse read them, as on the other paths: a literal past a double's range is Infinity (Stratum
 * tags Infinity, so such a literal was written by hand or by another tool, and reads as JSON does).
 */
export function decodeText(parsed: unknown): unknown {
  return new Text().run(parsed);
}

class Text extends Decoder {
  protected override _one(node: unknown): unknown {
    return typeof node === 'number' ? node : super._one(node);
  }
}

class InPlace extends Decoder {
  protected override _fail(message: string): never {
    throw new CodecError(message);
  }

  value(node: unknown, depth: number): unknown {
    // JSON.parse gives only JSON values; a literal past a double's range reads as Infinity, as on
    // the plain path and in decodeText.
    if (typeof node !== 'object' || node === null) return node;
    if (depth > MAX_DEPTH) this._fail('too deep for the in-place pass');
    if (Array.isArray(node)) return this._items(node, depth);
    const tag = (node as Json)[TAG];
    return tag === undefined ? this._fields(node as Json, depth) : this._tagNode(node as Json, tag, depth);
  }

  private _items(items: unknown[], depth: number): unknown[] {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'object' && item !== null) {
        if ((item as Json)[TAG] === 'hole' && !Array.isArray(item)) delete items[i];
        else {
          const decoded = this.value(item, depth + 1);
          if (decoded !== item) items[i] = decoded;
        }
      }
    }
    return items;
  }

  /** Decodes a record's values where they are; its keys, `$t` among them, are data. */
  private _fields(record: Json, depth: number): Json {
    for (const key in record) {
      const value = record[key];
      if (typeof value === 'object' && value !== null) {
        const decoded = this.value(value, depth + 1);
        // An own "__proto__" (JSON.parse makes one) is a data property: assigning sets it.
        if (decoded !== value) record[key] = decoded;
      }
    }
    return record;
  }

  private _tagNode(node: Json, tag: unknown, depth: number): unknown {
    switch (tag) {
      case 'object': {
        const v = this._recordIn(node.v);
        if (node.null !== true) return this._fields(this._define(node, v), depth);
        // A null-prototype object cannot be the parsed one: copy its fields into one.
        const out = this._define(node, Object.create(null) as Json);
        this._fields(v, depth);
        for (const key in v) out[key] = v[key];
        return out;
      }
      case 'array':
        if (!Array.isArray(node.v)) this._fail('an array node needs a list in v');
        return this._items(this._define(node, node.v), depth);
      case 'instance': {
        const name = this._string(node, 'class');
        return this._fields(this._define(node, instance(name, this._recordIn(node.v)) as Json), depth);
      }
      case 'map':
        return this._map(node, this._define(node, new Map()), depth);
      case 'set':
        return this._set(node, this._define(node, new Set()), depth);
      default: {
        const leaf = this._leaf(node, tag);
        // Errors, truncated nodes, holes outside arrays, unknown tags: decode() takes them.
        return leaf === NOT_LEAF ? this._fail(`${JSON.stringify(tag)} is left to decode()`) : leaf;
      }
    }
  }

  private _recordIn(v: unknown): Json {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : this._fail('expected an object of fields');
  }

  private _map(node: Json, map: Map<unknown, unknown>, depth: number): Map<unknown, unknown> {
    const entries = node.v;
    if (!Array.isArray(entries)) this._fail('a map node needs a list in v');
    for (let i = 0; i < entries.length; i++) {
      const entry: unknown = entries[i];
      if (!Array.isArray(entry) || entry.length !== 2) this._fail('a map entry is not a [key, value] pair');
      const [key, value] = entry as [unknown, unknown];
      // Strings and numbers (most keys) decode to themselves.
      const k = typeof key === 'string' || typeof key === 'number' ? key : this.value(key, depth + 2);
      map.set(k, this.value(value, depth + 2));
    }
    if (map.size !== entries.length) this._fail('a map with duplicate keys');
    return map;
  }

  private _set(node: Json, set: Set<unknown>, depth: number): Set<unknown> {
    const values = node.v;
    if (!Array.isArray(values)) this._fail('a set node needs a list in v');
    for (let i = 0; i < values.length; i++) {
      const value: unknown = values[i];
      set.add(typeof value === 'string' ? value : this.value(value, depth + 1));
    }
    if (set.size !== values.length) this._fail('a set with duplicate values');
    return set;
  }
}
