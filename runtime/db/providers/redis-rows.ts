/**
 * Rows in Redis: per table a hash of rows, one of blob bytes, one of each row's index entries,
 * and sorted sets for key order and indexes (redis-keys.ts). Every change goes through the undo
 * log of redis-undo.ts, in the same APPLY as the row's old state.
 */
import type { Redis } from 'ioredis';
import { DatabaseUnavailableError, describeError, TransactionInactiveError } from '../errors.js';
import type { Key } from '../keys.js';
import type { ProviderQuery } from '../provider.js';
import type { TableInfo } from '../schema.js';
import { decodeKey } from '../sort-key.js';
import { loadValue, storeValue, type StoredRow } from './libsql-values.js';
import { indexBounds, keyBounds, keyBuffer, keyEnd, Layout } from './redis-keys.js';
import { CACHE_TABLE, READ_ENTRY, READ_LIVE, keepFor, type Expiry } from './redis-expiry.js';
import { apply, arrayBuffer, Batch, guard, rollback, type Arg, type Entries, type Undo } from './redis-undo.js';
import { SoftwareTransaction, type RowStore, type RowWrite } from './software.js';
import { nextTask } from './tasks.js';

/** A row's state before a write: its text, blob bytes, index entries and (`$cache`) expiry. */
interface OldRow {
  text: string | null;
  bytes: Buffer | null;
  entries: string | null;
  expires?: number | undefined;
}

/**
 * A bulk write's APPLY takes at most this many rows, or this much of their new and old text and
 * bytes together (the undo entries carry the old): far below Redis's 1 GB query buffer, and a
 * bulkPut of large blobs holds only one chunk's encoded rows at a time.
 */
const WRITE_CHUNK = 1_000;
const WRITE_BYTES = 16 * 1024 * 1024;

export class RedisRows implements RowStore {
  private _r: Redis;
  private _l: Layout;
  private _tables: TableInfo[];
  private _tx: string;
  /** Rows (table + key bytes) and key generators whose old state the log already holds. */
  private _saved = new Set<string>();
  private _stashes = 0;
  /** Keys moved aside in this transaction: deleted at commit. */
  readonly backups: string[] = [];
  /** Writes under way: a rollback waits for them, or one could land after it. */
  private _writing = new Set<Promise<unknown>>();
  private _closing = false;

  private _token: string;
  private _expiry: Expiry;

  constructor(redis: Redis, layout: Layout, tables: TableInfo[], token: string, tx: string, expiry: Expiry) {
    this._token = token;
    this._expiry = expiry;
    this._r = redis;
    this._l = layout;
    this._tables = tables;
    this._tx = tx;
  }

  table(name: string): TableInfo {
    return this._tables.find((table) => table.name === name) as TableInfo;
  }

  /** Resolves once no write of this transaction is under way. */
  async quiet(): Promise<void> {
    this._closing = true;
    while (this._writing.size) await Promise.allSettled([...this._writing]);
  }

  private _track<T>(what: string, call: () => Promise<T>): Promise<T> {
    if (this._closing) return Promise.reject(new TransactionInactiveError(`The transaction already ended (committed or rolled back); ${what} was not run.`));
    const run = guard(what, call);
    this._writing.add(run);
    const done = (): void => void this._writing.delete(run);
    run.then(done, done);
    return run;
  }

  async read(table: string, key: Key): Promise<unknown> {
    const k = keyBuffer(key);
    if (table === CACHE_TABLE) {
      const found = (await guard('a read', () => this._r.callBuffer('eval', [READ_ENTRY, 2, this._l.order(table), this._l.value(table, k), k]))) as [Buffer | null, Buffer | null] | null;
      return found?.[0] ? loadValue(found[0].toString(), arrayBuffer(found[1] ?? null)) : undefined;
    }
    const [text, bytes] = await guard('a read', () => Promise.all([this._r.hget(this._l.rows(table), k), this._r.hgetBuffer(this._l.bytes(table), k)]));
    return text === null ? undefined : loadValue(text, arrayBuffer(bytes));
  }

  has(table: string, key: Key): Promise<boolean> {
    if (table === CACHE_TABLE) {
      const k = keyBuffer(key);
      return guard('a read', async () => ((await this._r.callBuffer('eval', [READ_ENTRY, 2, this._l.order(table), this._l.value(table, k), k])) as unknown[] | null)?.[0] != null);
    }
    return guard('a read', async () => (await this._r.hexists(this._l.rows(table), keyBuffer(key))) === 1);
  }

