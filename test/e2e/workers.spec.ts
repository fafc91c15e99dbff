import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPanel } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { byId, click, editLeaf, node } from './harness/dom.js';

// Issue 22.5 in the real panel: a dedicated and a shared worker that import Stratum are runtimes
// of their page (relayWorker), listed in the target picker with their states and databases.
// workers.firefox.spec.ts runs the same tests in Firefox (the panel as a tab there).
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function open(): Promise<Page> {
  const page = await started.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/workers/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.getElementById('worker-count')?.textContent === '10' && document.getElementById('shared-count')?.textContent !== '…');
  expect(errors).toEqual([]);
  return page;
}

/** The picker's options as the user reads them, with the session each selects. */
async function options(frame: Frame): Promise<{ value: string; text: string }[]> {
  return frame.$$eval(`${byId('target-picker')} option`, (list) => list.map((option) => ({ value: (option as HTMLOptionElement).value, text: option.textContent ?? '' })));
}

async function choose(frame: Frame, match: RegExp): Promise<void> {
  const list = await options(frame);
  const option = list.find((candidate) => match.test(candidate.text));
  if (!option) throw new Error(`no runtime matching ${match} in the picker: ${list.map((entry) => entry.text).join(' | ')}`);
  await frame.select(byId('target-picker'), option.value);
}

describe('workers as runtimes of their page', () => {
  it('the picker lists the page, its dedicated worker and its shared worker; the page stays the default target', async () => {
    const page = await open();
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      await frame.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 3);
      const texts = (await options(frame)).map((option) => option.text);
      expect(texts[0]).toMatch(/^Stratum workers fixture — top frame/);
      expect(texts.some((text) => /^counter — dedicated worker .*\/fixtures\/workers\/dedicated\.js \(page .*\/fixtures\/workers\/\)/.test(text))).toBe(true);
      expect(texts.some((text) => /^shared counter — shared worker .*\/fixtures\/workers\/shared\.js/.test(text))).toBe(true);
      // The default target is the page itself: its state, not a worker's.
      await frame.waitForSelector(byId('state-row', '[data-scope="page"][data-key="count"]'));
      // Nothing of Stratum's reached the app's own worker handlers.
      expect(await page.$eval('#leaked', (element) => element.textContent)).toBe('0');
    } finally {
      await panel.close();
      await page.close();
    }
  });

  it("a dedicated worker's state edited from the panel changes the worker; the worker's own changes stream in; its IndexedDB is listed", async () => {
    const page = await open();
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      await frame.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 3);
      await choose(frame, /dedicated worker/);
      await click(frame, byId('state-row', '[data-scope="worker"][data-key="count"]'));
      await editLeaf(frame, [], '42');
      // The worker applied it and told the page through the app's own message.
      await page.waitForFunction(() => document.getElementById('worker-count')?.textContent === '42');
      // And the other way: the worker's own change shows up in the open panel.
      await page.evaluate(() => (window as unknown as { fixture: { bumpWorker(): void } }).fixture.bumpWorker());
      await page.waitForFunction(() => document.getElementById('worker-count')?.textContent === '43');
      await frame.waitForFunction(() => document.querySelector('[data-testid="value-node"][data-path="[]"]')?.textContent?.includes('43'));
      // The worker's database, opened in the worker, is in the Database tab.
      await click(frame, byId('tab-database'));
      await click(frame, byId('database-item', '[data-name="worker-notes"]'));
      await click(frame, byId('table-item', '[data-table="notes"]'));
      await frame.waitForSelector(byId('row', '[data-key="1"]'));
      expect(await page.$eval('#leaked', (element) => element.textContent)).toBe('0');
    } finally {
      await panel.close();
      await page.close();
    }
  });

  it("a shared worker's state edited from the panel changes the worker for its page", async () => {
    const page = await open();
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      await frame.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 3);
      await choose(frame, /shared worker/);
      await click(frame, byId('state-row', '[data-scope="shared"][data-key="count"]'));
      await editLeaf(frame, [], '7');
      await page.waitForFunction(() => document.getElementById('shared-count')?.textContent === '7');
      expect(await page.$eval('#leaked', (element) => element.textContent)).toBe('0');
    } finally {
      await panel.close();
      await page.close();
    }
  });
});

