/**
 * Keys in IndexedDB's order, for every provider: numbers < dates < strings < binary < arrays;
 * numbers by value (-0 equals 0), dates by time, strings by UTF-16 code unit, binary bytewise,
 * arrays element by element, a shorter prefix first. The memory provider compares with
 * `compareKeys`; the SQLite provider stores `encodeKey`, whose bytes sort (memcmp, SQLite's
 * BLOB order) exactly as `compareKeys` does.
 */
import { DataError } from './errors.js';

/** A valid IndexedDB key. Binary keys come back as ArrayBuffer, as IndexedDB returns them. */
export type Key = number | string | Date | ArrayBuffer | ArrayBufferView | Key[];

/**
 * A range bound: a key, or a BigInt compared exactly with number keys. Numbers are doubles in
 * IndexedDB, so 2^53 + 1 cannot be a key, but it can bound a range of integer keys beyond 2^53
 * without rounding: `{ gt: 2n ** 53n + 1n }` includes 2^53 + 2 and excludes 2^53.
 */
export type KeyBound = Key | bigint;

const NUMBER = 1;
const DATE = 2;
const STRING = 3;
const BINARY = 4;
const ARRAY = 5;

function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function typeOf(key: Key): number {
  if (typeof key === 'number') return NUMBER;
  if (typeof key === 'string') return STRING;
  if (key instanceof Date) return DATE;
  return Array.isArray(key) ? ARRAY : BINARY;
}

/** The key a value stands for, normalized (binary → ArrayBuffer copy, Date copied), or undefined when it is none. */
export function asKey(value: unknown, seen: unknown[] = []): Key | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
  if (isBinary(value)) return bytesOf(value).slice().buffer;
  if (!Array.isArray(value) || seen.includes(value)) return undefined;
  seen.push(value);
  const out: Key[] = [];
  for (let index = 0; index < value.length; index++) {
    // A hole is not a key (IndexedDB: "if hop is false, return invalid").
    if (!Object.hasOwn(value, index)) return undefined;
    const item = asKey(value[index], seen);
    if (item === undefined) return undefined;
    out.push(item);
  }
  seen.pop();
  return out;
}

/** Like `asKey`, but a value that is not a key is a DataError naming what was wrong. */
export function toKey(value: unknown, what: string): Key {
  const key = asKey(value);
  if (key !== undefined) return key;
  const kind =
    typeof value === 'bigint'
      ? 'a BigInt (IndexedDB keys are numbers, dates, strings, binary or arrays; a BigInt can bound a range)'
      : typeof value === 'number'
        ? 'NaN'
        : value instanceof Date
          ? 'an invalid Date'
          : value === undefined
            ? 'missing'
            : Array.isArray(value)
              ? 'an array with a hole, a cycle or an element that is not a key'
              : `a ${value === null ? 'null' : typeof value}`;
  throw new DataError(`${what} is not a valid key: it is ${kind}.`);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    if (a[index] !== b[index]) return (a[index] as number) < (b[index] as number) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** -1, 0 or 1 in IndexedDB's key order (indexedDB.cmp). */
export function compareKeys(a: Key, b: Key): number {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === ARRAY) {
    const x = a as Key[];
    const y = b as Key[];
    const length = Math.min(x.length, y.length);
    for (let index = 0; index < length; index++) {
      const order = compareKeys(x[index] as Key, y[index] as Key);
      if (order !== 0) return order;
    }
    return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
  }
  if (ta === BINARY) return compareBytes(bytesOf(a as ArrayBuffer), bytesOf(b as ArrayBuffer));
  // Strings compare by UTF-16 code unit with `<`, which is what IndexedDB specifies.
  const x = ta === DATE ? (a as Date).getTime() : (a as number | string);
  const y = tb === DATE ? (b as Date).getTime() : (b as number | string);
  return x === y ? 0 : x < y ? -1 : 1;
}

// ---- BigInt bounds ----------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8));

/** The next double after `value` towards +Infinity (or -Infinity when `down`). */
function nextDouble(value: number, down: boolean): number {
  if (value === 0) return down ? -Number.MIN_VALUE : Number.MIN_VALUE;
  scratch.setFloat64(0, value);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, value > 0 === !down ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}

/**
 * A BigInt bound as a number bound that selects exactly the same number keys: a lower bound
 * becomes the smallest double ≥ it, an upper bound the largest double ≤ it; when that double
 * is not the BigInt itself, the bound includes it (no double lies between the two).
 */
export function numberBound(bound: bigint, side: 'lower' | 'upper', open: boolean): { value: number; open: boolean } {
  let value = Number(bound);
  if (Number.isFinite(value) && BigInt(value) === bound) return { value, open };
  if (side === 'lower' && (!Number.isFinite(value) ? value < 0 : BigInt(value) < bound)) value = nextDouble(value, false);
  if (side === 'upper' && (!Number.isFinite(value) ? value > 0 : BigInt(value) > bound)) value = nextDouble(value, true);
  return { value, open: false };
}

// ---- Sort keys --------------------------------------------------------------------------

