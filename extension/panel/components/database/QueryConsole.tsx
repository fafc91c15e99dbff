/**
 * The query console (issue 22): the structured query of `runtime/db` (index, range, direction,
 * offset/limit) plus conditions on fields, with explain; read-only SQL on libSQL and Postgres;
 * writes as one labelled transaction. Results open in the row editor; a history per database.
 */
import type { DatabaseInfo } from '#protocol/messages.js';
import type { FieldOp } from '#protocol/power.js';
import { copyText } from '../../lib/clipboard.js';
import { preview } from '../../lib/encoded.js';
import { asCode, emptyForm, type ConsoleMode, type QueryForm } from '../../models/console.js';
import { usePanel } from '../context.js';

const OPS: FieldOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains'];
const OP_TEXT: Record<FieldOp, string> = { eq: '=', ne: '≠', lt: '<', lte: '≤', gt: '>', gte: '≥', contains: 'contains' };

function value(event: Event): string {
  return (event.currentTarget as HTMLInputElement).value;
}

function QueryFormView({ db }: { db: DatabaseInfo }) {
  const { database, ui } = usePanel();
  const model = database.console;
  // One form for every database: a table this database lacks starts a fresh form on its first table.
  const known = db.tables.some((candidate) => candidate.name === model.form.value.table);
  const form = !known && db.tables[0] ? emptyForm(db.tables.find((table) => !table.internal)?.name ?? db.tables[0].name) : model.form.value;
  const set = (patch: Partial<QueryForm>) => (model.form.value = { ...form, ...patch });
  const table = db.tables.find((candidate) => candidate.name === form.table);
  const copy = async () => {
    try {
      await copyText(asCode(form));
      ui.notify('Copied the query as code');
    } catch (error) {
      ui.fail(error);
    }
  };
  return (
    <form
      class="console-form"
      data-testid="console-query"
      onSubmit={(event) => {
        event.preventDefault();
        model.form.value = form;
        void model.runQuery(db);
      }}
    >
      <label>
        table{' '}
        <select data-testid="console-table" value={form.table} onChange={(event) => set({ ...emptyForm(value(event)), limit: form.limit })}>
          {db.tables.map((candidate) => (
            <option value={candidate.name}>{candidate.name}</option>
          ))}
        </select>
      </label>
      <label>
        index{' '}
        <select data-testid="console-index" value={form.index} onChange={(event) => set({ index: value(event) })}>
          <option value="">primary key</option>
          {table?.indexes.map((index) => (
            <option value={index.name}>{index.name}</option>
          ))}
        </select>
      </label>
      <label>
        ={' '}
        <input data-testid="console-eq" size={8} value={form.eq} placeholder="key" onInput={(event) => set({ eq: value(event) })} />
      </label>
      <label>
        <select aria-label="lower bound" value={form.lowerOpen ? 'gt' : 'gte'} onChange={(event) => set({ lowerOpen: value(event) === 'gt' })}>
          <option value="gte">≥</option>
          <option value="gt">&gt;</option>
        </select>
        <input data-testid="console-lower" size={6} value={form.lower} onInput={(event) => set({ lower: value(event) })} />
      </label>
      <label>
        <select aria-label="upper bound" value={form.upperOpen ? 'lt' : 'lte'} onChange={(event) => set({ upperOpen: value(event) === 'lt' })}>
          <option value="lte">≤</option>
          <option value="lt">&lt;</option>
        </select>
        <input data-testid="console-upper" size={6} value={form.upper} onInput={(event) => set({ upper: value(event) })} />
      </label>
      <select data-testid="console-direction" aria-label="direction" value={form.direction} onChange={(event) => set({ direction: value(event) as 'next' | 'prev' })}>
        <option value="next">ascending</option>
        <option value="prev">descending</option>
      </select>
      <label>
        offset <input data-testid="console-offset" size={4} value={form.offset} onInput={(event) => set({ offset: value(event) })} />
      </label>
      <label>
        limit <input data-testid="console-limit" size={4} value={form.limit} onInput={(event) => set({ limit: value(event) })} />
      </label>
      <div class="console-filters">
        {form.filters.map((filter, i) => {
          const change = (patch: Partial<typeof filter>) => set({ filters: form.filters.map((old, j) => (j === i ? { ...old, ...patch } : old)) });
          return (
            <span class="console-filter" data-testid="console-filter">
              <input data-testid="console-filter-field" size={10} placeholder="field.path" value={filter.field} onInput={(event) => change({ field: value(event) })} />
              <select data-testid="console-filter-op" value={filter.op} onChange={(event) => change({ op: value(event) as FieldOp })}>
                {OPS.map((op) => (
                  <option value={op}>{OP_TEXT[op]}</option>
                ))}
              </select>
              <input data-testid="console-filter-value" size={8} placeholder="value" value={filter.value} onInput={(event) => change({ value: value(event) })} />
              <button type="button" title="Remove the condition" onClick={() => set({ filters: form.filters.filter((_, j) => j !== i) })}>
                ×
              </button>
            </span>
          );
        })}
        <button type="button" data-testid="console-add-filter" onClick={() => set({ filters: [...form.filters, { field: '', op: 'eq', value: '' }] })}>
          + condition
        </button>
      </div>
      <button type="submit" data-testid="console-run" disabled={model.busy.value}>
        Run
      </button>
      <button type="button" data-testid="console-copy" title="Copy as db.table(…).query({ … })" onClick={() => void copy()}>
        copy as code
      </button>
    </form>
  );
}

