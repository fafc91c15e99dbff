/**
 * All-or-nothing Redis transactions by an undo log. A transaction holds its database's lock
 * (redis.ts) and writes straight to the server; before it first changes a row (or key
 * generator, or empties a table) it appends the old state to `#undo` in the same APPLY as the
 * change. Commit deletes the log and releases the lock in one Lua script, after checking the lock
 * is still its own; rollback replays the log backwards, popping each entry with its restore, so a
 * rollback cut short by a crash resumes where it stopped — the next process to take the lock
 * finds the log and finishes it first.
 */
import type { Redis } from 'ioredis';
import { DatabaseUnavailableError, describeError } from '../errors.js';
import { CodecError } from '../../codec/index.js';
import { loadValue } from './libsql-values.js';
import { Layout } from './redis-keys.js';
import { CACHE_TABLE, keepFor, type Expiry } from './redis-expiry.js';

/** A row's index entries as stored in its `x` field: index name → index keys' bytes (base64). */
export type Entries = Record<string, string[]>;

export type Undo =
  /**
   * A row as it was: text, blob bytes and index entries (null: there was no row); for a
   * `$cache` entry also its value key's expiry (server ms, -1 for none).
   */
  | { t: string; k: string; v: string | null; b: string | null; x: string | null; e?: number }
  /** Keys moved aside by clear or a drop: [key, backup] pairs to move back. */
  | { c: Array<[string, string]> }
  /** A table's key generator as it was. */
  | { n: string; o: string | null };

/** Runs a Redis call; the client's failure (connection lost, timeout) becomes an error in words. */
export async function guard<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const reason = describeError(error);
    const paused = /timed out/i.test(reason) ? ' (no answer in time: is the server paused or overloaded?)' : '';
    throw new DatabaseUnavailableError(`Redis failed during ${what}${paused}: ${reason}`, reason, { cause: error });
  }
}

function toBuffer(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, 'base64');
}

export function arrayBuffer(bytes: Buffer | null): ArrayBuffer | null {
  return bytes === null ? null : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/**
 * Applies a batch of writes atomically, only while the database's lock is still `token`'s: a
 * holder that stalled past its lock's expiry (another process took over and rolled it back)
 * can never write over the new holder. Plain Lua over `redis.call`, so Redis Cluster is out.
 */
const APPLY = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return redis.error_reply('STRATUM_LOCK_LOST') end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  if ARGV[i + 1] == 'renameif' then
    if redis.call('exists', ARGV[i + 2]) == 1 then redis.call('rename', ARGV[i + 2], ARGV[i + 3]) end
  elseif ARGV[i + 1] == 'expirein' then
    local now = redis.call('time')
    local at = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[i + 3])
    redis.call('pexpireat', ARGV[i + 2], at)
    redis.call('zadd', ARGV[i + 4], at, ARGV[i + 2])
  else
    redis.call(unpack(ARGV, i + 1, i + n))
  end
  i = i + n + 1
end
return 1`;

export type Arg = string | Buffer | number;

/** Commands to run together under the lock (APPLY). */
export class Batch {
  readonly args: Arg[] = [];
  private _add(...parts: Arg[]): this {
    this.args.push(parts.length, ...parts);
    return this;
  }
  /** Any other command, as its parts. */
  command(...parts: Arg[]): this {
    return this._add(...parts);
  }
  /** Expires `key` `ms` after the server's now, and scores it so in the `expiry` set. */
  expirein(key: string, ms: number, expiry: string): this {
    return this._add('expirein', key, ms, expiry);
  }
  hset(key: string, field: Arg, value: Arg): this {
    return this._add('hset', key, field, value);
  }
  hdel(key: string, field: Arg): this {
    return this._add('hdel', key, field);
  }
  zadd(key: string, score: number | string, member: Arg): this {
    return this._add('zadd', key, score, member);
  }
  zrem(key: string, member: Arg): this {
    return this._add('zrem', key, member);
  }
  rpush(key: string, value: Arg): this {
    return this._add('rpush', key, value);
  }
  rpop(key: string): this {
    return this._add('rpop', key);
  }
  del(key: string): this {
    return this._add('del', key);
  }
  /** RENAME when the source exists (a cleared table may have no key yet). */
  renameif(key: string, to: string): this {
    return this._add('renameif', key, to);
  }
}

export async function apply(redis: Redis, layout: Layout, token: string, batch: Batch): Promise<void> {
  if (batch.args.length === 0) return;
  try {
    await redis.eval(APPLY, 1, layout.lock, token, ...batch.args);
  } catch (error) {
    if (error instanceof Error && /STRATUM_LOCK_LOST/.test(error.message)) {
      throw new DatabaseUnavailableError(
        `Redis: this transaction's lock on the database expired (the process stalled or lost the server longer than lockTtl); another process rolled it back, and nothing more of it was written.`,
        'lock lost',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Replays and empties a database's undo log (a rollback, or recovery after a crashed holder). */
