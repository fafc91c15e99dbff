/**
 * The Redis provider (`stratumjs/db/redis`): rows in hashes beside sorted sets read by lexical
 * range (redis-keys.ts), transactions by a lock per database and an undo log (redis-rows.ts,
 * redis-place.ts), change events by pub/sub.
 *
 * Why not MULTI/EXEC + WATCH or one Lua script per transaction: a Stratum transaction is a
 * function that reads, decides and writes as it goes, and IndexedDB runs it exactly once. WATCH
 * makes EXEC fail on a conflict, and the only answer is to run the function again; a Lua script
 * would need the whole transaction known before it starts. Lua serves only the commit (check
 * the lock is still ours, drop the log, release: one atomic step) and MULTI/EXEC makes each
 * write atomic with its undo entry.
 */
import type { Redis } from 'ioredis';
import { ConstraintError, DatabaseUnavailableError, VersionError } from '../errors.js';
import { compareKeys } from '../keys.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderTransaction } from '../provider.js';
import { indexKeys, planUpgrade, type IndexInfo, type TableInfo } from '../schema.js';
import { Calls } from './calls.js';
import type { FeedHub } from './feed.js';
import { keyBuffer, Layout } from './redis-keys.js';
import { places, placeKey, RedisPlace, type Held, type RedisProviderOptions } from './redis-place.js';
import { RedisRows, RedisTransaction } from './redis-rows.js';
import { adoptCache, guard } from './redis-undo.js';
import { RedisSingleRead } from './redis-single.js';
import { CACHE_TABLE, DEFAULT_GRACE, type Expiry } from './redis-expiry.js';
import { describeKey } from './software.js';
import { checkNames, loadValue } from './libsql-values.js';

export type { RedisProviderOptions };

export type RedisTarget = { url: string; client?: undefined } | { client: Redis; url?: undefined };

interface Meta {
  version: number;
  tables: TableInfo[];
}

function parseMeta(text: string | null): Meta {
  return text === null ? { version: 0, tables: [] } : (JSON.parse(text) as Meta);
}

let txIds = 0;

/**
 * Deletes a database's keys (ARGV[4..]) and its entry in the meta hash, while the lock is the
 * caller's (0 when it is not: nothing deleted). UNLINK in slices of 1,000 stays under Lua's limit
 * on unpacked values.
 */
