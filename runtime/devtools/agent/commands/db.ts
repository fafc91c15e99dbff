/**
 * Database commands. Rows are pulled a page at a time. A row has no version, so an edit carries
 * the hash of the row the panel saw; the check and the write run in one readwrite transaction,
 * so another tab cannot slip a write in between.
 */
import { countRows, keepsCount, tableGeneration } from '../counts.js';
import { compareKeys } from '../../../db/keys.js';
import { keyAt } from '../../../db/schema.js';
import type { Database, Query, Range } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import { config } from '../../../registry/registry.js';
import { decodeKey, isHandle, type KeyHandles, type KeyPlace } from '../key-handles.js';
import { MAX_PAGE, type Range as WireRange, type Row } from '../../../protocol/messages.js';
import type { Handlers } from '../context.js';
import { nextTask } from '../../../db/providers/tasks.js';
import { showRow, type InlineBlobs } from '../show.js';
import { target } from '../targets.js';
import { DEVTOOLS } from '../watch.js';

const DEFAULT_PAGE = 100;
/**
 * Rows encoded per task (issue 18): a page of MAX_PAGE rows encoded at once held the page's main
 * thread ~80 ms; between slices the app's own tasks and frames run.
 */
export const ENCODE_SLICE = 200;

export { decodeKey };

export function tableOf(db: Database, name: string) {
  const info = db.tables().find((table) => table.name === name);
  if (!info) throw new CommandError('not-found', `database "${db.name}" has no table "${name}"`);
  return info;
}

/**
 * A range's bounds as keys. Bounds on the primary key (no `place` for an index's) go through
 * the key handles: a redacted key's handle reads its row, a bound on a key redact() hides is
 * refused (a range narrowed step by step would read the secret out).
 */
export function decodeRange(range: WireRange | undefined, keys: KeyHandles, place: KeyPlace | undefined): Range | undefined {
  if (!range) return undefined;
  const out: Range = {};
  for (const bound of ['eq', 'gt', 'gte', 'lt', 'lte'] as const) {
    const encoded = range[bound];
    if (encoded !== undefined) out[bound] = place ? keys.key(encoded, `range.${bound}`, place) : decodeKey(encoded, `range.${bound}`);
  }
  return out;
}

export function page(offset: number | undefined, limit: number | undefined): { offset: number; limit: number } {
  return { offset: offset ?? 0, limit: Math.min(limit ?? DEFAULT_PAGE, MAX_PAGE) };
}

export function rowRoot(db: Database, table: string): string[] {
  return ['db', db.name, table];
}

/** Where the keys of `table` (as tableOf found it) live, for key-handles.ts. */
export function keyPlace(database: number, db: Database, table: { name: string; key: KeyPlace['keyPath'] }): KeyPlace {
  return { database, table: table.name, root: rowRoot(db, table.name), keyPath: table.key };
}

/**
 * A condition or an index on a field redact() hides would tell the secret by the count of rows
 * it matches, and an index by their order (a range narrowed step by step reads it out): refused,
 * saying `refusal`. The field's path and every path above it are asked as redact() is asked for
 * a row (value-independent redactions).
 */
export function guardFields(db: Database, table: string, fields: string[], refusal: string): void {
  const redact = config.redact;
  if (!redact) return;
  const root = rowRoot(db, table);
  for (const field of fields) {
    const steps = field.split('.');
    for (let n = 1; n <= steps.length; n++) {
      if (redact([...root, ...steps.slice(0, n)], undefined)) {
        throw new CommandError('redacted', `"${field}" is redacted by configureDevtools({ redact }): ${refusal} (the count of matches would show it)`);
      }
    }
  }
}

/**
 * Whether a read selects or orders rows by their content where redact() may hide it by value:
 * through an index, or by a range with a bound named outright (a handle names its row only).
 * guardFields and the key handles refuse what redact() hides by path; what it hides by value
 * shows only row by row, so such reads go through visibleRows (visible-rows.ts).
 */
export function selectsByContent(range: WireRange | undefined, index: string | undefined): boolean {
  if (!config.redact) return false;
  return index !== undefined || (range !== undefined && Object.values(range).some((bound) => bound !== undefined && !isHandle(bound)));
}

/**
 * A page of more than ENCODE_SLICE rows in key order, read ENCODE_SLICE at a time (each after the
 * last key read) within one readonly transaction, so the rows are of one moment as a single read's
 * are. Why (issue 18): IndexedDB hands a getAll's values to the page in the reply's one task, and
 * 1,000 rows took ~30 ms of it. Only for key order from the start: an index or an offset is read
 * by cursor already, a row per request.
 */
