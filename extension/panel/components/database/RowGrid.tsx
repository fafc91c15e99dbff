/**
 * The rows of a table, virtualized over the whole count (pages load as they scroll into view).
 * Sorting: the key column and any column an index covers sort through the database (the only
 * orders a 100,000-row table can be read in); other columns cannot be sorted and say so.
 * Columns are as wide as what the first rows hold (lib/columns.ts), resizable by dragging or by
 * the arrow keys on a header's edge; a cell's tooltip holds its whole value. The grid is as tall
 * as its rows, up to a share of the window.
 */
import type { Encoded } from '#codec/types.js';
import type { Row, TableInfo } from '#protocol/messages.js';
import { useMemo, useRef, useState } from 'preact/hooks';
import { fits, fitWidth, resized } from '../../lib/columns.js';
import { isRecord, preview, summary } from '../../lib/encoded.js';
import { SortHeader } from '../common/SortHeader.js';
import { focusValue, VirtualList } from '../common/VirtualList.js';
import { usePanel } from '../context.js';
import { plural } from '../../lib/format.js';
import { firstRows, gridHeight, GRID_PERCENT, ROW_HEIGHT } from '../../models/rows.js';
import { escapeHtml } from '../../lib/html.js';

/** A grid row's fixed parts (theme.css): 6 px padding each side and the 56 px row number; a 6 px gap before each cell. */
const ROW_CHROME = 6 + 56 + 6;
const GAP = 6;
/** A tooltip holds the value up to this many characters. */
const TOOLTIP_CHARS = 2000;
const KEY = '\u0000key';

/** A cell's value: the row's whole value in a table of plain values, else the record's field (a field named `value` too). */
function valueAt(row: Row, column: string, whole: boolean): Encoded | undefined {
  if (whole) return row.value;
  return isRecord(row.value) && Object.hasOwn(row.value, column) ? row.value[column] : undefined;
}

/** A cell shows this much of a value: more for a table of plain values (one `value` column). */
function maxChars(whole: boolean): number {
  return whole ? 200 : 80;
}

function cell(row: Row, column: string, whole: boolean): string {
  const value = valueAt(row, column, whole);
  return value === undefined ? '' : summary(value, maxChars(whole));
}

/**
 * The tooltip: a text whole (up to TOOLTIP_CHARS), anything else summarized that far. `shown` is
 * the cell's own text: when it was not cut, it is the summary already (a second walk of every
 * cell drawn was a fifth of the grid's first render, issue 18).
 */
function tooltip(row: Row, column: string, shown: string, whole: boolean): string {
  const max = maxChars(whole);
  const value = valueAt(row, column, whole);
  if (typeof value === 'string') return value.length > TOOLTIP_CHARS ? `${value.slice(0, TOOLTIP_CHARS)}…` : value;
  if (value === undefined) return '';
  return shown.length <= max ? shown : summary(value, TOOLTIP_CHARS);
}

/** The right edge of a header cell: drag it, or focus it and press ← / →. */
function Resizer({ name, width, onResize }: { name: string; width: number; onResize: (width: number) => void }) {
  const drag = (event: PointerEvent) => {
    event.preventDefault();
    const start = event.clientX;
    const move = (next: PointerEvent) => onResize(resized(width, next.clientX - start));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const keys = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    onResize(resized(width, event.key === 'ArrowRight' ? 16 : -16));
  };
  return (
    <span
      class="col-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${name}`}
      aria-valuenow={width}
      aria-valuemin={48}
      aria-valuemax={1080}
      tabIndex={0}
      data-testid="column-resize"
      data-column={name}
      onPointerDown={drag}
      onKeyDown={keys}
    />
  );
}