function SqlForm({ db }: { db: DatabaseInfo }) {
  const { database } = usePanel();
  const model = database.console;
  return (
    <form
      class="console-form"
      onSubmit={(event) => {
        event.preventDefault();
        void model.runSql(db);
      }}
    >
      <textarea data-testid="console-sql" rows={3} spellcheck={false} placeholder="SELECT … (read-only: the engine refuses writes)" value={model.sql.value} onInput={(event) => (model.sql.value = value(event))} />
      <button type="submit" data-testid="console-sql-run" disabled={model.busy.value}>
        Run SQL
      </button>
    </form>
  );
}

function WriteForm({ db }: { db: DatabaseInfo }) {
  const { database } = usePanel();
  const model = database.console;
  return (
    <form
      class="console-form"
      onSubmit={(event) => {
        event.preventDefault();
        void model.runWrite(db);
      }}
    >
      <input data-testid="console-write-label" size={24} placeholder="label (shown in the timeline)" value={model.label.value} onInput={(event) => (model.label.value = value(event))} />
      <textarea
        data-testid="console-write-ops"
        rows={3}
        spellcheck={false}
        placeholder='[{ "op": "put", "table": "notes", "value": { … } }, { "op": "delete", "table": "notes", "key": 3 }]'
        value={model.ops.value}
        onInput={(event) => (model.ops.value = value(event))}
      />
      <button type="submit" data-testid="console-write-run" disabled={model.busy.value}>
        Write in one transaction
      </button>
    </form>
  );
}

function Output() {
  const { database } = usePanel();
  const output = database.console.output.value;
  if (!output) return null;
  if (output.kind === 'written') return <div class="note" data-testid="console-written">Wrote {output.written} change(s) as "{output.label}": see the Timeline.</div>;
  if (output.kind === 'sql') {
    const { result } = output;
    return (
      <div class="console-output">
        <div class="note" data-testid="console-sql-summary">
          {result.rows.length} row{result.rows.length === 1 ? '' : 's'}
          {result.truncated ? ' (first ones only)' : ''} in {result.ms.toFixed(1)} ms
        </div>
        <table class="grid" data-testid="console-sql-rows">
          <thead>
            <tr>
              {result.columns.map((column) => (
                <th>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row) => (
              <tr>
                {row.map((cell) => (
                  <td class="mono">{preview(cell)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const { explain } = output;
  const open = (index: number) => {
    database.selectTable(output.table);
    database.rows.select(output.rows[index]!);
  };
  return (
    <div class="console-output">
      <div class="note" data-testid="console-explain">
        {explain.index === null ? 'primary key' : `index ${explain.index}`} · scanned {explain.scanned} · returned {explain.returned} of {output.total} · {explain.ms.toFixed(1)} ms
        <div class="console-plan">{explain.plan}</div>
      </div>
      <div class="grid-rows" role="listbox" aria-label="Query results">
        {output.rows.map((row, i) => (
          <button type="button" class="grid-row search-result" data-testid="console-row" title="Open in the row editor" onClick={() => open(i)}>
            <span class="mono">{preview(row.key)}</span>
            <span class="search-excerpt">{preview(row.value)}</span>
          </button>
        ))}
      </div>
    </div>
  );
}

function History({ db }: { db: DatabaseInfo }) {
  const { database } = usePanel();
  const entries = database.console.history.value.get(db.name) ?? [];
  if (entries.length === 0) return null;
  return (
    <details class="console-history" data-testid="console-history">
      <summary>History ({entries.length})</summary>
      <ul>
        {entries.map((entry) => (
          <li>
            <button type="button" class="search-result" data-testid="console-history-entry" onClick={() => database.console.recall(entry)}>
              <span class="note">{entry.mode}</span> <span class="search-excerpt">{entry.text}</span>
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function QueryConsole({ db }: { db: DatabaseInfo }) {
  const { database } = usePanel();
  const mode = database.console.mode.value;
  const sql = db.provider === 'libsql' || db.provider === 'postgres';
  const modes: [ConsoleMode, string][] = [['query', 'Structured'], ...(sql ? [['sql', 'SQL'] as [ConsoleMode, string]] : []), ['write', 'Write']];
  return (
    <div class="query-console" data-testid="query-console">
      <div class="toolbar">
        {modes.map(([name, title]) => (
          <button type="button" class={mode === name ? 'on' : ''} data-testid={`console-mode-${name}`} onClick={() => (database.console.mode.value = name)}>
            {title}
          </button>
        ))}
      </div>
      {mode === 'query' && <QueryFormView db={db} />}
      {mode === 'sql' && sql && <SqlForm db={db} />}
      {mode === 'write' && <WriteForm db={db} />}
      <Output />
      <History db={db} />
    </div>
  );
}
