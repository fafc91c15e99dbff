/** A grid's header cell that sorts by its column: click once ascending, again descending. */
import type { Signal } from '@preact/signals';
import { toggle, type SortBy } from '../../lib/sort.js';
import { Icon } from './Icon.js';

export interface SortHeaderProps {
  column: string;
  title: string;
  /** The model's sort; absent when `onSort` sorts elsewhere and `active` says how. */
  sort?: Signal<SortBy | null>;
  /** Sorting this column is done elsewhere (the row grid asks the page); default: set the signal. */
  onSort?: () => void;
  active?: { descending: boolean } | null;
}

export function SortHeader({ column, title, sort, onSort, active }: SortHeaderProps) {
  const current = active === undefined ? (sort?.value?.column === column ? sort.value : null) : active;
  return (
    <button
      type="button"
      class={`th${current ? ' sorted' : ''}`}
      data-testid={`sort-${column}`}
      // aria-sort belongs to a columnheader, which these flex headers are not: the name says it.
      aria-label={current ? `${title}, sorted ${current.descending ? 'descending' : 'ascending'}` : `${title}, sort`}
      data-sort={current ? (current.descending ? 'descending' : 'ascending') : 'none'}
      onClick={() => (onSort ? onSort() : sort && (sort.value = toggle(sort.peek(), column)))}
    >
      {title}
      {current && <Icon name={current.descending ? 'sort-down' : 'sort-up'} />}
    </button>
  );
}