export async function rollback(redis: Redis, layout: Layout, token: string): Promise<void> {
  for (;;) {
    const raw = await redis.lindex(layout.undo, -1);
    if (raw === null) return;
    const entry = JSON.parse(raw) as Undo;
    const multi = new Batch();
    if ('c' in entry) {
      for (const [key, backup] of entry.c) {
        multi.del(key);
        multi.renameif(backup, key);
      }
    } else if ('n' in entry) {
      if (entry.o === null) multi.hdel(layout.next, entry.n);
      else multi.hset(layout.next, entry.n, entry.o);
    } else {
      const k = Buffer.from(entry.k, 'base64');
      const now = await redis.hget(layout.entries(entry.t), k);
      for (const [index, keys] of Object.entries(JSON.parse(now ?? '{}') as Entries)) {
        for (const ik of keys) multi.zrem(layout.index(entry.t, index), Buffer.concat([Buffer.from(ik, 'base64'), k]));
      }
      const cache = entry.t === CACHE_TABLE;
      if (cache) multi.del(layout.value(entry.t, k)).zrem(layout.expiry(entry.t), layout.value(entry.t, k));
      if (entry.v === null) {
        if (!cache) multi.hdel(layout.rows(entry.t), k).hdel(layout.bytes(entry.t), k);
        multi.hdel(layout.entries(entry.t), k).zrem(layout.order(entry.t), k);
      } else {
        multi.zadd(layout.order(entry.t), 0, k);
        if (cache) {
          // Back with the expiry it had: an entry whose time passed meanwhile goes at once, a ghost the next read clears.
          const value = layout.value(entry.t, k);
          multi.hset(value, 'v', entry.v);
          if (entry.b !== null) multi.hset(value, 'b', toBuffer(entry.b) as Buffer);
          if (entry.e !== undefined && entry.e >= 0) multi.command('pexpireat', value, entry.e).zadd(layout.expiry(entry.t), entry.e, value);
        } else {
          multi.hset(layout.rows(entry.t), k, entry.v);
          if (entry.b === null) multi.hdel(layout.bytes(entry.t), k);
          else multi.hset(layout.bytes(entry.t), k, toBuffer(entry.b) as Buffer);
        }
        if (entry.x === null) multi.hdel(layout.entries(entry.t), k);
        else {
          multi.hset(layout.entries(entry.t), k, entry.x);
          for (const [index, keys] of Object.entries(JSON.parse(entry.x) as Entries)) {
            for (const ik of keys) multi.zadd(layout.index(entry.t, index), 0, Buffer.concat([Buffer.from(ik, 'base64'), k]));
          }
        }
      }
    }
    multi.rpop(layout.undo);
    await apply(redis, layout, token, multi);
  }
}

/**
 * Moves `$cache` entries written before value keys existed (in the rows and bytes hashes) into
 * value keys with their TTL, 200 at a time, each batch atomic and under the lock: one cut short
 * leaves every entry in one place or the other, and the next open moves the rest.
 */
export async function adoptCache(redis: Redis, layout: Layout, token: string, expiry: Expiry): Promise<void> {
  const rows = layout.rows(CACHE_TABLE);
  let cursor = '0';
  do {
    const [next, fields] = await redis.hscanBuffer(rows, cursor, 'COUNT', 200);
    cursor = next.toString();
    const multi = new Batch();
    for (let at = 0; at < fields.length; at += 2) {
      const k = fields[at] as Buffer;
      const text = (fields[at + 1] as Buffer).toString();
      const bytes = await redis.hgetBuffer(layout.bytes(CACHE_TABLE), k);
      const own = layout.value(CACHE_TABLE, k);
      multi.del(own).hset(own, 'v', text);
      if (bytes !== null) multi.hset(own, 'b', bytes);
      const expires = adoptedExpiry(text, bytes);
      if (typeof expires === 'number' && Number.isFinite(expires)) multi.expirein(own, keepFor(expiry, expires), layout.expiry(CACHE_TABLE));
      multi.hdel(rows, k).hdel(layout.bytes(CACHE_TABLE), k);
    }
    await apply(redis, layout, token, multi);
  } while (cursor !== '0');
}

/**
 * The `expires` of an old-layout entry, or undefined for one this runtime cannot read (damaged,
 * or from a newer codec): that one moves without a TTL, as it is, and its reads fail in words
 * as before; refusing it here would refuse the whole database at every open.
 */
function adoptedExpiry(text: string, bytes: Buffer | null): unknown {
  try {
    return (loadValue(text, arrayBuffer(bytes)) as { expires?: unknown } | null)?.expires;
  } catch (error) {
    if (error instanceof CodecError) return undefined;
    throw error;
  }
}
