/**
 * The libSQL provider: SQLite in a file (`file:data.db`), in memory (`:memory:`), or on a libSQL
 * server (`libsql://…`, `https://…`: passed to the client as given, untested here). Several
 * databases can share one file; each keeps its tables under its own name and its version and
 * tables in `stratum_databases`.
 *
 * Transactions on one file are serialized within the process (a lock per URL): libSQL's busy
 * wait is synchronous, so a second connection waiting on the first inside one process would
 * block the very event loop the first needs to finish. Across processes SQLite's own locking
 * (with a busy timeout) does the same work.
 */
import { createClient, type Client, type Transaction as SqlTransaction } from '@libsql/client';
import { ConstraintError, DatabaseUnavailableError, describeError, VersionError } from '../errors.js';
import { compareKeys, type Key } from '../keys.js';
import type { Connection, Mode, OpenRequest, Provider, ProviderTransaction, SqlRows } from '../provider.js';
import { indexKeys, planUpgrade, type IndexInfo, type TableInfo } from '../schema.js';
import { ensureLayout } from './libsql-layout.js';
import { countSql, countTriggers, indexName, indexSql, indexTableSql, keyArg, LibsqlTransaction, rowsTableSql, rowValue, tableName, tableSql, type SqlRunner } from './libsql-rows.js';
import { describeKey } from './software.js';
import { checkNames } from './libsql-values.js';
import { Lock } from './tasks.js';

export interface LibsqlOptions {
  /** `file:path.db`, `:memory:`, or a libSQL server URL. */
  url: string;
  authToken?: string;
  /** How long to wait for another process's lock on a file, in ms (default 5000). */
  busyTimeout?: number;
}

interface Place {
  lock: Lock;
  connections: Set<LibsqlConnection>;
}

/** Per stored database file (or server) in this process: its lock and its open connections. */
const places = new Map<string, Place>();

const META = [
  'CREATE TABLE IF NOT EXISTS stratum_databases (name TEXT PRIMARY KEY, version INTEGER NOT NULL, tables TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS stratum_keys (name TEXT PRIMARY KEY, next REAL NOT NULL)',
  'CREATE TABLE IF NOT EXISTS stratum_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL)',
];

/**
 * Keeps a row count for every table that has none yet (new ones, and files from before counts
 * existed). A count row is kept only with both its triggers: an older version that knew no
 * counts drops a table (deleteDatabase, an upgrade) and its triggers with it but leaves the
 * row, and a table made again under that name would otherwise read the old count forever.
 */
async function ensureCounts(tx: SqlTransaction, db: string, tables: TableInfo[]): Promise<void> {
  if (tables.length === 0) return;
  const names = tables.map((table) => tableSql(db, table.name));
  const { rows } = await tx.execute({ sql: `SELECT name FROM stratum_counts WHERE name IN (${names.map(() => '?').join(', ')})`, args: names });
  const triggers = tables.flatMap((table) => countTriggers(db, table.name));
  const found = await tx.execute({ sql: `SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (${triggers.map(() => '?').join(', ')})`, args: triggers });
  const counted = new Set(rows.map((row) => row[0] as string));
  const triggered = new Set(found.rows.map((row) => row[0] as string));
  for (const table of tables) {
    if (counted.has(tableSql(db, table.name)) && countTriggers(db, table.name).every((name) => triggered.has(name))) continue;
    for (const sql of countSql(db, table.name)) await tx.execute(sql);
  }
}

async function readMeta(tx: SqlTransaction, name: string): Promise<{ version: number; tables: TableInfo[] }> {
  const { rows } = await tx.execute({ sql: 'SELECT version, tables FROM stratum_databases WHERE name = ?', args: [name] });
  const row = rows[0];
  return row ? { version: Number(row[0]), tables: JSON.parse(row[1] as string) as TableInfo[] } : { version: 0, tables: [] };
}

