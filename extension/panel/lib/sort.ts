/** Sorting a grid by a column: the column and direction live in a model, the compare here. */

export interface SortBy {
  column: string;
  descending: boolean;
}

/** Clicking a header: the same column flips direction, another column sorts ascending. */
export function toggle(current: SortBy | null, column: string): SortBy {
  return current?.column === column ? { column, descending: !current.descending } : { column, descending: false };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export type Cell = string | number | boolean | null | undefined;

/** Numbers before strings, numbers by value, strings in natural order; undefined last. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(String(a), String(b));
}

/** A sorted copy; stable, so equal cells keep the page's order. */
export function sortRows<T>(rows: readonly T[], sort: SortBy | null, cell: (row: T, column: string) => Cell): T[] {
  if (!sort) return [...rows];
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, key: cell(row, sort.column) }))
    .sort((x, y) => sign * compareCells(x.key, y.key) || x.i - y.i)
    .map(({ row }) => row);
}
