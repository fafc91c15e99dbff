/**
 * The query console of the Database tab (issue 22): a structured query with explain, read-only
 * SQL (libSQL, Postgres) and labelled writes, with a history per database kept for the panel's
 * life and "copy as code" in the names of `runtime/db`'s query API.
 */
import { signal } from '@preact/signals';
import { encode } from '#codec/index.js';
import type { Encoded } from '#codec/types.js';
import { Command, type Row } from '#protocol/messages.js';
import type { ConsoleQuery, Explain, FieldFilter, FieldOp, SqlResult, WriteOp } from '#protocol/power.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export type ConsoleMode = 'query' | 'sql' | 'write';

/** The form as typed: bounds and filter values are JSON (a bare word reads as a string). */
export interface QueryForm {
  table: string;
  index: string;
  eq: string;
  lower: string;
  lowerOpen: boolean;
  upper: string;
  upperOpen: boolean;
  direction: 'next' | 'prev';
  offset: string;
  limit: string;
  filters: { field: string; op: FieldOp; value: string }[];
}

export interface HistoryEntry {
  mode: ConsoleMode;
  /** How the entry reads in the list. */
  text: string;
  form?: QueryForm;
  sql?: string;
  write?: { label: string; ops: string };
  at: number;
}

export type ConsoleOutput =
  | { kind: 'rows'; rows: Row[]; total: number; explain: Explain; table: string }
  | { kind: 'sql'; result: SqlResult }
  | { kind: 'written'; written: number; label: string };

const HISTORY = 50;

export function emptyForm(table = ''): QueryForm {
  return { table, index: '', eq: '', lower: '', lowerOpen: false, upper: '', upperOpen: false, direction: 'next', offset: '', limit: '50', filters: [] };
}

/** A typed value: JSON when it parses, else the text itself (so `red` and `"red"` both mean the string). */
export function parseValue(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    // Not JSON: the user typed a bare string, which is what it means.
    return trimmed;
  }
}

