/**
 * The rows of a selection that redact() leaves visible (db.ts selectsByContent), filtered as they
 * come, keeping only what the caller keeps (the page). Why (issue 18): the whole selection read at
 * once and filtered in one task held Chromium's main thread ~1 s for a 100,000-row IndexedDB index
 * view, and every row in memory.
 *
 * IndexedDB walks one cursor (idb-walk.ts): a row per task. Every other provider (memory, and the
 * servers, which have no frames but must answer the same) reads VISIBLE_SLICE rows at a time in
 * one readonly transaction, so the slices see one moment of the table as a single read does, each
 * continuing where the last ended by the bounds and offsets the Table API has:
 * - primary-key order: after the last key (as db.ts readInSlices does);
 * - index order ((index key, primary key)): after the last index key; when the index may hold
 *   that key more than once, first the rest of its rows (`eq` that key, offset by those read).
 *   Within one transaction the rows at one index key come in the same order each time, so the
 *   offset skips exactly the ones already read.
 * Where the key an entry was filed under cannot be told (a multiEntry row without a key at the key
 * path), slices continue by offset from the start: the same rows, the engine skipping more.
 */
import { asKey, compareKeys, type Key } from '../../../db/keys.js';
import { keyAt, valueAt, type IndexInfo } from '../../../db/schema.js';
import type { Database, Query, Range } from '../../../db/types.js';
import { encode } from '../../../codec/index.js';
import { config } from '../../../registry/registry.js';
import { keyHidden, keyInHidden, type KeyPlace } from '../key-handles.js';
import { redactedPaths } from '../show.js';
import { walkIndexedDb } from './idb-walk.js';

/** Rows read per slice while a selection is filtered by redact() (issue 18). */
export const VISIBLE_SLICE = 200;

type Selection = { index?: string; range?: Range };

/** Where the next slice starts. */
type From = { bounds: Range | undefined; offset: number };

/**
 * A bound as a key to compare with: a BigInt bound as the nearest number. No key lies strictly
 * between a BigInt and its nearest number, so "the last key read is at or past the end" is told
 * right; whether a key lies in a range is only asked with no BigInt bound (see eachVisibleRow).
 */
const bound = (value: Range[keyof Range]): Key | undefined => (typeof value === 'bigint' ? Number(value) : value);

function inRange(key: Key, range: Range | undefined): boolean {
  if (!range) return true;
  const c = (value: Range[keyof Range]) => compareKeys(key, bound(value)!);
  const { eq, gt, gte, lt, lte } = range;
  return (eq === undefined || c(eq) === 0) && (gt === undefined || c(gt) > 0) && (gte === undefined || c(gte) >= 0) && (lt === undefined || c(lt) < 0) && (lte === undefined || c(lte) <= 0);
}

/**
 * The keys a multiEntry index files `row` under, in the selection's range: each distinct valid
 * key of the array at its path, or the value itself when it is not an array (IndexedDB's rule).
 */
function multiKeys(row: unknown, path: string, range: Range | undefined): Key[] {
  const value = valueAt(row, path);
  const keys: Key[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const key = asKey(item);
    if (key === undefined || keys.some((other) => compareKeys(other, key) === 0) || !inRange(key, range)) continue;
    keys.push(key);
  }
  return keys;
}

/**
 * Calls `visit` with each row of the selection, in its order, less those whose indexed value
 * (`index.path`) or, without an index, whose key redact() hides: neither listed nor counted, as a
 * redacted value is never matched, or a count in a range narrowed step by step, or the row's place
 * in the index, would read the secret out. Every row of the selection is read (the count needs
 * them all), VISIBLE_SLICE at a time; `visit` runs inside the read's transaction and must not await.
 */
