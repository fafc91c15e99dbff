/** The selected state: where it lives, its version and persistence, its value, its recent changes. */
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';
import { ValueView } from '../value/ValueView.js';
import { ChangeList } from './ChangeList.js';

export function StateDetail() {
  const { states } = usePanel();
  const entry = states.selectedEntry.value;
  if (!entry) {
    return (
      <div class="detail empty" data-testid="state-detail-empty">
        {states.selected.value === null ? 'Select a state.' : 'The selected state is gone from the page.'}
      </div>
    );
  }
  const store = states.storeName(entry.store) ?? `store ${entry.store}`;
  return (
    <div class="detail" data-testid="state-detail" data-key={entry.key}>
      <div class="detail-head">
        <h2 class="title">{entry.key}</h2>
        <span class="where">
          {store} › {entry.scope}
        </span>
        <Badge testid="state-version" title="Version: +1 on every change">
          v{entry.version.value}
        </Badge>
        <Badge testid="persistence-badge" tone={entry.persistence === undefined ? 'note' : 'info'} title="Where the value is persisted">
          {entry.persistence === undefined ? 'memory only' : `persisted: ${entry.persistence}`}
        </Badge>
      </div>
      <ValueView key={states.source(entry).key} source={states.source(entry)} />
      <h3>Recent changes</h3>
      <ChangeList entry={entry} />
    </div>
  );
}
