/**
 * Keys as bytes that sort (memcmp, SQLite's BLOB order) exactly as `compareKeys` orders the
 * keys: what the SQLite provider stores. Only that provider imports this file.
 */
import { DataError } from './errors.js';
import { bytesOf, type Key } from './keys.js';

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
const scratch = new DataView(new ArrayBuffer(8));
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

