/**
 * The Database tab: databases (provider, version, persistent or not), their tables (key path,
 * autoIncrement, indexes, count), and the selected table's rows, cache entries or blobs.
 * A `dbChanged` delta names a table: the rows in view reload, and that table's count is read
 * again (debounced), so the list never shows a count older than a moment.
 */
import { ConsoleModel } from './console.js';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { Command, type DatabaseInfo, type RuntimeEvents, type TableInfo } from '#protocol/messages.js';
import { BlobsModel } from './blobs.js';
import { CacheModel } from './cache.js';
import type { Connection } from './connection.js';
import { RowsModel } from './rows.js';
import type { Ui } from './ui.js';

export type DatabaseView = 'rows' | 'cache' | 'blobs' | 'console';

export const CACHE_TABLE = '$cache';
const BLOB_TABLES = new Set(['$blobs', '$blobdata']);
const COUNT_DELAY_MS = 150;

export class DatabaseModel {
  readonly databases = signal<DatabaseInfo[]>([]);
  /** Selected by name: ids are the page's registry ids, names survive a reload. */
  readonly selected = signal<string | null>(null);
  readonly selectedTable = signal<string | null>(null);
  readonly view = signal<DatabaseView>('rows');
  readonly current: ReadonlySignal<DatabaseInfo | undefined>;
  /**
   * The table whose rows the detail shows. It follows `selectedTable` at once when it replaces
   * another table; where none was shown, once the first rows arrive (or RowsModel's HOLD_MS passes), so
   * that click does not draw an empty grid first.
   */
  readonly shownTable: ReadonlySignal<TableInfo | undefined>;
  readonly rows: RowsModel;
  readonly cache: CacheModel;
  readonly blobs: BlobsModel;
  /** The query console (issue 22). */
  readonly console: ConsoleModel;
  private readonly _counting = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this.rows = new RowsModel(_connection, _ui);
    this.cache = new CacheModel(_connection, _ui);
    this.blobs = new BlobsModel(_connection, _ui);
    this.console = new ConsoleModel(_connection, _ui);
    this.current = computed(() => {
      const list = this.databases.value;
      const name = this.selected.value;
      // An open database first: one deleted (or closed) and opened again under its name is listed twice
      // until the closed object leaves the page, and only the open one can be read.
      return (
        list.find((db) => db.name === name && !db.closed) ??
        list.find((db) => db.name === name) ??
        list.find((db) => !db.closed) ??
        list[0]
      );
    });
    // By name: a reload gives the database a new id, and the grid keeps its table meanwhile.
    this.shownTable = computed(() => {
      const query = this.rows.query.value;
      return query ? this.current.value?.tables.find((table) => table.name === query.table) : undefined;
    });
    _connection.on('dbChanged', (delta) => this._changed(delta));
    _connection.on('registered', (message) => {
      if (message.kind !== 'database') return;
      this.databases.value = [...this.databases.peek().filter((db) => db.id !== message.database.id), message.database];
    });
    _connection.on('unregistered', ({ kind, id }) => {
      if (kind !== 'database') return;
      batch(() => {
        this._leave(id);
        this.databases.value = this.databases.peek().filter((db) => db.id !== id);
      });
    });
    // The page deleted the database (delete(), or another tab's deleteDatabase), or closed it: the
    // object stays registered, listed as closed, but nothing of it can be read or written any more.
    _connection.on('report', ({ kind, id, type }) => {
      if (kind !== 'database' || (type !== 'close' && type !== 'versionchange')) return;
      batch(() => {
        this._leave(id);
        this.databases.value = this.databases.peek().map((db) => (db.id === id && !db.closed ? { ...db, closed: true } : db));
      });
    });
  }

  applySnapshot(list: DatabaseInfo[]): void {
    batch(() => {
      this.databases.value = list;
      const db = this.current.peek();
      // Deleted or closed while the panel was away (a stopped service worker): its report was missed.
      if (db?.closed && (this.selectedTable.peek() !== null || this.rows.query.peek() !== null)) this._leave(db.id);
    });
    this.reopen();
  }

  /** Re-reads what the tab shows for the selected database (after a snapshot or a refresh). */
  reopen(): void {
    const db = this.current.peek();
    if (!db) return;
    const table = this.selectedTable.peek();
    if (table !== null && db.tables.some((candidate) => candidate.name === table)) this.rows.open(db.id, table, true);
    if (this.view.peek() === 'cache' && db.cache) void this.cache.load(db.id);
    if (this.view.peek() === 'blobs' && db.blobs) void this.blobs.load(db.id);
  }

  selectDatabase(name: string): void {
    if (this.selected.peek() === name) return;
    const previous = this.current.peek();
    batch(() => {
      this.selected.value = name;
      this.selectedTable.value = null;
      this.view.value = 'rows';
      this.rows.close();
      // The picked cache entry or blob (and a blob's preview) belong to the database they were
      // picked in: kept by key, they showed the next database's entry or blob of that key as picked,
      // with its editor open. Chrome's Application panel clears the selection when another store opens.
      if (previous && previous.name !== name) {
        this.cache.close();
        this.blobs.close(previous.id);
      }
    });
  }

  /** Resolves once a cache or blob listing it opens is in (a search hit waits for its entry). */
  async selectTable(name: string): Promise<void> {
    const db = this.current.peek();
    if (!db) return;
    this.selected.value = db.name;
    this.selectedTable.value = name;
    if (name === CACHE_TABLE) return this.show('cache');
    if (name === '$blobs') return this.show('blobs');
    this.view.value = 'rows';
    this.rows.open(db.id, name);
  }

  async show(view: DatabaseView): Promise<void> {
    const db = this.current.peek();
    this.view.value = view;
    if (!db) return;
    if (view === 'cache') await this.cache.load(db.id);
    if (view === 'blobs') await this.blobs.load(db.id);
  }

  async clearTable(db: DatabaseInfo, table: string): Promise<void> {
    const done = await this._ui.run(() => this._connection.request(Command.dbClear, { database: db.id, table }));
    if (done) this._ui.notify(`Cleared "${table}" of ${db.name}`);
  }

  async deleteDatabase(db: DatabaseInfo): Promise<void> {
    const done = await this._ui.run(() => this._connection.request(Command.dbDeleteDatabase, { database: db.id }));
    if (!done) return;
    this._ui.notify(`Deleted database ${db.name}`);
    batch(() => {
      this._leave(db.id);
      this.databases.value = this.databases.peek().filter((candidate) => candidate.id !== db.id);
    });
  }

  dispose(): void {
    for (const timer of this._counting.values()) clearTimeout(timer);
    this.blobs.dispose();
  }

  /**
   * The database with this id was deleted, closed or left the page. What of it was selected or open
   * goes: its table (a table of the same name in the database shown next is not the one picked), the
   * selected row and its editor, the cache or blobs view. The selection moves to the first open
   * database. One created again under the same name is a new database: it is listed, not reopened at
   * the old table, whose rows were deleted (an editor reopened there would offer the deleted row's
   * value for writing into the new one). A reload is not this: its snapshot keeps the table.
   */
  private _leave(database: number): void {
    const gone = this.databases.peek().find((db) => db.id === database);
    const shown =
      this.current.peek()?.id === database ||
      this.rows.query.peek()?.database === database ||
      this.cache.database.peek() === database ||
      this.blobs.database.peek() === database;
    this.blobs.close(database);
    if (!shown) return;
    if (gone && this.selected.peek() === gone.name) this.selected.value = null;
    this.selectedTable.value = null;
    this.view.value = 'rows';
    this.rows.close();
    this.cache.close();
  }

  private _changed(delta: RuntimeEvents['dbChanged']): void {
    const db = this.current.peek();
    const query = this.rows.query.peek();
    // A blob's put or delete writes $blobs and $blobdata and is announced once, for $blobs.
    const tables = BLOB_TABLES.has(delta.table) ? [...BLOB_TABLES] : [delta.table];
    if (query && query.database === delta.database && tables.includes(query.table)) {
      this.rows.invalidate();
      // The selected row is no longer on the page: its editor would offer a row that is not there.
      const selected = this.rows.selectedKey.peek();
      if (selected !== null && (delta.change === 'clear' || (delta.change === 'delete' && delta.keys.some((key) => JSON.stringify(key) === selected)))) this.rows.select(null);
    }
    if (db?.id === delta.database) {
      if (delta.table === CACHE_TABLE && this.view.peek() === 'cache') void this.cache.reload();
      if (BLOB_TABLES.has(delta.table) && this.view.peek() === 'blobs') void this.blobs.reload();
    }
    for (const table of tables) this._recount(delta.database, table);
  }

  /**
   * Reads one table's count again, a moment after a change to it. A change while one is pending
   * is counted by it: restarting the wait at every change froze the count under a steady stream.
   */
  private _recount(database: number, table: string): void {
    const id = `${database}\u0000${table}`;
    if (this._counting.has(id)) return;
    this._counting.set(
      id,
      setTimeout(() => {
        this._counting.delete(id);
        this._connection.request(Command.dbQuery, { database, table, limit: 0 }).then(
          ({ total }) => this._setCount(database, table, total),
          (error: unknown) => console.debug('stratum panel: recount failed', error),
        );
      }, COUNT_DELAY_MS),
    );
  }

  private _setCount(database: number, table: string, count: number): void {
    this.databases.value = this.databases.peek().map((db) =>
      db.id !== database ? db : { ...db, tables: db.tables.map((candidate) => (candidate.name === table ? { ...candidate, count } : candidate)) },
    );
  }
}