function integer(text: string, what: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} is a whole number ≥ 0; got "${text}"`);
  return value;
}

/** The form as the query API's argument (plain values), and as the wire's (encoded). */
export function toQuery(form: QueryForm): { api: Record<string, unknown>; filters: { field: string; op: FieldOp; value: unknown }[] } {
  if (form.table === '') throw new Error('pick a table');
  const api: Record<string, unknown> = {};
  if (form.index !== '') api.index = form.index;
  const range: Record<string, unknown> = {};
  if (form.eq.trim() !== '') range.eq = parseValue(form.eq);
  if (form.lower.trim() !== '') range[form.lowerOpen ? 'gt' : 'gte'] = parseValue(form.lower);
  if (form.upper.trim() !== '') range[form.upperOpen ? 'lt' : 'lte'] = parseValue(form.upper);
  if (range.eq !== undefined && Object.keys(range).length > 1) throw new Error('a range is either = or bounds, not both');
  if (Object.keys(range).length) api.range = range;
  if (form.direction === 'prev') api.direction = 'prev';
  const offset = integer(form.offset, 'offset');
  const limit = integer(form.limit, 'limit');
  if (offset) api.offset = offset;
  if (limit !== undefined) api.limit = limit;
  const filters = form.filters.filter((filter) => filter.field.trim() !== '').map((filter) => ({ field: filter.field.trim(), op: filter.op, value: parseValue(filter.value) }));
  return { api, filters };
}

function literal(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const JS_OPS: Record<Exclude<FieldOp, 'contains'>, string> = { eq: '===', ne: '!==', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** `db.table('notes').query({ … })`, with the field conditions as a `.filter` on the result. */
export function asCode(form: QueryForm): string {
  const { api, filters } = toQuery(form);
  const parts = Object.entries(api).map(([key, value]) => `${key}: ${key === 'range' ? `{ ${Object.entries(value as object).map(([bound, v]) => `${bound}: ${literal(v)}`).join(', ')} }` : literal(value)}`);
  const call = `db.table(${literal(form.table)}).query(${parts.length ? `{ ${parts.join(', ')} }` : ''})`;
  if (filters.length === 0) return `await ${call}`;
  const access = (field: string) => `row${field.split('.').map((step) => (IDENTIFIER.test(step) ? `.${step}` : `[${literal(step)}]`)).join('')}`;
  const conditions = filters.map(({ field, op, value }) =>
    op === 'contains' ? `${access(field)}?.includes(${literal(value)})` : `${access(field)} ${JS_OPS[op]} ${literal(value)}`,
  );
  return `(await ${call}).filter((row) => ${conditions.join(' && ')})`;
}

export class ConsoleModel {
  readonly mode = signal<ConsoleMode>('query');
  readonly form = signal<QueryForm>(emptyForm());
  readonly sql = signal('');
  readonly label = signal('');
  readonly ops = signal('');
  readonly output = signal<ConsoleOutput | null>(null);
  readonly busy = signal(false);
  /** Per database name, newest first; the panel's life (the panel keeps no storage of its own). */
  readonly history = signal<ReadonlyMap<string, HistoryEntry[]>>(new Map());

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  async runQuery(database: { id: number; name: string }): Promise<void> {
    const form = this.form.peek();
    let request: ConsoleQuery;
    try {
      const { api, filters } = toQuery(form);
      const range = api.range as Record<string, unknown> | undefined;
      request = {
        database: database.id,
        table: form.table,
        ...(api.index !== undefined && { index: api.index as string }),
        ...(range && { range: Object.fromEntries(Object.entries(range).map(([bound, value]) => [bound, encode(value)])) }),
        ...(api.direction !== undefined && { direction: 'prev' as const }),
        ...(api.offset !== undefined && { offset: api.offset as number }),
        ...(api.limit !== undefined && { limit: api.limit as number }),
        ...(filters.length && { filter: filters.map((filter): FieldFilter => ({ field: filter.field, op: filter.op, value: encode(filter.value) })) }),
      };
    } catch (error) {
      return this._ui.fail(error);
    }
    const result = await this._busy(() => this._connection.request(Command.dbConsole, request));
    if (!result) return;
    this.output.value = { kind: 'rows', rows: result.rows, total: result.total, explain: result.explain, table: form.table };
    this._remember(database.name, { mode: 'query', text: asCode(form), form, at: Date.now() });
  }

  async runSql(database: { id: number; name: string }): Promise<void> {
    const sql = this.sql.peek();
    if (sql.trim() === '') return this._ui.fail(new Error('type a SQL statement'));
    const result = await this._busy(() => this._connection.request(Command.dbSql, { database: database.id, sql }));
    if (!result) return;
    this.output.value = { kind: 'sql', result };
    this._remember(database.name, { mode: 'sql', text: sql, sql, at: Date.now() });
  }

  async runWrite(database: { id: number; name: string }): Promise<void> {
    const label = this.label.peek().trim();
    let ops: WriteOp[];
    try {
      if (label === '') throw new Error('a write needs a label: it names the change in the timeline');
      const parsed = JSON.parse(this.ops.peek()) as unknown;
      const list = Array.isArray(parsed) ? parsed : [parsed];
      ops = list.map((op, i) => {
        const { op: kind, table, value, key } = (op ?? {}) as { op?: unknown; table?: unknown; value?: Encoded; key?: Encoded };
        if (typeof table !== 'string') throw new Error(`operation ${i + 1}: name its "table"`);
        if (kind === 'put' && value !== undefined) return { op: 'put', table, value };
        if (kind === 'delete' && key !== undefined) return { op: 'delete', table, key };
        throw new Error(`operation ${i + 1}: {"op":"put","table":…,"value":…} or {"op":"delete","table":…,"key":…}`);
      });
    } catch (error) {
      return this._ui.fail(error instanceof SyntaxError ? new Error(`the operations are not JSON: ${error.message}`) : error);
    }
    const result = await this._busy(() => this._connection.request(Command.dbWrite, { database: database.id, label, ops }));
    if (!result) return;
    this.output.value = { kind: 'written', written: result.written, label };
    this._ui.notify(`Wrote ${result.written} change${result.written === 1 ? '' : 's'} as "${label}"`);
    this._remember(database.name, { mode: 'write', text: `${label}: ${ops.length} op${ops.length === 1 ? '' : 's'}`, write: { label, ops: this.ops.peek() }, at: Date.now() });
  }

  /** Puts a history entry back in the form (it is not run again by itself). */
  recall(entry: HistoryEntry): void {
    this.mode.value = entry.mode;
    if (entry.form) this.form.value = entry.form;
    if (entry.sql !== undefined) this.sql.value = entry.sql;
    if (entry.write) {
      this.label.value = entry.write.label;
      this.ops.value = entry.write.ops;
    }
  }

  private async _busy<T>(command: () => Promise<T>): Promise<T | undefined> {
    this.busy.value = true;
    try {
      return await this._ui.run(command);
    } finally {
      this.busy.value = false;
    }
  }

  private _remember(database: string, entry: HistoryEntry): void {
    const next = new Map(this.history.peek());
    const list = (next.get(database) ?? []).filter((old) => old.text !== entry.text);
    next.set(database, [entry, ...list].slice(0, HISTORY));
    this.history.value = next;
  }
}
