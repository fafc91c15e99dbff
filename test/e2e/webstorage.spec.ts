import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../runtime/store/index.js';
import type { webstorage, WebStorage } from '../../runtime/webstorage/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

/** What fixtures/webstorage/index.html puts on window. */
interface Fixture {
  webstorage: typeof webstorage;
  Store: typeof Store;
  describe(storage: WebStorage): Described;
  plain(value: unknown): unknown;
  events: Heard[];
  listen(namespace: string, kind?: 'local' | 'session'): void;
}
type W = { fixture: Fixture };
interface Described {
  kind: string;
  backend: string;
  available: boolean;
  reason: string | null;
  namespace: string;
}
interface Heard {
  key: string | null;
  value?: unknown;
  oldValue?: unknown;
  origin: string;
  error?: string;
  has: string[];
}

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
/** console.warn lines per page (the store reports persistence failures there). */
const warnings = new WeakMap<Page, string[]>();

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

/** Opens the fixture; `before` runs in the page before any of its scripts (to break storage). */
async function open(before?: () => void, page?: Page): Promise<Page> {
  const tab = page ?? (await started.browser.newPage());
  const lines: string[] = [];
  warnings.set(tab, lines);
  tab.on('console', (message) => {
    if (message.type() === 'warn') lines.push(message.text());
  });
  if (before) await tab.evaluateOnNewDocument(before);
  await tab.goto(`${served.origin}/fixtures/webstorage/index.html`);
  await tab.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  return tab;
}

const warningsOf = (page: Page): string[] => warnings.get(page) ?? [];