const DELETE = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 4, #ARGV, 1000 do redis.call('unlink', unpack(ARGV, i, math.min(i + 999, #ARGV))) end
redis.call('hdel', ARGV[2], ARGV[3])
return 1`;

/** How a transaction ends: its commit or rollback, then `settled` (the connection's count of those under way). */
function ending(held: Held, db: string, settled: () => void) {
  return {
    commit: async (backups: string[]) => {
      try {
        if (!(await held.commit(backups))) {
          throw new DatabaseUnavailableError(`Redis: the lock on '${db}' expired before the commit (the process stalled longer than lockTtl); another process rolled the transaction back.`, 'lock lost');
        }
      } finally {
        settled();
      }
    },
    abort: async () => {
      try {
        await held.abort();
      } finally {
        settled();
      }
    },
  };
}

async function createIndex(place: RedisPlace, rows: RedisRows, layout: Layout, table: string, index: IndexInfo): Promise<void> {
  const keys = await guard('an upgrade', () => place.redis.zrangeBuffer(layout.order(table), 0, -1));
  const seen = new Set<string>();
  for (const k of keys) {
    const [text, bytes] = await guard('an upgrade', () => Promise.all([place.redis.hget(layout.rows(table), k), place.redis.hgetBuffer(layout.bytes(table), k)]));
    if (text === null) continue;
    const value = loadValue(text, bytes === null ? null : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer));
    const indexed = indexKeys(value, index, compareKeys);
    if (index.unique) {
      for (const key of indexed) {
        const id = keyBuffer(key).toString('base64');
        if (seen.has(id)) throw new ConstraintError(`Cannot create unique index '${index.name}' on '${table}': more than one row has ${describeKey(key)}.`);
        seen.add(id);
      }
    }
    await rows.reindex(table, k, index.name, indexed);
  }
}

class RedisConnection implements Connection {
  readonly channel = undefined;
  readonly feed: ReturnType<FeedHub['feed']>;
  version: number;
  tables: TableInfo[];
  private _place: RedisPlace;
  private _request: OpenRequest;
  private _closed = false;
  private _expiry: Expiry;
  /** Transactions begun and not yet committed or rolled back: each holds the database's lock. */
  private _calls = new Calls();

  constructor(place: RedisPlace, request: OpenRequest, version: number, tables: TableInfo[], expiry: Expiry) {
    this._expiry = expiry;
    this._place = place;
    this._request = request;
    this.version = version;
    this.tables = tables;
    this.feed = place.hub.feed(request.name, () => void this._verify());
  }

  get db(): string {
    return this._request.name;
  }

  async begin(_tables: string[], mode: Mode, single?: boolean): Promise<ProviderTransaction> {
    const db = this._request.name;
    if (this._closed) throw new DatabaseUnavailableError(`Redis: the connection to '${db}' is closed; open the database again.`, 'closed');
    const settled = this._calls.start();
    // A lone read goes without the lock only while no transaction of this process waits for it
    // or holds it: one issued before this read must be seen by it, as IndexedDB orders a
    // readonly transaction after the readwrite ones created before it.
    if (single && mode === 'readonly' && !this._place.holding(db)) {
      // Read without the lock while no writer is under way (redis-single.ts). Its locked way is
      // part of this same call, which close() counts until the call ends.
      return new RedisSingleRead({
        redis: this._place.redis,
        layout: this._place.layout(db),
        db,
        check: (meta) => this._check(db, parseMeta(meta).version),
        locked: () => this._locked(db, () => undefined, false),
        settled,
      });
    }
    return this._locked(db, settled, mode === 'readwrite');
  }

  /** Throws VersionError in words (and tells the database) when the stored version is not this connection's. */
  private _check(db: string, version: number): void {
    if (version === this.version) return;
    queueMicrotask(() => this._request.versionchange(version === 0 ? null : version));
    throw new VersionError(`Database '${db}' is now at version ${version} (changed by another process); this connection at version ${this.version} closed.`);
  }

  /** A transaction holding the database's lock; `settled` once it ends. `write`: it may write. */
  private async _locked(db: string, settled: () => void, write: boolean): Promise<ProviderTransaction> {
    try {
      const held = await this._place.hold(db, write);
      try {
        this._check(db, parseMeta(held.meta).version);
      } catch (error) {
        await held.abort();
        throw error;
      }
      return new RedisTransaction(this._place.redis, this._place.layout(db), this.tables, held.token, `${held.token}.${++txIds}`, ending(held, db, settled), this._expiry);
    } catch (error) {
      settled();
      throw error;
    }
  }

  private async _verify(): Promise<void> {
    if (this._closed) return;
    try {
      const { version } = parseMeta(await this._place.redis.hget(Layout.meta(this._place.prefix), this._request.name));
      if (version !== this.version && !this._closed) this._request.versionchange(version === 0 ? null : version);
    } catch (error) {
      // The next transaction checks the version again.
      this._place.failed(error);
    }
  }

  _versionchange(newVersion: number | null): void {
    this._request.versionchange(newVersion);
  }

  /**
   * As IndexedDB's close(): no new transaction, and those under way finish first. Each holds the
   * database's lock; cutting the connection under one left that lock held until its TTL, and
   * every other process waited that long (a server that transacted, closed and exited stalled
   * the next one 15 s).
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.feed.close();
    this._place.connections.delete(this);
    // By the lock's TTL a transaction its caller never ends has lost its lock anyway, so the
    // connection goes then at the latest. After waiting, a task later: the last commit's change
    // is published to the other processes after it settles (Database._committed), and must be
    // sent before the connection goes.
    this._calls.whenDone((waited) => (waited ? setTimeout(() => this._place.release(), 0) : this._place.release()), this._place.lockTtl);
  }
}

class RedisProvider implements Provider {
  readonly kind = 'redis';
  readonly persistent = true;
  private _target: RedisTarget;
  private _options: RedisProviderOptions;
  private _key: string;
  private _prefix: string;

  constructor(target: RedisTarget, options: RedisProviderOptions = {}) {
    if (!target || typeof target !== 'object' || ((typeof target.url !== 'string' || target.url === '') && !target.client)) {
      throw new TypeError("redis: give the server's URL, e.g. redis({ url: 'redis://cache:6379' }), or { client: an ioredis client }.");
    }
    if (options.expiryGrace !== undefined && !(typeof options.expiryGrace === 'number' && options.expiryGrace >= 0 && Number.isFinite(options.expiryGrace))) {
      throw new TypeError(`redis: expiryGrace is a number of milliseconds ≥ 0; got ${String(options.expiryGrace)}.`);
    }
    if (options.prefix !== undefined && (typeof options.prefix !== 'string' || options.prefix === '')) {
      throw new TypeError(`redis: prefix is a non-empty string such as 'myapp:'; got ${JSON.stringify(options.prefix)}.`);
    }
    // Each database's keys are its base and then '/' or '#' (redis-keys.ts), and names are
    // escaped, so without them in a prefix two (prefix, database) pairs share a key only when
    // their bases are equal, which the owner keys catch. With them, prefix 'p:x/' would keep its
    // databases among the keys of database 'x' of prefix 'p:', and deleting that one takes them.
    const separator = options.prefix?.match(/[/#]/);
    if (separator) throw new TypeError(`redis: prefix '${options.prefix!}' holds '${separator[0]}', which separates a database's name from its keys; choose one without '/' or '#'.`);
    this._target = target;
    this._options = options;
    this._prefix = options.prefix ?? 'stratum:';
    this._key = placeKey(target, this._prefix);
  }

  private _expiry(request: OpenRequest): Expiry {
    return { now: request.now ?? Date.now, grace: this._options.expiryGrace ?? DEFAULT_GRACE };
  }

  private _use(): RedisPlace {
    let place = places.get(this._key);
    if (!place) places.set(this._key, (place = new RedisPlace(this._key, this._target, this._options)));
    place.users++;
    return place;
  }

  async open(request: OpenRequest): Promise<Connection> {
    checkNames('Redis', false, request.name, request.tables);
    const place = this._use();
    try {
      await place.claim(request.name);
      const held = await place.hold(request.name);
      let tables: TableInfo[];
      let upgraded = false;
      try {
        const meta = parseMeta(held.meta);
        if (request.version < meta.version) {
          throw new VersionError(`Database '${request.name}' is at version ${meta.version}; it cannot be opened at the lower version ${request.version} (versions only go up).`);
        }
        tables = meta.tables;
        if (tables.some((table) => table.name === CACHE_TABLE)) {
          await guard(`moving '${request.name}' cache entries to keys that expire`, () => adoptCache(place.redis, place.layout(request.name), held.token, this._expiry(request)));
        }
        let next: string | undefined;
        const backups: string[] = [];
        if (request.version > meta.version) {
          for (const other of [...place.connections] as RedisConnection[]) if (other.db === request.name) other._versionchange(request.version);
          backups.push(...(await this._upgrade(place, held, request, meta)));
          tables = request.tables;
          next = JSON.stringify({ version: request.version, tables: request.tables });
          upgraded = meta.version > 0;
        }
        if (!(await held.commit(backups, next))) throw new DatabaseUnavailableError(`Redis: the lock on '${request.name}' expired during the open.`, 'lock lost');
      } catch (error) {
        await held.abort();
        throw error;
      }
      const connection = new RedisConnection(place, request, request.version, tables, this._expiry(request));
      place.connections.add(connection);
      if (upgraded) void place.hub.announce(request.name, request.version);
      return connection;
    } catch (error) {
      place.release();
      throw error;
    }
  }

  async deleteDatabase(name: string, blocked: () => void): Promise<void> {
    checkNames('Redis', false, name);
    const place = this._use();
    try {
      await place.claim(name);
      const open = ([...place.connections] as RedisConnection[]).filter((other) => other.db === name);
      for (const other of open) other._versionchange(null);
      if (open.some((other) => place.connections.has(other))) blocked();
      const held = await place.hold(name);
      try {
        const layout = place.layout(name);
        const pattern = `${layout.base.replace(/[*?[\]\\]/g, '\\$&')}[/#]*`;
        const doomed: string[] = [];
        let lost = false;
        await guard(`deleting '${name}'`, async () => {
          let cursor = '0';
          do {
            const [next, keys] = await place.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
            cursor = next;
            doomed.push(...keys.filter((key) => key !== layout.lock));
          } while (cursor !== '0');
          // One script, as one UNLINK was before: every key and the database's entry go together
          // or not at all (a database half deleted would open with its rows and indexes
          // disagreeing). And only while the lock is still this process's: had it stalled past
          // lockTtl, another process may hold the database now, and what that one wrote must stay.
          lost = (await place.redis.eval(DELETE, 1, layout.lock, held.token, Layout.meta(place.prefix), name, ...doomed)) === 0;
        });
        if (lost) {
          throw new DatabaseUnavailableError(
            `Redis: the lock on database '${name}' expired while it was being deleted (this process stalled or lost the server longer than lockTtl, and another process holds it now); nothing was deleted.`,
            'lock lost',
          );
        }
        await held.commit([]);
      } catch (error) {
        await held.abort();
        throw error;
      }
      await place.hub.announce(name, null);
    } finally {
      place.release();
    }
  }

  /** Runs the upgrade under the lock; returns the keys to delete at commit. */
  private async _upgrade(place: RedisPlace, held: Held, request: OpenRequest, meta: Meta): Promise<string[]> {
    const db = request.name;
    const layout = place.layout(db);
    const plan = planUpgrade(meta.tables, request.tables);
    const removed = meta.tables.filter((table) => plan.removeTables.includes(table.name));
    const during = [...request.tables, ...removed];
    const tx = new RedisTransaction(place.redis, layout, during, held.token, `${held.token}.${++txIds}`, { commit: async () => undefined, abort: async () => undefined }, this._expiry(request));
    const rows = tx._rows;
    for (const { table, index } of plan.drop) await rows.stash([layout.index(table, index)]);
    for (const { table, index } of plan.add) await createIndex(place, rows, layout, table, index);
    await request.upgrade(tx, meta.version, during);
    for (const table of removed) {
      await rows.stash(await rows.keysOf(table.name, table.indexes.map((index) => index.name)));
      await rows.dropNext(table.name);
    }
    for (const { table, index } of plan.removeIndexes) await rows.stash([layout.index(table, index)]);
    return rows.backups;
  }
}

/**
 * Redis for Node, shared by every server instance:
 * `openDatabase('app', { version: 1, tables, provider: redis({ url: process.env.REDIS_URL }, { prefix: 'app:' }) })`.
 * Durability is the server's configuration (appendonly, appendfsync), not this provider's.
 */
export function redis(target: RedisTarget, options?: RedisProviderOptions): Provider {
  return new RedisProvider(target, options);
}
