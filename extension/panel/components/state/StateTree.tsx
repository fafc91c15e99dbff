/**
 * Stores → scopes → states as one virtualized list, with a filter and sorting by key or version.
 * ↑/↓ move the selection between states. Collapsed branches are remembered in the model.
 */
import { entryKey } from '../../models/state.js';
import type { TreeRow } from '../../models/state-tree.js';
import { Badge } from '../common/Badge.js';
import { FilterBox } from '../common/FilterBox.js';
import { SortHeader } from '../common/SortHeader.js';
import { focusValue, VirtualList } from '../common/VirtualList.js';
import { usePanel } from '../context.js';
import { Icon } from '../common/Icon.js';

const ROW_HEIGHT = 20;

export function StateTree() {
  const { states } = usePanel();
  const rows = states.rows.value;
  const selected = states.selected.value;
  const at = selected === null ? -1 : rows.findIndex((row) => row.kind === 'state' && row.key === selected);

  const move = (event: KeyboardEvent) => {
    if (event.key === 'Enter') return focusValue(event.currentTarget, 'state-detail');
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    for (let i = at + step; i >= 0 && i < rows.length; i += step) {
      const row = rows[i]!;
      if (row.kind === 'state') return void (states.selected.value = row.key);
    }
  };

  const render = (index: number) => {
    const row: TreeRow = rows[index]!;
    if (row.kind === 'store' || row.kind === 'scope') {
      const collapsed = states.collapsed.value.has(row.key) && states.filter.value === '';
      const name = row.kind === 'store' ? row.store.name : row.scope.name;
      return (
        <div key={row.key} class={`tree-row ${row.kind}`} role="option" aria-selected={false} data-testid={`${row.kind}-row`} data-name={name} onClick={() => states.toggle(row.key)}>
          <span class="toggle">
            <Icon name={collapsed ? 'chevron-right' : 'chevron-down'} />
          </span>
          <span class="name">{name}</span>
          <span class="count">{row.count}</span>
        </div>
      );
    }
    const entry = row.entry;
    return (
      <div
        key={row.key}
        class={`tree-row state${row.key === selected ? ' selected' : ''}`}
        role="option"
        data-testid="state-row"
        data-key={entry.key}
        data-scope={entry.scope}
        data-store={states.storeName(entry.store)}
        data-state-id={entry.id}
        aria-selected={row.key === selected}
        onClick={() => (states.selected.value = entryKey(entry.store, entry.id))}
      >
        <span class="name">{entry.key}</span>
        {entry.persistence !== undefined && <Badge tone="info">{entry.persistence}</Badge>}
        <span class="version">v{entry.version.value}</span>
      </div>
    );
  };

  return (
    <div class="state-tree">
      <div class="toolbar">
        <FilterBox value={states.filter} testid="state-filter" placeholder="Filter stores, scopes, keys" />
      </div>
      <div class="grid-head">
        <SortHeader column="key" title="Key" sort={states.sort} />
        <SortHeader column="version" title="Version" sort={states.sort} />
      </div>
      {rows.length === 0 ? (
        <div class="empty" data-testid="state-empty">
          {states.filter.value === '' ? 'No stores on this page yet.' : 'Nothing matches the filter.'}
        </div>
      ) : (
        <VirtualList count={rows.length} rowHeight={ROW_HEIGHT} row={render} testid="state-tree" label="States" onKeyDown={move} reveal={at} />
      )}
    </div>
  );
}
