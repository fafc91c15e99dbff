/**
 * What the panel's power tools carry (issue 22): search across every stratum, and the query
 * console per database (a structured query with explain, read-only SQL, labelled writes).
 * Kept apart from values.ts so the commands that use them are added in a few lines.
 */
import type { Encoded, Path, Range, RowPage, ValueRef } from './values.js';

export type SearchMode = 'text' | 'number' | 'regex';

/**
 * Where a search goes on: the stage (0 states, 1 webstorage keys, 2 table rows), the registry id
 * of the store, webstorage or database it reads (or the next one's, none below it is left), the
 * table by name, and the last state id, webstorage key or row key read. Everything is named, not
 * counted: a state, key, table or instance that goes away between two calls makes the search
 * neither skip nor repeat another.
 * The panel hands it back unchanged; the agent reads what is there by then.
 */
export interface SearchCursor {
  stage: number;
  item: number;
  table?: string;
  after?: Encoded;
  scanned: number;
  total: number;
}

export interface SearchRequest {
  query: string;
  mode: SearchMode;
  caseSensitive?: boolean;
  cursor?: SearchCursor;
  /** How many more matches the panel takes; matches past it are counted, not sent. */
  room: number;
  /** Rows read per table page (default 500). */
  pageSize?: number;
}

export interface SearchMatch {
  /** The state, key or row the match is in (as the value view opens it). */
  target: Extract<ValueRef, { kind: 'state' | 'webstorage' | 'row' }>;
  /** The group the panel shows it under: `store main`, `local app`, `db app / notes`. */
  group: string;
  /** The state's key, the webstorage key, or the row's key as text. */
  name: string;
  /** The codec path inside the value (empty: the key itself, or a scalar value). */
  path: Path;
  /** How the path reads: `todos[3].title`. */
  at: string;
  /** The match was in a key (object key, state key, webstorage key) or in a value. */
  on: 'key' | 'value';
  /** Text before, the match, text after (each at most a few dozen characters). */
  excerpt: [string, string, string];
}

export interface SearchResult {
  matches: SearchMatch[];
  /** Matches found past `room` in this call (counted, not sent). */
  over: number;
  /** Where to go on, or null when every stratum was searched. */
  cursor: SearchCursor | null;
  /** Values (states, keys, rows) searched so far, and how many there are to search. */
  scanned: number;
  total: number;
  /** What is being searched now, in words. */
  where: string;
}

export type FieldOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'contains';

/** A condition on a field of the row (`author.name`), compared with the decoded `value`. */
export interface FieldFilter {
  field: string;
  op: FieldOp;
  value: Encoded;
}

export interface ConsoleQuery {
  database: number;
  table: string;
  index?: string;
  range?: Range;
  direction?: 'next' | 'prev';
  offset?: number;
  limit?: number;
  filter?: FieldFilter[];
}

export interface Explain {
  /** The index read, or null for the primary key. */
  index: string | null;
  /** The plan in words: `index byTag, range ≥ "a", ascending, filter in the agent`. */
  plan: string;
  /** Rows read from the engine (filtered ones and those skipped by offset included). */
  scanned: number;
  returned: number;
  ms: number;
}

export type ConsoleResult = RowPage & { explain: Explain };

export interface SqlResult {
  columns: string[];
  /** Each cell in the codec's form (BLOBs are Uint8Arrays, big integers BigInts). */
  rows: Encoded[][];
  /** More rows than the first `MAX_SQL_ROWS` came back; only those are shown. */
  truncated: boolean;
  ms: number;
}

export const MAX_SQL_ROWS = 500;
export const MAX_WRITE_OPS = 100;

export type WriteOp = { op: 'put'; table: string; value: Encoded } | { op: 'delete'; table: string; key: Encoded };
