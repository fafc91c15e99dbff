/**
 * The rows that need the real panel in real DevTools: DevTools closed and opened again, the
 * page reloaded and restored from the back/forward cache with the panel open, values made of
 * HTML and script, malformed input in the panel's editors. The panel's view (what it shows for
 * each state: version and value as JSON) is compared with the page's own state.
 * panel.firefox.spec.ts runs them in Firefox ESR, where the panel is a tab of its own.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { back, BFCACHE_SERVING, differences, load, openApp, pageView, until } from './support/app.js';
import { byId, click, comparePanel as compare, open, shown } from './support/panel.js';
import { Ledger } from './support/ledger.js';

const ledger = new Ledger('panel', e2eBrowser());
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo(undefined, BFCACHE_SERVING)]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

/** Firefox's DevTools cannot be opened by automation: there the real panel runs as a tab (panel.html?tabId=N). */
const PANEL = e2eBrowser() === 'firefox' ? 'the real panel as a tab' : 'the real panel';
const DEVTOOLS = e2eBrowser() === 'firefox' ? 'The panel tab' : 'DevTools';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
async function envelopesWhile(page: Page, run: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { sent?: number };
    if (w.sent === undefined) addEventListener('message', (event) => (event.data as { source?: string } | null)?.source === 'stratum-runtime' && (w.sent = (w.sent ?? 0) + 1));
    w.sent = 0;
  });
  await run();
  return page.evaluate(() => (window as unknown as { sent: number }).sent);
}

