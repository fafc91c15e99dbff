import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ElementHandle, Frame, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// Issue 22, parts 1 and 2, from the real panel in DevTools: search finds a state, a key and a row
// and opens each; Cancel stops a long scan; the query console explains a structured query and
// writes a labelled transaction the timeline shows. Read-only SQL runs on libSQL in a Node
// process through the standalone panel. power.firefox.spec.ts runs the same bodies in Firefox,
// where the panel is the same page as a tab.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
let opened: { page: Page; panel: PanelHandle } | undefined;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterEach(async () => {
  if (!opened) return;
  await opened.panel.close();
  await opened.page.close();
  opened = undefined;
});

afterAll(async () => {
  for (const child of children) child.kill();
  await Promise.all([started?.close(), served?.close()]);
});

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

async function click(frame: Frame | Page, selector: string): Promise<ElementHandle> {
  const element = await frame.waitForSelector(selector, { visible: true });
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((target) => {
    (target as HTMLElement).scrollIntoView({ block: 'nearest' });
    (target as HTMLElement).click();
  });
  return element;
}

/** Types into an input or textarea as a user would (Preact hears input events). */
async function fill(frame: Frame | Page, selector: string, text: string): Promise<void> {
  const field = await frame.waitForSelector(selector, { visible: true });
  // Emptied as a user's select-all and delete would, input event included: a field the panel
  // controls would otherwise get its old text back from any render before the typing ends, and
  // the typed text would be appended to it.
  await field!.evaluate((element) => {
    (element as HTMLInputElement).value = '';
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await field!.type(text);
  await frame.waitForFunction((element, wanted) => (element as HTMLInputElement).value === wanted, {}, field!, text);
}

async function choose(frame: Frame | Page, selector: string, value: string): Promise<void> {
  await frame.waitForSelector(selector);
  await frame.$eval(
    selector,
    (element, wanted) => {
      (element as HTMLSelectElement).value = wanted;
      element.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

async function open(rows = 30000): Promise<Frame> {
  const page = await started.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(`${served.origin}/fixtures/power/?rows=${rows}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  opened = { page, panel };
  await panel.frame.waitForSelector(byId('status', '[data-status="connected"]'));
  return panel.frame;
}

async function search(panel: Frame, query: string): Promise<void> {
  await click(panel, byId('tab-search'));
  await fill(panel, byId('search-input'), query);
  await click(panel, byId('search-run'));
}

const OUT = path.join(REPO_ROOT, 'out');

/** The panel as the README shows it (out/, copied to docs/screenshots/ by hand like standalone.png). */
async function shot(panel: Frame, name: string): Promise<void> {
  if (BROWSER === 'firefox') return;
  mkdirSync(OUT, { recursive: true });
  const body = await panel.$('body');
  await body!.screenshot({ path: path.join(OUT, name) });
}

const text = (frame: Frame | Page, selector: string) => frame.$eval(selector, (element) => element.textContent ?? '');

describe('search across every stratum (issue 22.1)', () => {
  it('finds a state, a webstorage key and a row, grouped, and a click opens each at its path', async () => {
    const panel = await open();
    await search(panel, 'zebra');
    await panel.waitForSelector(byId('search-progress', '[data-state="done"]'), { timeout: 60_000 });
    const groups = await panel.$$eval(byId('search-group'), (nodes) => nodes.map((node) => (node as HTMLElement).dataset.kind));
    expect(groups).toEqual(['state', 'webstorage', 'row']);
    const results = await panel.$$eval(byId('search-result'), (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(results.some((result) => result.startsWith('list.todos[1].title') && result.includes('feed the zebra'))).toBe(true);
    expect(results.some((result) => result.startsWith('zebraMode key'))).toBe(true);
    expect(results.some((result) => result.startsWith('777.title') && result.includes('a zebra crossing'))).toBe(true);
    expect(await text(panel, byId('search-progress'))).toMatch(/Done: 30,00\d of 30,00\d searched · 3 matches/);

    await click(panel, byId('search-result', '[data-kind="state"]'));
    await panel.waitForSelector(byId('state-detail', '[data-key="list"]'));
    // The value view opened down to the match.
    await panel.waitForSelector(byId('value-node', `[data-path='${JSON.stringify(['todos', 1, 'title'])}']`), { visible: true });

    await click(panel, byId('tab-search'));
    await click(panel, byId('search-result', '[data-kind="webstorage"]'));
    await panel.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes('stripes'), {}, byId('key-detail'));

    await click(panel, byId('tab-search'));
    await click(panel, byId('search-result', '[data-kind="row"]'));
    await panel.waitForSelector(byId('row-editor', '[data-key="777"]'));
    await panel.waitForSelector(`${byId('row-editor')} ${byId('value-node', `[data-path='${JSON.stringify(['title'])}']`)}`, { visible: true });
  });

  it('shows progress while tables are scanned, and Cancel stops the scan', async () => {
    const panel = await open(60000);
    await search(panel, 'no such text anywhere');
    // The progress line moves through the table before the user cancels.
    await panel.waitForFunction((selector) => /^Searching power \/ notes: [1-9]/.test(document.querySelector(selector)?.textContent?.trim() ?? ''), {}, byId('search-progress'));
    await click(panel, byId('search-cancel'));
    await panel.waitForSelector(byId('search-progress', '[data-state="cancelled"]'));
    const at = await text(panel, byId('search-progress'));
    const [scanned, total] = /Cancelled: ([\d,]+) of ([\d,]+)/.exec(at)!.slice(1).map((n) => Number(n.replace(/,/g, '')));
    expect(scanned).toBeLessThan(total!);
    // Nothing more arrives after the cancel.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await text(panel, byId('search-progress'))).toBe(at);
  });

  it('says in words that a regular expression does not parse', async () => {
    const panel = await open(100);
    await click(panel, byId('tab-search'));
    await choose(panel, byId('search-mode'), 'regex');
    await fill(panel, byId('search-input'), 'zeb(ra');
    await click(panel, byId('search-run'));
    await panel.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes('is not a regular expression'), {}, byId('toast-text'));
  });
});

describe('query console (issue 22.2)', () => {
  it('runs a structured query by index with a field condition, explains it, and copies it as code', async () => {
    const panel = await open(3000);
    await click(panel, byId('tab-database'));
    await click(panel, byId('database-item', '[data-name="power"]'));
    await click(panel, byId('view-console'));
    await choose(panel, byId('console-index'), 'byTag');
    await fill(panel, byId('console-eq'), 'red');
    await fill(panel, byId('console-limit'), '5');
    await click(panel, byId('console-add-filter'));
    await fill(panel, byId('console-filter-field'), 'author.name');
    await fill(panel, byId('console-filter-value'), 'ann');
    await click(panel, byId('console-run'));
    await panel.waitForSelector(byId('console-explain'));
    // Red rows are every third id; ann's are the odd ones: 3, 9, 15, 21, 27 first.
    expect(await text(panel, byId('console-explain'))).toMatch(/^index byTag · scanned 1000 · returned 5 of 500 · [\d.]+ ms/);
    expect(await panel.$$eval(byId('console-row'), (nodes) => nodes.map((node) => node.firstElementChild?.textContent))).toEqual(['3', '9', '15', '21', '27']);
    await click(panel, byId('console-history'));
    expect(await text(panel, byId('console-history-entry'))).toContain(`db.table("notes").query({ index: "byTag", range: { eq: "red" }, limit: 5 })).filter((row) => row.author.name === "ann")`);
    // A result opens in the row editor.
    await click(panel, byId('console-row'));
    await panel.waitForSelector(byId('row-editor', '[data-key="3"]'));
  });

  it('writes as one labelled transaction that lands in the timeline, which can restore it', async () => {
    const panel = await open(100);
    await click(panel, byId('tab-database'));
    await click(panel, byId('database-item', '[data-name="power"]'));
    await click(panel, byId('view-console'));
    await click(panel, byId('console-mode-write'));
    await fill(panel, byId('console-write-label'), 'retitle note 5');
    await fill(panel, byId('console-write-ops'), '[{"op":"put","table":"notes","value":{"id":5,"tag":"blue","title":"retitled","stars":0,"author":{"name":"ann"}}}]');
    await click(panel, byId('console-write-run'));
    await panel.waitForSelector(byId('console-written'));
    const page = opened!.page;
    expect(await page.evaluate(() => (window as unknown as { power: { db: { table(n: string): { get(k: number): Promise<{ title: string }> } } } }).power.db.table('notes').get(5))).toMatchObject({ title: 'retitled' });
    await click(panel, byId('tab-timeline'));
    await panel.waitForFunction(() => [...document.querySelectorAll('[data-testid="timeline-row"]')].some((row) => row.textContent?.includes('retitle note 5')));
    await panel.evaluate(() => ([...document.querySelectorAll('[data-testid="timeline-row"]')].find((row) => row.textContent?.includes('retitle note 5')) as HTMLElement).click());
    // The entry holds the row it wrote, so it offers to write it back later.
    await panel.waitForSelector(`${byId('timeline-detail')} ${byId('restore')}`, { visible: true });
    await shot(panel, 'console-write-timeline.png');
  });

  it('runs read-only SQL on a libSQL database, and the engine refuses a write in words', async () => {
    const token = randomBytes(12).toString('hex');
    const server = spawn(process.execPath, ['dist/tools/stratumjs.js', 'devtools', '--port', '0', '--no-open', '--token', token], { cwd: REPO_ROOT });
    children.push(server);
    const printed = await new Promise<string>((resolve) => createInterface({ input: server.stdout }).on('line', (line) => line.startsWith('Stratum devtools') && resolve(line)));
    const panelUrl = /(http:\/\/\S+)/.exec(printed)![1]!;
    const child = spawn(process.execPath, ['test/e2e/power/libsql-child.mjs', panelUrl.split('#')[0]!, token], { cwd: REPO_ROOT });
    children.push(child);
    await new Promise<void>((resolve) => createInterface({ input: child.stdout }).on('line', (line) => line.includes('"connected"') && resolve()));
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(panelUrl);
    await page.waitForSelector(byId('status', '[data-status="connected"]'));
    await click(page, byId('tab-database'));
    await click(page, byId('database-item', '[data-name="ledger"]'));
    await click(page, byId('view-console'));
    await click(page, byId('console-mode-sql'));
    await fill(page, byId('console-sql'), `SELECT count(*) AS n, max(v) AS last FROM "t:ledger/notes"`);
    await click(page, byId('console-sql-run'));
    await page.waitForSelector(byId('console-sql-rows'));
    expect(await page.$$eval(`${byId('console-sql-rows')} th`, (nodes) => nodes.map((node) => node.textContent))).toEqual(['n', 'last']);
    expect(await page.$eval(`${byId('console-sql-rows')} td`, (node) => node.textContent)).toBe('12n');
    await fill(page, byId('console-sql'), `DELETE FROM "t:ledger/notes"`);
    await click(page, byId('console-sql-run'));
    await page.waitForFunction((selector) => /read-only.*readonly database/.test(document.querySelector(selector)?.textContent ?? ''), {}, byId('toast-text'));
    // Nothing was deleted.
    await fill(page, byId('console-sql'), `SELECT count(*) FROM "t:ledger/notes"`);
    await click(page, byId('console-sql-run'));
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '12n', {}, `${byId('console-sql-rows')} td`);
    await fill(page, byId('console-sql'), `SELECT k, v FROM "t:ledger/notes" WHERE v LIKE '%entry 1%'`);
    await click(page, byId('console-sql-run'));
    await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 3, {}, `${byId('console-sql-rows')} tbody tr`);
    if (BROWSER === 'chromium') await page.screenshot({ path: path.join(OUT, 'console-sql.png') });
    await page.close();
  });
});