/*
 * Byte layout: a type byte (0x10 number, 0x20 date, 0x30 string, 0x40 binary, 0x50 array),
 * then:
 *   number, date  8 bytes: IEEE-754 big-endian, sign bit flipped (all bits for negatives)
 *   string        each code unit u as 1–3 bytes whose first byte is never 0x00:
 *                 u < 0x7f → u+1; u < 0x407f → 0x80|(v>>8), v&0xff with v = u-0x7f;
 *                 else 0xc0, v>>8, v&0xff with v = u-0x407f; then 0x00
 *   binary        bytes with 0x00 written 0x00 0xff, then 0x00 0x00
 *   array         the elements' encodings, then 0x00 (every element starts ≥ 0x10)
 * Every encoding is self-delimiting, so a prefix sorts first and arrays compose.
 */
const TAG_NUMBER = 0x10;
const TAG_DATE = 0x20;
const TAG_STRING = 0x30;
const TAG_BINARY = 0x40;
const TAG_ARRAY = 0x50;

function pushDouble(out: number[], value: number): void {
  scratch.setFloat64(0, value === 0 ? 0 : value);
  const negative = (scratch.getUint8(0) & 0x80) !== 0;
  for (let index = 0; index < 8; index++) {
    const byte = scratch.getUint8(index);
    out.push(negative ? byte ^ 0xff : index === 0 ? byte ^ 0x80 : byte);
  }
}

function pushKey(out: number[], key: Key): void {
  if (typeof key === 'number') {
    out.push(TAG_NUMBER);
    pushDouble(out, key);
  } else if (key instanceof Date) {
    out.push(TAG_DATE);
    pushDouble(out, key.getTime());
  } else if (typeof key === 'string') {
    out.push(TAG_STRING);
    for (let index = 0; index < key.length; index++) {
      const unit = key.charCodeAt(index);
      if (unit < 0x7f) out.push(unit + 1);
      else if (unit < 0x407f) out.push(0x80 | ((unit - 0x7f) >> 8), (unit - 0x7f) & 0xff);
      else out.push(0xc0, (unit - 0x407f) >> 8, (unit - 0x407f) & 0xff);
    }
    out.push(0);
  } else if (Array.isArray(key)) {
    out.push(TAG_ARRAY);
    for (const item of key) pushKey(out, item);
    out.push(0);
  } else {
    out.push(TAG_BINARY);
    for (const byte of bytesOf(key)) {
      if (byte === 0) out.push(0, 0xff);
      else out.push(byte);
    }
    out.push(0, 0);
  }
}

/** The order-preserving bytes of a key: `compareBytes(encodeKey(a), encodeKey(b))` = `compareKeys(a, b)`. */
export function encodeKey(key: Key): Uint8Array {
  const out: number[] = [];
  pushKey(out, key);
  return Uint8Array.from(out);
}

function readDouble(bytes: Uint8Array, at: number): number {
  const negative = ((bytes[at] as number) & 0x80) === 0;
  for (let index = 0; index < 8; index++) {
    const byte = bytes[at + index] as number;
    scratch.setUint8(index, negative ? byte ^ 0xff : index === 0 ? byte ^ 0x80 : byte);
  }
  return scratch.getFloat64(0);
}

function readKey(bytes: Uint8Array, at: number): [Key, number] {
  const tag = bytes[at++];
  if (tag === TAG_NUMBER) return [readDouble(bytes, at), at + 8];
  if (tag === TAG_DATE) return [new Date(readDouble(bytes, at)), at + 8];
  if (tag === TAG_STRING) {
    const units: number[] = [];
    for (let first = bytes[at++] as number; first !== 0; first = bytes[at++] as number) {
      if (first < 0x80) units.push(first - 1);
      else if (first < 0xc0) units.push((((first & 0x3f) << 8) | (bytes[at++] as number)) + 0x7f);
      else units.push((((bytes[at++] as number) << 8) | (bytes[at++] as number)) + 0x407f);
    }
    let text = '';
    // In slices: String.fromCharCode(...units) overflows the stack on long strings.
    for (let index = 0; index < units.length; index += 4096) text += String.fromCharCode(...units.slice(index, index + 4096));
    return [text, at];
  }
  if (tag === TAG_BINARY) {
    const out: number[] = [];
    for (;;) {
      const byte = bytes[at++];
      if (byte !== 0) out.push(byte as number);
      else if (bytes[at++] === 0xff) out.push(0);
      else return [Uint8Array.from(out).buffer, at];
    }
  }
  if (tag === TAG_ARRAY) {
    const items: Key[] = [];
    while (bytes[at] !== 0) {
      const [item, next] = readKey(bytes, at);
      items.push(item);
      at = next;
    }
    return [items, at + 1];
  }
  throw new DataError(`Stored sort key is corrupt: unknown type byte ${String(tag)} at ${at - 1}.`);
}

/** The key back from `encodeKey`'s bytes. */
export function decodeKey(bytes: Uint8Array): Key {
  const [key, end] = readKey(bytes, 0);
  if (end !== bytes.length) throw new DataError(`Stored sort key is corrupt: ${bytes.length - end} bytes after the key.`);
  return key;
}

/** Bytewise order of two sort keys (what SQLite's BLOB comparison does). */
export { compareBytes };
