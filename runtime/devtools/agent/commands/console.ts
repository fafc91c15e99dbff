/**
 * The query console (issue 22): a structured query with explain, read-only SQL where the engine
 * speaks SQL, and writes as one labelled transaction. Loaded on the console's first command.
 */
import { decode, encode } from '../../../codec/index.js';
import { compareKeys, asKey, type Key } from '../../../db/keys.js';
import { READONLY_SQL, type SqlRows } from '../../../db/provider.js';
import { keyAt, type KeyPath, type TableInfo } from '../../../db/schema.js';
import type { Database, Query, Range } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import { MAX_SQL_ROWS, type ConsoleQuery, type Explain, type FieldFilter } from '../../../protocol/power.js';
import { config } from '../../../registry/registry.js';
import { guardRedacted, type Handlers } from '../context.js';
import { decodeEdit } from '../edit.js';
import { DISPLAY, fingerprint, redactedPaths, show } from '../show.js';
import { target } from '../targets.js';
import type { KeyHandles } from '../key-handles.js';
import { decodeRange, guardFields, keyPlace, page, rowRoot, selectsByContent, tableOf } from './db.js';
import { encodeWhole } from '../sparse.js';
import { eachVisibleRow, visibleRows } from './visible-rows.js';
import { keylessRefusal } from './out-of-line.js';

/** Rows read per engine call while a filter runs in the agent. */
const SCAN_PAGE = 500;