describe('the panel in DevTools', () => {
  it('shows the page again after DevTools is closed and opened, and the page is silent in between', async () => {
    const row = ledger.open('Faults', `${DEVTOOLS} closed and opened again with ${PANEL} (openPanel three times), the page changing while it is open and while it is closed`);
    const page = await openApp(started.browser, served.origin, 'db=0');
    const lost: string[] = [];
    const silent: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const panel = await open(page);
      lost.push(...(await compare(panel.frame, page, ['counter', 'doc', 'edits'])).map((difference) => `open ${round}: ${difference}`));
      await page.evaluate((n) => (window as unknown as Any).app.counter.set(n * 10), round);
      await until('the panel follows a change', async () => (await shown(panel.frame, 'counter')).value === round * 10).catch((error: Error) => lost.push(`open ${round}: ${error.message}`));
      await panel.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = await envelopesWhile(page, async () => {
        for (let i = 0; i < 10; i++) await page.evaluate(() => (window as unknown as Any).app.counter.set((n: number) => n + 1));
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      silent.push(sent);
      if (sent > 0) lost.push(`closed ${round}: the page sent ${sent} envelopes to a closed DevTools`);
    }
    expect(row.done({ times: 3, lost, figures: `envelopes the page sent while DevTools was closed: ${silent.join(', ')}` })).toEqual([]);
    await page.close();
  });

  it('follows a reload and a back/forward cache restore with the panel open', async () => {
    const row = ledger.open('Faults', `Page reloaded and restored from the back/forward cache with ${PANEL} open`);
    const page = await openApp(started.browser, served.origin, 'db=0');
    const panel = await open(page);
    const lost: string[] = [];
    await load(page);
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
    await page.evaluate(() => (window as unknown as Any).app.counter.set(21));
    await until('the panel shows the reloaded page', async () => (await shown(panel.frame, 'counter').catch(() => undefined))?.value === 21).catch((error: Error) => lost.push(`reload: ${error.message}`));
    lost.push(...(await compare(panel.frame, page, ['counter', 'doc'])).map((difference) => `reload: ${difference}`));
    await page.evaluate(() => addEventListener('pageshow', (event) => ((window as { restored?: boolean }).restored = event.persisted), { once: true }));
    await load(page, `${served.origin}/fixtures/reliability/index.html?db=0&away=1`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
    await back(page);
    await page.waitForFunction(() => (window as { restored?: boolean }).restored !== undefined);
    const restored = await page.evaluate(() => (window as { restored?: boolean }).restored);
    if (!restored) lost.push('not restored from the back/forward cache (DevTools open)');
    await page.evaluate(() => (window as unknown as Any).app.counter.set(42));
    await until('the panel shows the restored page', async () => (await shown(panel.frame, 'counter').catch(() => undefined))?.value === 42).catch((error: Error) => lost.push(`restore: ${error.message}`));
    lost.push(...(await compare(panel.frame, page, ['counter', 'doc'])).map((difference) => `restore: ${difference}`));
    expect(row.done({ times: 2, lost, figures: `restored from the back/forward cache: ${restored ? 'yes' : 'no'}` })).toEqual([]);
    await panel.close();
    await page.close();
  });

  it('renders keys and values made of HTML and script as text, and runs none of it', async () => {
    const row = ledger.open('Hostile input', `State keys and values made of HTML and script (\`<img onerror>\`, \`<script>\`, \`<b>\`) shown in ${PANEL}`);
    const page = await openApp(started.browser, served.origin, 'db=0');
    const html = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
    const script = '<script>window.__pwned=(window.__pwned||0)+1</script>';
    await page.evaluate((h, s) => {
      const { app } = window as unknown as Any;
      app.doc.set({ title: h, body: s, [h]: s });
      app.store.createState(s, { key: '<b>bold key</b>', scope: 'app' });
    }, html, script);
    const panel = await open(page);
    const frame = panel.frame;
    await click(frame, byId('state-row', '[data-key="doc"]'));
    await frame.waitForSelector(byId('state-detail', '[data-key="doc"]'));
    const texts = await frame.$$eval(`${byId('state-detail')} ${byId('value-node')}`, (nodes) => nodes.map((node) => node.textContent ?? ''));
    const lost: string[] = [];
    if (!texts.some((text) => text.includes(html))) lost.push('the HTML value is not shown as text');
    if (!texts.some((text) => text.includes(script))) lost.push('the script value is not shown as text');
    const rowText = await frame.$eval(byId('state-row', '[data-key="<b>bold key</b>"]'), (node) => node.textContent ?? '').catch(() => '');
    if (!rowText.includes('<b>bold key</b>')) lost.push('the HTML key is not shown as text');
    const injected = await frame.evaluate(() => document.querySelectorAll('img[src="x"], [data-testid="panel"] script, [data-testid="panel"] b').length);
    if (injected > 0) lost.push(`${injected} elements made from the values`);
    const pwned = [await page.evaluate(() => (window as { __pwned?: number }).__pwned), await frame.evaluate(() => (window as { __pwned?: number }).__pwned)];
    if (pwned.some((count) => count !== undefined)) lost.push(`script ran: ${JSON.stringify(pwned)}`);
    expect(row.done({ times: 4, lost })).toEqual([]);
    await panel.close();
    await page.close();
  });

  it("refuses invalid JSON and wrong types in the panel's editors, in words, and changes nothing", async () => {
    const row = ledger.open('Hostile input', "Invalid JSON in the panel's raw JSON editor, and text that is not a number in a number's inline editor");
    const page = await openApp(started.browser, served.origin, 'db=0');
    const panel = await open(page);
    const frame = panel.frame;
    const before = await pageView(page);
    const lost: string[] = [];
    const errors: string[] = [];
    for (const json of ['{"title": ', '{title: 1}', "{'a': 1}", '[1, 2,]', '{"a": 1} trailing']) {
      await click(frame, byId('state-row', '[data-key="doc"]'));
      await click(frame, `${byId('state-detail')} ${byId('json-mode')}`);
      const editor = await frame.waitForSelector(`${byId('state-detail')} ${byId('json-editor')}`);
      await editor!.evaluate((node, text) => {
        const area = node as HTMLTextAreaElement;
        area.value = text;
        area.dispatchEvent(new Event('input', { bubbles: true }));
      }, json);
      await click(frame, `${byId('state-detail')} ${byId('json-save')}`);
      const error = await frame.waitForSelector(byId('json-error'), { timeout: 3000 }).then((node) => node!.evaluate((element) => element.textContent ?? '')).catch(() => '');
      if (!/\w+ \w+/.test(error)) lost.push(`${json}: no error in words`);
      errors.push(error);
      await click(frame, `${byId('state-detail')} ${byId('json-cancel')}`);
    }
    await click(frame, byId('state-row', '[data-key="counter"]'));
    await click(frame, `${byId('state-detail')} ${byId('value-edit')}`);
    const input = await frame.waitForSelector(`${byId('state-detail')} ${byId('value-input')}`);
    await input!.evaluate((node) => {
      (node as HTMLInputElement).value = 'not a number';
      node.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await click(frame, `${byId('state-detail')} ${byId('value-save')}`);
    const typeError = await frame.waitForSelector(byId('value-error'), { timeout: 3000 }).then((node) => node!.evaluate((element) => element.textContent ?? '')).catch(() => '');
    if (!/\w+ \w+/.test(typeError)) lost.push('a non-number in a number editor: no error in words');
    lost.push(...differences(await pageView(page), before).map((difference) => `data changed: ${difference}`));
    expect(row.done({ times: 6, lost, figures: `e.g. "${errors[0]?.slice(0, 70)}"; "${typeError.slice(0, 60)}"` })).toEqual([]);
    await panel.close();
    await page.close();
  });
});