/** The database's version only (begin's check): no tables JSON to read and parse per transaction. */
async function readVersion(sql: SqlRunner, name: string): Promise<number> {
  const { rows } = await sql.execute({ sql: 'SELECT version FROM stratum_databases WHERE name = ?', args: [name] });
  return rows[0] ? Number(rows[0][0]) : 0;
}

/**
 * SQLite compares its names without ASCII case: the SQL table for 'Notes' is the one for 'notes'
 * (of this database, or of one named 'APP' beside 'app'). Refused in words before CREATE TABLE
 * fails with "already exists".
 */
async function ensureFree(tx: SqlTransaction, name: string, what: string): Promise<void> {
  const { rows } = await tx.execute({ sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", args: [name] });
  const taken = rows[0]?.[0];
  if (taken === undefined) return;
  throw new ConstraintError(
    `${what} cannot be made in this SQLite file: SQLite ignores the case of its table names, and the SQL table "${String(taken)}" (a table, index or database whose name differs only by case) is already there. Rename one of them.`,
  );
}

async function createIndex(tx: SqlTransaction, db: string, table: string, index: IndexInfo): Promise<void> {
  const sql = indexSql(db, table, index.name);
  await ensureFree(tx, indexName(db, table, index.name), `Index '${index.name}' of table '${table}' in '${db}'`);
  for (const statement of indexTableSql(db, table, index.name)) await tx.execute(statement);
  // Index the rows already there; a unique index over repeated values fails the upgrade, as in IndexedDB.
  const { rows } = await tx.execute(`SELECT k, v, b, r FROM ${tableSql(db, table)}`);
  for (const row of rows) {
    const pk = row[0] as ArrayBuffer;
    for (const key of indexKeys(rowValue(row, 1, 2), index, compareKeys)) {
      if (index.unique) {
        const taken = await tx.execute({ sql: `SELECT 1 FROM ${sql} WHERE ik = ?`, args: [keyArg(key)] });
        if (taken.rows.length) throw new ConstraintError(`Cannot create unique index '${index.name}' on '${table}': more than one row has ${describeKey(key)}.`);
      }
      await tx.execute({ sql: `INSERT OR IGNORE INTO ${sql} (ik, pk, r) VALUES (?, ?, ?)`, args: [keyArg(key), pk, row[3] ?? null] });
    }
  }
}

async function dropTable(tx: SqlTransaction, db: string, table: TableInfo): Promise<void> {
  for (const index of table.indexes) await tx.execute(`DROP TABLE IF EXISTS ${indexSql(db, table.name, index.name)}`);
  await tx.execute(`DROP TABLE IF EXISTS ${tableSql(db, table.name)}`);
  await tx.execute({ sql: 'DELETE FROM stratum_keys WHERE name = ?', args: [tableSql(db, table.name)] });
  await tx.execute({ sql: 'DELETE FROM stratum_counts WHERE name = ?', args: [tableSql(db, table.name)] });
}

class LibsqlConnection implements Connection {
  readonly channel: string;
  version: number;
  tables: TableInfo[];
  private _provider: LibsqlProvider;
  private _request: OpenRequest;
  private _closed = false;

  constructor(provider: LibsqlProvider, request: OpenRequest, version: number, tables: TableInfo[]) {
    this._provider = provider;
    this._request = request;
    this.version = version;
    this.tables = tables;
    // File and server databases are shared by URL; a memory database belongs to its provider's client.
    this.channel = `stratum-db:libsql:${provider.shared ? provider.url : provider.id}:${request.name}`;
  }

  async begin(_tables: string[], mode: Mode, single = false): Promise<ProviderTransaction> {
    const { client, place } = this._provider.use();
    const release = await place.lock.acquire();
    let tx: SqlTransaction | undefined;
    try {
      // One read outside db.transaction: one statement, no BEGIN/COMMIT; the version check follows it.
      if (single && mode === 'readonly') {
        return new LibsqlTransaction(client as SqlRunner, this._request.name, this.tables, release, {
          version: this.version,
          check: (seen) => this._check(client as SqlRunner, seen),
        });
      }
      tx = await client.transaction(mode === 'readwrite' ? 'write' : 'deferred');
      await this._check(tx);
      return new LibsqlTransaction(tx, this._request.name, this.tables, release);
    } catch (error) {
      if (tx && !tx.closed) tx.close();
      release();
      throw error instanceof VersionError ? error : new DatabaseUnavailableError(`SQLite database '${this._request.name}' cannot start a transaction: ${describeError(error)}`, describeError(error), { cause: error });
    }
  }

  /** The console's SQL, read-only, stopped at a time limit on a file (libsql-console.ts). */
  async sql(text: string, timeoutMs?: number): Promise<SqlRows> {
    // Loaded on the console's first statement: an app that never opens the console does not carry it.
    return (await import('./libsql-console.js')).readOnlySql(this._provider, text, timeoutMs);
  }

  /** Another process may have upgraded or deleted the database since this connection opened. */
  private async _check(sql: SqlRunner, seen?: number): Promise<void> {
    const version = seen ?? (await readVersion(sql, this._request.name));
    if (version === this.version) return;
    queueMicrotask(() => this._request.versionchange(version === 0 ? null : version));
    throw new VersionError(`Database '${this._request.name}' is now at version ${version} (changed by another process); this connection at version ${this.version} closed.`);
  }

  /** The database this connection opened: an upgrade or delete of another one is none of its business. */
  get name(): string {
    return this._request.name;
  }

  _versionchange(newVersion: number | null): void {
    this._request.versionchange(newVersion);
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._provider.release(this);
  }
}

class LibsqlProvider implements Provider {
  readonly kind = 'libsql';
  readonly persistent: boolean;
  readonly url: string;
  /** Whether other clients (in this process or others) can reach the same database. */
  readonly shared: boolean;
  /** Names this provider's `:memory:` database for change events. */
  readonly id = Math.random().toString(36).slice(2);
  /** How long a connection waits for another's lock on the file (ms). */
  readonly busyTimeout: number;
  private _options: LibsqlOptions;
  private _client: Client | undefined;
  private _place: Place;
  /** Open connections plus opens and deletes under way: the client closes when none is left. */
  private _users = 0;

  constructor(options: LibsqlOptions) {
    if (!options || typeof options.url !== 'string' || options.url === '') {
      throw new TypeError("libsql: give the database's URL, e.g. libsql({ url: 'file:data.db' }) or { url: ':memory:' }.");
    }
    this._options = options;
    this.url = options.url;
    this.busyTimeout = options.busyTimeout ?? 5000;
    const memory = /^(file:)?:memory:/.test(options.url);
    this.persistent = !memory;
    this.shared = !memory;
    const placeKey = memory ? undefined : options.url.replace(/\?.*$/, '');
    const place = placeKey === undefined ? undefined : places.get(placeKey);
    this._place = place ?? { lock: new Lock(), connections: new Set() };
    if (placeKey !== undefined && !place) places.set(placeKey, this._place);
  }

  use(): { client: Client; place: Place } {
    this._client ??= createClient({
      url: this._options.url,
      ...(this._options.authToken !== undefined && { authToken: this._options.authToken }),
      intMode: 'bigint',
      timeout: this.busyTimeout,
    });
    return { client: this._client, place: this._place };
  }

  async open(request: OpenRequest): Promise<Connection> {
    checkNames('SQLite', true, request.name, request.tables);
    const { client, place } = this._connect(request.name);
    this._users++;
    const release = await place.lock.acquire();
    let tx: SqlTransaction | undefined;
    try {
      tx = await client.transaction('write');
      for (const sql of META) await tx.execute(sql);
      const meta = await readMeta(tx, request.name);
      // Before the upgrade function, which reads and writes them through the current layout's SQL.
      await ensureLayout(tx, request.name, meta.tables);
      if (request.version < meta.version) {
        throw new VersionError(`Database '${request.name}' is at version ${meta.version}; it cannot be opened at the lower version ${request.version} (versions only go up).`);
      }
      let tables = meta.tables;
      if (request.version > meta.version) {
        // A place (one file, one :memory: client) holds many databases: only this one's connections hear it.
        for (const connection of [...place.connections]) if (connection.name === request.name) connection._versionchange(request.version);
        await this._upgrade(tx, request, meta.tables, meta.version);
        tables = request.tables;
      }
      await ensureCounts(tx, request.name, tables);
      await tx.commit();
      const connection = new LibsqlConnection(this, request, request.version, tables);
      place.connections.add(connection);
      return connection;
    } catch (error) {
      // Closing rolls back whatever the failed open had begun.
      if (tx && !tx.closed) tx.close();
      this._done();
      throw error;
    } finally {
      release();
    }
  }

  async deleteDatabase(name: string, blocked: () => void): Promise<void> {
    checkNames('SQLite', true, name);
    const { client, place } = this._connect(name);
    this._users++;
    const mine = [...place.connections].filter((connection) => connection.name === name);
    for (const connection of mine) connection._versionchange(null);
    if (mine.length > 0) blocked();
    const release = await place.lock.acquire();
    try {
      const tx = await client.transaction('write');
      try {
        for (const sql of META) await tx.execute(sql);
        const meta = await readMeta(tx, name);
        for (const table of meta.tables) await dropTable(tx, name, table);
        await tx.execute({ sql: 'DELETE FROM stratum_databases WHERE name = ?', args: [name] });
        await tx.commit();
      } finally {
        tx.close();
      }
    } finally {
      release();
      this._done();
    }
  }

  /** Called by a closing connection. */
  release(connection: LibsqlConnection): void {
    if (this._place.connections.delete(connection)) this._done();
  }

  /** One user less; the last one closes the client (`:memory:` lives only as long as its client: kept). */
  private _done(): void {
    this._users--;
    if (this._users > 0 || !this.shared) return;
    this._client?.close();
    this._client = undefined;
  }

  private _connect(name: string): { client: Client; place: Place } {
    try {
      return this.use();
    } catch (error) {
      throw new DatabaseUnavailableError(`libSQL cannot open '${name}' at ${this.url}: ${describeError(error)}`, describeError(error), { cause: error });
    }
  }

  private async _upgrade(tx: SqlTransaction, request: OpenRequest, existing: TableInfo[], oldVersion: number): Promise<void> {
    const db = request.name;
    const plan = planUpgrade(existing, request.tables);
    for (const table of plan.create) {
      await ensureFree(tx, tableName(db, table.name), `Table '${table.name}' of '${db}'`);
      await tx.execute(rowsTableSql(tableSql(db, table.name)));
      for (const index of table.indexes) await createIndex(tx, db, table.name, index);
    }
    for (const { table, index } of plan.drop) await tx.execute(`DROP TABLE ${indexSql(db, table, index)}`);
    for (const { table, index } of plan.add) await createIndex(tx, db, table, index);
    const removed = existing.filter((table) => plan.removeTables.includes(table.name));
    const during = [...request.tables, ...removed];
    const upgrade = new LibsqlTransaction(tx, db, during, () => undefined);
    await request.upgrade(upgrade, oldVersion, during);
    await upgrade.sync();
    for (const table of removed) await dropTable(tx, db, table);
    for (const { table, index } of plan.removeIndexes) await tx.execute(`DROP TABLE ${indexSql(db, table, index)}`);
    await tx.execute({
      sql: 'INSERT INTO stratum_databases (name, version, tables) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, tables = excluded.tables',
      args: [db, request.version, JSON.stringify(request.tables)],
    });
  }
}

/** SQLite through libSQL, for Node: `openDatabase('app', { version: 1, tables, provider: libsql({ url: 'file:app.db' }) })`. */
export function libsql(options: LibsqlOptions): Provider {
  return new LibsqlProvider(options);
}