export async function eachVisibleRow(
  db: Database,
  selection: Selection,
  direction: Query['direction'],
  place: KeyPlace,
  index: IndexInfo | undefined,
  visit: (row: unknown, entry: number) => boolean | void,
  skip = 0,
): Promise<void> {
  const keyPath = place.keyPath;
  // Rows whose keys are out of line are read with their keys by out-of-line.ts, never here.
  if (keyPath === null) throw new TypeError(`table "${place.table}" keeps its keys out of line: read it with its keys (out-of-line.ts)`);
  const order = direction ?? 'next';
  const sign = order === 'next' ? 1 : -1;
  const range = selection.range;
  const end = bound(order === 'next' ? (range?.lt ?? range?.lte) : (range?.gt ?? range?.gte));
  const visible = (row: unknown): boolean => {
    const hidden = redactedPaths(row, place.root);
    if (index !== undefined) return !keyInHidden(index.path, hidden);
    const key = keyAt(row, keyPath);
    return key === undefined || !keyHidden(key, place, hidden);
  };
  // `entry`: the row's place among the selection's entries (hidden ones counted), where a later
  // read may start (`skip`). False once visit asks for no more: both readers below stop there.
  let entry = skip;
  const shown = (row: unknown): boolean => {
    const at = entry++;
    return !(visible(row) && visit(row, at) === false);
  };
  // IndexedDB: one cursor on a connection of the agent's own (idb-walk.ts), a row per task.
  if (db.provider === 'indexeddb' && !db.closed && (await walkIndexedDb(db.name, place.table, index?.name, range, order, shown, skip))) return;
  entry = skip;
  await db.transaction([place.table], 'readonly', async (tx) => {
    const table = tx.table(place.table);
    let from: From = { bounds: range, offset: skip };
    let read = skip;
    // The last entry's index key and how many entries in a row were filed under it; for a
    // multiEntry index also the last primary key, to tell under which of its keys a row came.
    let last: Key | undefined;
    let run = 0;
    let lastPrimary: Key | undefined;
    // A BigInt bound may round onto a key outside the range: which key a row came under is then not told.
    // Started `skip` entries in: by offset from the start all the way (no last key read to go on from).
    let byOffset = skip > 0 || (index?.multiEntry === true && Object.values(range ?? {}).some((value) => typeof value === 'bigint'));
    let inGroup = false;
    for (;;) {
      const slice = await table.query({ ...(index && { index: index.name }), ...(from.bounds && { range: from.bounds }), offset: from.offset, limit: VISIBLE_SLICE, direction: order } as Query);
      read += slice.length;
      for (const row of slice) {
        if (!shown(row)) return;
        if (byOffset) continue;
        if (index === undefined) {
          last = keyAt(row, keyPath);
          if (last === undefined) byOffset = true;
          continue;
        }
        const primary = index.multiEntry ? keyAt(row, keyPath) : undefined;
        let key: Key | undefined;
        if (!index.multiEntry) {
          key = keyAt(row, index.path);
        } else if (primary !== undefined) {
          // The first of its keys past the last entry, in the read's order ((index key, primary key)).
          for (const candidate of multiKeys(row, index.path as string, range)) {
            const c = last === undefined ? sign : compareKeys(candidate, last) * sign;
            const after = c > 0 || (c === 0 && compareKeys(primary, lastPrimary!) * sign > 0);
            if (after && (key === undefined || compareKeys(candidate, key) * sign < 0)) key = candidate;
          }
        }
        if (key === undefined) {
          byOffset = true;
          continue;
        }
        run = last !== undefined && compareKeys(key, last) === 0 ? run + 1 : 1;
        last = key;
        lastPrimary = primary;
      }
      // A short read of the rows at one index key ends that key only; any other ends the selection.
      if (slice.length < VISIBLE_SLICE && !inGroup) return;
      if (byOffset) {
        inGroup = false;
        from = { bounds: range, offset: read };
        continue;
      }
      if (last === undefined) return;
      if (index !== undefined && !index.unique && slice.length === VISIBLE_SLICE) {
        // The index may hold the last key again: the rows still at it, past the `run` read.
        inGroup = true;
        from = { bounds: { eq: last }, offset: run };
        continue;
      }
      inGroup = false;
      // Past the last key: nothing, if it is the range's own end.
      if (range?.eq !== undefined || (end !== undefined && compareKeys(last, end) * sign >= 0)) return;
      // The range's start moved past the last key; its end kept (no `eq` here: one key is read whole above).
      from = { bounds: order === 'next' ? { gt: last, lt: range?.lt, lte: range?.lte } : { lt: last, gt: range?.gt, gte: range?.gte }, offset: 0 };
    }
  });
}

/** Visible rows between two marks of a reading (where a later page may start its read). */
export const MARK_EVERY = 1000;

/**
 * What one whole reading of a view found: its visible rows' count and, every MARK_EVERY visible
 * rows, the entry the next one is at. Kept while the table's generation (counts.ts) is the one it
 * was read at and redact() is the same function, so paging through a view reads its whole
 * selection once, then each page from the mark before it: before, every page read it all for its
 * total (walking 100,000 rows in 1,000-row pages took ~120 s).
 */
interface Reading {
  generation: string;
  redact: unknown;
  total: number;
  marks: number[];
}

/** The last views read, by place, selection and direction; a few, least recently used first out. */
const readings = new Map<string, Reading>();
const KEPT_READINGS = 8;

/**
 * The visible rows' count and the page of them at `offset`, `limit` (only the page is kept).
 * `generation`: the table's, while the agent hears its changes (counts.ts tableGeneration), or
 * undefined, when every call reads the whole selection.
 */
export async function visibleRows(
  db: Database,
  selection: Selection,
  direction: Query['direction'],
  place: KeyPlace,
  index: IndexInfo | undefined,
  page: { offset: number; limit: number },
  generation?: () => string | undefined,
): Promise<{ total: number; rows: unknown[] }> {
  const view = JSON.stringify([place.database, place.table, place.root, index?.name ?? null, encode(selection.range ?? null), direction ?? 'next']);
  const before = generation?.();
  const kept = readings.get(view);
  if (kept && before !== undefined && kept.generation === before && kept.redact === config.redact) {
    readings.delete(view);
    readings.set(view, kept);
    const rows: unknown[] = [];
    if (page.limit === 0 || page.offset >= kept.total) return { total: kept.total, rows };
    const mark = Math.min(Math.floor(page.offset / MARK_EVERY), kept.marks.length - 1);
    let at = mark * MARK_EVERY;
    await eachVisibleRow(db, selection, direction, place, index, (row) => {
      if (at++ >= page.offset) rows.push(row);
      return rows.length < page.limit;
    }, kept.marks[mark]);
    // Fewer than the reading promised: a writer the agent does not hear changed the table.
    if (rows.length === Math.min(page.limit, kept.total - page.offset)) return { total: kept.total, rows };
    readings.delete(view);
  }
  const rows: unknown[] = [];
  const marks: number[] = [];
  let total = 0;
  const started = generation?.();
  await eachVisibleRow(db, selection, direction, place, index, (row, entry) => {
    if (total % MARK_EVERY === 0) marks.push(entry);
    if (total >= page.offset && rows.length < page.limit) rows.push(row);
    total++;
  });
  if (started !== undefined && generation?.() === started) {
    readings.set(view, { generation: started, redact: config.redact, total, marks });
    if (readings.size > KEPT_READINGS) readings.delete(readings.keys().next().value!);
  }
  return { total, rows };
}
