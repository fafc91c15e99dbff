// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VirtualList } from './VirtualList.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** The box's laid-out height as the test says, and how often it was read. */
function boxHeight(px: number): { reads: number } {
  const counted = { reads: 0 };
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(() => {
    counted.reads++;
    return px;
  });
  return counted;
}

/** A ResizeObserver that reports only when the test calls one of the callbacks it returns. */
function observers(): ResizeObserverCallback[] {
  const observed: ResizeObserverCallback[] = [];
  vi.stubGlobal(
    'ResizeObserver',
    class {
      constructor(callback: ResizeObserverCallback) {
        observed.push(callback);
      }
      observe() {}
      disconnect() {}
    },
  );
  return observed;
}

function mountList(count: number, initialHeight?: number): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  act(() => {
    render(<VirtualList count={count} rowHeight={20} initialHeight={initialHeight} testid="list" row={(i) => <div key={i} data-testid="item">{i}</div>} />, container);
  });
  cleanups.push(() => {
    render(null, container);
    container.remove();
  });
  return container;
}

const shown = (container: HTMLElement) => container.querySelectorAll('[data-testid="item"]').length;

describe('VirtualList', () => {
  it('takes its height from a ResizeObserver after layout, so mounting forces no layout', () => {
    const observed = observers();
    const height = boxHeight(100);
    const container = mountList(1000);
    expect(height.reads).toBe(0);
    // Until the first report: the rows 480 px hold (0..23; row 24 would start at the bottom edge).
    expect(shown(container)).toBe(24);
    act(() => observed[0]!([], {} as ResizeObserver));
    // 100 px tall: rows 0..4.
    expect(shown(container)).toBe(5);
  });

  it('draws the rows of the height its owner expects until it is measured, and fills in a taller box', () => {
    const observed = observers();
    boxHeight(300);
    const container = mountList(1000, 210);
    // 210 px: rows 0..10 (the last in part), not the fallback's 24.
    expect(shown(container)).toBe(11);
    act(() => observed[0]!([], {} as ResizeObserver));
    expect(shown(container)).toBe(15);
  });

  it('keeps drawing for the expected height after measuring a box only as tall as its few rows', () => {
    const observed = observers();
    // A box that grows with its rows: 3 rows, 60 px, measured as such.
    boxHeight(60);
    const container = document.createElement('div');
    document.body.append(container);
    cleanups.push(() => {
      render(null, container);
      container.remove();
    });
    const list = (count: number) => <VirtualList count={count} rowHeight={20} initialHeight={300} testid="list" row={(i) => <div key={i} data-testid="item">{i}</div>} />;
    act(() => render(list(3), container));
    act(() => observed[0]!([], {} as ResizeObserver));
    expect(shown(container)).toBe(3);
    // A larger table's rows arrive: drawn for 300 px at once, not for the 60 px measured before.
    act(() => render(list(1000), container));
    expect(shown(container)).toBe(15);
  });

  it('measures at once where there is no ResizeObserver', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    const height = boxHeight(100);
    const container = mountList(1000);
    expect(height.reads).toBeGreaterThan(0);
    expect(shown(container)).toBe(5);
  });

  it('draws only the rows in view at first, and 8 more either side once scrolled', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    boxHeight(100);
    const container = mountList(1000);
    const items = () => [...container.querySelectorAll<HTMLElement>('[data-testid="item"]')].map((item) => Number(item.textContent));
    expect(items()).toEqual([0, 1, 2, 3, 4]);
    const box = container.querySelector<HTMLElement>('[data-testid="list"]')!;
    box.scrollTop = 200;
    act(() => void box.dispatchEvent(new Event('scroll')));
    // Rows 10..14 in view; 2..9 above and 15..22 below.
    expect(items()).toEqual(Array.from({ length: 21 }, (_, i) => i + 2));
  });

  it('goes back to the top for a new query before it is painted, and keeps a scroll made right after', async () => {
    vi.stubGlobal('ResizeObserver', undefined);
    boxHeight(100);
    const container = document.createElement('div');
    document.body.append(container);
    cleanups.push(() => {
      render(null, container);
      container.remove();
    });
    const list = (query: string) => <VirtualList count={1000} rowHeight={20} testid="list" resetOn={query} html={(first, last) => `<div data-testid="item">${first}-${last}</div>`} />;
    render(list('a'), container);
    const box = container.querySelector<HTMLElement>('[data-testid="list"]')!;
    box.scrollTop = 400;
    box.dispatchEvent(new Event('scroll'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A new query: at the top at once, in the same render.
    render(list('b'), container);
    expect(box.scrollTop).toBe(0);
    // The user scrolls before the next frame: nothing scheduled earlier throws them back.
    box.scrollTop = 600;
    box.dispatchEvent(new Event('scroll'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(box.scrollTop).toBe(600);
    expect(container.querySelector('[data-testid="item"]')!.textContent).toMatch(/^2\d-/);
  });
});