export function RowGrid({ table }: { table: TableInfo }) {
  const { rows } = usePanel().database;
  const query = rows.query.value;
  const total = rows.total.value;
  const { columns, whole } = rows.layout.value;
  const selected = rows.selectedKey.value;
  const byColumn = new Map(table.indexes.filter((index) => typeof index.keyPath === 'string').map((index) => [index.keyPath as string, index.name]));
  const [dragged, setDragged] = useState<Record<string, number>>({});
  const revision = rows.revision.value;
  // What the first rows hold changes when a page arrives, not on every render (a selection, a
  // resize): 50 rows × 12 columns of summaries were a third of the grid's first render (issue 18).
  // Each row's cell texts for these columns, once: the widths below and the drawn rows read the
  // same summaries (rows are replaced, never changed, when a page arrives).
  const texts = useMemo(() => new WeakMap<Row, string[]>(), [columns, whole]);
  const textsOf = (row: Row): string[] => {
    let out = texts.get(row);
    if (!out) {
      out = columns.map((column) => cell(row, column, whole));
      texts.set(row, out);
    }
    return out;
  };
  const fitted = useMemo(() => {
    const sample: Row[] = [];
    // The first screen sizes the columns: the rows a new query shows first (firstRows), so its
    // widths hold when page 0 replaces them, and do not jump while scrolling.
    for (let i = 0, sizing = firstRows(); i < Math.min(total, sizing); i++) {
      const row = rows.rowAt(i);
      if (row) sample.push(row);
    }
    return new Map([
      [KEY, fitWidth(['Key  ', ...sample.map((row) => preview(row.key))])],
      ...columns.map((column, c) => [column, fitWidth([`${column}  `, ...sample.map((row) => textsOf(row)[c]!)])] as const),
    ]);
  }, [revision, total, columns, whole]);
  // Own keys only: a column named `constructor` or `toString` must not find Object.prototype's.
  const widths = new Map([KEY, ...columns].map((column) => [column, Object.hasOwn(dragged, column) ? dragged[column]! : fitted.get(column)!]));
  // Each column's width as a custom property on the grid, which theme.css gives to its cells by
  // their class (`key`, `c0`…): a style attribute on every cell was parsed once per cell and kept
  // cells of a column from sharing their computed style (a tenth of a table's first rows, issue 18).
  const columnWidths: Record<string, string> = { '--col-key': `${widths.get(KEY)}px` };
  columns.forEach((column, c) => (columnWidths[`--col${c}`] = `${widths.get(column)}px`));
  // A row is as wide as its columns add up to (theme.css reads --row-width): with min-width:
  // fit-content the browser measured every cell's text to find that width, a tenth of laying out
  // a table's first rows (issue 18).
  const rowWidth = [KEY, ...columns].reduce((sum, column) => sum + widths.get(column)! + GAP, ROW_CHROME);
  // The rows scroll sideways in their own box (both its scrollbars in view); the head is moved
  // along with them directly, without a render per scroll event.
  const head = useRef<HTMLDivElement>(null);
  const scrolled = (left: number) => {
    if (head.current) head.current.style.transform = left > 0 ? `translateX(${-left}px)` : '';
  };
  const resize = (column: string) => (width: number) => setDragged((before) => ({ ...before, [column]: width }));
  const sortedBy = (index: string | undefined) => ((query?.index ?? undefined) === index ? { descending: query?.direction === 'prev' } : null);

  const at = selected === null ? -1 : rows.selectedIndex.value;
  const move = (event: KeyboardEvent) => {
    if (event.key === 'Enter') return focusValue(event.currentTarget, 'row-editor');
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = rows.rowAt(Math.min(total - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1))));
    if (next) rows.select(next, Math.min(total - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1))));
  };

  /**
   * The rows in view as one string of markup (see VirtualList): every text and attribute from
   * the page passes escapeHtml. A click reaches the list, which finds the row's index on it.
   */
  const html = (first: number, last: number): string => {
    let out = '';
    for (let i = first; i <= last; i++) {
      const row = rows.rowAt(i);
      if (!row) {
        out += `<div class="grid-row loading" role="option" aria-selected="false" data-testid="row-loading"><span class="num">${i + 1}</span><span>…</span></div>`;
        continue;
      }
      const id = JSON.stringify(row.key);
      const chosen = id === selected;
      out += `<div class="grid-row${chosen ? ' selected' : ''}" role="option" aria-selected="${chosen}" data-testid="row" data-key="${escapeHtml(id)}" data-index="${i}">${cellsHtml(row, i)}</div>`;
    }
    return out;
  };

  const cellsHtml = (row: Row, i: number): string => {
    const key = preview(row.key);
    const keyWidth = widths.get(KEY)!;
    let out = `<span class="num">${i + 1}</span><span class="cell key" data-testid="row-key"${fits(key, keyWidth) ? '' : ` title="${escapeHtml(key)}"`}>${escapeHtml(key)}</span>`;
    const cells = textsOf(row);
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      const text = cells[c]!;
      const width = widths.get(column)!;
      const title = fits(text, width) ? '' : ` title="${escapeHtml(tooltip(row, column, text, whole))}"`;
      out += `<span class="cell c${c}" data-testid="row-cell" data-column="${escapeHtml(column)}"${title}>${escapeHtml(text)}</span>`;
    }
    return out;
  };

  const click = (event: MouseEvent) => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-testid="row"]') : null;
    const i = Number(target?.dataset.index);
    const row = target ? rows.rowAt(i) : undefined;
    if (row) rows.select(row, i);
  };

  return (
    <div class="row-grid" style={{ '--row-width': `${rowWidth}px`, maxHeight: `${GRID_PERCENT}vh`, ...columnWidths }}>
      <div class="grid-head grid-row" ref={head}>
        <span class="num">#</span>
        <span class="cell key">
          <SortHeader column="key" title="Key" active={sortedBy(undefined)} onSort={() => rows.sortBy(undefined)} />
          <Resizer name="key" width={widths.get(KEY)!} onResize={resize(KEY)} />
        </span>
        {columns.map((column, c) => {
          const index = byColumn.get(column);
          return (
            <span class={`cell c${c}`} data-testid="column-head" data-column={column}>
              {index === undefined ? (
                <span class="th" title="Not indexed: only the key and indexed columns can be sorted across every row">
                  {column}
                </span>
              ) : (
                <SortHeader column={column} title={column} active={sortedBy(index)} onSort={() => rows.sortBy(index)} />
              )}
              <Resizer name={column} width={widths.get(column)!} onResize={resize(column)} />
            </span>
          );
        })}
      </div>
      <VirtualList count={total} rowHeight={ROW_HEIGHT} initialHeight={gridHeight()} html={html} testid="row-grid" label="Rows" resetOn={query} onKeyDown={move} onClick={click} onScrollLeft={scrolled} reveal={at} onRange={(first, last) => rows.ensure(first, last)} />
      <div class="status-line" data-testid="row-total">
        {plural(total, 'row')}{query?.index !== undefined ? ` by index ${query.index}` : ''}
        {query?.range !== undefined ? ' in range' : ''}
      </div>
    </div>
  );
}
