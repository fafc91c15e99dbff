/**
 * One PostgreSQL server (URL or Pool) and schema as this process uses it: the pool, the tables'
 * creation, the LISTEN connection that carries change events, and the connections open on it.
 * Providers for the same place share all of it; the last connection to close ends the pool
 * (unless it is the caller's own).
 */
import pg, { type Pool, type PoolClient } from 'pg';
import { DatabaseUnavailableError, describeError } from '../errors.js';
import type { Connection } from '../provider.js';
import { FeedHub } from './feed.js';
import { run } from './postgres-rows.js';
import { Lock } from './tasks.js';
import type { PostgresOptions } from './postgres.js';

export const places = new Map<string, PgPlace>();
const pools = new WeakMap<Pool, string>();
let poolIds = 0;

export function placeKey(options: PostgresOptions): string {
  let where = options.url ?? '';
  if (options.client) {
    where = pools.get(options.client) ?? `pool#${++poolIds}`;
    pools.set(options.client, where);
  }
  return `${where}|${options.schema ?? 'public'}`;
}

/** How long a commit whose answer was lost keeps asking for its outcome (the server restarting). */
const OUTCOME_WAIT = 15_000;

/** Backoff of the LISTEN connection's reconnects: 50 ms doubling to 5 s. */
const BACKOFF = { first: 50, most: 5000 };

export class PgPlace {
  readonly schema: string;
  readonly hub: FeedHub;
  readonly connections = new Set<Connection>();
  users = 0;
  private _key: string;
  private _pool: Pool;
  private _owned: boolean;
  private _options: PostgresOptions;
  private _ready: Promise<void> | undefined;
  private _listener: PoolClient | undefined;
  private _listening = false;
  private _ended = false;
  private _retry: ReturnType<typeof setTimeout> | undefined;
  private _queues = new Map<string, Lock>();

  constructor(key: string, options: PostgresOptions, schema: string) {
    this._key = key;
    this._options = options;
    this.schema = schema;
    this._owned = !options.client;
    this._pool =
      options.client ??
      new pg.Pool({
        connectionString: options.url,
        max: options.max ?? 10,
        connectionTimeoutMillis: options.connectTimeout ?? 10_000,
        query_timeout: options.queryTimeout ?? 30_000,
      });
    // An idle pooled connection the server dropped (a restart) errors here; the pool replaces it.
    this._pool.on('error', (error) => this.failed(error));
    this.hub = new FeedHub(
      async (payload) => {
        await this._pool.query('SELECT pg_notify($1, $2)', [this._channel, payload]);
      },
      (error) => this.failed(error),
    );
  }

  /**
   * Queues this process's readwrite transactions per table (sorted, as the server locks are)
   * before they take a pooled connection: a thousand transactions on one table then wait here,
   * not each holding a connection while it waits for the server's lock, emptying the pool.
   * Every table's place is taken in the call itself (a readonly call issued next must find it,
   * see `settled`); places taken in call order cannot wait on each other in a cycle.
   */
  async queue(db: string, tables: string[]): Promise<() => void> {
    const acquired = [...new Set(tables)].sort().map((table) => this._queue(db, table).acquire());
    const leaves = await Promise.all(acquired);
    return () => {
      for (const leave of leaves.reverse()) leave();
    };
  }

  /**
   * Resolves once this process's readwrite transactions queued so far on any of `tables` have
   * ended: a readonly call then reads what they wrote, as IndexedDB runs a readonly transaction
   * after the readwrite ones created before it. It takes no place: readers do not queue behind
   * each other, nor writers behind them.
   */
  settled(db: string, tables: string[]): Promise<unknown> | undefined {
    const waits = tables.map((table) => this._queues.get(this.lockName(db, table))?.settled()).filter((wait) => wait !== undefined);
    // None queued: nothing to wait for, and no await (a close() right after the call must not
    // find the read still before its checkout).
    return waits.length > 0 ? Promise.all(waits) : undefined;
  }

