/**
 * The storage budget: the origin's estimate and persistence (with "Request persistent storage",
 * which runs navigator.storage.persist() in the page), a warning at 80 % of the quota, then bytes
 * per webstorage namespace and per table, index and blob store, each with its largest items.
 */
import { useEffect } from 'preact/hooks';
import { bytes, plural } from '../../lib/format.js';
import { summary } from '../../lib/encoded.js';
import type { BudgetItem } from '#protocol/messages.js';
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';

function Top({ items, testid }: { items: BudgetItem[]; testid: string }) {
  if (items.length === 0) return null;
  return (
    <ol class="budget-top" data-testid={testid}>
      {items.map((item) => (
        <li>
          <code>{summary(item.key, 80)}</code> {bytes(item.bytes)}
        </li>
      ))}
    </ol>
  );
}

export function BudgetTab() {
  const { budget: model, connection } = usePanel();
  const budget = model.budget.value;
  const target = connection.target.value;
  useEffect(() => {
    if (target !== null) void model.load();
  }, [target]);
  const estimate = budget?.estimate;
  const share = model.share();
  const answer = model.persistAnswer.value;
  return (
    <section class="budget" data-testid="budget-tab">
      <div class="form-row">
        <button type="button" data-testid="budget-refresh" disabled={model.loading.value} onClick={() => void model.load()}>
          {model.loading.value ? 'Measuring…' : 'Measure again'}
        </button>
      </div>
      {!budget ? (
        <p class="muted">Measuring…</p>
      ) : (
        <>
          <dl class="summary">
            <dt>Origin</dt>
            <dd data-testid="budget-estimate">
              {estimate && 'unavailable' in estimate
                ? `estimate unavailable: ${estimate.unavailable}`
                : `${bytes(estimate!.usage)} used of ${bytes(estimate!.quota)} (${((share ?? 0) * 100).toFixed(share !== undefined && share < 0.01 ? 3 : 1)} %, navigator.storage.estimate())`}
              {share !== undefined && share >= budget.warnAt && (
                <>
                  {' '}
                  <Badge tone="bad" testid="budget-warning">
                    near quota: {Math.round(budget.warnAt * 100)} % or more used; the browser may evict this origin's data
                  </Badge>
                </>
              )}
            </dd>
            <dt>Persisted</dt>
            <dd data-testid="budget-persisted">
              {budget.persisted === null ? 'unknown (navigator.storage.persisted() is missing)' : budget.persisted ? 'yes: the browser will not evict it under pressure' : 'no: best-effort, may be evicted'}{' '}
              <button type="button" data-testid="budget-persist" onClick={() => void model.persist()}>
                Request persistent storage
              </button>{' '}
              {answer && (
                <span data-testid="budget-persist-answer">
                  navigator.storage.persist() answered {String(answer.granted)}
                </span>
              )}
            </dd>
          </dl>
          <h3>Webstorage</h3>
          <table class="budget-grid" data-testid="budget-webstorages">
            <thead>
              <tr>
                <th>Namespace</th>
                <th>Bytes (UTF-16 of key + stored text)</th>
                <th>Largest keys</th>
              </tr>
            </thead>
            <tbody>
              {budget.webstorages.map((entry) => (
                <tr data-testid="budget-webstorage" data-namespace={entry.namespace} data-kind={entry.kind}>
                  <td>
                    {entry.kind}:{entry.namespace}
                  </td>
                  <td data-testid="budget-bytes">
                    {bytes(entry.bytes)} in {plural(entry.keys, 'key')}
                  </td>
                  <td>
                    <Top items={entry.top} testid="budget-top" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Databases</h3>
          {budget.databases.map((db) => (
            <div class="budget-database" data-testid="budget-database" data-name={db.name}>
              <h4>
                {db.name} ({db.provider}): {bytes(db.bytes)}
                {db.blobs && ` · blobs: ${plural(db.blobs.count, 'blob')}, ${bytes(db.blobs.bytes)}`}
              </h4>
              <p class="muted">{db.method}</p>
              <table class="budget-grid">
                <thead>
                  <tr>
                    <th>Table</th>
                    <th>Rows</th>
                    <th>Bytes</th>
                    <th>Indexes</th>
                    <th>Largest rows (by key)</th>
                  </tr>
                </thead>
                <tbody>
                  {db.tables.map((table) => (
                    <tr data-testid="budget-table" data-table={table.name}>
                      <td>{table.name}</td>
                      <td>
                        {table.rows}
                        {table.measured < table.rows && ` (first ${table.measured} measured)`}
                      </td>
                      <td data-testid="budget-bytes">{bytes(table.bytes)}</td>
                      <td>{table.indexes.map((index) => `${index.name}: ${bytes(index.bytes)}`).join(', ') || '—'}</td>
                      <td>
                        <Top items={table.top} testid="budget-top" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
