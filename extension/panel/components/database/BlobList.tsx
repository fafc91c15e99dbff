/** A database's blobs with sortable columns, total usage, an upload, and the preview below. */
import { bytes, plural } from '../../lib/format.js';
import { sortRows } from '../../lib/sort.js';
import { SortHeader } from '../common/SortHeader.js';
import { usePanel } from '../context.js';
import { BlobPreview } from './BlobPreview.js';
import { BlobRow } from './BlobRow.js';

export function BlobList({ database }: { database: number }) {
  const { blobs } = usePanel().database;
  const upload = blobs.upload.value;
  const sort = blobs.sort;
  const list = sortRows(blobs.list.value, sort.value, (blob, column) =>
    column === 'size' ? blob.size : column === 'created' ? blob.created : column === 'type' ? blob.type : blob.name,
  );
  return (
    <section class="blobs" data-testid="blob-list">
      <div class="toolbar">
        <span class="note" data-testid="blob-usage">
          {list.length < blobs.total.value ? `${list.length} of ${plural(blobs.total.value, 'blob')}` : plural(list.length, 'blob')}, {bytes(blobs.usage.value)}
        </span>
        {list.length < blobs.total.value && (
          <button type="button" data-testid="blob-more" onClick={() => void blobs.more()}>
            Show more
          </button>
        )}
        <button type="button" data-testid="blob-refresh" onClick={() => void blobs.reload()}>
          Refresh
        </button>
        <label class="button" data-testid="blob-upload">
          Upload…
          <input
            type="file"
            data-testid="blob-upload-input"
            hidden
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void blobs.put(file);
            }}
          />
        </label>
        {upload && (
          <span class="note" data-testid="blob-progress">
            {upload.name}: {bytes(upload.sent)} of {bytes(upload.size)}
          </span>
        )}
      </div>
      <table class="grid">
        <thead>
          <tr>
            <th><SortHeader column="name" title="Name" sort={sort} /></th>
            <th><SortHeader column="type" title="Type" sort={sort} /></th>
            <th><SortHeader column="size" title="Size" sort={sort} /></th>
            <th><SortHeader column="created" title="Created" sort={sort} /></th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((blob) => (
            <BlobRow key={blob.id} blob={blob} database={database} />
          ))}
        </tbody>
      </table>
      {list.length === 0 && <div class="empty">No blobs.</div>}
    </section>
  );
}
