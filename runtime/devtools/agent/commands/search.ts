/**
 * search: every state, webstorage key and table row, a slice at a time. One call works for at
 * most CALL_MS and yields a task every SLICE_MS, so the page gets its frames while a search runs
 * (rendering happens between tasks); the panel calls again with the cursor it got, and stops
 * calling to cancel. Everything resumes after the last thing read, by name, never at a count:
 * stores, webstorages and databases by registry id, states by id, webstorage keys and tables by
 * name, rows by primary key (read in pages after the last key). So a state, key, row, table or
 * instance added or removed between two calls never makes the scan skip or repeat another.
 */
import { encode, type Path } from '../../../codec/index.js';
import type { Database } from '../../../db/types.js';
import type { Key } from '../../../db/keys.js';
import { keyAt, type KeyPath } from '../../../db/schema.js';
import type { SearchCursor, SearchMatch, SearchRequest, SearchResult } from '../../../protocol/power.js';
import type { Handlers } from '../context.js';
import { countRows, keepsCount } from '../counts.js';
import { isHandle, type KeyHandles } from '../key-handles.js';
import { REDACTED } from '../redact.js';
import { redactedPaths } from '../show.js';
import { all } from '../targets.js';
import { matcher, readablePath, searchValue, type Hit, type Matcher } from './search-match.js';
import { keyedRows } from './out-of-line.js';

/** Work per slice: well under a 16 ms frame, leaving the page the rest. */
export const SLICE_MS = 6;
/** Work per command: the panel hears progress (and can cancel) at least this often. */
const CALL_MS = 150;
const PAGE = 500;
/** Matches per value at most: a state of 10,000 equal strings is one entry worth of noise. */
const PER_VALUE = 20;

const STATES = 0;
const ROWS = 2;

/** A task boundary: setTimeout(0) lets the browser render a frame that is due. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Instances in registry id order (ids only grow), from the one the cursor is at. */
function from<K extends 'store' | 'webstorage' | 'database'>(kind: K, at: number) {
  return all(kind)
    .filter((entry) => entry.id >= at)
    .sort((a, b) => a.id - b.id);
}