  async owners(table: string, index: string, key: Key): Promise<Key[]> {
    const ik = keyBuffer(key);
    const [min, max] = indexBounds({ lower: key, lowerOpen: false, upper: key, upperOpen: false });
    const members = await guard('an index read', () => this._r.zrangebylexBuffer(this._l.index(table, index), min, max));
    return members.map((member) => decodeKey(new Uint8Array(member.subarray(ik.length))));
  }

  async write(table: string, key: Key, value: unknown, indexes: Map<string, Key[]>): Promise<void> {
    const stored = await storeValue(value);
    const k = keyBuffer(key);
    const entries: Entries = {};
    for (const [index, keys] of indexes) entries[index] = keys.map((indexKey) => keyBuffer(indexKey).toString('base64'));
    await this._track('a write', async () => {
      const multi = new Batch();
      await this._replaceEntries(multi, table, k, indexes.size ? JSON.stringify(entries) : null);
      multi.zadd(this._l.order(table), 0, k);
      if (table === CACHE_TABLE) {
        const own = this._l.value(table, k);
        multi.del(own).hset(own, 'v', stored.text);
        if (stored.bytes !== null) multi.hset(own, 'b', Buffer.from(stored.bytes));
        const expires = (value as { expires?: unknown }).expires;
        if (typeof expires === 'number' && Number.isFinite(expires)) multi.expirein(own, keepFor(this._expiry, expires), this._l.expiry(table));
        else multi.zrem(this._l.expiry(table), own);
      } else {
        multi.hset(this._l.rows(table), k, stored.text);
        if (stored.bytes === null) multi.hdel(this._l.bytes(table), k);
        else multi.hset(this._l.bytes(table), k, Buffer.from(stored.bytes));
      }
      await apply(this._r, this._l, this._token, multi);
    });
  }

  async remove(table: string, key: Key): Promise<void> {
    const k = keyBuffer(key);
    await this._track('a delete', async () => {
      const multi = new Batch();
      await this._replaceEntries(multi, table, k, null);
      multi.zrem(this._l.order(table), k);
      if (table === CACHE_TABLE) multi.del(this._l.value(table, k)).zrem(this._l.expiry(table), this._l.value(table, k));
      else multi.hdel(this._l.rows(table), k).hdel(this._l.bytes(table), k);
      await apply(this._r, this._l, this._token, multi);
    });
  }

  /** Sets a row's index entries in an upgrade (a new index over rows already there). */
  async reindex(table: string, key: Buffer, index: string, keys: Key[]): Promise<void> {
    await this._track('an upgrade', async () => {
      const now = JSON.parse((await this._r.hget(this._l.entries(table), key)) ?? '{}') as Entries;
      now[index] = keys.map((indexKey) => keyBuffer(indexKey).toString('base64'));
      const multi = new Batch();
      await this._replaceEntries(multi, table, key, JSON.stringify(now));
      await apply(this._r, this._l, this._token, multi);
    });
  }

  /**
   * Queues, in `multi`: the row's old state into the log (the first time this transaction
   * touches it), its old index members out and the new `entries` in.
   */
  private async _replaceEntries(multi: Batch, table: string, k: Buffer, entries: string | null): Promise<void> {
    const cache = table === CACHE_TABLE;
    const own = this._l.value(table, k);
    const [[oldText, oldBytes], oldEntries, expires] = await Promise.all([
      cache
        ? this._r.callBuffer('eval', [READ_ENTRY, 2, this._l.order(table), own, k]).then((found) => (found as [Buffer | null, Buffer | null] | null) ?? [null, null])
        : Promise.all([this._r.hget(this._l.rows(table), k), this._r.hgetBuffer(this._l.bytes(table), k)]),
      this._r.hget(this._l.entries(table), k),
      cache ? this._r.pexpiretime(own) : undefined,
    ]);
    const text = oldText === null || oldText === undefined ? null : oldText.toString();
    this._queueEntries(multi, table, k, { text, bytes: oldBytes ?? null, entries: oldEntries, expires }, entries);
  }

