/**
 * Cache Storage caches and OPFS files of the origin, read-only with sizes (issue 21, part 5). Read
 * on request: sizing a cache without Content-Length headers reads its bodies.
 */
import { bytes } from '../../lib/format.js';
import { usePanel } from '../context.js';

export function OriginStores() {
  const { facts } = usePanel();
  const stores = facts.origin.value;
  const loading = facts.originLoading.value;
  return (
    <section class="foreign" data-testid="origin-stores">
      <h3>
        Cache Storage and OPFS{' '}
        <button type="button" data-testid="origin-stores-load" disabled={loading} onClick={() => void facts.loadOrigin()} title="List Cache Storage caches and OPFS files with their sizes (read-only)">
          {loading ? 'reading…' : stores ? 'read again' : 'show sizes'}
        </button>
      </h3>
      {stores && (
        <>
          {'unavailable' in stores.caches ? (
            <div class="note" data-testid="cache-storage-unavailable">Cache Storage: {stores.caches.unavailable}</div>
          ) : stores.caches.length === 0 ? (
            <div class="note">No Cache Storage caches.</div>
          ) : (
            <ul>
              {stores.caches.map((cache) => (
                <li data-testid="cache-storage" data-name={cache.name}>
                  {cache.name}{' '}
                  <span class="note">
                    {cache.entries} {cache.entries === 1 ? 'entry' : 'entries'} · {cache.partial ? 'at least ' : ''}
                    {bytes(cache.bytes)}
                  </span>
                </li>
              ))}
            </ul>
          )}
          {'unavailable' in stores.opfs ? (
            <div class="note" data-testid="opfs-unavailable">OPFS: {stores.opfs.unavailable}</div>
          ) : (
            <div data-testid="opfs" data-files={stores.opfs.count}>
              OPFS: {stores.opfs.count} {stores.opfs.count === 1 ? 'file' : 'files'} · {stores.opfs.partial ? 'at least ' : ''}
              {bytes(stores.opfs.bytes)}
              {stores.opfs.files.length > 0 && (
                <ul>
                  {stores.opfs.files.map((file) => (
                    <li data-testid="opfs-file" data-path={file.path}>
                      {file.path} <span class="note">{bytes(file.size)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
