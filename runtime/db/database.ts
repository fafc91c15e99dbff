/**
 * openDatabase and the Database: one connection through a provider, the tables it holds,
 * transactions, change events (local and, through a BroadcastChannel, from other tabs or
 * connections), and its entry in the devtools registry.
 */
import { faults } from '../registry/faults.js';
import { register, report, unregister } from '../registry/registry.js';
import { BlobStoreImpl } from './blobs.js';
import { CacheImpl } from './cache.js';
import { DatabaseUnavailableError, describeError, NotFoundError } from './errors.js';
import type { Key } from './keys.js';
import { READONLY_SQL, type Connection, type Mode, type OpenRequest, type Provider, type ProviderTransaction, type SqlRows } from './provider.js';
import { indexeddb } from './providers/indexeddb.js';
import { memory } from './providers/memory.js';
import { normalizeSchema, type TableInfo } from './schema.js';
import { TableImpl } from './table.js';
import { runSingle, TxScope, type Change, type OpHost, type Stamp, type TxOwner } from './transaction.js';
import type { BlobStore, Cache, Database, DbEvent, OpenOptions, ProviderKind, Table, Transaction, TransactionOptions } from './types.js';

type RowEvent = Extract<DbEvent, { table: string }>;

/** build.mjs defines it in production builds: the fault hooks below fold away (registry/faults.ts). */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

/**
 * Change records as events: consecutive changes of one kind on one table, made by operations of
 * one name, become one event (which keeps the last one's call site).
 */
function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function toEvents(changes: Change[]): RowEvent[] {
  const events: RowEvent[] = [];
  for (const change of changes) {
    const last = events[events.length - 1];
    const joins = last && last.type === change.type && last.type !== 'clear' && last.table === change.table && last.label === change.label;
    let event: RowEvent;
    if (joins) {
      event = last;
      last.keys.push(change.key as Key);
    } else {
      event = change.type === 'clear' ? { type: 'clear', table: change.table, origin: 'local' } : { type: change.type, table: change.table, keys: [change.key as Key], origin: 'local' };
      events.push(event);
    }
    if (change.label !== undefined) event.label = change.label;
    if (change.trace) event.trace = change.trace;
  }
  return events;
}

class DatabaseImpl implements Database, TxOwner, OpHost {
  readonly name: string;
  readonly _dbName: string;
  provider: ProviderKind;
  persistent: boolean;
  reason: string | undefined;
  closed = false;

  private _options: OpenOptions;
  private _provider: Provider;
  private _closedBecause = 'not open yet';
  private _conn: Connection | undefined;
  private _listeners = new Set<(event: DbEvent) => void>();
  private _channel: BroadcastChannel | undefined;
  private _unlisten: (() => void) | undefined;
  private _tables = new Map<string, Table>();
  private _cache: Cache | undefined;
  private _blobs: BlobStore | undefined;

  constructor(name: string, options: OpenOptions, provider: Provider) {
    this.name = this._dbName = name;
    this._options = options;
    this._provider = provider;
    this.provider = provider.kind;
    this.persistent = provider.persistent;
    if (options.subscribe) this._listeners.add(options.subscribe);
  }

  get version(): number {
    return this._conn?.version ?? this._options.version;
  }

  /** @internal What the app declared (tables, upgrade): a migration rehearsal opens a copy with it (issue 23). */
  _declaration(): OpenOptions {
    return this._options;
  }

  get cache(): Cache {
    if (!this._options.cache) throw new TypeError(`Database '${this.name}' has no cache; open it with { cache: true }.`);
    const clock = (typeof this._options.cache === 'object' ? this._options.cache.now : undefined) ?? Date.now;
    // A simulated clock offset (the panel's "clock +1 h") moves TTLs without touching the app's clock.
    const now = typeof __STRATUM_NO_AGENT__ === 'undefined' ? () => clock() + faults.clockOffset : clock;
    return (this._cache ??= new CacheImpl(this, now));
  }

  get blobs(): BlobStore {
    if (!this._options.blobs) throw new TypeError(`Database '${this.name}' has no blob storage; open it with { blobs: true }.`);
    return (this._blobs ??= new BlobStoreImpl(this));
  }

  table(name: string): Table {
    let table = this._tables.get(name);
    if (!table) this._tables.set(name, (table = new TableImpl(this, name)));
    return table;
  }

  tables(): TableInfo[] {
    // IndexedDB lists object stores and indexes by name (a sorted DOMStringList, code-unit order)
    // and cannot list them otherwise: every provider lists them so.
    return (this._conn?.tables ?? []).map((table) => ({ ...table, indexes: table.indexes.map((index) => ({ ...index })).sort(byName) })).sort(byName);
  }

