/**
 * The PostgreSQL provider (`stratumjs/db/postgres`): every server instance opens the same
 * databases. Rows live in three shared tables of one schema (postgres-rows.ts).
 *
 * Isolation without retries: a readwrite transaction first takes a transaction-scoped advisory
 * lock per table in its scope (sorted, so two transactions never wait on each other in a
 * cycle) and reads at READ COMMITTED after it, so it sees everything committed before it and
 * nothing else writes its tables until it ends — IndexedDB's rule for overlapping readwrite
 * scopes, across processes. Readonly transactions read one REPEATABLE READ snapshot and lock
 * nothing. Opens, upgrades and deletes take the database's lock exclusively (transactions hold
 * it shared). No transaction ever runs at SERIALIZABLE, so none fails with a serialization
 * error that would need its function run twice.
 */
import type { Pool, PoolClient } from 'pg';
import { ConstraintError, VersionError } from '../errors.js';
import { compareKeys } from '../keys.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderTransaction, SqlRows } from '../provider.js';
import { indexKeys, planUpgrade, type IndexInfo, type TableInfo } from '../schema.js';
import { Calls } from './calls.js';
import { FeedHub } from './feed.js';
import { keyBytes, PgRows, PgTransaction, rowValue, run, runScript } from './postgres-rows.js';
import { describeKey } from './software.js';
import { checkNames } from './libsql-values.js';
import { PgPlace, places, placeKey } from './postgres-place.js';

export interface PostgresOptions {
  /** `postgres://user@host:5432/db`; or give `client`. */
  url?: string;
  /** A `pg` Pool of your own (it stays open when the databases close). */
  client?: Pool;
  /** The schema holding Stratum's tables (created when missing); default `public`. */
  schema?: string;
  /** Connections in the pool this provider creates (default 10). */
  max?: number;
  /** How long a transaction waits for a free pooled connection, in ms (default 10,000). */
  connectTimeout?: number;
  /** How long one statement may take before it fails (a paused or unreachable server), in ms (default 30,000). */
  queryTimeout?: number;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

interface Meta {
  version: number;
  tables: TableInfo[];
}

async function readMeta(client: PoolClient, schema: string, name: string): Promise<Meta> {
  const rows = await run<{ version: number; tables: string }>(client, `SELECT version, tables FROM ${schema}.stratum_databases WHERE name = $1`, [name]);
  const row = rows[0];
  return row ? { version: Number(row.version), tables: JSON.parse(row.tables) as TableInfo[] } : { version: 0, tables: [] };
}

async function createIndex(rows: PgRows, client: PoolClient, schema: string, db: string, table: string, index: IndexInfo): Promise<void> {
  const existing = await run<{ k: Buffer; v: string; b: Buffer | null }>(client, `SELECT k, v, b FROM ${schema}.stratum_rows WHERE db = $1 AND tbl = $2 ORDER BY k`, [db, table]);
  const seen = new Set<string>();
  for (const row of existing) {
    const keys = indexKeys(rowValue(row), index, compareKeys);
    if (index.unique) {
      for (const key of keys) {
        const hex = keyBytes(key).toString('hex');
        if (seen.has(hex)) throw new ConstraintError(`Cannot create unique index '${index.name}' on '${table}': more than one row has ${describeKey(key)}.`);
        seen.add(hex);
      }
    }
    await rows.index(table, row.k, new Map([[index.name, keys]]));
  }
}

async function dropTable(client: PoolClient, schema: string, db: string, table: string): Promise<void> {
  for (const what of ['stratum_rows', 'stratum_index', 'stratum_keys']) await run(client, `DELETE FROM ${schema}.${what} WHERE db = $1 AND tbl = $2`, [db, table]);
}

class PgConnection implements Connection {
  readonly channel = undefined;
  readonly feed: ReturnType<FeedHub['feed']>;
  version: number;
  tables: TableInfo[];
  private _place: PgPlace;
  private _request: OpenRequest;
  private _closed = false;
  /** Transactions begun and not yet ended (their connection not yet given back). */
  private _calls = new Calls();

  constructor(place: PgPlace, request: OpenRequest, version: number, tables: TableInfo[]) {
    this._place = place;
    this._request = request;
    this.version = version;
    this.tables = tables;
    this.feed = place.hub.feed(request.name, () => void this._verify());
  }

  /**
   * Counts the call until its transaction ends (close() waits for those under way, as
   * IndexedDB's close() does): counted in the call itself, so a close() right after it sees it.
   */
  async begin(tables: string[], mode: Mode, single?: boolean): Promise<ProviderTransaction> {
    const end = this._calls.start();
    try {
      return await this._begin(tables, mode, single, end);
    } catch (error) {
      end();
      throw error;
    }
  }

