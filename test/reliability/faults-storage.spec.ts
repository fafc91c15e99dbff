/**
 * Faults of the browser's storage in real Chromium and Firefox ESR, with the kit connected: webstorage that
 * stops working while the app runs, IndexedDB that cannot open or is upgraded by another tab, a
 * transaction aborted halfway, quota exceeded mid-write. After each: the page works, the
 * kit's view equals the page's state, and what was written before is still there.
 * faults-storage.firefox.spec.ts runs these bodies in Firefox (rows: faults-storage-firefox).
 */
import { isDeepStrictEqual as same } from 'node:util';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type StratumClient } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { differences, pageView, openApp, snapshotView } from './support/app.js';
import { Ledger } from './support/ledger.js';
import { follow, type Live } from './support/live.js';

const ledger = new Ledger('faults-storage', e2eBrowser());
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo()]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

/** The fixture's window.app, loosely typed for page.evaluate. */
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function compare(page: Page, client: StratumClient, live: Live): Promise<string[]> {
  const own = await pageView(page);
  // Wait for the stream to settle; what still differs after that is reported, not thrown.
  await expect.poll(() => live.view(), { timeout: 10_000 }).toEqual(own).catch(() => undefined);
  return [
    ...differences(await live.view(), own).map((difference) => `live view ${difference}`),
    ...differences(snapshotView(await client.snapshot()), own).map((difference) => `client snapshot ${difference}`),
  ];
}

describe('webstorage made unusable while the app runs', () => {
  it('keeps the app working, says why, and keeps what was written before readable', async () => {
    const row = ledger.open('Faults', 'Storage made unusable while the app runs: the `localStorage` getter replaced to throw SecurityError, then `setItem` throwing SecurityError for both storages, then repaired and `recheck()`ed');
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const live = await follow(page);
    await page.evaluate(() => {
      (window as unknown as Any).app.local.set('before', { v: 1 });
      (window as unknown as Any).app.session.set('before', 's');
      (window as unknown as Any).app.prefs.set({ theme: 'dark' });
    });
    const lost = await compare(page, client, live);

    // 1. The window getter throws (blocked cookies): instances that already hold the storage keep it; a new one says why.
    const getter = await page.evaluate(() => {
      (window as unknown as Any).realLocal = localStorage;
      (window as unknown as Any).realGetter = Object.getOwnPropertyDescriptor(window, 'localStorage');
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get: () => {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      });
      (window as unknown as Any).app.local.set('getter', 1);
      // No reason is undefined, which CDP leaves out of the returned object and BiDi keeps as a key: null in both.
      const late = (window as unknown as Any).app.stratum.webstorage('local', { namespace: 'late' });
      late.set('x', 1);
      return { kept: (window as unknown as Any).app.local.get('getter'), available: (window as unknown as Any).app.local.available, late: { available: late.available, reason: late.reason ?? null, x: late.get('x') } };
    });
    // The page probed its storage once: a webstorage created later shares it, as the ones before do.
    if (!same(getter, { kept: 1, available: true, late: { available: true, reason: null, x: 1 } })) lost.push(`getter: ${JSON.stringify(getter)}`);
    lost.push(...(await compare(page, client, live)).map((difference) => `getter: ${difference}`));

    // 2. Every write throws (reads still work): the app moves to memory, reports it, and reads what was there.
    const broken = await page.evaluate(() => {
      const original = Storage.prototype.setItem;
      (window as unknown as Any).repair = () => {
        Storage.prototype.setItem = original;
        Object.defineProperty(window, 'localStorage', (window as unknown as Any).realGetter);
      };
      Storage.prototype.setItem = () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      };
      (window as unknown as Any).app.local.set('after', 2);
      (window as unknown as Any).app.session.set('after', 't');
      (window as unknown as Any).app.prefs.set({ theme: 'blue' });
      (window as unknown as Any).app.counter.set(5);
      const { local, session, prefs } = (window as unknown as Any).app;
      return { before: [local.get('before'), session.get('before')], after: [local.get('after'), session.get('after')], prefs: prefs.get(), local: [local.available, local.reason] };
    });
    const expected = { before: [{ v: 1 }, 's'], after: [2, 't'], prefs: { theme: 'blue' }, local: [false, 'SecurityError: The operation is insecure.'] };
    if (!same(broken, expected)) lost.push(`broken: ${JSON.stringify(broken)}`);
    await client.storage('local', { namespace: 'rel' }).set('kit', 3);
    if ((await page.evaluate(() => (window as unknown as Any).app.local.get('kit'))) !== 3) lost.push("broken: the kit's write is missing");
    const reported = (await live.events()).some((event) => event.event === 'report' && JSON.stringify(event.payload).includes('stopped working'));
    if (!reported) lost.push('broken: no report of the outage reached the kit');
    lost.push(...(await compare(page, client, live)).map((difference) => `broken: ${difference}`));

    // 3. Repaired: recheck() moves what was written meanwhile back into the storage.
    const repaired = await page.evaluate(() => {
      (window as unknown as Any).repair();
      const { local } = (window as unknown as Any).app;
      const real = (window as unknown as { realLocal: Storage }).realLocal;
      return { back: local.recheck() && (window as unknown as Any).app.session.recheck(), stored: ['rel:before', 'rel:after', 'rel:kit'].map((key) => real.getItem(key)) };
    });
    if (!repaired.back || repaired.stored.some((text) => text === null)) lost.push(`repaired: ${JSON.stringify(repaired)}`);
    lost.push(...(await compare(page, client, live)).map((difference) => `repaired: ${difference}`));
    expect(row.done({ times: 3, lost, figures: 'values written before read back in every phase; the outage reached the kit as a report and as the webstorage info' })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  });
});
