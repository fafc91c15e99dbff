/**
 * A database's Cache layout (`$cache`): entries with their expiry. A path edit carries the hash it
 * saw, and the entry keeps the time it had left; a delete carries it too, so an entry the app set
 * since is a conflict (reload or delete anyway), never a newer value gone unseen.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import { Command, MAX_PAGE, type CacheEntry, type Hash } from '#protocol/messages.js';
import { preview } from '../lib/encoded.js';
import { sortRows, type SortBy } from '../lib/sort.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';
import { editAt, fetchPart, type ValueSource } from './value.js';
import { replaceAt } from '../lib/splice.js';

export class CacheModel {
  readonly entries = signal<CacheEntry[]>([]);
  readonly total = signal(0);
  readonly database = signal<number | null>(null);
  readonly sort = signal<SortBy | null>({ column: 'key', descending: false });
  readonly selected = signal<string | null>(null);
  readonly sorted: ReadonlySignal<CacheEntry[]>;
  readonly selectedEntry: ReadonlySignal<CacheEntry | undefined>;
  private readonly _sources = new Map<string, ValueSource>();

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this.sorted = computed(() =>
      sortRows(this.entries.value, this.sort.value, (entry, column) =>
        column === 'expires' ? (entry.expires ?? Number.MAX_SAFE_INTEGER) : column === 'value' ? preview(entry.value) : preview(entry.key),
      ),
    );
    this.selectedEntry = computed(() => this.entries.value.find((entry) => JSON.stringify(entry.key) === this.selected.value));
  }

  /** The first MAX_PAGE entries (then `more`). */
  async load(database: number, more = false): Promise<void> {
    this.database.value = database;
    const offset = more ? this.entries.peek().length : 0;
    const listing = await this._ui.run(() => this._connection.request(Command.cacheList, { database, offset, limit: MAX_PAGE }));
    if (!listing || this.database.peek() !== database) return;
    this.entries.value = more ? [...this.entries.peek(), ...listing.entries] : listing.entries;
    this.total.value = listing.total;
  }

  /**
   * Selects the entry of this key, reading further pages until it is listed (a search hit past
   * the first page): undefined when the listing ends without it (expired and pruned since).
   */
  async reveal(database: number, key: Encoded): Promise<CacheEntry | undefined> {
    const id = JSON.stringify(key);
    const listed = () => this.entries.peek().find((entry) => JSON.stringify(entry.key) === id);
    while (!listed() && this.database.peek() === database && this.entries.peek().length < this.total.peek()) {
      const before = this.entries.peek().length;
      await this.load(database, true);
      // A page that failed (or came back empty) would ask again forever.
      if (this.entries.peek().length === before) break;
    }
    const entry = listed();
    if (entry) this.selected.value = id;
    return entry;
  }

  /** No cache shown (its database was deleted or closed): none of its entries stays on screen. */
  close(): void {
    batch(() => {
      this.database.value = null;
      this.entries.value = [];
      this.total.value = 0;
      this.selected.value = null;
    });
  }

  reload(): Promise<void> {
    const database = this.database.peek();
    return database === null ? Promise.resolve() : this.load(database);
  }

  async remove(entry: CacheEntry): Promise<void> {
    const database = this.database.peek();
    if (database === null) return;
    const send = (baseVersion: Hash) => this._connection.request(Command.cacheDelete, { database, key: entry.key, baseVersion });
    const done = await this._ui.run(() => send(entry.hash), {
      what: `cache entry ${JSON.stringify(entry.key)}`,
      // Gone meanwhile: nothing left to delete.
      overwrite: (version) => (typeof version === 'string' ? send(version) : Promise.resolve({ deleted: true as const })),
      reload: () => void this.reload(),
    });
    if (done) await this.reload();
  }

  async prune(): Promise<void> {
    const database = this.database.peek();
    if (database === null) return;
    const done = await this._ui.run(() => this._connection.request(Command.cachePrune, { database }));
    if (done) {
      this._ui.notify(`Pruned ${done.removed} expired entr${done.removed === 1 ? 'y' : 'ies'}`);
      await this.reload();
    }
  }

  source(entry: CacheEntry): ValueSource {
    const key = JSON.stringify(entry.key);
    const id = `${this.database.peek()}:${key}`;
    let source = this._sources.get(id);
    if (!source) this._sources.set(id, (source = this._source(entry, key)));
    return source;
  }

  private _source(entry: CacheEntry, key: string): ValueSource {
    const current = () => this.entries.peek().find((candidate) => JSON.stringify(candidate.key) === key);
    return {
      key: `cache:${this.database.peek()}:${key}`,
      what: `cache entry ${preview(entry.key)}`,
      value: computed(() => this.entries.value.find((candidate) => JSON.stringify(candidate.key) === key)?.value ?? null),
      redacted: computed(() => this.entries.value.find((candidate) => JSON.stringify(candidate.key) === key)?.redacted ?? []),
      ref: { kind: 'cache', database: this.database.peek() ?? 0, key: entry.key },
      base: () => current()?.hash ?? null,
      edit: (base, path, op, value, to, seen) =>
        editAt(
          { connection: this._connection, ui: this._ui },
          {
            ref: { kind: 'cache', database: this.database.peek() ?? 0, key: entry.key },
            what: `cache entry ${preview(entry.key)}`,
            reload: () => void this.reload(),
            done: () => this.reload(),
          },
          base,
          path,
          op,
          value,
          to,
            seen,
        ),
      expand: (path, more) => this._expand(key, path, more),
    };
  }

  private async _expand(key: string, path: Path, more?: boolean): Promise<void> {
    const database = this.database.peek();
    const entry = this.entries.peek().find((candidate) => JSON.stringify(candidate.key) === key);
    if (database === null || !entry) return;
    const part = await fetchPart({ connection: this._connection, ui: this._ui }, { kind: 'cache', database, key: entry.key }, entry.value, path, more);
    if (!part) return;
    this.entries.value = this.entries.peek().map((candidate) =>
      JSON.stringify(candidate.key) === key ? { ...candidate, value: replaceAt(candidate.value, path, part.node), redacted: [...candidate.redacted, ...part.redacted] } : candidate,
    );
  }
}
