/**
 * Where a Redis database's parts live, and key ranges as ZRANGEBYLEX bounds. Rows of a table
 * are a hash (key bytes → the codec's text) beside a sorted set of the key bytes, all scored 0:
 * Redis then orders members by memcmp, which for sort-key.ts bytes is IndexedDB's key order.
 * An index is a sorted set of index-key bytes followed by primary-key bytes.
 */
import type { Key } from '../keys.js';
import type { KeyRange } from '../provider.js';
import { encodeKey } from '../sort-key.js';

/** `%`, `/` and `#` escaped, so no two names make the same Redis key. */
function part(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F').replace(/#/g, '%23');
}

export class Layout {
  readonly prefix: string;
  readonly base: string;

  constructor(prefix: string, db: string) {
    this.prefix = prefix;
    this.base = `${prefix}${part(db)}`;
  }

  /** Every database's version and tables: one hash per prefix. */
  static meta(prefix: string): string {
    return `${prefix}#databases`;
  }

  get lock(): string {
    return `${this.base}#lock`;
  }
  get undo(): string {
    return `${this.base}#undo`;
  }
  get next(): string {
    return `${this.base}#next`;
  }
  rows(table: string): string {
    return `${this.base}/r/${part(table)}`;
  }
  bytes(table: string): string {
    return `${this.base}/b/${part(table)}`;
  }
  /** Per row, its index entries (to remove them when the row changes). */
  entries(table: string): string {
    return `${this.base}/x/${part(table)}`;
  }
  order(table: string): string {
    return `${this.base}/z/${part(table)}`;
  }
  /** A `$cache` entry's value and blob bytes: a key of its own, so Redis can expire it (redis-expiry.ts). */
  value(table: string, k: Buffer): string {
    return `${this.base}/v/${part(table)}/${k.toString('base64url')}`;
  }
  /** The key bytes of a `value()` key. */
  static valueKey(value: string): Buffer {
    return Buffer.from(value.slice(value.lastIndexOf('/') + 1), 'base64url');
  }
  /** Value keys with a TTL, scored by when the server drops them. */
  expiry(table: string): string {
    return `${this.base}/t/${part(table)}`;
  }
  index(table: string, index: string): string {
    return `${this.base}/i/${part(table)}/${part(index)}`;
  }
  /** Where a cleared or dropped key waits until commit (or goes back on rollback). */
  backup(tx: string, n: number): string {
    return `${this.base}#bak/${tx}/${n}`;
  }
  /** Every key of a table (its indexes named). */
  tableKeys(table: string, indexes: readonly string[]): string[] {
    return [this.rows(table), this.bytes(table), this.entries(table), this.order(table), this.expiry(table), ...indexes.map((index) => this.index(table, index))];
  }
}

export function keyBuffer(key: Key): Buffer {
  const bytes = encodeKey(key);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const OPEN = Buffer.from('(');
const CLOSED = Buffer.from('[');
const HIGH = Buffer.from([0xff]);

/** Lex bounds of a primary-key range over the key bytes. */
export function keyBounds(range: KeyRange | undefined): [Buffer | string, Buffer | string] {
  const min = range?.lower === undefined ? '-' : Buffer.concat([range.lowerOpen ? OPEN : CLOSED, keyBuffer(range.lower)]);
  const max = range?.upper === undefined ? '+' : Buffer.concat([range.upperOpen ? OPEN : CLOSED, keyBuffer(range.upper)]);
  return [min, max];
}

/**
 * Lex bounds of an index-key range over `ik ‖ pk` members. A primary key's bytes start at most
 * at 0x50, so every member with index key `ik` lies between `ik` and `ik ‖ 0xff`.
 */
export function indexBounds(range: KeyRange | undefined): [Buffer | string, Buffer | string] {
  const min = range?.lower === undefined ? '-' : range.lowerOpen ? Buffer.concat([CLOSED, keyBuffer(range.lower), HIGH]) : Buffer.concat([CLOSED, keyBuffer(range.lower)]);
  const max = range?.upper === undefined ? '+' : range.upperOpen ? Buffer.concat([OPEN, keyBuffer(range.upper)]) : Buffer.concat([OPEN, keyBuffer(range.upper), HIGH]);
  return [min, max];
}

/** Where the first encoded key in `bytes` ends (sort-key.ts's layout: every encoding delimits itself). */
export function keyEnd(bytes: Uint8Array, at = 0): number {
  const tag = bytes[at++];
  if (tag === 0x10 || tag === 0x20) return at + 8;
  if (tag === 0x30) {
    for (let first = bytes[at++] as number; first !== 0; first = bytes[at++] as number) {
      if (first >= 0xc0) at += 2;
      else if (first >= 0x80) at += 1;
    }
    return at;
  }
  if (tag === 0x40) {
    for (;;) {
      if (bytes[at++] !== 0) continue;
      if (bytes[at++] !== 0xff) return at;
    }
  }
  if (tag === 0x50) {
    while (bytes[at] !== 0) at = keyEnd(bytes, at);
    return at + 1;
  }
  throw new RangeError(`Stored index entry is corrupt: unknown type byte ${String(tag)} at ${at - 1}.`);
}
