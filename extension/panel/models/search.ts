/**
 * The Search tab (issue 22): asks the agent for one slice of the search after another (each
 * answer carries the cursor for the next), shows progress as it goes, and cancels by asking no
 * more. Results are capped at MAX_RESULTS; the agent counts the rest. Opening a match selects
 * its state, key or row and opens the value nodes down to the match.
 */
import { batch, computed, signal } from '@preact/signals';
import type { Path } from '#codec/types.js';
import type { SearchCursor, SearchMatch, SearchMode } from '#protocol/power.js';
import { Command } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { CACHE_TABLE, type DatabaseModel } from './database.js';
import { entryKey, type StateModel } from './state.js';
import type { StorageModel } from './storage.js';
import type { Ui } from './ui.js';
import type { Expanded } from './value.js';

export const MAX_RESULTS = 500;

export interface SearchProgress {
  scanned: number;
  total: number;
  where: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
}

export interface SearchGroup {
  kind: SearchMatch['target']['kind'];
  name: string;
  matches: SearchMatch[];
}

interface Models {
  states: StateModel;
  storage: StorageModel;
  database: DatabaseModel;
  expanded: Expanded;
}

/** Where a match opens: the value view's source key and the path to reveal in it. */
export interface Revealed {
  source: string;
  path: Path;
}

export class SearchModel {
  readonly query = signal('');
  readonly mode = signal<SearchMode>('text');
  readonly caseSensitive = signal(false);
  readonly matches = signal<SearchMatch[]>([]);
  /** Matches past MAX_RESULTS: counted by the agent, not sent. */
  readonly over = signal(0);
  readonly progress = signal<SearchProgress | null>(null);
  /** The last match opened (the tab it went to scrolls it into view). */
  readonly revealed = signal<Revealed | null>(null);
  readonly groups = computed(() => {
    const groups = new Map<string, SearchGroup>();
    for (const match of this.matches.value) {
      let group = groups.get(match.group);
      if (!group) groups.set(match.group, (group = { kind: match.target.kind, name: match.group, matches: [] }));
      group.matches.push(match);
    }
    return [...groups.values()];
  });
  private _run = 0;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
    private readonly _models: Models,
  ) {}

  get running(): boolean {
    return this.progress.value?.state === 'running';
  }

  async start(): Promise<void> {
    const run = ++this._run;
    // One search is what the toolbar said when it started: changing the mode or case meanwhile
    // must not change how its later slices match.
    const query = this.query.peek();
    const mode = this.mode.peek();
    const caseSensitive = this.caseSensitive.peek();
    batch(() => {
      this.matches.value = [];
      this.over.value = 0;
      this.progress.value = { scanned: 0, total: 0, where: 'starting', state: 'running' };
    });
    let cursor: SearchCursor | undefined;
    do {
      const room = MAX_RESULTS - this.matches.peek().length;
      const request = { query, mode, caseSensitive, room, ...(cursor && { cursor }) };
      const result = await this._ui.run(() => this._connection.request(Command.search, request));
      // Cancelled, or a newer search started: this one's answers are dropped.
      if (run !== this._run) return;
      if (!result) {
        this.progress.value = { ...this.progress.peek()!, state: 'failed' };
        return;
      }
      batch(() => {
        if (result.matches.length) this.matches.value = [...this.matches.peek(), ...result.matches];
        this.over.value += result.over;
        this.progress.value = { scanned: result.scanned, total: result.total, where: result.where, state: result.cursor ? 'running' : 'done' };
      });
      cursor = result.cursor ?? undefined;
    } while (cursor);
  }

  cancel(): void {
    this._run++;
    const progress = this.progress.peek();
    if (progress?.state === 'running') this.progress.value = { ...progress, state: 'cancelled' };
  }

  /** Selects what the match is in, switches to its tab and opens the value down to the match. */
  async open(match: SearchMatch): Promise<boolean> {
    const { states, storage, database, expanded } = this._models;
    const target = match.target;
    let source: string;
    let path = match.path;
    if (target.kind === 'state') {
      const uid = entryKey(target.store, target.state);
      if (!states.entry(target.store, target.state)) return this._gone(match);
      states.selected.value = uid;
      source = `state:${uid}`;
      this._ui.tab.value = 'state';
    } else if (target.kind === 'webstorage') {
      const item = storage.byId(target.storage);
      if (!item) return this._gone(match);
      batch(() => {
        storage.selected.value = item.uid;
        storage.selectedKey.value = target.key;
      });
      source = `webstorage:${item.uid}:${target.key}`;
      this._ui.tab.value = 'storage';
    } else {
      const db = database.databases.peek().find((candidate) => candidate.id === target.database);
      if (!db) return this._gone(match);
      const page = await this._ui.run(() => this._connection.request(Command.dbQuery, { database: target.database, table: target.table, range: { eq: target.key }, limit: 1 }));
      const row = page?.rows[0];
      if (!row) return page ? this._gone(match) : false;
      database.selectDatabase(db.name);
      this._ui.tab.value = 'database';
      if (target.table === CACHE_TABLE) {
        // The Cache layout shows entries, not `$cache` rows: the entry is picked in its list, and
        // the path inside the row's `value` is the path inside the entry (a hit in its key or
        // expiry opens the entry at its top).
        await database.selectTable(CACHE_TABLE);
        const entry = await database.cache.reveal(db.id, target.key);
        if (!entry) return this._gone(match);
        source = database.cache.source(entry).key;
        path = path[0] === 'value' ? path.slice(1) : [];
      } else {
        batch(() => {
          void database.selectTable(target.table);
          database.rows.select(row);
        });
        source = `row:${target.database}:${target.table}:${JSON.stringify(row.key)}`;
      }
    }
    // Every container on the way to the match opens (the match itself too, when it is one).
    batch(() => {
      for (let depth = 0; depth <= path.length; depth++) expanded.toggle(source, path.slice(0, depth), true);
    });
    this.revealed.value = { source, path };
    return true;
  }

  private _gone(match: SearchMatch): false {
    this._ui.notify(`${match.name} in ${match.group} is no longer on the page: search again`, 'error');
    return false;
  }
}