  private _queue(db: string, table: string): Lock {
    const name = this.lockName(db, table);
    let queue = this._queues.get(name);
    if (!queue) this._queues.set(name, (queue = new Lock()));
    return queue;
  }

  /**
   * Names a lock: the database, or one of its tables. `%` and `/` in the database's name are
   * escaped, so database 'a/b' is not database 'a' + table 'b'; a name without them keeps the
   * lock name earlier releases used (processes of both still exclude each other).
   */
  lockName(db: string, table?: string): string {
    return `stratum:${this.schema}:${db.replace(/%/g, '%25').replace(/\//g, '%2F')}${table === undefined ? '' : `/${table}`}`;
  }

  private get _channel(): string {
    return `stratum:${this.schema}`;
  }

  /** Creates the schema and tables once per place (under a lock: two processes may start together). */
  ready(): Promise<void> {
    this._ready ??= this._bootstrap().catch((error: unknown) => {
      this._ready = undefined;
      throw error;
    });
    return this._ready;
  }

  private async _bootstrap(): Promise<void> {
    const { client, done } = await this.checkout('(setup)');
    const s = this.schema;
    try {
      await run(client, 'BEGIN');
      await run(client, "SELECT pg_advisory_xact_lock(hashtextextended('stratum:bootstrap', 0))");
      await run(client, `CREATE SCHEMA IF NOT EXISTS ${s}`);
      // bigint: a version goes up to 2^53 - 1 as in IndexedDB (Date.now() is one), past integer's 2^31 - 1.
      await run(client, `CREATE TABLE IF NOT EXISTS ${s}.stratum_databases (name text PRIMARY KEY, version bigint NOT NULL, tables text NOT NULL)`);
      // A schema made by an earlier release has an integer column: widened once (a rewrite of one row per database).
      const [column] = await run<{ type: string }>(client, "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'version'", [`${s}.stratum_databases`]);
      if (column?.type === 'integer') await run(client, `ALTER TABLE ${s}.stratum_databases ALTER COLUMN version TYPE bigint`);
      await run(client, `CREATE TABLE IF NOT EXISTS ${s}.stratum_rows (db text NOT NULL, tbl text NOT NULL, k bytea NOT NULL, v text NOT NULL, b bytea, PRIMARY KEY (db, tbl, k))`);
      await run(client, `CREATE TABLE IF NOT EXISTS ${s}.stratum_index (db text NOT NULL, tbl text NOT NULL, idx text NOT NULL, ik bytea NOT NULL, pk bytea NOT NULL, PRIMARY KEY (db, tbl, idx, ik, pk))`);
      await run(client, `CREATE INDEX IF NOT EXISTS stratum_index_by_row ON ${s}.stratum_index (db, tbl, pk)`);
      await run(client, `CREATE TABLE IF NOT EXISTS ${s}.stratum_keys (db text NOT NULL, tbl text NOT NULL, next double precision NOT NULL, PRIMARY KEY (db, tbl))`);
      await run(client, 'COMMIT');
      done();
    } catch (error) {
      await client.query('ROLLBACK').then(() => done(), (lost: Error) => done(lost));
      throw error;
    }
    await this._listen();
  }

  /** A pooled connection; `done(error)` drops a broken one instead of returning it. */
  async checkout(db: string): Promise<{ client: PoolClient; done: (broken?: Error) => void }> {
    if (this._ended) throw new DatabaseUnavailableError(`PostgreSQL: the provider for '${db}' was shut down (every connection closed).`, 'ended');
    let client: PoolClient;
    try {
      client = await this._pool.connect();
    } catch (error) {
      const reason = describeError(error);
      const full = /timeout exceeded when trying to connect/i.test(reason);
      const message = full
        ? `PostgreSQL: no pooled connection for '${db}' became free within ${this._options.connectTimeout ?? 10_000} ms (pool of ${this._pool.options.max}); shorten transactions or raise 'max'.`
        : `PostgreSQL is unreachable for '${db}' (${reason}); the next operation tries again.`;
      throw new DatabaseUnavailableError(message, reason, { cause: error });
    }
    // While checked out, the pool no longer listens to the connection: a server that goes away
    // between two statements (a restart) would emit an 'error' nobody hears and end the process.
    // The error is kept; the next statement on this connection fails in words, and it is dropped.
    let lost: Error | undefined;
    const onError = (error: Error): void => {
      lost ??= error;
    };
    client.on('error', onError);
    let released = false;
    return {
      client,
      done: (broken) => {
        if (released) return;
        released = true;
        client.off('error', onError);
        client.release(broken ?? lost);
      },
    };
  }

