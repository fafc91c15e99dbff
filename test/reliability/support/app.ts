/**
 * The reliability fixture (fixtures/reliability/) seen two ways: the page's own view, read with
 * page.evaluate, and the view a panel builds from the protocol (a snapshot, or a snapshot plus
 * every delta after it). The two must be equal after every fault.
 */
import type { Browser, Page } from 'puppeteer';
import { decode } from '../../../runtime/codec/index.js';
import type { Snapshot, StoreInfo, WebstorageInfo } from '../../../runtime/protocol/messages.js';
import { e2eBrowser } from '../../e2e/harness/browser.js';
import { terminateBackground } from '../../e2e/harness/firefox-parent.js';

export interface StateView {
  key: string;
  scope: string;
  version: number;
  value: unknown;
}

export interface StorageView {
  backend: string;
  available: boolean;
  reason: string | null;
  entries: Record<string, unknown>;
}

/** The fixture's store (states by id) and its two webstorages (namespace `rel`), as plain data. */
export interface AppView {
  states: Record<string, StateView>;
  storages: Record<string, StorageView>;
}

export const STORE = 'reliability';
export const NAMESPACE = 'rel';

/** Opens the fixture; `query` without the `?`. */
export async function openApp(browser: Browser, origin: string, query = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/fixtures/reliability/index.html${query ? `?${query}` : ''}`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  return page;
}

/** What the page itself says (window.app.read()). */
export function pageView(page: Page): Promise<AppView> {
  return page.evaluate(() => (window as unknown as { app: { read(): AppView } }).app.read());
}

export function storeView(store: StoreInfo): Record<string, StateView> {
  const states: Record<string, StateView> = {};
  for (const scope of store.scopes) {
    for (const state of scope.states) states[state.id] = { key: state.key, scope: state.scope, version: state.version, value: decode(state.value) };
  }
  return states;
}

export function storageView(info: WebstorageInfo): StorageView {
  const entries: Record<string, unknown> = {};
  for (const entry of info.keys) entries[entry.key] = decode(entry.value);
  return { backend: info.backend, available: info.available, reason: info.reason ?? null, entries };
}

/** The fixture's part of a protocol snapshot, in the page's shape. */
export function snapshotView(snapshot: Snapshot): AppView {
  const store = snapshot.stores.find((candidate) => candidate.name === STORE);
  const storages: Record<string, StorageView> = {};
  for (const info of snapshot.webstorages) if (info.namespace === NAMESPACE) storages[info.kind] = storageView(info);
  return { states: store ? storeView(store) : {}, storages };
}

/**
 * Stops the extension's background (every port drops) and waits until it is gone: Chromium's
 * MV3 service worker through CDP's ServiceWorker.stopAllWorkers, Firefox's event page through
 * its parent process (firefox-parent.ts: CDP is Chrome's, and BiDi has no such command).
 */
export async function stopWorker(page: Page): Promise<void> {
  const browser = page.browser();
  if (e2eBrowser() === 'firefox') return terminateBackground(browser);
  const running = browser.targets().some((target) => target.type() === 'service_worker');
  const gone = new Promise<void>((resolve) => {
    const onGone = (target: { type(): string }) => {
      if (target.type() !== 'service_worker') return;
      browser.off('targetdestroyed', onGone);
      resolve();
    };
    browser.on('targetdestroyed', onGone);
  });
  const session = await page.createCDPSession();
  try {
    await session.send('ServiceWorker.enable');
    await session.send('ServiceWorker.stopAllWorkers');
    if (running) await gone;
  } finally {
    await session.detach();
  }
}

/**
 * One step back in the page's history. Firefox over BiDi reports no load for a page restored
 * from the back/forward cache, so puppeteer's page.goBack() never resolves there: the page goes
 * back by itself (history.back()) and the caller waits for what it expects, as after goBack().
 */
export async function back(page: Page): Promise<void> {
  if (e2eBrowser() !== 'firefox') {
    await page.goBack();
    return;
  }
  await page.evaluate(() => history.back());
}

/**
 * Loads `url` in `page`, or reloads it, and resolves once the new document loaded. Firefox over
 * BiDi: once a page came back from the back/forward cache, puppeteer's page.reload() and
 * page.goto() wait for a navigation event it never gets (30 s, then a timeout), so the page
 * navigates itself and the new document is waited for.
 */
export async function load(page: Page, url?: string): Promise<void> {
  if (e2eBrowser() !== 'firefox') {
    await (url === undefined ? page.reload() : page.goto(url));
    return;
  }
  await page.evaluate((href) => {
    (window as { leaving?: boolean }).leaving = true;
    if (href === null) location.reload();
    else location.assign(href);
  }, url ?? null);
  await page.waitForFunction(() => !(window as { leaving?: boolean }).leaving && document.readyState === 'complete');
}

/**
 * The server for the fixture when a test needs the back/forward cache: Firefox keeps no page
 * served `no-store` (the default) in it, so these files go out `no-cache`, as fresh.
 */
export const BFCACHE_SERVING = { cache: 'no-cache' } as const;

/** min / median / max of a list of numbers, for the figures column. */
export function spread(values: number[], unit = 'ms'): string {
  if (values.length === 0) return 'none';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return `min ${at(0)} ${unit}, median ${at(0.5)} ${unit}, max ${Math.round(sorted.at(-1)!)} ${unit}`;
}

/** Polls `check` until it returns true; throws, naming `what`, after `timeout` ms. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The names of what differs between two values, for the "lost" column (empty when equal). */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (Object.is(a, b)) return [];
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return [`${path || 'value'}: ${JSON.stringify(a)?.slice(0, 80)} ≠ ${JSON.stringify(b)?.slice(0, 80)}`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`));
}
