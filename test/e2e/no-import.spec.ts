import type { Frame, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { byId, click, editLeafIn } from './harness/dom.js';

// Issue 21's "Done when", both halves on one page: Dexie and zustand with no Stratum import
// (fixtures/no-import). The zustand store reaches the panel through the extension's Redux
// DevTools shim; the Dexie tables through "Inspect this page's storage". A state and a row edited
// from the real panel change what the app renders. no-import.firefox.spec.ts: the same in Firefox.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
let opened: { page: Page; panel: PanelHandle } | undefined;

interface App {
  note(id: number): Promise<{ text: string; done: boolean } | undefined>;
  show(): string;
  render(): Promise<void>;
}

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterEach(async () => {
  await opened?.panel.close();
  await opened?.page.close();
  opened = undefined;
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

const shown = (page: Page, id: string) => page.$eval(`#${id}`, (element) => element.textContent ?? '');

async function open(): Promise<{ page: Page; frame: Frame }> {
  const page = await started.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/no-import/`);
  await page.waitForSelector('body[data-ready="true"]');
  expect(errors).toEqual([]);
  // Nothing of Stratum's in the page but what the extension put there.
  expect(await page.evaluate(() => Object.keys(window).filter((key) => /stratum/i.test(key)))).toEqual([]);
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  opened = { page, panel };
  await panel.frame.waitForSelector('[data-testid="status"][data-status="connected"]');
  return { page, frame: panel.frame };
}

describe(`Dexie and zustand with no Stratum import, in the real panel (${BROWSER})`, () => {
  it('shows the zustand store; a state edited in the panel changes what the app renders', async () => {
    const { page, frame } = await open();
    await click(frame, byId('state-row', '[data-scope="devtools:filter"][data-key="state"]'));
    await editLeafIn(frame, '', ['show'], 'done');
    await page.waitForFunction(() => document.querySelector('#filter')?.textContent === 'done');
    expect(await shown(page, 'notes')).toBe('2:write the report ✓');
  });

  it("shows the Dexie tables beside the store; a row edited in the panel changes what the app reads", async () => {
    const { page, frame } = await open();
    await click(frame, byId('inspect-storage'));
    // Two runtimes now: the store (through the shim) and the page's storage.
    await frame.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 2);
    const storage = await frame.$$eval(`${byId('target-picker')} option`, (options) =>
      (options as HTMLOptionElement[]).find((option) => option.textContent?.includes('Page storage'))?.value ?? '',
    );
    expect(storage).not.toBe('');
    await frame.select(byId('target-picker'), storage);
    await click(frame, byId('tab-database'));
    await click(frame, byId('database-item', '[data-name="no-import-notes"]'));
    await click(frame, byId('table-item', '[data-table="notes"]'));
    await click(frame, byId('row', '[data-key="1"]'));
    await frame.waitForSelector(byId('row-editor', '[data-key="1"]'));
    await editLeafIn(frame, byId('row-editor'), ['text'], 'buy oat milk');
    await page.waitForFunction(() => (window as unknown as { app: App }).app.note(1).then((note) => note?.text === 'buy oat milk'));
    await page.evaluate(() => (window as unknown as { app: App }).app.render());
    expect(await shown(page, 'notes')).toContain('1:buy oat milk');
  });
});
