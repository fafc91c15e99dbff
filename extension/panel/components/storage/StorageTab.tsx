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
            onClick={() => {
              storage.selected.value = candidate.uid;
              storage.selectedKey.value = null;
            }}
          >
            <span class="name">
              {candidate.info.kind}: {candidate.info.namespace}
            </span>
            {!candidate.info.available && (
              <Badge tone="bad" title={candidate.info.reason}>
                memory
              </Badge>
            )}
          </li>
        ))}
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
