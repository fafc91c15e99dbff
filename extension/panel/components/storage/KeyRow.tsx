/**
 * One key of the grid: select it, edit it (Enter, or "edit": the key's value opens in the value
 * view below, the State tab's editor, with the focus on it), delete over the hash it shows.
 */
import type { WebstorageKeyInfo } from '#protocol/messages.js';
import { summary, view } from '../../lib/encoded.js';
import { bytes } from '../../lib/format.js';
import type { StorageItem } from '../../models/storage.js';
import { usePanel } from '../context.js';
import { focusValue } from '../common/VirtualList.js';
import { Icon } from '../common/Icon.js';

export function KeyRow({ item, entry }: { item: StorageItem; entry: WebstorageKeyInfo }) {
  const { storage } = usePanel();
  const node = view(entry.value, []);
  const selected = storage.selectedKey.value === entry.key;
  const editable = entry.error === undefined && entry.redacted.length === 0;
  const begin = (from: EventTarget | null) => {
    storage.selectedKey.value = entry.key;
    // The value view renders on the next render pass; the focus follows it there.
    if (editable) setTimeout(() => focusValue(from, 'key-detail'), 0);
  };
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
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          begin(event.currentTarget);
        }
      }}
    >
      <td class="key" data-testid="key-name">
        {entry.key}
      </td>
      <td class="value" data-testid="key-value">
        <span class={`preview t-${node.type.replace(/\W/g, '')}`} title={entry.error ?? summary(entry.value, 2000)}>
          {entry.redacted.length > 0 && entry.redacted.some((path) => path.length === 0) ? '[redacted]' : summary(entry.value)}
          {entry.error !== undefined && <span class="error"> (cannot decode: {entry.error})</span>}
        </span>
      </td>
      <td class="num">{bytes(entry.size)}</td>
      <td class="row-actions">
        {editable && (
          <button type="button" class="icon" data-testid="key-edit" title="Edit (Enter)" onClick={(event) => (event.stopPropagation(), begin(event.currentTarget))}>
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
