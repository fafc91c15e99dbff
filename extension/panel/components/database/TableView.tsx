/** A table's rows: header (schema, count, clear), filter, grid, the row editor and adding rows. */
import { useState } from 'preact/hooks';
import type { DatabaseInfo, TableInfo } from '#protocol/messages.js';
import { Confirm } from '../common/Confirm.js';
import { usePanel } from '../context.js';
import { AddRow } from './AddRow.js';
import { RowEditor } from './RowEditor.js';
import { RowFilter } from './RowFilter.js';
import { RowGrid } from './RowGrid.js';
import { plural } from '../../lib/format.js';

export function TableView({ db, table }: { db: DatabaseInfo; table: TableInfo }) {
  const { database } = usePanel();
  const [adding, setAdding] = useState(false);
  return (
    <div class="table-view" data-testid="table-view" data-table={table.name}>
      <div class="detail-head">
        <h2 class="title">{table.name}</h2>
        <span class="note">{table.count === null ? 'count unknown' : plural(table.count, 'row')}</span>
        <button type="button" data-testid="row-new" onClick={() => setAdding(true)}>
          + Add row
        </button>
        <button type="button" data-testid="rows-refresh" onClick={() => database.rows.invalidate()}>
          Refresh
        </button>
        <Confirm label="Clear table" testid="clear-table" question={`Delete every row of "${table.name}"?`} onConfirm={() => database.clearTable(db, table.name)} />
      </div>
      <RowFilter table={table} />
      {adding && <AddRow table={table} onClose={() => setAdding(false)} />}
      <RowGrid table={table} />
      <RowEditor />
    </div>
  );
}
