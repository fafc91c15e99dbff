/**
 * Objects the codec writes as one node without children, beyond the structured-clone basics:
 * boxed primitives, URL and URLSearchParams (devalue round-trips them too). And what storage
 * refuses (strict encoding) because it would read back as something else: symbol-keyed
 * properties, SharedArrayBuffer, a resizable ArrayBuffer, a boxed Symbol.
 */
import { CodecError, formatPath } from './error.js';
import { numberNode } from './leaves.js';
import { isFinalJson } from './tags.js';
import type { Encoded, Path } from './types.js';

export { foreignKind } from './realm.js';

type Node = { [key: string]: Encoded };

export const BOXED_TYPES = ['Number', 'String', 'Boolean', 'BigInt'] as const;

/**
 * The node of a boxed primitive, URL or URLSearchParams; undefined for anything else. `foreign`
 * (from foreignKind, realm.ts) names one made in another realm, whose own methods read it as well.
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

/** Refuses, for storage, what could not be read back the same (`foreign`: from foreignKind). */
export function refuseForStorage(value: object, path: Path, foreign?: string): void {
  const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
  // The text keeps the bytes, not maxByteLength; and no API tells a view that tracks its buffer's
  // length from one that ends where the buffer does, so a tag could not rebuild views faithfully.
  if ((buffer as { resizable?: boolean }).resizable) throw new CodecError(`cannot store ${formatPath(path)}: a resizable ArrayBuffer reads back fixed-size; store a copy (buffer.slice())`);
  if (foreign === 'SharedArrayBuffer' || typeof SharedArrayBuffer === 'function') {
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
