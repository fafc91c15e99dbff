/**
 * Keys in IndexedDB's order, for every provider: numbers < dates < strings < binary < arrays;
 * numbers by value (-0 equals 0), dates by time, strings by UTF-16 code unit, binary bytewise,
 * arrays element by element, a shorter prefix first. The memory provider compares with
 * `compareKeys`; the SQLite provider stores sort-key.ts's bytes, which sort the same way.
 */
import { foreignKind } from '../codec/realm.js';
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

export function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** The key's type; what is no key at all (null, NaN, an object…) is a DataError, as in indexedDB.cmp. */
function typeOf(key: Key): number {
  if (typeof key === 'number') {
    if (key !== key) throw new DataError('compareKeys: NaN is not a valid key.');
    return NUMBER;
  }
  if (typeof key === 'string') return STRING;
  if (key instanceof Date) {
    if (Number.isNaN(key.getTime())) throw new DataError('compareKeys: an invalid Date is not a valid key.');
    return DATE;
  }
  if (Array.isArray(key)) return ARRAY;
  if (isBinary(key)) return BINARY;
  throw new DataError(`compareKeys: ${key === null ? 'null' : typeof key === 'object' ? 'an object' : typeof key} is not a valid key.`);
}

/**
 * A Proxy passes Array.isArray but is no Array exotic object, so IndexedDB refuses it as a key.
 * Script cannot ask whether an object is a Proxy; structured clone refuses one (DataCloneError),
 * and keys are small, so one clone per array key answers it.
 */
function holdsProxy(value: unknown[]): boolean {
  if (typeof structuredClone !== 'function') return false;
  try {
    structuredClone(value);
    return false;
  } catch (error) {
    // Only a Proxy (or something that is no key anyway, refused below) fails to clone.
    return error instanceof Error && error.name === 'DataCloneError';
  }
}

/** The key a value stands for, normalized (binary → ArrayBuffer copy, Date copied), or undefined when it is none. */
export function asKey(value: unknown, seen: unknown[] = []): Key | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string') return value;
  // Another realm's (an iframe's) Date or ArrayBuffer is a key in IndexedDB too: told by its internal
  // slot, read through this realm's methods, and copied into this realm's like ours.
  const kind = typeof value === 'object' && value !== null && !(value instanceof Object) ? foreignKind(value) : undefined;
  if (value instanceof Date || kind === 'Date') {
    const time = Date.prototype.getTime.call(value as Date);
    return Number.isNaN(time) ? undefined : new Date(time);
  }
  if (kind === 'ArrayBuffer') return new Uint8Array(value as ArrayBuffer).slice().buffer;
  if (isBinary(value)) return bytesOf(value).slice().buffer;
  if (!Array.isArray(value) || seen.includes(value)) return undefined;
  if (seen.length === 0 && holdsProxy(value)) return undefined;
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
              ? 'an array with a hole, a cycle, a Proxy or an element that is not a key'
              : `a ${value === null ? 'null' : typeof value}`;
  throw new DataError(`${what} is not a valid key: it is ${kind}.`);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    if (a[index] !== b[index]) return (a[index] as number) < (b[index] as number) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** -1, 0 or 1 in IndexedDB's key order (indexedDB.cmp); a DataError when either is no key. */
export function compareKeys(a: Key, b: Key): number {
  const ta = typeOf(a);
  const tb = typeOf(b);
  // Arrays are checked whole, as indexedDB.cmp does: an early difference must not hide a NaN.
  if (ta === ARRAY) checkElements(a as Key[], []);
  if (tb === ARRAY) checkElements(b as Key[], []);
  return compareTyped(a, b, ta, tb);
}

function checkElements(items: Key[], seen: Key[][]): void {
  if (seen.includes(items)) throw new DataError('compareKeys: a cyclic array is not a valid key.');
  seen.push(items);
  for (let index = 0; index < items.length; index++) {
    if (!Object.hasOwn(items, index)) throw new DataError('compareKeys: an array with a hole is not a valid key.');
    if (typeOf(items[index] as Key) === ARRAY) checkElements(items[index] as Key[], seen);
  }
  seen.pop();
}

function compareTyped(a: Key, b: Key, ta: number, tb: number): number {
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === ARRAY) {
    const x = a as Key[];
    const y = b as Key[];
    const length = Math.min(x.length, y.length);
    for (let index = 0; index < length; index++) {
      const p = x[index] as Key;
      const q = y[index] as Key;
      const order = compareTyped(p, q, typeOf(p), typeOf(q));
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