/** Items in code-unit order of their names, past `last` (or from it, `inclusive`) when there is one. */
function after<T>(items: T[], name: (item: T) => string, last: unknown, inclusive = false): T[] {
  const sorted = items.map((item) => [name(item), item] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rest = typeof last === 'string' ? sorted.filter(([key]) => key > last || (inclusive && key === last)) : sorted;
  return rest.map(([, item]) => item);
}

function within(path: Path, hidden: Path[]): boolean {
  return hidden.some((secret) => secret.length <= path.length && secret.every((step, i) => step === path[i]));
}

function keyText(key: Key): string {
  return typeof key === 'string' ? key : typeof key === 'number' ? String(key) : JSON.stringify(encode(key));
}

async function totalOf(): Promise<number> {
  let total = 0;
  for (const { object } of all('store')) total += object.states().length;
  for (const { object } of all('webstorage')) total += object.keys().length;
  for (const { id, object } of all('database')) {
    if (object.closed) continue;
    for (const table of object.tables()) {
      total += await countRows(id, table.name, () => object.table(table.name).count(), { keep: keepsCount(object.provider, table.name) });
    }
  }
  return total;
}

class Search {
  readonly matches: SearchMatch[] = [];
  over = 0;
  where = '';
  private _sliceStart = performance.now();
  private readonly _callStart = performance.now();

  constructor(
    private readonly _match: Matcher,
    private readonly _request: SearchRequest,
    readonly cursor: SearchCursor,
    private readonly _keys: KeyHandles,
  ) {}

  /** Past the slice: yields a task. Past the call: true (return to the panel). */
  async pause(): Promise<boolean> {
    const now = performance.now();
    if (now - this._sliceStart < SLICE_MS) return false;
    if (now - this._callStart >= CALL_MS) return true;
    await nextTask();
    this._sliceStart = performance.now();
    return false;
  }

  add(hits: Hit[], target: SearchMatch['target'], group: string, name: string): void {
    for (const hit of hits) {
      if (this.matches.length >= this._request.room) {
        this.over++;
        continue;
      }
      this.matches.push({ target, group, name, path: hit.path, at: readablePath(name, hit.path), on: hit.on, excerpt: hit.excerpt });
    }
  }

  /** Matches in a value and in its name (a state key, a webstorage key, a row key; not one redact() hides). */
  value(value: unknown, root: Path, name: string, hidden = redactedPaths(value, root)): Hit[] {
    const hits = searchValue(value, this._match, this._request.mode, PER_VALUE, hidden.length ? (path) => within(path, hidden) : undefined);
    const own = name === REDACTED ? null : this._match(name);
    if (own) hits.unshift({ path: [], on: 'key', excerpt: [name.slice(0, own[0]).slice(-24), name.slice(own[0], own[1]), name.slice(own[1]).slice(0, 24)] });
    return hits;
  }

  async states(): Promise<boolean> {
    const cursor = this.cursor;
    this.where = 'states';
    for (const { id, object } of from('store', cursor.item)) {
      this.enter(id);
      for (const state of after(object.states(), (state) => state.id, cursor.after)) {
        this.add(this.value(state.value, ['state', state.scope, state.key], state.key), { kind: 'state', store: id, state: state.id }, `store ${object.name}`, state.key);
        cursor.after = state.id;
        cursor.scanned++;
        if (await this.pause()) return false;
      }
      this.leave(id);
    }
    return true;
  }

  async webstorage(): Promise<boolean> {
    const cursor = this.cursor;
    for (const { id, object } of from('webstorage', cursor.item)) {
      this.enter(id);
      this.where = `${object.kind} ${object.namespace}`;
      for (const key of after(object.keys(), (key) => key, cursor.after)) {
        this.add(this.value(object.get(key), ['webstorage', object.namespace, key], key), { kind: 'webstorage', storage: id, key }, `${object.kind} ${object.namespace}`, key);
        cursor.after = key;
        cursor.scanned++;
        if (await this.pause()) return false;
      }
      this.leave(id);
    }
    return true;
  }

  async rows(): Promise<boolean> {
    const cursor = this.cursor;
    const size = Math.max(1, Math.min(this._request.pageSize ?? PAGE, 1000));
    for (const { id, object } of from('database', cursor.item)) {
      this.enter(id);
      // From the table it was reading: a call can end inside one.
      for (const info of after(object.closed ? [] : object.tables(), (info) => info.name, cursor.table, true)) {
        if (cursor.table !== info.name) {
          cursor.table = info.name;
          delete cursor.after;
        }
        this.where = `${object.name} / ${info.name}`;
        if (!(await this.table(id, object, info.name, info.key, size))) return false;
      }
      this.leave(id);
    }
    return true;
  }

  /** Starts on instance `id` (the cursor is at it already when a call resumes there). */
  private enter(id: number): void {
    if (this.cursor.item === id) return;
    this.cursor.item = id;
    delete this.cursor.table;
    delete this.cursor.after;
  }

  /** Done with instance `id`: the next call starts past it, even if it is the last one. */
  private leave(id: number): void {
    this.cursor.item = id + 1;
    delete this.cursor.table;
    delete this.cursor.after;
  }

  private async table(id: number, db: Database, name: string, keyPath: KeyPath | null, size: number): Promise<boolean> {
    const cursor = this.cursor;
    const place = { database: id, table: name, root: ['db', db.name, name], keyPath };
    for (;;) {
      // A key redact() hides is a handle here too; a key named outright there is refused (rows past it would tell its place).
      const after = cursor.after === undefined ? undefined : this._keys.key(cursor.after, 'the search cursor', place);
      const query = { ...(after !== undefined && { range: { gt: after } }), limit: size };
      // Out-of-line keys (localForage's stores): each row with its primary key, from the cursor.
      const entries = keyPath === null ? await keyedRows(db.table(name)).read(query) : undefined;
      const rows = entries ? entries.map((entry) => entry.value) : await db.table(name).query(query);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const hidden = redactedPaths(row, place.root);
        const key = (entries ? entries[i]!.key : keyAt(row, keyPath!)) ?? null;
        const encodedKey = key === null ? null : this._keys.show(key, place, hidden);
        const text = key === null ? '' : isHandle(encodedKey) ? REDACTED : keyText(key);
        this.add(this.value(row, place.root, text, hidden), { kind: 'row', database: id, table: name, key: encodedKey }, `db ${db.name} / ${name}`, text);
        cursor.after = encodedKey;
        cursor.scanned++;
        if (await this.pause()) return false;
      }
      if (rows.length < size) return true;
    }
  }
}

export const searchCommands: Handlers<'search'> = {
  async search(request, { keys }) {
    const match = matcher(request.query, request.mode, request.caseSensitive);
    const cursor: SearchCursor = request.cursor ? { ...request.cursor } : { stage: STATES, item: 0, scanned: 0, total: await totalOf() };
    const search = new Search(match, request, cursor, keys);
    const stages = [() => search.states(), () => search.webstorage(), () => search.rows()];
    let done = true;
    while (cursor.stage <= ROWS) {
      if (!(await stages[cursor.stage]!())) {
        done = false;
        break;
      }
      cursor.stage++;
      cursor.item = 0;
      delete cursor.table;
      delete cursor.after;
    }
    const result: SearchResult = {
      matches: search.matches,
      over: search.over,
      cursor: done ? null : cursor,
      scanned: cursor.scanned,
      // Rows added while searching: never show more scanned than there are.
      total: Math.max(cursor.total, cursor.scanned),
      where: done ? 'done' : search.where,
    };
    return result;
  },
};