function readInSlices(db: Database, name: string, keyPath: Parameters<typeof keyAt>[1], range: Range | undefined, limit: number): Promise<unknown[]> {
  return db.transaction([name], 'readonly', async (tx) => {
    const table = tx.table(name);
    const out: unknown[] = [];
    let bounds: Range | undefined = range;
    // A BigInt bound as the nearest number: no key lies strictly between them.
    const upper = range?.lt ?? range?.lte;
    const end = typeof upper === 'bigint' ? Number(upper) : upper;
    while (out.length < limit) {
      const want = Math.min(ENCODE_SLICE, limit - out.length);
      const slice = await table.query({ ...(bounds && { range: bounds }), limit: want });
      out.push(...slice);
      if (slice.length < want) break;
      const last = keyAt(slice.at(-1), keyPath);
      // No key at the key path to continue from (out-of-line keys): the page in one read.
      if (last === undefined) return table.query({ ...(range && { range }), limit });
      // The last key is the range's own end: nothing follows (and (end, end] is no range at all).
      if (end !== undefined && compareKeys(last, end) >= 0) break;
      const { gt: _gt, gte: _gte, ...upper } = bounds ?? {};
      bounds = { ...upper, gt: last };
    }
    return out;
  });
}

/** Rows as the grid shows them, ENCODE_SLICE at a time with a task between slices. */
async function encodeRows(rows: unknown[], place: KeyPlace, blobs: InlineBlobs, keys: KeyHandles): Promise<Row[]> {
  const out: Row[] = [];
  for (let at = 0; at < rows.length; at += ENCODE_SLICE) {
    if (at > 0) await nextTask();
    for (const row of rows.slice(at, at + ENCODE_SLICE)) {
      const { value, redacted, hash } = showRow(row, place.root, blobs);
      // Only tables with a key path come here (out-of-line keys: out-of-line.ts).
      out.push({ key: keys.show(keyAt(row, place.keyPath!), place, redacted), value, hash, redacted });
    }
  }
  return out;
}

/**
 * Whether a page of a whole table read at `offset` says the table may not be `total` rows long.
 * A full page that ends exactly at the count cannot tell whether rows follow it; the grid would
 * ask for none after it, so it counts again (a count only there, at the table's last page).
 */
function contradicts(offset: number, limit: number, read: number, total: number): boolean {
  if (read === limit) return limit > 0 && offset + read >= total;
  // A short page ends the table, unless it is empty past an end the count already puts before it.
  return read > 0 || offset === 0 ? offset + read !== total : total > offset;
}

export const dbCommands: Handlers<'dbQuery' | 'dbClear' | 'dbDeleteDatabase'> = {
  async dbQuery({ database, table: name, index, range, offset, limit, direction }, { blobs, keys }) {
    const db = target('database', database);
    const info = tableOf(db, name);
    const indexInfo = index === undefined ? undefined : info.indexes.find((candidate) => candidate.name === index);
    if (index !== undefined && !indexInfo) throw new CommandError('not-found', `table "${name}" has no index "${index}"`);
    if (indexInfo) guardFields(db, name, [indexInfo.path].flat(), 'the grid does not read an index on it');
    const selection = { ...(index !== undefined && { index }), ...(range && { range: decodeRange(range, keys, index === undefined ? keyPlace(database, db, info) : undefined) }) } as { index?: undefined; range?: Range };
    const table = db.table(name);
    const paging = page(offset, limit);
    const simple = index === undefined && paging.offset === 0 && (direction ?? 'next') === 'next' && selection.range?.eq === undefined;
    const whole = index === undefined && range === undefined;
    const keep = keepsCount(db.provider, name);
    const countWhole = (fresh: boolean) => countRows(database, name, () => table.count(), { keep, fresh });
    const place = keyPlace(database, db, info);
    if (info.key === null) {
      // Out-of-line keys (localForage's stores): rows read with their primary keys, apart from this path.
      const { encodeKeyed, keyedPage } = await import('./out-of-line.js');
      const filter = selectsByContent(range, index) ? { index: indexInfo } : undefined;
      const read = await keyedPage(table, place, { selection, paging, direction, filter }, () => (whole ? countWhole(false) : table.count(selection)));
      return { total: read.total, rows: encodeKeyed(read.rows, place, blobs, keys) };
    }
    if (selectsByContent(range, index)) {
      // Loaded on first use: only pages that set redact() read through it (and the console, lazy itself).
      const { visibleRows } = await import('./visible-rows.js');
      const visible = await visibleRows(db, selection, direction, place, indexInfo, paging, () => tableGeneration(database, name, db.provider));
      return { total: visible.total, rows: await encodeRows(visible.rows, place, blobs, keys) };
    }
    const [rows, counted] = await Promise.all([
      simple && paging.limit > ENCODE_SLICE
        ? readInSlices(db, name, info.key, selection.range, paging.limit)
        : table.query({ ...selection, ...paging, ...(direction && { direction }) }),
      // The whole table's count is usually known from the snapshot (counts.ts): no second count.
      whole ? countWhole(false) : table.count(selection),
    ]);
    // Rows that contradict the count (a short page that ends elsewhere, a full one past it): a
    // writer the agent does not hear changed the table, or one landed between read and count.
    const total = whole && contradicts(paging.offset, paging.limit, rows.length, counted) ? await countWhole(true) : counted;
    return { total, rows: await encodeRows(rows, place, blobs, keys) };
  },

  async dbClear({ database, table: name }) {
    const db = target('database', database);
    tableOf(db, name);
    await db.transaction([name], 'readwrite', (tx) => tx.table(name).clear(), { label: `${DEVTOOLS}: clear` });
    return { cleared: true };
  },

  async dbDeleteDatabase({ database }) {
    await target('database', database).delete();
    return { deleted: true };
  },
};
