/**
 * The selected row: its value in the tree/JSON editor (saving puts the whole row over the hash it
 * showed; a newer row is a conflict), store as global, delete (over the same hash).
 */
import { preview } from '../../lib/encoded.js';
import { Confirm } from '../common/Confirm.js';
import { usePanel } from '../context.js';
import { ValueView } from '../value/ValueView.js';

export function RowEditor() {
  const { rows } = usePanel().database;
  const row = rows.selectedRow.value;
  const source = rows.source();
  if (!row || !source) return <div class="empty" data-testid="row-editor-empty">Select a row to edit it.</div>;
  return (
    <section class="row-editor" data-testid="row-editor" data-key={JSON.stringify(row.key)}>
      <div class="detail-head">
        <h3>Row {preview(row.key)}</h3>
        <Confirm label="Delete row" testid="row-delete" question={`Delete row ${preview(row.key)}?`} onConfirm={() => rows.remove(row).then(() => undefined)} />
      </div>
      <ValueView key={source.key} source={source} />
    </section>
  );
}
