/**
 * The rows of a table, virtualized over the whole count (pages load as they scroll into view).
 * Sorting: the key column and any column an index covers sort through the database (the only
 * orders a 100,000-row table can be read in); other columns cannot be sorted and say so.
 */
import type { Row, TableInfo } from '../../../../runtime/protocol/messages.js';
import { isRecord, preview, summary } from '../../lib/encoded.js';
import { SortHeader } from '../common/SortHeader.js';
import { focusValue, VirtualList } from '../common/VirtualList.js';
import { usePanel } from '../context.js';
import { plural } from '../../lib/format.js';

const ROW_HEIGHT = 20;

function cell(row: Row, column: string): string {
  if (column === 'value') return summary(row.value, 200);
  return isRecord(row.value) && Object.hasOwn(row.value, column) ? summary(row.value[column]!, 80) : '';
}

export function RowGrid({ table }: { table: TableInfo }) {
  const { rows } = usePanel().database;
  const query = rows.query.value;
  const total = rows.total.value;
  const columns = rows.columns.value;
  const selected = rows.selectedKey.value;
  const byColumn = new Map(table.indexes.filter((index) => typeof index.keyPath === 'string').map((index) => [index.keyPath as string, index.name]));
  const sortedBy = (index: string | undefined) => ((query?.index ?? undefined) === index ? { descending: query?.direction === 'prev' } : null);

  const at = selected === null ? -1 : rows.selectedIndex.value;
  const move = (event: KeyboardEvent) => {
    if (event.key === 'Enter') return focusValue(event.currentTarget, 'row-editor');
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = rows.rowAt(Math.min(total - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1))));
    if (next) rows.select(next, Math.min(total - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1))));
  };

  const render = (i: number) => {
    const row = rows.rowAt(i);
    if (!row) {
      return (
        <div key={i} class="grid-row loading" data-testid="row-loading">
          <span class="num">{i + 1}</span>
          <span>…</span>
        </div>
      );
    }
    const key = JSON.stringify(row.key);
    return (
      <div key={i} class={`grid-row${key === selected ? ' selected' : ''}`} data-testid="row" data-key={key} data-index={i} onClick={() => rows.select(row, i)}>
        <span class="num">{i + 1}</span>
        <span class="cell key" data-testid="row-key">
          {preview(row.key)}
        </span>
        {columns.map((column) => (
          <span class="cell">{cell(row, column)}</span>
        ))}
      </div>
    );
  };

  return (
    <div class="row-grid">
      <div class="grid-head grid-row">
        <span class="num">#</span>
        <span class="cell key">
          <SortHeader column="key" title="Key" active={sortedBy(undefined)} onSort={() => rows.sortBy(undefined)} />
        </span>
        {columns.map((column) => {
          const index = byColumn.get(column);
          return (
            <span class="cell">
              {index === undefined ? (
                <span class="th" title="Not indexed: only the key and indexed columns can be sorted across every row">
                  {column}
                </span>
              ) : (
                <SortHeader column={column} title={column} active={sortedBy(index)} onSort={() => rows.sortBy(index)} />
              )}
            </span>
          );
        })}
      </div>
      <VirtualList count={total} rowHeight={ROW_HEIGHT} row={render} testid="row-grid" label="Rows" resetOn={query} onKeyDown={move} reveal={at} onRange={(first, last) => rows.ensure(first, last)} />
      <div class="status-line" data-testid="row-total">
        {plural(total, 'row')}{query?.index !== undefined ? ` by index ${query.index}` : ''}
        {query?.range !== undefined ? ' in range' : ''}
      </div>
    </div>
  );
}
