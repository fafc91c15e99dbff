/**
 * search: every state, webstorage key and table row, a slice at a time. One call works for at
 * most CALL_MS and yields a task every SLICE_MS, so the page gets its frames while a search runs
 * (rendering happens between tasks); the panel calls again with the cursor it got, and stops
 * calling to cancel. Tables are read in pages by primary key after the last key read, so rows
 * added or removed meanwhile never make the scan skip or repeat one.
 */
import { decode, encode, type Path } from '../../../codec/index.js';
import type { Database } from '../../../db/types.js';
import type { Key } from '../../../db/keys.js';
import { keyAt } from '../../../db/schema.js';
import type { SearchCursor, SearchMatch, SearchRequest, SearchResult } from '../../../protocol/power.js';
import type { State } from '../../../store/state.js';
import type { Handlers } from '../context.js';
import { countRows, keepsCount } from '../counts.js';
import { redactedPaths } from '../show.js';
import { all } from '../targets.js';
import { matcher, readablePath, searchValue, type Hit, type Matcher } from './search-match.js';

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

function flatStates(): { store: number; storeName: string; state: State<unknown> }[] {
  const out: { store: number; storeName: string; state: State<unknown> }[] = [];
  for (const { id, object } of all('store')) for (const state of object.states()) out.push({ store: id, storeName: object.name, state });
  return out;
}

function within(path: Path, hidden: Path[]): boolean {
  return hidden.some((secret) => secret.length <= path.length && secret.every((step, i) => step === path[i]));
}

function keyText(key: Key): string {
  return typeof key === 'string' ? key : typeof key === 'number' ? String(key) : JSON.stringify(encode(key));
}

async function totalOf(): Promise<number> {
  let total = flatStates().length;
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

  /** Matches in a value and in its name (a state key, a webstorage key, a row key). */
  value(value: unknown, root: Path, name: string): Hit[] {
    const hidden = redactedPaths(value, root);
    const hits = searchValue(value, this._match, this._request.mode, PER_VALUE, hidden.length ? (path) => within(path, hidden) : undefined);
    const own = this._match(name);
    if (own) hits.unshift({ path: [], on: 'key', excerpt: [name.slice(0, own[0]).slice(-24), name.slice(own[0], own[1]), name.slice(own[1]).slice(0, 24)] });
    return hits;
  }

  async states(): Promise<boolean> {
    const list = flatStates();
    const cursor = this.cursor;
    this.where = 'states';
    while (cursor.item < list.length) {
      const { store, storeName, state } = list[cursor.item]!;
      this.add(this.value(state.value, ['state', state.scope, state.key], state.key), { kind: 'state', store, state: state.id }, `store ${storeName}`, state.key);
      cursor.item++;
      cursor.scanned++;
      if (await this.pause()) return false;
    }
    return true;
  }

  async webstorage(): Promise<boolean> {
    const list = all('webstorage');
    const cursor = this.cursor;
    while (cursor.item < list.length) {
      const { id, object } = list[cursor.item]!;
      this.where = `${object.kind} ${object.namespace}`;
      // Keys in sorted order, resumed after the last one read (not at an index): a key added or
      // removed between two calls neither skips nor repeats another.
      const after = typeof cursor.after === 'string' ? cursor.after : undefined;
      const keys = object
        .keys()
        .sort()
        .filter((key) => after === undefined || key > after);
      for (const key of keys) {
        this.add(this.value(object.get(key), ['webstorage', object.namespace, key], key), { kind: 'webstorage', storage: id, key }, `${object.kind} ${object.namespace}`, key);
        cursor.after = key;
        cursor.scanned++;
        if (await this.pause()) return false;
      }
      cursor.item++;
      cursor.table = 0;
      delete cursor.after;
    }
    return true;
  }

  async rows(): Promise<boolean> {
    const list = all('database');
    const cursor = this.cursor;
    const size = Math.max(1, Math.min(this._request.pageSize ?? PAGE, 1000));
    while (cursor.item < list.length) {
      const { id, object } = list[cursor.item]!;
      const tables = object.closed ? [] : object.tables();
      while (cursor.table < tables.length) {
        const info = tables[cursor.table]!;
        this.where = `${object.name} / ${info.name}`;
        if (!(await this.table(id, object, info.name, info.key, size))) return false;
        cursor.table++;
        delete cursor.after;
      }
      cursor.item++;
      cursor.table = 0;
    }
    return true;
  }

  private async table(id: number, db: Database, name: string, keyPath: string | string[], size: number): Promise<boolean> {
    const cursor = this.cursor;
    for (;;) {
      const after = cursor.after === undefined ? undefined : (decode(cursor.after) as Key);
      const rows = await db.table(name).query({ ...(after !== undefined && { range: { gt: after } }), limit: size });
      for (const row of rows) {
        const key = keyAt(row, keyPath) ?? null;
        const encodedKey = encode(key);
        const text = key === null ? '' : keyText(key);
        this.add(this.value(row, ['db', db.name, name], text), { kind: 'row', database: id, table: name, key: encodedKey }, `db ${db.name} / ${name}`, text);
        cursor.after = encodedKey;
        cursor.scanned++;
        if (await this.pause()) return false;
      }
      if (rows.length < size) return true;
    }
  }
}

export const searchCommands: Handlers<'search'> = {
  async search(request) {
    const match = matcher(request.query, request.mode, request.caseSensitive);
    const cursor: SearchCursor = request.cursor ? { ...request.cursor } : { stage: STATES, item: 0, table: 0, scanned: 0, total: await totalOf() };
    const search = new Search(match, request, cursor);
    const stages = [() => search.states(), () => search.webstorage(), () => search.rows()];
    let done = true;
    while (cursor.stage <= ROWS) {
      if (!(await stages[cursor.stage]!())) {
        done = false;
        break;
      }
      cursor.stage++;
      cursor.item = 0;
      cursor.table = 0;
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
