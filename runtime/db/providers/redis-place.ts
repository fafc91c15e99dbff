/**
 * One Redis server (URL or client) and key prefix as this process uses it: the client, a
 * subscriber for change events, per-database locks, and the connections open on it.
 *
 * The database lock is `SET <db>#lock <token> NX PX <ttl>`, renewed while held, taken by every
 * transaction (readonly ones too: writes go straight to the server, so a reader without it
 * could see half a transaction). Inside one process a plain queue per database goes first, so
 * only one transaction per process polls the server for it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { DatabaseUnavailableError, describeError } from '../errors.js';
import type { Connection } from '../provider.js';
import { FeedHub } from './feed.js';
import { Layout } from './redis-keys.js';
import { guard, rollback } from './redis-undo.js';
import { Lock } from './tasks.js';

export interface RedisProviderOptions {
  /** Prepended to every Redis key and channel (default `stratum:`), so apps and test runs can share a server. */
  prefix?: string;
  /** How long a lock outlives a holder that stopped renewing it (a crashed process), in ms (default 15,000). */
  lockTtl?: number;
  /** How long one command may wait for an answer before it fails in words (a paused server), in ms (default 10,000). */
  commandTimeout?: number;
  /**
   * How long after a `$cache` entry expires (by the app's clock) Redis drops it by itself, in ms
   * (default 60,000). Only the remaining duration reaches Redis, so clocks offset from the
   * server's lose nothing; the grace covers clocks that run slower (or an injected one).
   */
  expiryGrace?: number;
}

export const places = new Map<string, RedisPlace>();
const clients = new WeakMap<Redis, string>();
let clientIds = 0;

export function placeKey(target: { url?: string; client?: Redis }, prefix: string): string {
  let where = target.url ?? '';
  if (target.client) {
    where = clients.get(target.client) ?? `client#${++clientIds}`;
    clients.set(target.client, where);
  }
  return `${where}|${prefix}`;
}

/**
 * Releases the lock only while it is still this holder's, and applies the commit with it. It
 * leaves a marker (KEYS[4], a minute) so that running it again after a lost answer tells
 * "committed" from "rolled back by another process": the commit's outcome is never a guess.
 */
const COMMIT = `
if redis.call('exists', KEYS[4]) == 1 then return 1 end
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' then redis.call('hset', KEYS[3], ARGV[2], ARGV[3]) end
for i = 5, #KEYS do redis.call('unlink', KEYS[i]) end
redis.call('del', KEYS[2])
redis.call('del', KEYS[1])
if ARGV[5] == '1' then redis.call('set', KEYS[4], '1', 'PX', 60000) end
redis.call('publish', ARGV[4], ARGV[2])
return 1`;

/** How long a commit whose answer was lost keeps asking for its outcome (the server restarting). */
const OUTCOME_WAIT = 15_000;

/**
 * Takes the lock in turn: waiters queue in a sorted set by arrival (server time), and only the
 * first may take a free lock. Without the queue the releasing process, whose next transaction
 * asks first, took it again and again while another process waited for seconds. Each attempt
 * refreshes the waiter's heartbeat key (ARGV[3] ms); a waiter whose heartbeat lapsed (it exited
 * or crashed while waiting) is dropped from the head. KEYS: lock, queue; ARGV: token, ttl, beat.
 */
const ACQUIRE = `
local now = redis.call('time')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('set', KEYS[2] .. '#' .. ARGV[1], '1', 'PX', ARGV[3])
redis.call('zadd', KEYS[2], 'NX', ms, ARGV[1])
local first
while true do
  first = redis.call('zrange', KEYS[2], 0, 0)[1]
  if not first or redis.call('exists', KEYS[2] .. '#' .. first) == 1 then break end
  redis.call('zrem', KEYS[2], first)
end
if redis.call('exists', KEYS[1]) == 1 or first ~= ARGV[1] then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('zrem', KEYS[2], ARGV[1])
redis.call('del', KEYS[2] .. '#' .. ARGV[1])
return 1`;

/** How long a waiter keeps its place in the queue without asking again (it asks every ≤ 100 ms). */
const HEARTBEAT = 2000;

const TAKE_OVER = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/**
 * Overlapping prefixes name the same keys (prefix 'app:' with database 'xy' and prefix 'app:x'
 * with database 'y' are both 'app:xy…'), so each base keeps its owner, [prefix, db], and each
 * prefix claims its own name (a database 'x' under 'app:' would otherwise delete the list of
 * prefix 'app:x'). Both or neither: KEYS are the owner keys, ARGV their owners; returns the
 * other owner, if any. Keys stored before owners were kept get theirs here.
 */
const CLAIM = `for i, k in ipairs(KEYS) do local o = redis.call('get', k) if o and o ~= ARGV[i] then return o end end
for i, k in ipairs(KEYS) do redis.call('set', k, ARGV[i]) end`;

