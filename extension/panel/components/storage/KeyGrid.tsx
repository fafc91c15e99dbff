/**
 * The selected webstorage's keys: filter, sort by column, add, clear (asks first), and the
 * first MAX_ROWS rows (a filter narrows the rest). The selected key opens in the value view.
 */
import { useState } from 'preact/hooks';
import type { StorageItem } from '../../models/storage.js';
import { Confirm } from '../common/Confirm.js';
import { FilterBox } from '../common/FilterBox.js';
import { SortHeader } from '../common/SortHeader.js';
import { usePanel } from '../context.js';
import { AddKey } from './AddKey.js';
import { KeyRow } from './KeyRow.js';
import { plural } from '../../lib/format.js';

const MAX_ROWS = 500;

export function KeyGrid({ item }: { item: StorageItem }) {
  const { storage } = usePanel();
  const [adding, setAdding] = useState(false);
  const keys = storage.visibleKeys.value;
  return (
    <div class="key-grid">
      <div class="toolbar">
        <FilterBox value={storage.filter} testid="key-filter" placeholder="Filter keys and values" />
        <button type="button" data-testid="key-add" onClick={() => setAdding(true)}>
          + Add key
        </button>
        <Confirm label="Clear" testid="key-clear" question={`Remove every key of "${item.info.namespace}"?`} onConfirm={() => storage.clear(item)} />
      </div>
      {adding && <AddKey item={item} onClose={() => setAdding(false)} />}
      <table class="grid" data-testid="key-grid">
        <thead>
          <tr>
            <th>
              <SortHeader column="key" title="Key" sort={storage.sort} />
            </th>
            <th>
              <SortHeader column="value" title="Value" sort={storage.sort} />
            </th>
            <th>
              <SortHeader column="size" title="Size" sort={storage.sort} />
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.slice(0, MAX_ROWS).map((entry) => (
            <KeyRow key={entry.key} item={item} entry={entry} />
          ))}
        </tbody>
      </table>
      {keys.length === 0 && <div class="empty">{item.keys.value.size === 0 ? 'No keys.' : 'No key matches the filter.'}</div>}
      {keys.length > MAX_ROWS && <div class="note">{plural(keys.length - MAX_ROWS, 'more key', 'more keys')}: narrow the filter.</div>}
    </div>
  );
}