describe(`webstorage in real ${BROWSER === 'firefox' ? 'Firefox' : 'Chromium'}`, () => {
  it('uses localStorage, storing typed values under namespace:key in the codec format', async () => {
    const page = await open();
    const result = await page.evaluate(() => {
      const { webstorage, describe, plain } = (window as unknown as W).fixture;
      const storage = webstorage('local', { namespace: 'e2e-values' });
      storage.set('v', { at: new Date(0), tags: new Set(['a']), big: 2n ** 64n, nan: Number.NaN });
      // NaN is checked in the page: CDP hands it back as null, WebDriver BiDi as NaN.
      const { nan, ...back } = storage.get<{ nan: number }>('v')!;
      return { described: describe(storage), raw: localStorage.getItem('e2e-values:v'), back: plain(back), nan: Number.isNaN(nan) };
    });
    expect(result.described).toEqual({ kind: 'local', backend: 'localStorage', available: true, reason: null, namespace: 'e2e-values' });
    expect(result.raw).toMatch(/^stratum:1:\{/);
    expect(result.back).toEqual({ at: { Date: '1970-01-01T00:00:00.000Z' }, tags: { Set: ['a'] }, big: { BigInt: '18446744073709551616' } });
    expect(result.nan).toBe(true);
    await page.close();
  });

  it('falls back to memory, saying why, when reading window.localStorage throws', async () => {
    const page = await open(() => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        },
      });
    });
    const result = await page.evaluate(() => {
      const { webstorage, describe } = (window as unknown as W).fixture;
      const local = webstorage('local', { namespace: 'e2e-blocked' });
      local.set('k', new Map([[1, 'one']]));
      return {
        local: describe(local),
        value: webstorage('local', { namespace: 'e2e-blocked' }).get<Map<number, string>>('k')?.get(1),
        session: describe(webstorage('session')),
      };
    });
    expect(result.local).toMatchObject({ backend: 'memory', available: false, reason: 'SecurityError: The operation is insecure.' });
    expect(result.value).toBe('one');
    expect(result.session).toMatchObject({ backend: 'sessionStorage', available: true });
    await page.close();
  });

  it('treats a setItem that always throws as a zero quota: memory, and persisted states keep working', async () => {
    const page = await open(() => {
      localStorage.clear();
      Storage.prototype.setItem = function setItem() {
        throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError');
      };
    });
    const result = await page.evaluate(async () => {
      const { webstorage, describe, Store } = (window as unknown as W).fixture;
      const local = webstorage('local', { namespace: 'e2e-zero' });
      local.set('k', [1, 2]);
      const state = new Store().createState('initial', { key: 'theme', scope: 'app', persist: 'local' });
      await state.ready;
      state.set('changed');
      return { local: describe(local), value: local.get('k'), state: state.get(), stored: localStorage.length };
    });
    expect(result.local).toMatchObject({ backend: 'memory', available: false, reason: 'QuotaExceededError: zero quota' });
    expect(result).toMatchObject({ value: [1, 2], state: 'changed', stored: 0 });
    // Reported once, in words: in memory now, and written to the storage if recheck() ever finds it working.
    expect(warningsOf(page).join('\n')).toMatch(/could not restore its local copy \(Error: localStorage is unusable \(QuotaExceededError: zero quota\); what it sets goes there once recheck\(\) finds it working\); it keeps working in memory/);
    await page.close();
  });

  it("throws WebStorageQuotaError at the browser's real quota, keeping the previous value", async () => {
    const page = await open();
    const result = await page.evaluate(() => {
      const { webstorage } = (window as unknown as W).fixture;
      const storage = webstorage('local', { namespace: 'e2e-quota' });
      storage.set('big', 'small');
      try {
        storage.set('big', 'x'.repeat(12 * 1024 * 1024));
        return { thrown: false };
      } catch (error) {
        const { name, message, key, size } = error as Error & { key: string; size: number };
        return { thrown: true, name, message, key, size, kept: storage.get('big'), available: storage.available };
      } finally {
        storage.clear();
      }
    });
    expect(result).toMatchObject({ thrown: true, name: 'WebStorageQuotaError', key: 'big', kept: 'small', available: true });
    expect(result.message).toMatch(/^Storing "big" \([\d,]+ bytes\) exceeds the localStorage quota; the previous value is kept\.$/);
    await page.close();
  });

  it("hears another tab's sets, removals and clears, decoded, as remote", async () => {
    const listener = await open();
    const writer = await open();
    await listener.evaluate(() => (window as unknown as W).fixture.listen('e2e-sync'));
    await writer.evaluate(() => {
      const storage = (window as unknown as W).fixture.webstorage('local', { namespace: 'e2e-sync' });
      storage.set('user', { since: new Date(0), roles: new Set(['admin']) });
      storage.set('theme', 'dark');
      storage.remove('user');
      localStorage.setItem('e2e-sync:broken', 'not json');
      localStorage.setItem('another-app', '1');
      localStorage.clear();
    });
    // Polled on a timer, not on animation frames (puppeteer's default): the listener is the tab
    // in the background, where Chromium may run no frames, so a frame-polled wait never looks.
    await listener.waitForFunction(() => (window as unknown as W).fixture.events.length >= 5, { polling: 100 });
    const events = await listener.evaluate(() => (window as unknown as W).fixture.events);
    // A set whose value a later write of the burst (here, the clear) already replaced in this
    // tab's copy of the storage when its event is heard is marked superseded: whether it is
    // depends on how far Chromium has got, so only where it may be is checked here.
    const marked = events.filter((event) => (event as { superseded?: true }).superseded);
    expect(marked.every((event) => event.key !== null && (event.has.includes('value') || event.has.includes('error')))).toBe(true);
    const heard = events.map(({ superseded: _marked, has, ...rest }: { superseded?: true; has: string[] }) => ({ ...rest, has: has.filter((key) => key !== 'superseded') }));
    expect(heard).toEqual([
      { key: 'user', value: { since: { Date: '1970-01-01T00:00:00.000Z' }, roles: { Set: ['admin'] } }, origin: 'remote', has: ['key', 'origin', 'value'] },
      { key: 'theme', value: 'dark', origin: 'remote', has: ['key', 'origin', 'value'] },
      { key: 'user', oldValue: { since: { Date: '1970-01-01T00:00:00.000Z' }, roles: { Set: ['admin'] } }, origin: 'remote', has: ['key', 'origin', 'oldValue'] },
      { key: 'broken', origin: 'remote', error: expect.stringMatching(/neither JSON nor the Stratum format/), has: ['key', 'origin', 'error'] },
      { key: null, origin: 'remote', has: ['key', 'origin'] },
    ]);
    await Promise.all([listener.close(), writer.close()]);
  });

  it('restores a persisted state after a reload, and follows it from another tab', async () => {
    const page = await open();
    await page.evaluate(async () => {
      const state = new (window as unknown as W).fixture.Store().createState(new Map<string, number>(), { key: 'cart', scope: 'app', persist: 'local' });
      await state.ready;
      state.set(new Map([['apple', 2]]));
    });
    await page.reload();
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
    const restored = await page.evaluate(async () => {
      const { Store, plain } = (window as unknown as W).fixture;
      const state = new Store().createState(new Map<string, number>(), { key: 'cart', scope: 'app', persist: 'local' });
      (window as unknown as W & { cart?: unknown }).cart = state;
      await state.ready;
      return plain(state.get());
    });
    expect(restored).toEqual({ Map: [['apple', 2]] });

    const other = await open();
    await other.evaluate(async () => {
      const state = new (window as unknown as W).fixture.Store().createState(new Map<string, number>(), { key: 'cart', scope: 'app', persist: 'local' });
      await state.ready;
      state.set((cart) => new Map([...cart, ['pear', 1]]));
    });
    await page.waitForFunction(() => ((window as unknown as W & { cart: { get(): Map<string, number> } }).cart.get().size === 2));
    const followed = await page.evaluate(() => (window as unknown as W).fixture.plain((window as unknown as W & { cart: { get(): unknown } }).cart.get()));
    expect(followed).toEqual({ Map: [['apple', 2], ['pear', 1]] });
    await Promise.all([page.close(), other.close()]);
  });
});
