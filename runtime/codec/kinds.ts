/**
 * Objects the codec writes as one node without children, beyond the structured-clone basics:
 * boxed primitives, URL and URLSearchParams (devalue round-trips them too). And what storage
 * refuses (strict encoding) because it would read back as something else: symbol-keyed
 * properties, SharedArrayBuffer, a boxed Symbol.
 */
import { CodecError, formatPath } from './error.js';
import { numberNode } from './leaves.js';
import { isFinalJson } from './tags.js';
import type { Encoded, Path } from './types.js';

type Node = { [key: string]: Encoded };

export const BOXED_TYPES = ['Number', 'String', 'Boolean', 'BigInt'] as const;

/**
 * The node of a boxed primitive, URL or URLSearchParams; undefined for anything else. `foreign`
 * (from foreignKind) names one made in another realm, whose own methods read it as well.
 */
export function leafObjectNode(value: object, foreign?: string): Node | undefined {
  if (value instanceof Number || foreign === 'Number') {
    const n = value.valueOf() as number;
    return { $t: 'boxed', type: 'Number', v: isFinalJson(n, Infinity) ? n : numberNode(n) };
  }
  if (value instanceof String || foreign === 'String') return { $t: 'boxed', type: 'String', v: value.valueOf() as string };
  if (value instanceof Boolean || foreign === 'Boolean') return { $t: 'boxed', type: 'Boolean', v: value.valueOf() as boolean };
  if ((typeof BigInt === 'function' && value instanceof BigInt) || foreign === 'BigInt') return { $t: 'boxed', type: 'BigInt', v: String(value.valueOf()) };
  if ((typeof URL === 'function' && value instanceof URL) || foreign === 'URL') return { $t: 'url', v: (value as URL).href };
  if ((typeof URLSearchParams === 'function' && value instanceof URLSearchParams) || foreign === 'URLSearchParams') return { $t: 'urlsearchparams', v: value.toString() };
  return undefined;
}

const builtinTag = Object.prototype.toString;
/** A prototype's getter; undefined where the class has none there (happy-dom's URL keeps `href` on the instance). */
const getter = (proto: object | undefined, key: string): ((this: object) => unknown) | undefined => proto && Object.getOwnPropertyDescriptor(proto, key)?.get;
/** Per builtin tag, a method of this realm that throws for an object without the internal slot (null: the tag comes from the slot). */
const BRANDS: Record<string, ((this: object) => unknown) | null | undefined> = {
  Object: null,
  Error: null,
  SharedArrayBuffer: null,
  Date: Date.prototype.getTime,
  RegExp: getter(RegExp.prototype, 'flags'),
  Map: getter(Map.prototype, 'size'),
  Set: getter(Set.prototype, 'size'),
  ArrayBuffer: getter(ArrayBuffer.prototype, 'byteLength'),
  // Boxed primitives: valueOf checks the slot ([[NumberData]], …).
  Number: Number.prototype.valueOf,
  String: String.prototype.valueOf,
  Boolean: Boolean.prototype.valueOf,
  BigInt: BigInt.prototype.valueOf,
  Symbol: Symbol.prototype.valueOf,
  // Web IDL getters check that an object implements the interface, whatever realm made it (an
  // iframe's URL passes this realm's); Node's check their private fields. A class without the
  // getter here (undefined) leaves that kind untold, as before.
  URL: getter(typeof URL === 'function' ? URL.prototype : undefined, 'href'),
  URLSearchParams: typeof URLSearchParams === 'function' ? URLSearchParams.prototype.toString : undefined,
  Blob: getter(typeof Blob === 'function' ? Blob.prototype : undefined, 'size'),
  File: getter(typeof File === 'function' ? File.prototype : undefined, 'name'),
};

/**
 * What an object made in another realm (an iframe, a vm context) is, where instanceof sees none
 * of this realm's classes: 'Object' (plain data), 'Date', 'RegExp', 'Map', 'Set', 'ArrayBuffer',
 * 'SharedArrayBuffer', 'Error', a boxed primitive's 'Number', 'String', 'Boolean', 'BigInt' or
 * 'Symbol', 'URL', 'URLSearchParams', 'Blob', 'File', or undefined. A Symbol.toStringTag that
 * claims a name is checked against the internal slot.
 */
export function foreignKind(value: object): string | undefined {
  const tag = builtinTag.call(value).slice(8, -1);
  const brand = Object.hasOwn(BRANDS, tag) ? BRANDS[tag] : undefined;
  if (brand === undefined) return undefined;
  if (tag === 'Object') {
    // Plain data: its prototype is that realm's Object.prototype, the last before null.
    const proto = Object.getPrototypeOf(value) as object | null;
    return proto !== null && Object.getPrototypeOf(proto) === null ? tag : undefined;
  }
  try {
    brand?.call(value);
    return tag;
  } catch {
    // The getter's brand check threw: a look-alike whose Symbol.toStringTag claims the name.
    return undefined;
  }
}

/** Refuses, for storage, what could not be read back the same (`foreign`: from foreignKind). */
export function refuseForStorage(value: object, path: Path, foreign?: string): void {
  if (foreign === 'SharedArrayBuffer' || typeof SharedArrayBuffer === 'function') {
    const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
    if (foreign === 'SharedArrayBuffer' || buffer instanceof SharedArrayBuffer) {
      throw new CodecError(
        `cannot store ${formatPath(path)}: a SharedArrayBuffer is memory shared with other threads, not a value; store a copy (new Uint8Array(shared).slice())`,
      );
    }
  }
  if (value instanceof Symbol || foreign === 'Symbol') throw new CodecError(`cannot store ${formatPath(path)}: a boxed Symbol has no stored form`);
}

/**
 * Refuses own enumerable symbol-keyed properties: JSON and structured clone both drop them, so
 * the value would read back without them. `except` is the key a decoded instance keeps its class in.
 */
export function refuseSymbolKeys(value: object, path: Path, except?: symbol): void {
  for (const key of Object.getOwnPropertySymbols(value)) {
    if (key === except || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
    throw new CodecError(`cannot store ${formatPath(path)}: its symbol-keyed property ${String(key)} has no stored form (use a string key)`);
  }
}
