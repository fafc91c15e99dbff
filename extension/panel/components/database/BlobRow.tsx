/** One stored blob: name, type, size, created; preview, download, replace from a file, delete. */
import type { BlobInfo } from '#protocol/messages.js';
import { bytes, clock } from '../../lib/format.js';
import { Confirm } from '../common/Confirm.js';
import { usePanel } from '../context.js';

export function BlobRow({ blob, database }: { blob: BlobInfo; database: number }) {
  const { blobs } = usePanel().database;
  const target = { database, id: blob.id, type: blob.type, size: blob.size, ...(blob.name !== '' && { name: blob.name }) };
  const selected = blobs.selected.value === blob.id;
  return (
    <tr class={selected ? 'selected' : ''} data-testid="blob-row" data-id={blob.id} data-name={blob.name} onClick={() => (blobs.selected.value = blob.id)}>
      <td class="key">{blob.name || <span class="note">(no name)</span>}</td>
      <td>{blob.type || <span class="note">(no type)</span>}</td>
      <td class="num">{bytes(blob.size)}</td>
      <td>{new Date(blob.created).toLocaleDateString('en-CA')} {clock(blob.created)}</td>
      <td class="row-actions">
        <button type="button" data-testid="blob-show" onClick={() => void blobs.showPreview(target)}>
          Preview
        </button>
        <button type="button" data-testid="blob-row-download" onClick={() => void blobs.download(target)}>
          Download
        </button>
        <label class="button" data-testid="blob-replace">
          Replace…
          <input
            type="file"
            data-testid="blob-replace-input"
            hidden
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void blobs.put(file, blob.id);
            }}
          />
        </label>
        <Confirm label="Delete" testid="blob-delete" question={`Delete blob "${blob.name || blob.id}"?`} onConfirm={() => blobs.remove(blob)} />
      </td>
    </tr>
  );
}
