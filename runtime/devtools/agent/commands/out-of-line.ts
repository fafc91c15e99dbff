/**
 * Tables whose keys are out of line: an IndexedDB object store other code made without a key path
 * (localForage, idb-keyval, a hand-written upgrade; TableInfo.key null). A row does not hold its
 * key, so the grid, search, edits and exports read each row with its primary key (the cursor's
 * `primaryKey`, through the database's KEYED_ROWS) and write a row at the key the panel names,
 * as the page-storage inspector does (extension/inspector/idb.ts). Apart from db.ts so the rows of
 * tables with a key path (the first-rows bench) do no work for these; loaded on first use.
 */
import type { Key } from '../../../db/keys.js';
import { KEYED_ROWS, type KeyedRow, type KeyedRows } from '../../../db/provider.js';
import type { IndexInfo } from '../../../db/schema.js';
import type { Query, Range, Table } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import type { Row } from '../../../protocol/messages.js';
import { keyHidden, keyInHidden, type KeyHandles, type KeyPlace } from '../key-handles.js';
import { redactedPaths, showRow, type InlineBlobs } from '../show.js';

/** The table's reads and writes by primary key (a Table of the database or of a transaction). */
export function keyedRows(table: Table): KeyedRows {
  const keyed = (table as Table & { [KEYED_ROWS]?: () => KeyedRows })[KEYED_ROWS];
  if (!keyed) throw new CommandError('unavailable', `table "${table.name}" cannot be read with its keys by this version of Stratum`);
  return keyed.call(table);
}

/** Why a row of `table` cannot be written whole or added: its key would have no name. */
export function keylessRefusal(table: string, what: string): CommandError {
  return new CommandError('not-editable', `table "${table}" keeps its keys out of line (its object store has no key path; another library made it), so ${what} cannot name its key: send the key it goes under (the panel's Add row asks for one), or edit a row's fields in place`);
}

/** Rows as the grid shows them, each under its own primary key. */
export function encodeKeyed(entries: KeyedRow[], place: KeyPlace, blobs: InlineBlobs, keys: KeyHandles): Row[] {
  return entries.map(({ key, value: row }) => {
    const { value, redacted, hash } = showRow(row, place.root, blobs);
    return { key: keys.show(key, place, redacted), value, hash, redacted };
  });
}

export interface KeyedPage {
  selection: { index?: string; range?: Range };
  paging: { offset: number; limit: number };
  direction: 'next' | 'prev' | undefined;
  /** Set when redact() may hide rows by value (db.ts selectsByContent): they are filtered here. */
  filter: { index: IndexInfo | undefined } | undefined;
}

/**
 * A page of the selection with its primary keys. Filtered by redact(): every row of the selection
 * is read (the count needs them all) and only the visible ones counted, as visible-rows.ts does;
 * such stores are localForage's, small beside the 100,000-row tables that file slices for.
 */
export async function keyedPage(table: Table, place: KeyPlace, page: KeyedPage, count: () => Promise<number>): Promise<{ rows: KeyedRow[]; total: number }> {
  const keyed = keyedRows(table);
  const order = page.direction === undefined ? {} : { direction: page.direction };
  if (!page.filter) {
    const rows = await keyed.read({ ...page.selection, ...page.paging, ...order } as Query);
    return { rows, total: await count() };
  }
  const index = page.filter.index;
  const all = await keyed.read({ ...page.selection, ...order } as Query);
  const visible = all.filter(({ key, value }) => {
    const hidden = redactedPaths(value, place.root);
    return index !== undefined ? !keyInHidden(index.path, hidden) : !keyHidden(key, place, hidden);
  });
  return { rows: visible.slice(page.paging.offset, page.paging.offset + page.paging.limit), total: visible.length };
}

/** The row at `key` written whole, as IndexedDB's put(value, key); in the caller's transaction. */
export function putAt(table: Table, key: Key, value: unknown): Promise<Key> {
  return keyedRows(table).put(key, value);
}