  async transaction<R>(tables: string[], mode: Mode, fn: (tx: Transaction) => Promise<R>, options?: TransactionOptions): Promise<R> {
    if (!Array.isArray(tables) || tables.length === 0) throw new TypeError(`transaction: name the tables it uses, e.g. ['notes'].`);
    if (mode !== 'readonly' && mode !== 'readwrite') throw new TypeError(`transaction: mode is 'readonly' or 'readwrite'; got ${String(mode)}.`);
    if (typeof fn !== 'function') throw new TypeError('transaction: the third argument is the function to run.');
    for (const table of tables) this._info(table);
    let tx = await this._connection().begin([...new Set(tables)], mode);
    if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.transaction) tx = faults.transaction(this, tx, mode);
    return new TxScope(this, tx, tables, mode, options?.label)._run(fn, true);
  }

  /** The query console's read-only SQL (devtools only; undefined where the engine speaks no SQL). */
  [READONLY_SQL](text: string, timeoutMs?: number): Promise<SqlRows> | undefined {
    return this._connection().sql?.(text, timeoutMs);
  }

  subscribe(listener: (event: DbEvent) => void): () => void {
    this._listeners.add(listener);
    return () => {
      this._listeners.delete(listener);
    };
  }

  close(): void {
    this._close('closed by close()');
  }

  async delete(): Promise<void> {
    this._close('deleted by delete()');
    await this._provider.deleteDatabase(this.name, () => this._blocked(this.version, null));
    // Gone, not only closed: the panel drops it, as Chrome's Application panel drops a deleted
    // database (a closed one stays listed, with why: its data is still there).
    unregister(this);
  }

  /** @internal */
  _info(table: string): TableInfo {
    const info = this._connection().tables.find((candidate) => candidate.name === table);
    if (info) return info;
    const known = this._connection().tables.map((candidate) => `'${candidate.name}'`).join(', ') || 'none';
    throw new NotFoundError(`Database '${this.name}' has no table '${table}' (tables: ${known}).`);
  }

  /** @internal */
  async _op<T>(
    tables: string | readonly string[],
    write: boolean,
    op: (tx: ProviderTransaction, changes: Change[]) => Promise<T>,
    named?: Stamp,
  ): Promise<T> {
    const list = typeof tables === 'string' ? [tables] : [...tables];
    for (const table of list) this._info(table);
    let tx = await this._connection().begin(list, write ? 'readwrite' : 'readonly', true);
    if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.transaction) tx = faults.transaction(this, tx, write ? 'readwrite' : 'readonly');
    return runSingle(this, tx, op, named);
  }

  /** @internal */
  _committed(changes: Change[]): void {
    if (changes.length === 0) return;
    const events = toEvents(changes);
    try {
      // A call site means nothing in another tab (and an Error may not clone): it stays here.
      const remote = events.map(({ origin: _local, trace: _site, ...event }) => event);
      this._channel?.postMessage(remote);
      this._conn?.feed?.publish(remote);
    } catch (error) {
      report(this, 'broadcast-error', `Change events could not reach other tabs: ${String(error)}`);
    }
    for (const event of events) this._emit(event);
  }

  /** @internal Opens through the provider; with `fallback: 'memory'`, in memory when IndexedDB is unusable. */
  async _open(provider: Provider): Promise<void> {
    const { version, upgrade } = this._options;
    const request: OpenRequest = {
      name: this.name,
      version,
      tables: normalizeSchema(this._options.tables, { cache: Boolean(this._options.cache), blobs: this._options.blobs === true }),
      now: (typeof this._options.cache === 'object' ? this._options.cache.now : undefined) ?? Date.now,
      upgrade: async (tx, oldVersion, tables) => {
        if (!upgrade) return;
        const owner: TxOwner = {
          _dbName: this.name,
          _info: (name) => {
            const info = tables.find((table) => table.name === name);
            if (!info) throw new NotFoundError(`Database '${this.name}' has no table '${name}' during the upgrade.`);
            return info;
          },
          _committed: () => undefined,
        };
        const names = tables.map((table) => table.name);
        await new TxScope(owner, tx, names, 'readwrite')._run((scope) => upgrade({ oldVersion, newVersion: version, tx: scope }), false);
      },
      blocked: (oldVersion) => this._blocked(oldVersion, version),
      versionchange: (newVersion) => {
        this._emit({ type: 'versionchange', newVersion });
        this._close(newVersion === null ? 'another connection deletes the database' : `another connection upgrades it to version ${newVersion}`);
      },
      lost: (reason) => this._close(reason),
    };
    try {
      this._conn = await provider.open(request);
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || this._options.fallback !== 'memory' || provider.kind !== 'indexeddb') throw error;
      this._provider = memory();
      this.provider = 'memory';
      this.persistent = false;
      this.reason = error.reason;
      this._conn = await this._provider.open(request);
    }
    // Registered once open, so the panel's first look finds its tables (a blocked open registers
    // earlier, to have somewhere to report).
    register('database', this);
    if (this.reason !== undefined) {
      report(this, 'fallback', `IndexedDB is unusable (${this.reason}); '${this.name}' is in memory and will be lost with the page.`);
    }
    this._unlisten = this._conn.feed?.listen((events) => {
      for (const event of events) this._emit({ ...event, origin: 'remote' } as RowEvent);
    });
    const channel = this._conn.channel;
    if (channel && typeof BroadcastChannel === 'function') {
      this._channel = new BroadcastChannel(channel);
      // Node keeps a process alive while a channel is open; a database must not.
      (this._channel as { unref?: () => void }).unref?.();
      this._channel.onmessage = (message: MessageEvent<Omit<RowEvent, 'origin'>[]>) => {
        for (const event of message.data) this._emit({ ...event, origin: 'remote' } as RowEvent);
      };
    }
  }

  /** @internal The open failed: a registry entry (from a blocked open) shows why until it is collected. */
  _failed(error: unknown): void {
    this.closed = true;
    this._closedBecause = `failed to open: ${describeError(error)}`;
  }

  private _connection(): Connection {
    if (this.closed || !this._conn) {
      throw new DatabaseUnavailableError(`Database '${this.name}' is closed (${this._closedBecause}); open it again.`, this._closedBecause);
    }
    return this._conn;
  }

  private _blocked(oldVersion: number, newVersion: number | null): void {
    this._emit({ type: 'blocked', oldVersion, newVersion });
    const what = newVersion === null ? `Deleting '${this.name}'` : `Opening '${this.name}' at version ${newVersion}`;
    register('database', this);
    report(this, 'blocked', `${what} waits: another tab or connection holds version ${oldVersion} open.`);
  }

  private _close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this._closedBecause = reason;
    if (!this._conn) return;
    this._conn.close();
    this._channel?.close();
    this._unlisten?.();
    this._emit({ type: 'close', reason });
  }

  private _emit(event: DbEvent): void {
    try {
      emitToAll([...this._listeners], event);
    } catch (error) {
      // The change is committed: a throwing listener must not make it look failed. It surfaces
      // as an uncaught error instead, like a throwing DOM event listener.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/**
 * Opens (creating or upgrading) a database. Tables are declared; raising `version` creates and
 * deletes tables and indexes to match, then runs `upgrade`. See DESIGN.md `stratumjs/db`.
 */
export async function openDatabase<S = unknown>(name: string, options: OpenOptions<S>): Promise<Database<S>> {
  if (typeof name !== 'string' || name === '') throw new TypeError('openDatabase: the name must be a non-empty string.');
  if (!options || typeof options !== 'object') throw new TypeError(`openDatabase('${name}'): options { version, tables } are required.`);
  const { version } = options;
  // IndexedDB's bound (an unsigned long long limited to 2^53 - 1), kept by every provider.
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new TypeError(`openDatabase('${name}'): version must be a whole number from 1 to 2^53 - 1; got ${String(version)}.`);
  }
  if (options.fallback !== undefined && options.fallback !== 'memory') {
    throw new TypeError(`openDatabase('${name}'): fallback is 'memory' or absent; got ${String(options.fallback)}.`);
  }
  const provider = options.provider ?? indexeddb();
  const db = new DatabaseImpl(name, options as OpenOptions, provider);
  try {
    await db._open(provider);
  } catch (error) {
    db._failed(error);
    throw error;
  }
  return db as unknown as Database<S>;
}

/**
 * Runs every listener, keeps the first error and rethrows it after all ran (the nanostores /
 * preact-signals rule, as registry/notify.ts's Round for the store). Written out here rather
 * than imported: a shared module would be a chunk of its own in both stratumjs/db and
 * stratumjs/store (issue 18, fourth pass).
 */
function emitToAll(listeners: Array<(event: DbEvent) => void>, event: DbEvent): void {
  let failed = false;
  let first: unknown;
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}