function fieldOf(row: unknown, field: string): unknown {
  let value = row;
  for (const step of field.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

// encodeWhole: a far sparse array (sparse.ts) would be four billion hole nodes.
const same = (a: unknown, b: unknown) => JSON.stringify(encodeWhole(a)) === JSON.stringify(encodeWhole(b));

/** One condition as a predicate; ordering compares as IndexedDB keys do (numbers < dates < strings < binary < arrays). */
function predicate({ field, op, value: encoded }: FieldFilter): (row: unknown) => boolean {
  let wanted: unknown;
  try {
    wanted = decode(encoded);
  } catch (error) {
    throw new CommandError('invalid', `the value for "${field}" cannot be decoded: ${(error as Error).message}`);
  }
  const order = (value: unknown): number | undefined => {
    const a = asKey(value);
    const b = asKey(wanted);
    return a === undefined || b === undefined ? undefined : compareKeys(a, b);
  };
  switch (op) {
    case 'eq':
      return (row) => same(fieldOf(row, field), wanted);
    case 'ne':
      return (row) => !same(fieldOf(row, field), wanted);
    case 'contains':
      return (row) => {
        const value = fieldOf(row, field);
        if (typeof value === 'string') return value.includes(String(wanted));
        return Array.isArray(value) && value.some((item) => same(item, wanted));
      };
    default: {
      const test = { lt: (c: number) => c < 0, lte: (c: number) => c <= 0, gt: (c: number) => c > 0, gte: (c: number) => c >= 0 }[op];
      return (row) => {
        const compared = order(fieldOf(row, field));
        return compared !== undefined && test(compared);
      };
    }
  }
}

function describeRange(range: ConsoleQuery['range']): string {
  if (!range) return 'every key';
  const words = { eq: '=', gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
  return (Object.keys(words) as (keyof typeof words)[])
    .filter((bound) => range[bound] !== undefined)
    .map((bound) => `${words[bound]} ${JSON.stringify(range[bound])}`)
    .join(' and ');
}

/**
 * The filtered field of `row` that redact() hides there, or that holds a part it hides (an
 * `eq` on the whole, or a `contains`, would test a guess at the part), if any.
 */
function hiddenIn(db: Database, table: string, row: unknown, fields: string[]): string | undefined {
  const hidden = redactedPaths(row, rowRoot(db, table));
  if (hidden.length === 0) return undefined;
  return fields.find((field) => {
    const steps = field.split('.');
    // One lies in the other: their common steps agree.
    return hidden.some((path) => path.slice(0, steps.length).every((step, i) => String(step) === steps[i]));
  });
}

/**
 * The console's rows are keyed by the key path; a table whose keys are out of line (localForage's)
 * is browsed in the grid, which reads each row's key from the cursor.
 */
function outOfLine(info: TableInfo): TableInfo & { key: KeyPath } {
  if (info.key === null) throw new CommandError('invalid', `table "${info.name}" keeps its keys out of line (no key path): the query console does not read it; browse it in the table's grid`);
  return info as TableInfo & { key: KeyPath };
}

async function run(db: Database, name: string, query: ConsoleQuery, keys: KeyHandles) {
  const info = outOfLine(tableOf(db, name));
  const place = keyPlace(query.database, db, info);
  const table = db.table(name);
  const selection = { ...(query.index !== undefined && { index: query.index }), ...(query.range && { range: decodeRange(query.range, keys, query.index === undefined ? place : undefined) }) } as { index?: undefined; range?: Range };
  const direction = query.direction ?? 'next';
  const { offset, limit } = page(query.offset, query.limit);
  const filters = (query.filter ?? []).map(predicate);
  const fields = (query.filter ?? []).map((filter) => filter.field);
  const index = query.index === undefined ? undefined : info.indexes.find((candidate) => candidate.name === query.index);
  const check = (row: unknown) => {
    const hidden = config.redact ? hiddenIn(db, name, row, fields) : undefined;
    if (hidden !== undefined) {
      throw new CommandError('redacted', `"${hidden}" is redacted by configureDevtools({ redact }) in some rows: the console does not filter on it`);
    }
    return filters.every((test) => test(row));
  };
  if (selectsByContent(query.range, query.index)) {
    // Rows whose indexed value or key redact() hides by value are left out of what selects by them (visible-rows.ts).
    if (filters.length === 0) {
      const { rows, total } = await visibleRows(db, selection, direction, place, index, { offset, limit });
      return { rows, total, scanned: Math.min(total, offset + rows.length) };
    }
    const rows: unknown[] = [];
    let scanned = 0;
    let matched = 0;
    await eachVisibleRow(db, selection, direction, place, index, (row) => {
      scanned++;
      if (!check(row)) return;
      if (matched >= offset && rows.length < limit) rows.push(row);
      matched++;
    });
    return { rows, total: matched, scanned };
  }
  const read = (at: number, count: number) => table.query({ ...selection, offset: at, limit: count, direction } as Query);
  if (filters.length === 0) {
    const [rows, total] = await Promise.all([read(offset, limit), table.count(selection)]);
    // The engine walks past the skipped rows to reach the first one returned.
    return { rows, total, scanned: Math.min(total, offset + rows.length) };
  }
  // A filter on fields runs here: every row in the range is read once (the count of matches needs them all).
  const rows: unknown[] = [];
  let scanned = 0;
  let matched = 0;
  for (let at = 0; ; at += SCAN_PAGE) {
    const batch = await read(at, SCAN_PAGE);
    scanned += batch.length;
    for (const row of batch) {
      if (!check(row)) continue;
      if (matched >= offset && rows.length < limit) rows.push(row);
      matched++;
    }
    if (batch.length < SCAN_PAGE) break;
  }
  return { rows, total: matched, scanned };
}

function readOnlyRefusal(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // SQLite's SQLITE_READONLY, Postgres's read_only_sql_transaction (25006): the engine refused a write.
  if (code === 'SQLITE_READONLY' || code === '25006') return String(message);
  return undefined;
}

export const consoleCommands: Handlers<'dbConsole' | 'dbSql' | 'dbWrite'> = {
  async dbConsole(query, { blobs, keys }) {
    const db = target('database', query.database);
    const info = outOfLine(tableOf(db, query.table));
    if (query.index !== undefined && !info.indexes.some((candidate) => candidate.name === query.index)) {
      throw new CommandError('not-found', `table "${query.table}" has no index "${query.index}"`);
    }
    const indexPath = query.index === undefined ? [] : [info.indexes.find((candidate) => candidate.name === query.index)!.path].flat();
    guardFields(db, query.table, [...(query.filter ?? []).map((filter) => filter.field), ...indexPath], 'the console does not filter or read an index on it');
    const started = performance.now();
    const { rows, total, scanned } = await run(db, query.table, query, keys);
    const ms = performance.now() - started;
    const { offset, limit } = page(query.offset, query.limit);
    const conditions = query.filter?.length ?? 0;
    const plan = [
      query.index === undefined ? 'primary key' : `index ${query.index}`,
      describeRange(query.range),
      query.direction === 'prev' ? 'descending' : 'ascending',
      ...(offset > 0 ? [`skip ${offset}`] : []),
      `limit ${limit}`,
      ...(conditions > 0 ? [`${conditions} field condition${conditions > 1 ? 's' : ''} checked in the page on every row of the range`] : []),
    ].join(', ');
    const explain: Explain = { index: query.index ?? null, plan, scanned, returned: rows.length, ms };
    return {
      total,
      explain,
      rows: rows.map((row) => {
        const shown = show(row, rowRoot(db, query.table), blobs);
        return { key: keys.show(keyAt(row, info.key), keyPlace(query.database, db, info), shown.redacted), hash: fingerprint(row, rowRoot(db, query.table)).hash, ...shown };
      }),
    };
  },

  async dbSql({ database, sql }) {
    const db = target('database', database);
    if (config.redact) {
      throw new CommandError('redacted', 'SQL is off while configureDevtools({ redact }) is set: rows read by SQL would show what redact hides');
    }
    const pending = (db as Database & { [READONLY_SQL]?: (text: string) => Promise<SqlRows> | undefined })[READONLY_SQL]?.(sql);
    if (!pending) throw new CommandError('invalid', `SQL runs on libSQL and Postgres databases; "${db.name}" is ${db.provider}: use the structured query`);
    const started = performance.now();
    let result: SqlRows;
    try {
      result = await pending;
    } catch (error) {
      const refused = readOnlyRefusal(error);
      if (refused) throw new CommandError('invalid', `Not run: the console's SQL is read-only, and the engine refused a write (${refused}). Write with a labelled transaction instead.`);
      throw new CommandError('invalid', `SQL failed: ${(error as Error).message ?? String(error)}`);
    }
    const ms = performance.now() - started;
    return {
      columns: result.columns,
      rows: result.rows.slice(0, MAX_SQL_ROWS).map((row) => row.map((cell) => encode(cell, DISPLAY))),
      truncated: result.rows.length > MAX_SQL_ROWS,
      ms,
    };
  },

  async dbWrite({ database, label, ops }, { blobs, keys }) {
    if (label.trim() === '') throw new CommandError('invalid', 'a write from the console needs a label: it names the change in the timeline');
    if (ops.length === 0) throw new CommandError('invalid', 'nothing to write: add a put or a delete');
    const db = target('database', database);
    const decoded = ops.map((op) => {
      const info = tableOf(db, op.table);
      if (op.op === 'delete') return { op: 'delete' as const, table: op.table, key: keys.key(op.key, 'the key to delete', keyPlace(database, db, info)) };
      if (info.key === null && !info.autoIncrement) throw keylessRefusal(op.table, 'a put from the console');
      const value = decodeEdit(op.value, blobs);
      guardRedacted(undefined, rowRoot(db, op.table), [], { value });
      return { op: 'put' as const, table: op.table, value };
    });
    const tables = [...new Set(decoded.map((op) => op.table))];
    return db.transaction(tables, 'readwrite', async (tx) => {
      for (const op of decoded) {
        if (op.op === 'put') await tx.table(op.table).put(op.value);
        else await tx.table(op.table).delete(op.key as Key);
      }
      return { written: decoded.length };
    }, { label });
  },
};

