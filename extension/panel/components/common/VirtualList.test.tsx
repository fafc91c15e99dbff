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

function mountList(count: number): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  act(() => {
    render(<VirtualList count={count} rowHeight={20} testid="list" row={(i) => <div key={i} data-testid="item">{i}</div>} />, container);
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
    const height = boxHeight(100);
    const container = mountList(1000);
    expect(height.reads).toBe(0);
    // Until the first report: rows for 480 px and 8 more (0..32).
    expect(shown(container)).toBe(33);
    act(() => observed[0]!([], {} as ResizeObserver));
    // 100 px tall: rows 0..5 in view and 8 more.
    expect(shown(container)).toBe(14);
  });

  it('measures at once where there is no ResizeObserver', () => {
    vi.stubGlobal('ResizeObserver', undefined);
    const height = boxHeight(100);
    const container = mountList(1000);
    expect(height.reads).toBeGreaterThan(0);
    expect(shown(container)).toBe(14);
  });
});