  /** `_replaceEntries` once the row's old state is known. */
  private _queueEntries(multi: Batch, table: string, k: Buffer, old: OldRow, entries: string | null): void {
    const id = `${table}\u0000${k.toString('base64')}`;
    if (!this._saved.has(id)) {
      this._saved.add(id);
      const undo: Undo = { t: table, k: k.toString('base64'), v: old.text, b: old.bytes ? old.bytes.toString('base64') : null, x: old.entries };
      if (old.expires !== undefined) undo.e = old.expires;
      multi.rpush(this._l.undo, JSON.stringify(undo));
    }
    for (const [index, keys] of Object.entries(JSON.parse(old.entries ?? '{}') as Entries)) {
      for (const ik of keys) multi.zrem(this._l.index(table, index), Buffer.concat([Buffer.from(ik, 'base64'), k]));
    }
    if (entries === null) {
      multi.hdel(this._l.entries(table), k);
      return;
    }
    multi.hset(this._l.entries(table), k, entries);
    for (const [index, keys] of Object.entries(JSON.parse(entries) as Entries)) {
      for (const ik of keys) multi.zadd(this._l.index(table, index), 0, Buffer.concat([Buffer.from(ik, 'base64'), k]));
    }
  }

  /**
   * Many rows of a table other than `$cache` (whose entries each carry an expiry): per chunk,
   * the rows' old state in three reads and every change with its undo entries in one APPLY,
   * where `write` takes two round trips per row. Each row is encoded as it comes (the first that
   * cannot be stored fails the bulkPut, as `write` would); a chunk closes at WRITE_CHUNK rows or
   * WRITE_BYTES of encoded text. A key written twice in a chunk starts from what its earlier
   * write left, as writing the rows in order would.
   */
  async writeAll(table: string, writes: AsyncIterable<RowWrite>): Promise<void> {
    if (table === CACHE_TABLE) {
      for await (const write of writes) await this.write(table, write.key, write.value, write.indexes);
      return;
    }
    let chunk: Array<{ write: RowWrite; stored: StoredRow }> = [];
    let bytes = 0;
    for await (const write of writes) {
      const stored = await storeValue(write.value);
      chunk.push({ write, stored });
      bytes += stored.text.length + (stored.bytes?.byteLength ?? 0);
      if (chunk.length >= WRITE_CHUNK || bytes >= WRITE_BYTES) {
        await this._writeChunk(table, chunk);
        chunk = [];
        bytes = 0;
      }
    }
    if (chunk.length > 0) await this._writeChunk(table, chunk);
  }

  /**
   * One chunk's APPLY. Its undo entries carry the rows as they were, which only the server
   * knows the size of: a chunk whose old and new rows pass WRITE_BYTES together is written as
   * two halves instead, in order (the second reads what the first left).
   */
  private async _writeChunk(table: string, chunk: Array<{ write: RowWrite; stored: StoredRow }>): Promise<void> {
    const rows = this._l.rows(table);
    const bytesKey = this._l.bytes(table);
    const ks = chunk.map(({ write }) => keyBuffer(write.key));
    const split = await this._track('a write', async () => {
      const [texts, bytes, entries] = await Promise.all([this._r.hmget(rows, ...ks), this._r.hmgetBuffer(bytesKey, ...ks), this._r.hmget(this._l.entries(table), ...ks)]);
      if (chunk.length > 1) {
        let size = 0;
        chunk.forEach(({ stored }, i) => {
          // An undo entry holds the old blob bytes in base64: a third more than the bytes.
          size += stored.text.length + (stored.bytes?.byteLength ?? 0) + (texts[i]?.length ?? 0) + Math.ceil(((bytes[i]?.length ?? 0) * 4) / 3);
        });
        if (size > WRITE_BYTES) return true;
      }
      // What each key holds once the writes before it in this chunk are applied.
      const now = new Map<string, OldRow>();
      const multi = new Batch();
      chunk.forEach(({ write, stored }, i) => {
        const k = ks[i]!;
        const id = k.toString('latin1');
        const old = now.get(id) ?? { text: texts[i] ?? null, bytes: bytes[i] ?? null, entries: entries[i] ?? null };
        const list: Entries = {};
        for (const [index, keys] of write.indexes) list[index] = keys.map((indexKey) => keyBuffer(indexKey).toString('base64'));
        const next = write.indexes.size ? JSON.stringify(list) : null;
        this._queueEntries(multi, table, k, old, next);
        multi.zadd(this._l.order(table), 0, k);
        multi.hset(rows, k, stored.text);
        const blob = stored.bytes === null ? null : Buffer.from(stored.bytes);
        if (blob === null) multi.hdel(bytesKey, k);
        else multi.hset(bytesKey, k, blob);
        now.set(id, { text: stored.text, bytes: blob, entries: next });
      });
      await apply(this._r, this._l, this._token, multi);
      return false;
    });
    if (!split) return;
    const half = chunk.length >> 1;
    await this._writeChunk(table, chunk.slice(0, half));
    await this._writeChunk(table, chunk.slice(half));
  }