export interface Held {
  token: string;
  /** The database's stored meta (version and tables) as JSON, read under the lock. */
  meta: string | null;
  /** Commits (with new meta, for an upgrade) and releases; false when the lock was lost meanwhile. */
  commit(backups: string[], meta?: string): Promise<boolean>;
  /** Rolls back whatever the log holds and releases. */
  abort(): Promise<void>;
}

export class RedisPlace {
  readonly prefix: string;
  readonly redis: Redis;
  readonly hub: FeedHub;
  readonly connections = new Set<Connection>();
  users = 0;
  private _key: string;
  private _owned: boolean;
  private _subscriber: Redis;
  private _ttl: number;
  private _queues = new Map<string, Lock>();
  /** Per database, this process's transactions that may write, waiting for its lock or holding it. */
  private _holding = new Map<string, number>();

  /** Whether a transaction of this process that may write is waiting for `db`'s lock or holds it. */
  holding(db: string): boolean {
    return this._holding.has(db);
  }
  /** Tokens of locks this process failed to release (the server went away): it may take them over. */
  private _stale = new Set<string>();
  /** Waiting for a database's lock: woken by the holder's release (published by COMMIT), else polling. */
  private _waiting = new Map<string, Set<() => void>>();
  private _free: string;

  constructor(key: string, target: { url?: string; client?: Redis }, options: RedisProviderOptions) {
    this._key = key;
    this.prefix = options.prefix ?? 'stratum:';
    this._ttl = options.lockTtl ?? 15_000;
    this._owned = !target.client;
    const settings: RedisOptions = {
      commandTimeout: options.commandTimeout ?? 10_000,
      // A command in flight when the connection drops fails (in words, via guard) instead of
      // being sent again after the reconnect: resending a write could apply it twice.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    };
    this.redis = target.client ?? new Redis(target.url as string, settings);
    this._subscriber = this.redis.duplicate({ ...settings, commandTimeout: undefined });
    this.redis.on('error', (error) => this.failed(error));
    this._subscriber.on('error', (error) => this.failed(error));
    const channel = `${this.prefix}#events`;
    this._free = `${this.prefix}#free`;
    this._subscriber.on('message', (from: string, payload: string) => {
      if (from === channel) this.hub.receive(payload);
      else if (from === this._free) for (const wake of this._waiting.get(payload) ?? []) wake();
    });
    this._subscriber.subscribe(channel, this._free).catch((error: unknown) => this.failed(error));
    this.hub = new FeedHub(
      async (payload) => {
        await this.redis.publish(channel, payload);
      },
      (error) => this.failed(error),
    );
  }

  layout(db: string): Layout {
    return new Layout(this.prefix, db);
  }

  /** Refuses, in words, a database whose keys another prefix and database own; claims them otherwise. */
  async claim(db: string): Promise<void> {
    const owner = (await guard(`checking the owner of '${db}'`, () =>
      this.redis.eval(CLAIM, 2, `${this.layout(db).base}#owner`, `${this.prefix}#owner`, JSON.stringify([this.prefix, db]), JSON.stringify([this.prefix, null])),
    )) as string | null;
    if (owner === null) return;
    const [prefix, other] = JSON.parse(owner) as [string, string | null];
    throw new DatabaseUnavailableError(
      `Redis: prefix '${this.prefix}' with database '${db}' would share keys with prefix '${prefix}'${other === null ? '' : ` with database '${other}'`}; give one of them another prefix.`,
      'keys taken',
    );
  }

  /** Takes a database's lock (after this process's earlier transactions on it), recovering a crashed holder's work first. */
  /** `write`: a transaction that may write, which lone reads issued after it must wait for (`holding`). */
  async hold(db: string, write = true): Promise<Held> {
    // Counted before the first await: a lone read issued after this call sees a writer coming.
    if (write) this._holding.set(db, (this._holding.get(db) ?? 0) + 1);
    let counted = write;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      const left = this._holding.get(db)! - 1;
      if (left === 0) this._holding.delete(db);
      else this._holding.set(db, left);
    };
    let queue = this._queues.get(db);
    if (!queue) this._queues.set(db, (queue = new Lock()));
    let leave: () => void;
    try {
      leave = await queue.acquire();
    } catch (error) {
      uncount();
      throw error;
    }
    const layout = this.layout(db);
    const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    let meta: string | null = null;
    try {
      // Polling is the fallback (a lost wake-up, a holder that crashed): 1 ms doubling to 100 ms.
      for (let wait = 1; ; wait = Math.min(wait * 2, 100)) {
        // Listening before asking: a release published between the answer and the wait still wakes us.
        const ticket = this._ticket(db);
        const got = await guard(`taking the lock of '${db}'`, () =>
          this.redis.multi().eval(ACQUIRE, 2, layout.lock, `${layout.lock}:queue`, token, this._ttl, HEARTBEAT).hget(Layout.meta(this.prefix), db).llen(layout.undo).get(layout.lock).exec(),
        ).catch((error: unknown) => {
          ticket.cancel();
          throw error;
        });
        if (got?.[0]?.[1] === 1) {
          ticket.cancel();
          meta = (got[1]?.[1] as string | null) ?? null;
          if ((got[2]?.[1] as number) > 0) await guard(`finishing a crashed transaction's rollback on '${db}'`, () => rollback(this.redis, layout, token));
          break;
        }
        const holder = (got?.[3]?.[1] as string | null) ?? null;
        if (holder !== null && this._stale.has(holder)) {
          ticket.cancel();
          // This process's own lock from a transaction cut off by a lost connection: taken over
          // (only if still that token's), then treated as freshly taken.
          const taken = await guard(`taking the lock of '${db}'`, () =>
            this.redis.multi().eval(TAKE_OVER, 1, layout.lock, holder, token, this._ttl).hget(Layout.meta(this.prefix), db).llen(layout.undo).exec(),
          );
          this._stale.delete(holder);
          if (taken?.[0]?.[1] === 1) {
            meta = (taken[1]?.[1] as string | null) ?? null;
            if ((taken[2]?.[1] as number) > 0) await guard(`finishing a cut-off transaction's rollback on '${db}'`, () => rollback(this.redis, layout, token));
            break;
          }
          continue;
        }
        await ticket.wait(wait * (0.5 + Math.random()));
      }
    } catch (error) {
      // The SET may have reached the server without its answer reaching us (a timeout, a paused
      // server): should the lock turn out to be this token's, this process takes it over.
      this._stale.add(token);
      this.redis.zrem(`${layout.lock}:queue`, token).catch((lost: unknown) => this.failed(lost));
      leave();
      uncount();
      throw error;
    }
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, layout.lock, token, this._ttl).catch((error: unknown) => this.failed(error));
    }, this._ttl / 3);
    renew.unref?.();
    let ended = false;
    const end = (): void => {
      ended = true;
      clearInterval(renew);
      leave();
      uncount();
    };
    return {
      token,
      meta,
      commit: async (backups, next) => {
        if (ended) return false;
        const done = `${layout.lock}:done:${token}`;
        const commit = (): Promise<unknown> =>
          this.redis.eval(COMMIT, 4 + backups.length, layout.lock, layout.undo, Layout.meta(this.prefix), done, ...backups, token, db, next ?? '', this._free, '1');
        try {
          try {
            return (await commit()) === 1;
          } catch (error) {
            // The answer was lost: ask again (the script is idempotent) until the server answers.
            const deadline = Date.now() + OUTCOME_WAIT;
            for (let wait = 100; Date.now() < deadline; wait = Math.min(wait * 2, 1000)) {
              await new Promise((resolve) => setTimeout(resolve, wait));
              // A failed ask means the server is still away: the loop asks again until the deadline.
              const again = await commit().catch((still: unknown) => void this.failed(still));
              if (again !== undefined) return again === 1;
            }
            this._stale.add(token);
            throw new DatabaseUnavailableError(
              `Redis did not answer the commit on '${db}' within ${OUTCOME_WAIT} ms; whether it was applied is unknown until the server is back (${describeError(error)}).`,
              describeError(error),
              { cause: error },
            );
          }
        } finally {
          end();
        }
      },
      abort: async () => {
        if (ended) return;
        try {
          await rollback(this.redis, layout, token);
          await this.redis.eval(COMMIT, 4, layout.lock, layout.undo, Layout.meta(this.prefix), `${layout.lock}:done:${token}`, token, db, '', this._free, '0');
        } catch (error) {
          // The server went away: the log stays, and whoever takes the lock next rolls it back.
          this._stale.add(token);
          this.failed(error);
        } finally {
          end();
        }
      },
    };
  }

  /**
   * Registers for the next release of `db`'s lock anywhere (published by COMMIT); `wait(ms)`
   * then resolves at that release (at once if it already came) or after `ms`, whichever is first.
   */
  private _ticket(db: string): { wait(ms: number): Promise<void>; cancel(): void } {
    let set = this._waiting.get(db);
    if (!set) this._waiting.set(db, (set = new Set()));
    const waiting = set;
    let woken = false;
    let resolve: (() => void) | undefined;
    const wake = (): void => {
      woken = true;
      resolve?.();
    };
    waiting.add(wake);
    const cancel = (): void => void waiting.delete(wake);
    return {
      cancel,
      wait: (ms) =>
        new Promise<void>((done) => {
          const finish = (): void => {
            clearTimeout(timer);
            cancel();
            done();
          };
          const timer = setTimeout(finish, ms);
          resolve = finish;
          if (woken) finish();
        }),
    };
  }

  failed(error: unknown): void {
    process.emitWarning(`Redis (${this._key.replace(/\/\/[^@/]*@/, '//…@')}): ${describeError(error)}`, { code: 'STRATUM_REDIS' });
  }

  /** How long a lock holds without being renewed (lockTtl). */
  get lockTtl(): number {
    return this._ttl;
  }

  release(): void {
    if (--this.users > 0) return;
    places.delete(this._key);
    this._subscriber.disconnect();
    if (this._owned) this.redis.disconnect();
  }
}