  /**
   * The outcome of transaction `xid` whose COMMIT got no answer (the connection dropped, the
   * server restarted), asked on another connection until the server answers (OUTCOME_WAIT):
   * `pg_xact_status` is final once the transaction's session has ended; one still "in progress"
   * belongs to a session that has not noticed its client is gone (or a COMMIT that never
   * arrived), and is ended, which settles it (only while it still holds that transaction).
   */
  async settle(db: string, xid: string, pid: number | null, error: unknown): Promise<boolean> {
    const deadline = Date.now() + OUTCOME_WAIT;
    const short = (BigInt(xid) & 0xffffffffn).toString();
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      try {
        const { client, done } = await this.checkout(db);
        try {
          const [row] = await run<{ status: string | null }>(client, 'SELECT pg_xact_status($1::xid8) AS status', [xid]);
          if (row?.status === 'committed' || row?.status === 'aborted') {
            done();
            return row.status === 'committed';
          }
          if (pid !== null) await run(client, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_xid = $2::xid', [pid, short]);
          done();
        } catch (lost) {
          done(lost as Error);
          throw lost;
        }
      } catch (still) {
        // The server is still away: asked again after the wait, until the deadline.
        this.failed(still);
      }
      if (Date.now() + wait > deadline) {
        throw new DatabaseUnavailableError(
          `PostgreSQL did not answer the commit on '${db}', and could not tell within ${OUTCOME_WAIT} ms whether it was applied (${describeError(error)}).`,
          describeError(error),
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** LISTEN on a connection of its own; reconnects with backoff while anything is open. */
  private async _listen(delay = BACKOFF.first): Promise<void> {
    if (this._listening || this._ended) return;
    this._listening = true;
    try {
      const client = await this._pool.connect();
      this._listener = client;
      client.on('notification', (message) => {
        if (message.channel === this._channel && message.payload !== undefined) this.hub.receive(message.payload);
      });
      const lost = (error?: Error): void => {
        if (this._listener !== client) return;
        this._listener = undefined;
        this._listening = false;
        client.release(error ?? new Error('LISTEN connection ended'));
        if (error) this.failed(error);
        this._retryListen(BACKOFF.first);
      };
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN "${this._channel.replace(/"/g, '""')}"`);
    } catch (error) {
      this._listening = false;
      this._listener = undefined;
      this.failed(error);
      this._retryListen(Math.min(delay * 2, BACKOFF.most));
    }
  }

  private _retryListen(delay: number): void {
    if (this._ended || this._retry) return;
    this._retry = setTimeout(() => {
      this._retry = undefined;
      void this._listen(delay);
    }, delay);
    this._retry.unref?.();
  }

  /** Something went wrong out of any caller's sight (change events, the LISTEN connection): a process warning says what. */
  failed(error: unknown): void {
    process.emitWarning(`PostgreSQL (${this._key.replace(/\/\/[^@/]*@/, '//…@')}): ${describeError(error)}`, { code: 'STRATUM_POSTGRES' });
  }

  /** How long one statement may take (the pool's query timeout). */
  get queryTimeout(): number {
    return this._options.queryTimeout ?? 30_000;
  }

  /** One user fewer; the last one ends the LISTEN connection and an owned pool. */
  release(): void {
    if (--this.users > 0) return;
    this._ended = true;
    places.delete(this._key);
    if (this._retry) clearTimeout(this._retry);
    const listener = this._listener;
    this._listener = undefined;
    listener?.release();
    if (this._owned) void this._pool.end().catch((error: unknown) => this.failed(error));
  }
}