  /** Moves keys aside (clear, a dropped table or index): back on rollback, deleted at commit. */
  async stash(keys: string[]): Promise<void> {
    const pairs = keys.map((key): [string, string] => [key, this._l.backup(this._tx, ++this._stashes)]);
    await this._track('a clear', async () => {
      const multi = new Batch();
      multi.rpush(this._l.undo, JSON.stringify({ c: pairs } satisfies Undo));
      for (const [key, backup] of pairs) multi.renameif(key, backup);
      await apply(this._r, this._l, this._token, multi);
    });
    this.backups.push(...pairs.map(([, backup]) => backup));
  }

  async clear(table: string): Promise<void> {
    await this.stash(await this.keysOf(table, this.table(table).indexes.map((index) => index.name)));
  }

  /** Every key of a table: for `$cache` also each entry's value key. */
  async keysOf(table: string, indexes: readonly string[]): Promise<string[]> {
    const keys = this._l.tableKeys(table, indexes);
    if (table !== CACHE_TABLE) return keys;
    const members = await guard('a clear', () => this._r.zrangeBuffer(this._l.order(table), 0, -1));
    return [...keys, ...members.map((k) => this._l.value(table, k))];
  }

  /**
   * Runs READ_LIVE until no ghost is left (redis-expiry.ts): each round removes the members of
   * entries whose value key Redis dropped. No undo entry: a ghost is gone for every reader
   * already, and a rollback puts back from the log whatever it restores, members included.
   */
  private async _live(table: string, set: string, args: Arg[]): Promise<Buffer[] | number> {
    for (;;) {
      const [live, result] = (await guard('a read', () => this._r.callBuffer('eval', [READ_LIVE, 2, this._l.expiry(table), set, ...args]))) as [number, Buffer[] | number];
      if (live === 1) return result;
      await this._dropGhosts(table, (result as Buffer[]).map((name) => name.toString()));
    }
  }

  /** Removes the members of entries whose value key (`names`) Redis dropped, with their index members. */
  private async _dropGhosts(table: string, names: string[]): Promise<void> {
    await this._track('removing expired entries', async () => {
      const entries = await this._r.hmget(this._l.entries(table), ...names.map((name) => Layout.valueKey(name)));
      const multi = new Batch();
      names.forEach((name, at) => {
        const k = Layout.valueKey(name);
        for (const [index, keys] of Object.entries(JSON.parse(entries[at] ?? '{}') as Entries)) {
          for (const ik of keys) multi.zrem(this._l.index(table, index), Buffer.concat([Buffer.from(ik, 'base64'), k]));
        }
        multi.hdel(this._l.entries(table), k).zrem(this._l.order(table), k).zrem(this._l.expiry(table), name);
      });
      await apply(this._r, this._l, this._token, multi);
    });
  }

  /** Ordered `$cache` reads: only entries whose value key is still there, paged exactly. */
  private async _scanCache(table: string, query: ProviderQuery, set: string, min: Buffer | string, max: Buffer | string): Promise<unknown[]> {
    for (;;) {
      const members = (await this._live(table, set, [query.direction, min, max, query.offset, query.limit ?? -1])) as Buffer[];
      const keys = query.index === undefined ? members : members.map((member) => member.subarray(keyEnd(member)));
      if (keys.length === 0) return [];
      const got = await guard('a query', async () => {
        const pipeline = this._r.pipeline();
        for (const k of keys) pipeline.hmgetBuffer(this._l.value(table, k), 'v', 'b');
        return (await pipeline.exec()) ?? [];
      });
      const values: unknown[] = [];
      const gone: string[] = [];
      got.forEach(([error, pair], at) => {
        if (error) throw new DatabaseUnavailableError(`Redis failed during a query: ${describeError(error)}`, describeError(error), { cause: error });
        const [text, bytes] = pair as [Buffer | null, Buffer | null];
        if (text) values.push(loadValue(text.toString(), arrayBuffer(bytes)));
        else gone.push(this._l.value(table, keys[at]!));
      });
      if (gone.length === 0) return values;
      // Expired between the range read and this one, or dropped before its time (maxmemory
      // eviction, a DEL by hand): READ_LIVE would not name the latter (its score is still
      // ahead), so its members are removed here, then the page is read again.
      await this._dropGhosts(table, gone);
    }
  }

