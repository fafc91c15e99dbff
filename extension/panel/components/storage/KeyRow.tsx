/** One key of the grid: select, edit the value in place (Enter), delete over the hash it shows. */
import { useState } from 'preact/hooks';
import type { WebstorageKeyInfo } from '../../../../runtime/protocol/messages.js';
import { summary, view } from '../../lib/encoded.js';
import { bytes } from '../../lib/format.js';
import type { StorageItem } from '../../models/storage.js';
import { usePanel } from '../context.js';
import { LeafEditor } from '../value/LeafEditor.js';
import { Icon } from '../common/Icon.js';

export function KeyRow({ item, entry }: { item: StorageItem; entry: WebstorageKeyInfo }) {
  const { storage } = usePanel();
  const [editing, setEditing] = useState<WebstorageKeyInfo | null>(null);
  const node = view(entry.value, []);
  const selected = storage.selectedKey.value === entry.key;
  const editable = entry.error === undefined && entry.redacted.length === 0;
  const begin = () => editable && setEditing(entry);
  return (
    <tr
      class={selected ? 'selected' : ''}
      data-testid="key-row"
      data-key={entry.key}
      tabIndex={0}
      aria-selected={selected}
      onClick={() => (storage.selectedKey.value = entry.key)}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === 'Enter') begin();
        if (event.key === 'Escape') setEditing(null);
      }}
    >
      <td class="key" data-testid="key-name">
        {entry.key}
      </td>
      <td class="value" data-testid="key-value">
        {editing ? (
          <LeafEditor
            value={editing.value}
            type={node.editor ?? 'json'}
            onCancel={() => setEditing(null)}
            onSave={(value) => storage.set(item, entry.key, value, editing.hash)}
          />
        ) : (
          <span class={`preview t-${node.type.replace(/\W/g, '')}`} title={entry.error}>
            {entry.redacted.length > 0 && entry.redacted.some((path) => path.length === 0) ? '[redacted]' : summary(entry.value)}
            {entry.error !== undefined && <span class="error"> (cannot decode: {entry.error})</span>}
          </span>
        )}
      </td>
      <td class="num">{bytes(entry.size)}</td>
      <td class="row-actions">
        {editable && !editing && (
          <button type="button" class="icon" data-testid="key-edit" title="Edit (Enter)" onClick={(event) => (event.stopPropagation(), begin())}>
            edit
          </button>
        )}
        <button type="button" class="icon" data-testid="key-delete" title="Delete key" aria-label="Delete key" onClick={(event) => (event.stopPropagation(), void storage.remove(item, entry))}>
          <Icon name="close" />
        </button>
      </td>
    </tr>
  );
}
