/**
 * One webstorage at a glance: the kind asked for, the backend in use, whether that worked (a red
 * badge and the reason when it fell back to memory), the namespace, its bytes, and the origin's
 * storage estimate from the page.
 */
import type { StorageItem } from '../../models/storage.js';
import { bytes, plural } from '../../lib/format.js';
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';

export function StorageSummary({ item }: { item: StorageItem }) {
  const { facts } = usePanel();
  const info = item.info;
  const estimate = facts.facts.value?.estimate;
  return (
    <dl class="summary" data-testid="storage-summary" data-namespace={info.namespace}>
      <dt>Kind</dt>
      <dd data-testid="storage-kind">{info.kind}</dd>
      <dt>Backend</dt>
      <dd data-testid="storage-backend">{info.backend}</dd>
      <dt>Available</dt>
      <dd>
        {info.available ? (
          <Badge tone="ok" testid="availability-badge">
            available
          </Badge>
        ) : (
          <>
            <Badge tone="bad" testid="availability-badge" title={info.reason}>
              unavailable: fell back to {info.backend}
            </Badge>{' '}
            <span class="reason" data-testid="availability-reason">
              {info.reason ?? 'no reason given'}
            </span>
          </>
        )}
      </dd>
      <dt>Namespace</dt>
      <dd data-testid="storage-namespace">{info.namespace}</dd>
      <dt>Bytes</dt>
      <dd data-testid="storage-bytes" title="UTF-16: 2 bytes per character of key and stored text">
        {bytes(item.bytes.value)} in {plural(item.keys.value.size, 'key')}
      </dd>
      <dt>Origin</dt>
      <dd data-testid="storage-estimate">
        {estimate === undefined
          ? '…'
          : 'unavailable' in estimate
            ? `estimate unavailable: ${estimate.unavailable}`
            : `${bytes(estimate.usage)} used of ${bytes(estimate.quota)} (navigator.storage.estimate())`}
        {facts.facts.value?.persisted === true && ' · persisted'}
      </dd>
    </dl>
  );
}