  /** `end` once the transaction has given its connection back. */
  private async _begin(tables: string[], mode: Mode, single: boolean | undefined, end: () => void): Promise<ProviderTransaction> {
    const db = this._request.name;
    const writers = mode === 'readonly' ? this._place.settled(db, tables) : undefined;
    if (writers) await writers;
    if (single && mode === 'readonly') return this._single(db, end);
    const leave = mode === 'readwrite' ? await this._place.queue(db, tables) : () => undefined;
    let checkedOut: Awaited<ReturnType<PgPlace['checkout']>>;
    try {
      checkedOut = await this._place.checkout(db);
    } catch (error) {
      leave();
      throw error;
    }
    const { client } = checkedOut;
    const done = (broken?: Error): void => {
      leave();
      checkedOut.done(broken);
      end();
    };
    try {
      // The start, the locks and the version check leave as one text, one round trip (issue 18):
      // a statement with parameters needs one round trip each, and a read is three in all
      // (this, its statement, COMMIT). The names go in as literals, escaped by the driver.
      const literal = (text: string): string => client.escapeLiteral(text);
      const [shared, version] = this._guard(db, literal);
      const statements = [mode === 'readwrite' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', shared];
      if (mode === 'readwrite') {
        for (const table of [...tables].sort()) statements.push(`SELECT pg_advisory_xact_lock(hashtextextended(${literal(this._place.lockName(db, table))}, 0))`);
      }
      statements.push(version);
      const answers = await runScript<{ version: number }>(client, statements.join('; '));
      this._check(db, Number(answers.at(-1)?.[0]?.version ?? 0));
      return new PgTransaction(client, this._place.schema, db, this.tables, done, mode === 'readwrite' ? (xid, pid, error) => this._place.settle(db, xid, pid, error) : undefined);
    } catch (error) {
      await client.query('ROLLBACK').then(() => done(), (lost: Error) => done(lost));
      throw error;
    }
  }

  /**
   * A readonly table call outside db.transaction: one statement, sent with the shared lock and
   * the version check as one text (PgRows' SingleRead), so a read is one round trip. One
   * statement sees one snapshot, which is all REPEATABLE READ gives a transaction of one.
   */
  private async _single(db: string, end: () => void): Promise<ProviderTransaction> {
    const { client, done: checkedIn } = await this._place.checkout(db);
    const done = (broken?: Error): void => {
      checkedIn(broken);
      end();
    };
    const schema = this._place.schema;
    const prefix = this._guard(db, (text) => client.escapeLiteral(text)).join('; ');
    return new PgTransaction(client, schema, db, this.tables, done, undefined, { prefix, check: (version) => this._check(db, version) });
  }

  /**
   * What every transaction starts with: the database's lock taken shared (opens, upgrades and
   * deletes take it exclusively), then the stored version, which another process may have
   * upgraded or deleted since this connection opened. `literal` escapes the names.
   */
  private _guard(db: string, literal: (text: string) => string): [shared: string, version: string] {
    return [
      `SELECT pg_advisory_xact_lock_shared(hashtextextended(${literal(this._place.lockName(db))}, 0))`,
      `SELECT version FROM ${this._place.schema}.stratum_databases WHERE name = ${literal(db)}`,
    ];
  }

  /** Throws VersionError in words (and tells the database) when the stored version is not this connection's. */
  private _check(db: string, version: number): void {
    if (version === this.version) return;
    queueMicrotask(() => this._request.versionchange(version === 0 ? null : version));
    throw new VersionError(`Database '${db}' is now at version ${version} (changed by another process); this connection at version ${this.version} closed.`);
  }

  /** The console's SQL, read-only, stopped at a time limit (postgres-console.ts). */
  async sql(text: string, timeoutMs?: number): Promise<SqlRows> {
    // Loaded on the console's first statement: an app that never opens the console does not carry it.
    return (await import('./postgres-console.js')).readOnlySql(this._place, this._request.name, text, timeoutMs);
  }

  /** Another process announced a version change: close if the stored version really differs. */
  private async _verify(): Promise<void> {
    if (this._closed) return;
    try {
      const { client, done } = await this._place.checkout(this._request.name);
      try {
        const { version } = await readMeta(client, this._place.schema, this._request.name);
        if (version !== this.version && !this._closed) this._request.versionchange(version === 0 ? null : version);
      } finally {
        done();
      }
    } catch (error) {
      // The next transaction checks the version again; a failed check here changes nothing.
      this._place.failed(error);
    }
  }

  _versionchange(newVersion: number | null): void {
    this._request.versionchange(newVersion);
  }

  /**
   * As IndexedDB's close(): no new transaction, and those under way (a read issued just before
   * included) finish first; then the pool goes, if this was its last user.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.feed.close();
    this._place.connections.delete(this);
    // One statement timeout at the latest, for a transaction its caller never ends.
    this._calls.whenDone(() => this._place.release(), this._place.queryTimeout);
  }

  get db(): string {
    return this._request.name;
  }
}

class PostgresProvider implements Provider {
  readonly kind = 'postgres';
  readonly persistent = true;
  private _options: PostgresOptions;
  private _key: string;

  constructor(options: PostgresOptions) {
    if (!options || typeof options !== 'object' || ((typeof options.url !== 'string' || options.url === '') && !options.client)) {
      throw new TypeError("postgres: give the server's URL, e.g. postgres({ url: 'postgres://app@db:5432/app' }), or { client: a pg Pool }.");
    }
    if (options.schema !== undefined && (typeof options.schema !== 'string' || options.schema === '' || options.schema.length > 40)) {
      throw new TypeError(`postgres: schema is a name of 1–40 characters; got ${JSON.stringify(options.schema)}.`);
    }
    // The server cuts a longer name to 63 bytes without an error: two such names would share one schema.
    if (options.schema !== undefined && Buffer.byteLength(options.schema) > 63) {
      throw new TypeError(`postgres: schema ${JSON.stringify(options.schema)} is ${Buffer.byteLength(options.schema)} bytes in UTF-8; PostgreSQL keeps 63 and cuts the rest, so give a shorter name.`);
    }
    this._options = options;
    this._key = placeKey(options);
  }

  private _use(): PgPlace {
    let place = places.get(this._key);
    if (!place) places.set(this._key, (place = new PgPlace(this._key, this._options, quote(this._options.schema ?? 'public'))));
    place.users++;
    return place;
  }

  async open(request: OpenRequest): Promise<Connection> {
    checkNames('PostgreSQL', true, request.name, request.tables);
    const place = this._use();
    let connection: PgConnection | undefined;
    try {
      await place.ready();
      const { client, done } = await place.checkout(request.name);
      let upgraded = false;
      try {
        await run(client, 'BEGIN');
        await run(client, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [place.lockName(request.name)]);
        const meta = await readMeta(client, place.schema, request.name);
        if (request.version < meta.version) {
          throw new VersionError(`Database '${request.name}' is at version ${meta.version}; it cannot be opened at the lower version ${request.version} (versions only go up).`);
        }
        let tables = meta.tables;
        if (request.version > meta.version) {
          for (const other of [...place.connections]) if ((other as PgConnection).db === request.name) (other as PgConnection)._versionchange(request.version);
          await this._upgrade(client, place.schema, request, meta);
          tables = request.tables;
          upgraded = meta.version > 0;
        }
        await run(client, 'COMMIT');
        done();
        connection = new PgConnection(place, request, request.version, tables);
      } catch (error) {
        await client.query('ROLLBACK').then(() => done(), (lost: Error) => done(lost));
        throw error;
      }
      place.connections.add(connection);
      if (upgraded) void place.hub.announce(request.name, request.version);
      return connection;
    } catch (error) {
      place.release();
      throw error;
    }
  }

  async deleteDatabase(name: string, blocked: () => void): Promise<void> {
    checkNames('PostgreSQL', true, name);
    const place = this._use();
    try {
      const open = [...place.connections].filter((other) => (other as PgConnection).db === name) as PgConnection[];
      for (const other of open) other._versionchange(null);
      if (open.some((other) => place.connections.has(other))) blocked();
      await place.ready();
      const { client, done } = await place.checkout(name);
      try {
        await run(client, 'BEGIN');
        await run(client, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [place.lockName(name)]);
        for (const what of ['stratum_rows', 'stratum_index', 'stratum_keys']) await run(client, `DELETE FROM ${place.schema}.${what} WHERE db = $1`, [name]);
        await run(client, `DELETE FROM ${place.schema}.stratum_databases WHERE name = $1`, [name]);
        await run(client, 'COMMIT');
        done();
      } catch (error) {
        await client.query('ROLLBACK').then(() => done(), (lost: Error) => done(lost));
        throw error;
      }
      await place.hub.announce(name, null);
    } finally {
      place.release();
    }
  }

  private async _upgrade(client: PoolClient, schema: string, request: OpenRequest, meta: Meta): Promise<void> {
    const db = request.name;
    const plan = planUpgrade(meta.tables, request.tables);
    const removed = meta.tables.filter((table) => plan.removeTables.includes(table.name));
    const during = [...request.tables, ...removed];
    const rows = new PgRows(client, schema, db, during);
    for (const { table, index } of plan.drop) await run(client, `DELETE FROM ${schema}.stratum_index WHERE db = $1 AND tbl = $2 AND idx = $3`, [db, table, index]);
    for (const { table, index } of plan.add) await createIndex(rows, client, schema, db, table, index);
    const upgrade = new PgTransaction(client, schema, db, during, () => undefined);
    await request.upgrade(upgrade, meta.version, during);
    for (const table of removed) await dropTable(client, schema, db, table.name);
    for (const { table, index } of plan.removeIndexes) await run(client, `DELETE FROM ${schema}.stratum_index WHERE db = $1 AND tbl = $2 AND idx = $3`, [db, table, index]);
    await run(
      client,
      `INSERT INTO ${schema}.stratum_databases (name, version, tables) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET version = excluded.version, tables = excluded.tables`,
      [db, request.version, JSON.stringify(request.tables)],
    );
  }
}

/**
 * PostgreSQL for Node, shared by every server instance:
 * `openDatabase('app', { version: 1, tables, provider: postgres({ url: process.env.DATABASE_URL }) })`.
 */
export function postgres(options: PostgresOptions): Provider {
  return new PostgresProvider(options);
}
