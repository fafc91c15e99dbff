import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { ElementHandle, Frame, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// Failure simulation and the storage budget (issue 22, parts 3–4) in the real panel and through
// the kit, on fixtures/simulate/: a page that does what an app does and shows the error it caught.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
let opened: { page: Page; panel: PanelHandle } | undefined;
const OUT = path.join(REPO_ROOT, 'out');

beforeAll(async () => {
  // Firefox asks the user before persist() answers (a doorhanger automation cannot click): its testing prefs answer "allow".
  const prefs = { 'dom.storageManager.prompt.testing': true, 'dom.storageManager.prompt.testing.allow': true };
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER, prefs }), serveRepo()]);
  mkdirSync(OUT, { recursive: true });
});

afterEach(async (context) => {
  if (!opened) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
  await (await opened.panel.frame.$('body'))?.screenshot({ path: path.join(OUT, `simulate-${name}${BROWSER === 'firefox' ? '-firefox' : ''}.png`) });
  await opened.panel.close();
  await opened.page.close();
  opened = undefined;
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

async function openFixture(): Promise<Page> {
  const page = await started.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  // Each test starts from empty storage: a pinned fault or a draft of an earlier test must not leak in.
  await page.goto(`${served.origin}/fixtures/simulate/`);
  await page.evaluate(async () => {
    localStorage.clear();
    sessionStorage.clear();
    for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name);
  });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

async function open(): Promise<{ page: Page; panel: Frame }> {
  const page = await openFixture();
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  opened = { page, panel };
  await panel.frame.waitForSelector(byId('status', '[data-status="connected"]'));
  return { page, panel: panel.frame };
}

async function click(frame: Frame | Page, selector: string): Promise<ElementHandle> {
  const element = await frame.waitForSelector(selector, { visible: true });
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((node) => {
    (node as HTMLElement).scrollIntoView({ block: 'nearest' });
    (node as HTMLElement).click();
  });
  return element;
}

async function choose(frame: Frame, testid: string, value: string): Promise<void> {
  const select = await frame.waitForSelector(byId(testid));
  await select!.evaluate((node, v) => {
    const element = node as HTMLSelectElement;
    element.value = v;
    element.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function type(frame: Frame, testid: string, value: string): Promise<void> {
  const input = await frame.waitForSelector(byId(testid));
  await input!.evaluate((node, v) => {
    const element = node as HTMLInputElement;
    element.value = v;
    element.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Picks the target whose option text contains `text` (a namespace or database name). */
async function target(frame: Frame, text: string): Promise<void> {
  const value = await frame.$eval(
    byId('simulate-target'),
    (node, t) => [...(node as HTMLSelectElement).options].find((option) => option.text.includes(t))?.value ?? '',
    text,
  );
  expect(value).not.toBe('');
  await choose(frame, 'simulate-target', value);
}

async function simulate(panel: Frame, fault: string, setup: () => Promise<void> = async () => undefined, pinned = false): Promise<void> {
  await click(panel, byId('tab-simulate'));
  await choose(panel, 'simulate-fault', fault);
  await setup();
  const pin = await panel.$eval(byId('simulate-pin'), (node) => (node as HTMLInputElement).checked);
  if (pin !== pinned) await click(panel, byId('simulate-pin'));
  const before = await panel.$$eval(byId('simulation'), (nodes) => nodes.length);
  await click(panel, byId('simulate-on'));
  await panel.waitForFunction((n) => document.querySelectorAll('[data-testid="simulation"]').length > n, {}, before);
}

/** The app's caught error (or success) after clicking one of its buttons. */
async function act(page: Page, button: string, output: string): Promise<string> {
  const before = await page.$eval(`#${output}`, (node) => node.textContent);
  await click(page, `#${button}`);
  await page.waitForFunction((id, was) => document.getElementById(id)!.textContent !== was, {}, output, before);
  return page.$eval(`#${output}`, (node) => node.textContent ?? '');
}

async function timelineLabels(panel: Frame): Promise<string[]> {
  await click(panel, byId('tab-timeline'));
  await panel.waitForSelector(byId('timeline-row'));
  return panel.$$eval(byId('timeline-row'), (rows) => rows.map((row) => row.textContent ?? ''));
}

async function bannerTexts(panel: Frame): Promise<string[]> {
  return panel.$$eval(byId('simulation-description'), (nodes) => nodes.map((node) => node.textContent ?? ''));
}

async function turnOffAll(panel: Frame): Promise<void> {
  while ((await panel.$$(byId('simulation-off'))).length > 0) {
    const n = (await panel.$$(byId('simulation-off'))).length;
    await click(panel, byId('simulation-off'));
    await panel.waitForFunction((count) => document.querySelectorAll('[data-testid="simulation-off"]').length < count, {}, n);
  }
}

describe(`failure simulation from the panel ${BROWSER === 'firefox' ? '(panel as a tab, Firefox)' : '(DevTools, Chromium)'}`, () => {
  it('storage blocked: the banner and a timeline entry; the app sees SecurityError; Turn off brings storage back', async () => {
    const { page, panel } = await open();
    await simulate(panel, 'blocked', () => choose(panel, 'simulate-kind', 'local'));
    expect((await bannerTexts(panel))[0]).toContain('localStorage blocked');
    const saved = await act(page, 'save', 'save-result');
    expect(saved).toMatch(/^saved in memory: SecurityError: /);
    if (BROWSER !== 'firefox') expect(saved).toContain("Failed to read the 'localStorage' property from 'Window': Access is denied for this document.");
    expect((await timelineLabels(panel)).some((row) => row.includes('simulate') && row.includes('localStorage blocked'))).toBe(true);
    await turnOffAll(panel);
    expect(await panel.$(byId('simulation-banner'))).toBeNull();
    expect(await act(page, 'save', 'save-result')).toBe('saved in localStorage');
    expect((await timelineLabels(panel)).some((row) => row.includes('simulate-off'))).toBe(true);
  });

  it('a quota per namespace: the app catches WebStorageQuotaError over the browser\'s QuotaExceededError', async () => {
    const { page, panel } = await open();
    await simulate(panel, 'quota', async () => {
      await target(panel, '"app"');
      await type(panel, 'simulate-bytes', '1000');
    });
    const caught = await act(page, 'save', 'save-result');
    expect(caught).toMatch(/^caught WebStorageQuotaError: .*\(cause QuotaExceededError: /);
    if (BROWSER !== 'firefox') expect(caught).toContain("Setting the value of 'app:draft' exceeded the quota.");
  });

  it('database faults: the next transaction aborts, a database quota, IndexedDB failing to open, versionchange, Cache clock', async () => {
    const { page, panel } = await open();
    await simulate(panel, 'abortNext', () => target(panel, '"sim"'));
    expect(await act(page, 'put', 'put-result')).toBe('caught AbortError: The transaction was aborted, so the request cannot be fulfilled.');
    // Used once: it ends by itself and leaves the banner.
    await panel.waitForFunction(() => !document.querySelector('[data-testid="simulation"][data-id^="abortNext"]'));
    expect(await act(page, 'put', 'put-result')).toBe('saved');

    await simulate(panel, 'quota', async () => {
      await target(panel, 'database "sim"');
      await type(panel, 'simulate-bytes', '100');
    });
    expect(await act(page, 'put', 'put-result')).toMatch(/^caught QuotaExceededError: commit: the storage quota of this origin is used up/);

    await simulate(panel, 'openFails');
    const failed = await act(page, 'open', 'open-result');
    expect(failed).toMatch(/^caught DatabaseUnavailableError: IndexedDB cannot open 'sim-other-\d+': UnknownError: /);
    if (BROWSER !== 'firefox') expect(failed).toContain('Internal error opening backing store for indexedDB.open.');

    expect(await act(page, 'cache', 'cache-result')).toBe('cached abc');
    await simulate(panel, 'clock', () => type(panel, 'simulate-minutes', '60'));
    expect(await act(page, 'cache', 'cache-result')).toBe('expired');

    await simulate(panel, 'versionchange', () => target(panel, '"sim"'));
    await page.waitForFunction(() => document.getElementById('db-events')!.textContent!.includes('versionchange close'));
    expect(await bannerTexts(panel)).toHaveLength(4);
    const labels = await timelineLabels(panel);
    expect(labels.filter((row) => row.includes('simulate')).length).toBeGreaterThanOrEqual(5);
    await click(panel, byId('tab-simulate'));
    await turnOffAll(panel);
    expect(await act(page, 'open', 'open-result')).toBe('opened in indexeddb');
  });

  it('off after a reload unless pinned: the pinned quota comes back (sessionStorage), the other does not', async () => {
    const { page, panel } = await open();
    await simulate(panel, 'blocked', () => choose(panel, 'simulate-kind', 'session'));
    await simulate(panel, 'quota', async () => {
      await target(panel, '"app"');
      await type(panel, 'simulate-bytes', '1000');
    }, true);
    expect(await panel.$$(byId('simulation-pinned'))).toHaveLength(1);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await panel.waitForFunction(() => {
      const shown = [...document.querySelectorAll('[data-testid="simulation-description"]')].map((node) => node.textContent ?? '');
      return shown.length === 1 && shown[0]!.includes('Quota');
    });
    expect(await act(page, 'save', 'save-result')).toMatch(/^caught WebStorageQuotaError/);
    await turnOffAll(panel);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await act(page, 'save', 'save-result')).toBe('saved in localStorage');
    expect(await panel.$(byId('simulation-banner'))).toBeNull();
  });
});

describe('storage budget in the panel', () => {
  it('sizes per namespace, table, index and blob store with the largest items; Request persistent storage asks the page', async () => {
    const { page, panel } = await open();
    await click(panel, byId('tab-budget'));
    await panel.waitForSelector(byId('budget-webstorage', '[data-namespace="app"]'));
    const app = await panel.$eval(byId('budget-webstorage', '[data-namespace="app"]'), (row) => row.textContent ?? '');
    expect(app).toMatch(/in 2 keys/);
    const top = await panel.$$eval(`${byId('budget-webstorage', '[data-namespace="app"]')} ${byId('budget-top')} li`, (items) => items.map((item) => item.textContent ?? ''));
    expect(top[0]).toContain('history');
    const notes = await panel.$eval(`${byId('budget-database', '[data-name="sim"]')} ${byId('budget-table', '[data-table="notes"]')}`, (row) => row.textContent ?? '');
    expect(notes).toContain('tag:');
    // The long note (id 2) is the largest row.
    const largest = await panel.$eval(`${byId('budget-database', '[data-name="sim"]')} ${byId('budget-table', '[data-table="notes"]')} ${byId('budget-top')} li`, (item) => item.textContent ?? '');
    expect(largest).toMatch(/^2 /);
    expect(await panel.$eval(byId('budget-database', '[data-name="sim"]'), (node) => node.querySelector('h4')!.textContent)).toMatch(/blobs: 1 blob, (4\.\d|5\.\d) KB/);
    expect(await panel.$eval(byId('budget-estimate'), (node) => node.textContent)).toMatch(/used of .* navigator\.storage\.estimate\(\)/);
    await click(panel, byId('budget-persist'));
    const answer = await panel.waitForSelector(byId('budget-persist-answer'));
    const text = await answer!.evaluate((node) => node.textContent ?? '');
    const persisted = await page.evaluate(() => navigator.storage.persisted());
    expect(text).toMatch(/answered (true|false)/);
    expect(await panel.$eval(byId('budget-persisted'), (node) => node.textContent)).toMatch(persisted ? /^yes/ : /^no/);
  });
});

describe('failure simulation through the kit', () => {
  it('client.simulate(…) turns a failure on; the page fails; off() ends it', async () => {
    const page = await openFixture();
    const client = await connect(page);
    try {
      const abort = await client.simulate({ fault: 'abortNext', database: 'sim' });
      expect(abort.description).toContain('next readwrite transaction');
      expect(await act(page, 'put', 'put-result')).toBe('caught AbortError: The transaction was aborted, so the request cannot be fulfilled.');
      expect(await client.simulations()).toEqual([]);
      const quota = await client.simulate({ fault: 'quota', storage: 'local', namespace: 'app', bytes: 1000 }, { pinned: true });
      expect((await client.simulations()).map((entry) => entry.pinned)).toEqual([true]);
      expect(await act(page, 'save', 'save-result')).toMatch(/^caught WebStorageQuotaError/);
      await quota.off();
      expect(await act(page, 'save', 'save-result')).toBe('saved in localStorage');
      const budget = await client.storageBudget(3);
      expect(budget.webstorages.find((entry) => entry.namespace === 'app')!.top.map((item) => item.key)).toContain('draft');
      expect(budget.databases.find((entry) => entry.name === 'sim')!.tables.find((table) => table.name === 'notes')!.rows).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
      await page.close();
    }
  });
});
