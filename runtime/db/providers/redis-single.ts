/**
 * A readonly table call outside db.transaction on Redis (`begin`'s `single`), read without
 * taking the database's lock when no transaction is under way (issue 18).
 *
 * A writer holds the lock and writes straight to the server, logging the old state in `#undo`;
 * its commit deletes the log and releases the lock in one script. So at any instant when the
 * lock is free and the log empty, what the server holds is committed. A get or a count reads
 * in one MULTI with that check; a query reads its keys, then in one MULTI checks the lock and
 * the log, reads the same range again and the rows: if the range still gives the same keys, the
 * rows are those of that instant. Anything else (a writer under way, a crashed one's log, a
 * range that moved, `$cache`, whose entries expire on their own) takes the lock as a
 * transaction does. Three round trips and the in-process queue become one (get, count) or two
 * (query, as a hand-written index read takes).
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { ReadOnlyError } from '../errors.js';
import type { Key } from '../keys.js';
import type { ProviderQuery, ProviderTransaction } from '../provider.js';
import { loadValue } from './libsql-values.js';
import { CACHE_TABLE } from './redis-expiry.js';
import { indexBounds, keyBounds, keyBuffer, keyEnd, Layout } from './redis-keys.js';
import { arrayBuffer, guard } from './redis-undo.js';
import { nextTask } from './tasks.js';

export interface SingleReadPlace {
  redis: Redis;
  layout: Layout;
  /** The database's name in the meta hash. */
  db: string;
  /** Throws (in words) when the stored meta is not this connection's version. */
  check(meta: string | null): void;
  /** The locked way: a readonly transaction as db.transaction runs one. */
  locked(): Promise<ProviderTransaction>;
  /** Called once, when the call ends (the connection counts calls under way for close()). */
  settled(): void;
}

/** The answers of a MULTI: each command's error or result. */
type Answers = Array<[Error | null, unknown]> | null;

function sameKeys(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((key, at) => key.equals(b[at]!));
}

export class RedisSingleRead implements ProviderTransaction {
  private _p: SingleReadPlace;
  private _ended = false;

  constructor(place: SingleReadPlace) {
    this._p = place;
  }

  /** The MULTI's first commands: whether a writer is under way, and the stored meta. */
  private _quiet(multi: ChainableCommander): ChainableCommander {
    const { layout } = this._p;
    return multi.exists(layout.lock).llen(layout.undo).hget(Layout.meta(layout.prefix), this._p.db);
  }

  /**
   * Runs the MULTI; the read's own answers when nothing was under way (the meta checked), else
   * undefined. A command's error fails the read in words, as any other Redis failure does.
   */
  private async _exec(what: string, multi: ChainableCommander): Promise<unknown[] | undefined> {
    const answers = await guard(what, async () => {
      const got = (await multi.exec()) as Answers;
      for (const [error] of got ?? []) if (error) throw error;
      return got;
    });
    if (!answers || answers[0]![1] !== 0 || answers[1]![1] !== 0) return undefined;
    this._p.check(answers[2]![1] as string | null);
    return answers.slice(3).map(([, result]) => result);
  }

  /** The read as a locked readonly transaction. */
  private async _locked<T>(read: (tx: ProviderTransaction) => Promise<T>): Promise<T> {
    const tx = await this._p.locked();
    let value: T;
    try {
      value = await read(tx);
    } catch (error) {
      await tx.abort();
      throw error;
    }
    await tx.commit();
    return value;
  }

  async get(table: string, key: Key): Promise<unknown> {
    if (table === CACHE_TABLE) return this._locked((tx) => tx.get(table, key));
    const { redis, layout } = this._p;
    const k = keyBuffer(key);
    const read = await this._exec('a read', this._quiet(redis.multi()).hget(layout.rows(table), k).hgetBuffer(layout.bytes(table), k));
    if (!read) return this._locked((tx) => tx.get(table, key));
    const text = read[0] as string | null;
    return text === null ? undefined : loadValue(text, arrayBuffer((read[1] as Buffer | null) ?? null));
  }

  async count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    if (table === CACHE_TABLE) return this._locked((tx) => tx.count(table, query));
    const { redis, layout } = this._p;
    const [min, max] = query.index === undefined ? keyBounds(query.range) : indexBounds(query.range);
    const set = query.index === undefined ? layout.order(table) : layout.index(table, query.index);
    const read = await this._exec('a count', this._quiet(redis.multi()).zlexcount(set, min, max));
    return read ? (read[0] as number) : this._locked((tx) => tx.count(table, query));
  }

  async query(table: string, query: ProviderQuery): Promise<unknown[]> {
    if (table === CACHE_TABLE) return this._locked((tx) => tx.query(table, query));
    const { redis, layout } = this._p;
    const count = query.limit ?? -1;
    const [min, max] = query.index === undefined ? keyBounds(query.range) : indexBounds(query.range);
    const set = query.index === undefined ? layout.order(table) : layout.index(table, query.index);
    const range = (on: Redis | ChainableCommander) =>
      query.direction === 'prev' ? on.zrevrangebylexBuffer(set, max, min, 'LIMIT', query.offset, count) : on.zrangebylexBuffer(set, min, max, 'LIMIT', query.offset, count);
    const keysOf = (members: Buffer[]): Buffer[] => (query.index === undefined ? members : members.map((member) => member.subarray(keyEnd(member))));
    const members = (await guard('a query', () => range(redis) as Promise<Buffer[]>)) as Buffer[];
    const keys = keysOf(members);
    let multi = range(this._quiet(redis.multi())) as ChainableCommander;
    if (keys.length > 0) multi = multi.hmget(layout.rows(table), ...keys).hmgetBuffer(layout.bytes(table), ...keys);
    const read = await this._exec('a query', multi);
    if (!read || !sameKeys(members, read[0] as Buffer[])) return this._locked((tx) => tx.query(table, query));
    if (keys.length === 0) return [];
    const texts = read[1] as Array<string | null>;
    const bytes = read[2] as Array<Buffer | null>;
    return texts.map((text, at) => loadValue(text as string, arrayBuffer(bytes[at] ?? null)));
  }

  put(): Promise<Key> {
    return Promise.reject(new ReadOnlyError('A readonly read cannot write.'));
  }

  delete(): Promise<void> {
    return Promise.reject(new ReadOnlyError('A readonly read cannot write.'));
  }

  clear(): Promise<void> {
    return Promise.reject(new ReadOnlyError('A readonly read cannot write.'));
  }

  idle(): Promise<void> {
    return nextTask();
  }

  async commit(): Promise<void> {
    this._end();
  }

  async abort(): Promise<void> {
    this._end();
  }

  private _end(): void {
    if (this._ended) return;
    this._ended = true;
    this._p.settled();
  }
}
