/**
 * A scroll box that renders only the rows in view (plus a few either side), so 100,000 rows cost
 * as much as thirty. Rows have one fixed height. `onRange` tells the owner which rows are shown
 * (the row grid loads those pages). Until it is measured, and without layout (a hidden panel),
 * the box counts as `initialHeight` (FALLBACK_HEIGHT) pixels tall. The box is a listbox: each
 * row a caller renders is an `option` (role and aria-selected on the row), which is what a screen
 * reader announces while arrowing.
 * Rows come as elements (`row`) or, for a grid of many cells, as one string of markup (`html`)
 * that the browser parses at once: Preact building a dozen spans per row was most of a table's
 * first render (issue 18). Such rows carry no handlers; the list's own `onClick` sees their clicks.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

const OVERSCAN = 8;

/** Enter in a list moves the focus to the first node of the value shown for its selection. */
export function focusValue(from: EventTarget | null, within: string): void {
  const root = from instanceof Element ? from.closest('.stratum-panel') : null;
  root?.querySelector<HTMLElement>(`[data-testid="${within}"] [data-testid="value-node"]`)?.focus();
}
const FALLBACK_HEIGHT = 480;

interface ListProps {
  count: number;
  rowHeight: number;
  testid: string;
  onRange?: (first: number, last: number) => void;
  onKeyDown?: (event: KeyboardEvent) => void;
  /** Scrolls so this row is in view when it changes. */
  reveal?: number;
  /** Scrolls back to the top when this changes (a new query). */
  resetOn?: unknown;
  label?: string;
  onClick?: (event: MouseEvent) => void;
  /** The box scrolled sideways to `left` (a grid moves its head with it). */
  onScrollLeft?: (left: number) => void;
  /**
   * The box's height until it is measured (default FALLBACK_HEIGHT). Rows past the box's bottom
   * are drawn and laid out for nothing (a third of a table's first rows in a 600 px window, issue
   * 18); too low, and the measure draws the missing rows and lays out again before the first
   * paint. An owner that knows its box's largest height passes it.
   */
  initialHeight?: number;
}

/**
 * `html` returns rows first..last as markup in which every text from the page has passed
 * escapeHtml (lib/html.ts); an unchanged string rewrites nothing.
 */
export type VirtualListProps = ListProps & ({ row: (index: number) => ComponentChildren; html?: never } | { html: (first: number, last: number) => string; row?: never });

export function VirtualList({ count, rowHeight, row, html, testid, onRange, onKeyDown, onClick, onScrollLeft, reveal, resetOn, label, initialHeight }: VirtualListProps) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(initialHeight ?? FALLBACK_HEIGHT);
  // Whether the last measure found the box no taller than its rows. A box that grows with its
  // content (a grid switched from a table of 3 rows, or shown before its rows came) tells nothing
  // of the room a larger count will get: until it is measured again, rows are drawn for the
  // owner's estimate if it gave one and that is taller. Only the rows drawn follow it; scrolling
  // a row into view uses the measured height.
  const [fitted, setFitted] = useState(false);
  const sizing = useRef({ count, initialHeight });
  sizing.current = { count, initialHeight };

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const measure = () => {
      const { count: rows, initialHeight: estimate } = sizing.current;
      const measured = element.clientHeight || (estimate ?? FALLBACK_HEIGHT);
      setHeight(measured);
      setFitted(measured >= rows * rowHeight);
    };
    // A ResizeObserver reports the box's first size after the frame's own layout, before it is
    // painted; reading clientHeight here instead forced a layout of the whole panel on every
    // mount (issue 18: a table's first rows). Without one, measure now.
    if (typeof ResizeObserver !== 'function') return measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = box.current;
    if (!element || reveal === undefined || reveal < 0) return;
    const y = reveal * rowHeight;
    if (y < element.scrollTop) element.scrollTop = y;
    else if (y + rowHeight > element.scrollTop + height) element.scrollTop = y + rowHeight - height;
    setTop(element.scrollTop);
  }, [reveal]);

  // Before the new query's rows are painted, not after: an effect ran a frame later, and a
  // scroll made in between (a user's, or a test's under load) was thrown back to the top. Not on
  // mount: a new box is at the top, and writing scrollTop there would force a layout.
  const mounted = useRef(false);
  useLayoutEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    if (box.current) box.current.scrollTop = 0;
    setTop(0);
  }, [resetOn]);

  // A list that shrank below the scroll position shows its end (browsers clamp; no layout does not).
  const shown = Math.max(0, Math.min(top, count * rowHeight - height));
  // Rows beyond the view only once the list has scrolled: the first render draws and lays out
  // just what is seen (issue 18: a table's first rows); a scroll re-renders before it is painted.
  const overscan = shown > 0 ? OVERSCAN : 0;
  const first = Math.max(0, Math.floor(shown / rowHeight) - overscan);
  // The last row with a pixel in view (a row starting at the box's bottom edge is not).
  const room = fitted && initialHeight !== undefined ? Math.max(height, initialHeight) : height;
  const last = Math.min(count - 1, Math.ceil((shown + room) / rowHeight) - 1 + overscan);
  useEffect(() => onRange?.(first, Math.max(first, last)), [first, last, count]);

  const rows: ComponentChildren[] = [];
  if (row) for (let i = first; i <= last; i++) rows.push(row(i));
  const at = { transform: `translateY(${first * rowHeight}px)` };
  return (
    <div
      ref={box}
      class="virtual"
      data-testid={testid}
      role="listbox"
      aria-label={label}
      tabIndex={0}
      onScroll={(event) => {
        setTop(event.currentTarget.scrollTop);
        onScrollLeft?.(event.currentTarget.scrollLeft);
      }}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      <div class="virtual-space" style={{ height: `${count * rowHeight}px` }}>
        {html ? (
          <div class="virtual-rows" style={at} dangerouslySetInnerHTML={{ __html: html(first, last) }} />
        ) : (
          <div class="virtual-rows" style={at}>
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}
