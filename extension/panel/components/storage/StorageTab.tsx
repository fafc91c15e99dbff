/** The Storage tab: every webstorage on the left; the selected one's facts, keys and key value. */
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';
import { ValueView } from '../value/ValueView.js';
import { ForeignKeys } from './ForeignKeys.js';
import { KeyGrid } from './KeyGrid.js';
import { StorageSummary } from './StorageSummary.js';

export function StorageTab() {
  const { storage } = usePanel();
  const items = storage.items.value;
  const requests = storage.requests.value;
  const item = storage.current.value;
  const key = storage.selectedKey.value;
  const selectedKey = item && key !== null && item.keys.value.has(key) ? key : null;
  return (
    <div class="split" data-testid="panel-storage">
      <ul class="side-list" data-testid="storage-list">
        {items.length === 0 && <li class="empty">No webstorage on this page.</li>}
        {items.map((candidate) => (
          <li
            class={candidate === item ? 'selected' : ''}
            data-testid="storage-item"
            data-namespace={candidate.info.namespace}
            data-kind={candidate.info.kind}
            data-request={candidate.info.request?.name}
            onClick={() => {
              storage.selected.value = candidate.uid;
              storage.selectedKey.value = null;
            }}
          >
            <span class="name">
              {candidate.info.request && `${candidate.info.request.name} · `}
              {/* The page storage inspector lists whole areas: no namespace, every key of the origin. */}
              {candidate.info.namespace === '' ? `${candidate.info.backend} (every key)` : `${candidate.info.kind}: ${candidate.info.namespace}`}
            </span>
            {!candidate.info.available && (
              <Badge tone="bad" title={candidate.info.reason}>
                memory
              </Badge>
            )}
          </li>
        ))}
        {requests && requests.live > requests.listed && (
          <li class="empty" data-testid="storage-unlisted-requests" title="At most this many live requests are listed; one waiting is listed when a listed one ends. Counted when the panel last read the page.">
            {requests.live - requests.listed} more live request{requests.live - requests.listed === 1 ? '' : 's'} not listed
          </li>
        )}
      </ul>
      <div class="detail">
        {item ? (
          <>
            <StorageSummary item={item} />
            <KeyGrid item={item} />
            {selectedKey !== null && (
              <section data-testid="key-detail">
                <h3>{selectedKey}</h3>
                <ValueView key={`${item.uid}:${selectedKey}`} source={storage.source(item, selectedKey)} />
              </section>
            )}
          </>
        ) : (
          <div class="empty">Select a webstorage.</div>
        )}
        <ForeignKeys />
      </div>
    </div>
  );
}