  async scan(table: string, query: ProviderQuery): Promise<unknown[]> {
    if (table === CACHE_TABLE) {
      const [min, max] = query.index === undefined ? keyBounds(query.range) : indexBounds(query.range);
      return this._scanCache(table, query, query.index === undefined ? this._l.order(table) : this._l.index(table, query.index), min, max);
    }
    const count = query.limit ?? -1;
    let keys: Buffer[];
    if (query.index === undefined) {
      const [min, max] = keyBounds(query.range);
      const set = this._l.order(table);
      keys = await guard('a query', () =>
        query.direction === 'prev' ? this._r.zrevrangebylexBuffer(set, max, min, 'LIMIT', query.offset, count) : this._r.zrangebylexBuffer(set, min, max, 'LIMIT', query.offset, count),
      );
    } else {
      const [min, max] = indexBounds(query.range);
      const set = this._l.index(table, query.index);
      const members = await guard('an index query', () =>
        query.direction === 'prev' ? this._r.zrevrangebylexBuffer(set, max, min, 'LIMIT', query.offset, count) : this._r.zrangebylexBuffer(set, min, max, 'LIMIT', query.offset, count),
      );
      keys = members.map((member) => member.subarray(keyEnd(member)));
    }
    if (keys.length === 0) return [];
    const [texts, bytes] = await guard('a query', () => Promise.all([this._r.hmget(this._l.rows(table), ...keys), this._r.hmgetBuffer(this._l.bytes(table), ...keys)]));
    return texts.map((text, at) => loadValue(text as string, arrayBuffer(bytes[at] ?? null)));
  }

  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    const [min, max] = query.index === undefined ? keyBounds(query.range) : indexBounds(query.range);
    const set = query.index === undefined ? this._l.order(table) : this._l.index(table, query.index);
    if (table === CACHE_TABLE) return this._live(table, set, ['count', min, max]) as Promise<number>;
    return guard('a count', () => this._r.zlexcount(set, min, max));
  }

  async nextKey(table: string): Promise<number> {
    const next = await guard('a key generator read', () => this._r.hget(this._l.next, table));
    return next === null ? 1 : Number(next);
  }

  async setNextKey(table: string, next: number): Promise<void> {
    await this._track('a key generator write', async () => {
      const multi = new Batch();
      if (!this._saved.has(`#next\u0000${table}`)) {
        this._saved.add(`#next\u0000${table}`);
        multi.rpush(this._l.undo, JSON.stringify({ n: table, o: await this._r.hget(this._l.next, table) } satisfies Undo));
      }
      multi.hset(this._l.next, table, String(next));
      await apply(this._r, this._l, this._token, multi);
    });
  }

  /** Forgets a dropped table's key generator (undoably). */
  async dropNext(table: string): Promise<void> {
    await this._track('an upgrade', async () => {
      const multi = new Batch();
      multi.rpush(this._l.undo, JSON.stringify({ n: table, o: await this._r.hget(this._l.next, table) } satisfies Undo));
      multi.hdel(this._l.next, table);
      await apply(this._r, this._l, this._token, multi);
    });
  }
}

/** What a transaction does at its end: commit (the Lua script) or roll back; both release the lock. */
export interface Ending {
  commit(backups: string[]): Promise<void>;
  abort(): Promise<void>;
}

export class RedisTransaction extends SoftwareTransaction {
  readonly _rows: RedisRows;
  /** Rows are the codec's text, as in libSQL: a URL round-trips. */
  protected readonly _structuredClone = false;
  private _ending: Ending;

  constructor(redis: Redis, layout: Layout, tables: TableInfo[], token: string, tx: string, ending: Ending, expiry: Expiry) {
    super();
    this._rows = new RedisRows(redis, layout, tables, token, tx, expiry);
    this._ending = ending;
  }

  protected _table(name: string): TableInfo {
    return this._rows.table(name);
  }

  idle(): Promise<void> {
    return nextTask();
  }

  commit(): Promise<void> {
    this._ended = true;
    return this._ending.commit(this._rows.backups);
  }

  async abort(): Promise<void> {
    this._ended = true;
    await this._rows.quiet();
    return this._ending.abort();
  }
}
