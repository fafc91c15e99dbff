/** The checks for the power tools' requests and results (power.ts), used by validate.ts. */
import { MAX_PAGE } from './limits.js';
import { MAX_SQL_ROWS, MAX_WRITE_OPS, type ConsoleQuery, type ConsoleResult, type FieldFilter, type SearchCursor, type SearchMatch, type SearchRequest, type SearchResult, type SqlResult, type WriteOp } from './power.js';
import { encoded, path, range, rowPage, text } from './schemas.js';
import { arr, bool, finite, int, literal, obj, opt, ShapeError, str, tagged, type Check } from './shape.js';
import type { RowPage } from './values.js';

const MAX_MATCHES = 1000;
const MAX_COLUMNS = 200;

const cursor = obj<SearchCursor>({ stage: int, item: int, table: opt(text), after: opt(encoded), scanned: int, total: int });

export const searchRequest = obj<SearchRequest>({
  query: str(1000),
  mode: literal('text', 'number', 'regex'),
  caseSensitive: opt(bool),
  cursor: opt(cursor),
  room: int,
  pageSize: opt(int),
});

const target = tagged<SearchMatch['target'], 'kind'>('kind', {
  state: obj({ kind: literal('state'), store: int, state: text }),
  webstorage: obj({ kind: literal('webstorage'), storage: int, key: str() }),
  row: obj({ kind: literal('row'), database: int, table: text, key: encoded }),
});

const excerpt: Check<[string, string, string]> = (value, at, budget, depth) => {
  const parts = arr(str(200), 3)(value, at, budget, depth);
  if (parts.length !== 3) throw new ShapeError(`${at}: an excerpt is three strings`);
  return parts as [string, string, string];
};

export const searchResult = obj<SearchResult>({
  matches: arr(obj<SearchMatch>({ target, group: text, name: str(), path, at: str(), on: literal('key', 'value'), excerpt }), MAX_MATCHES),
  over: int,
  cursor: (value, at, budget, depth) => (value === null ? null : cursor(value, at, budget, depth)),
  scanned: int,
  total: int,
  where: str(),
});

const filter = obj<FieldFilter>({ field: str(500), op: literal('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains'), value: encoded });

export const consoleQuery = obj<ConsoleQuery>({
  database: int,
  table: text,
  index: opt(text),
  range: opt(range),
  direction: opt(literal('next', 'prev')),
  offset: opt(int),
  limit: opt(int),
  filter: opt(arr(filter, 20)),
});

export const consoleResult: Check<ConsoleResult> = (value, at, budget, depth) => {
  const { explain, ...page } = (value ?? {}) as Partial<ConsoleResult>;
  const rows: RowPage = rowPage(page, at, budget, depth);
  const checked = obj<ConsoleResult['explain']>({ index: (v, a, b, d) => (v === null ? null : text(v, a, b, d)), plan: str(), scanned: int, returned: int, ms: finite })(
    explain,
    at ? `${at}.explain` : 'explain',
    budget,
    depth + 1,
  );
  return { ...rows, explain: checked };
};

export const sqlRequest = obj<{ database: number; sql: string }>({ database: int, sql: str(100_000) });

export const sqlResult = obj<SqlResult>({
  columns: arr(str(), MAX_COLUMNS),
  rows: arr(arr(encoded, MAX_COLUMNS), MAX_SQL_ROWS),
  truncated: bool,
  ms: finite,
});

const writeOp = tagged<WriteOp, 'op'>('op', {
  put: obj({ op: literal('put'), table: text, value: encoded }),
  delete: obj({ op: literal('delete'), table: text, key: encoded }),
});

export const writeRequest = obj<{ database: number; label: string; ops: WriteOp[] }>({ database: int, label: text, ops: arr(writeOp, MAX_WRITE_OPS) });
export const writeResult = obj<{ written: number }>({ written: int });

/** A page of rows is at most MAX_PAGE: the console asks for no more. */
export const MAX_CONSOLE_LIMIT = MAX_PAGE;
