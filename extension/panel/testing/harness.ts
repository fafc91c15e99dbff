/**
 * The panel mounted in happy-dom against the real agent over the memory wall, plus the few DOM
 * helpers the tests need: find by data-testid, wait until a condition holds (polling, never a
 * timed assertion), click, type, press a key.
 */
import type { RuntimeInfo } from '#protocol/messages.js';
import { mount, type Mounted } from '../mount.js';
import { memoryPanelWall, type MemoryPanelWall, type MemoryRuntime } from './memory-wall.js';

export interface Harness {
  page: MemoryPanelWall;
  runtime: MemoryRuntime;
  container: HTMLElement;
  mounted: Mounted;
  /** The first element with this test id (and matching data-* attributes), or throws. */
  get(testid: string, data?: Record<string, string>, within?: ParentNode): HTMLElement;
  find(testid: string, data?: Record<string, string>, within?: ParentNode): HTMLElement | null;
  all(testid: string, within?: ParentNode): HTMLElement[];
  /** Waits until the element exists, then returns it. */
  wait(testid: string, data?: Record<string, string>, within?: ParentNode): Promise<HTMLElement>;
  close(): void;
}

/** A CSS string; single-quoted when it holds double quotes (happy-dom's parser reads no escapes). */
function cssString(value: string): string {
  return value.includes("'") || !value.includes('"') ? JSON.stringify(value) : `'${value}'`;
}

function selector(testid: string, data: Record<string, string> = {}): string {
  const extra = Object.entries(data)
    .map(([key, value]) => `[data-${key}=${cssString(value)}]`)
    .join('');
  return `[data-testid=${JSON.stringify(testid)}]${extra}`;
}

/** Polls until `check` stops throwing and returns (or resolves to) a truthy value, up to `timeout` ms. */
export async function waitFor<T>(check: () => T | Promise<T>, timeout = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const result = await check();
      if (result !== false && result !== null && result !== undefined) return result;
      throw new Error('condition not met');
    } catch (error) {
      if (Date.now() - started > timeout) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function click(element: Element): void {
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
}

/** Types into an input, textarea or select (the whole value, as a user's paste would). */
export function type(element: Element, text: string): void {
  const field = element as HTMLInputElement;
  field.value = text;
  const event = element.tagName === 'SELECT' ? 'change' : 'input';
  element.dispatchEvent(new Event(event, { bubbles: true }));
}

export function check(element: Element, checked: boolean): void {
  (element as HTMLInputElement).checked = checked;
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

export function press(element: Element, key: string, init: KeyboardEventInit = {}): void {
  element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
}

export function text(element: Element | null): string {
  return element?.textContent ?? '';
}

export function setup(info: Partial<RuntimeInfo> = {}): Harness {
  const page = memoryPanelWall();
  const runtime = page.addRuntime(info);
  const container = document.createElement('div');
  document.body.append(container);
  const mounted = mount({ wall: page.wall, container });
  const find = (testid: string, data?: Record<string, string>, within: ParentNode = container) => within.querySelector<HTMLElement>(selector(testid, data));
  const get = (testid: string, data?: Record<string, string>, within?: ParentNode) => {
    const element = find(testid, data, within);
    if (!element) throw new Error(`no element ${selector(testid, data)}`);
    return element;
  };
  return {
    page,
    runtime,
    container,
    mounted,
    get,
    find,
    all: (testid, within = container) => [...within.querySelectorAll<HTMLElement>(selector(testid))],
    wait: (testid, data, within) => waitFor(() => get(testid, data, within)),
    close() {
      mounted.unmount();
      runtime.remove();
      container.remove();
    },
  };
}
