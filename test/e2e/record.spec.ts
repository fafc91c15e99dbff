/**
 * Issue 23's "done when", in real Chromium with the real DevTools panel (record.firefox.spec.ts
 * runs it in Firefox with the panel as a tab; the generated test launches its own default
 * browser either way): a session recorded in the panel on the demo app replays into a fresh
 * profile (the panel's replay control) with an empty diff against the recording's own end; the
 * test file "Copy as test" writes passes with vitest as written; a migration rehearsal shows a
 * successful upgrade's diff and a failing upgrade's row and error, from the panel and the kit, and
 * the app's real database is not touched.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ElementHandle, Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff, openPanel, parseRecording, rehearseUpgrade, snapshot, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { byId, click } from './harness/dom.js';

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
const scratch = mkdtempSync(path.join(tmpdir(), 'stratum-record-'));
// Inside the repository, so `stratumjs/puppeteer` resolves to this package as it would in an app's.
const generated = path.join(REPO_ROOT, 'out', 'record-e2e');

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
  rmSync(scratch, { recursive: true, force: true });
  rmSync(generated, { recursive: true, force: true });
});

async function upload(frame: Frame, testid: string, file: string): Promise<void> {
  const input = (await frame.waitForSelector(byId(testid))) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(file);
}

async function openApp(page: Page, url: string): Promise<PanelHandle> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  await panel.frame.waitForSelector('[data-testid="status"][data-status="connected"]');
  await click(panel.frame, byId('tab-record'));
  return panel;
}

const text = (frame: Frame, testid: string) => frame.$eval(byId(testid), (element) => element.textContent ?? '');

describe('record, replay, copy as test', () => {
  it('records a session in the panel, replays it into a fresh profile with an empty diff, and the generated test passes as written', async () => {
    const page = await started.browser.newPage();
    const panel = await openApp(page, `${served.origin}/fixtures/demo/`);
    const frame = panel.frame;

    await click(frame, byId('record-start'));
    await frame.waitForFunction((selector) => /Recording…/.test(document.querySelector(selector)?.textContent ?? ''), {}, byId('record-status'));
    // A user's session: a new note, typed and saved, a text attachment, dark mode, a filter.
    await page.click('[data-testid="new-note-title"]');
    await page.keyboard.type('Bug repro');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('[data-testid="editor"]')!.hidden);
    await page.type('[data-testid="body"]', 'steps');
    await page.click('[data-testid="save"]');
    await page.click('[data-testid="attach-text"]');
    await page.waitForSelector('[data-testid="attachments"] li');
    await page.click('[data-testid="dark"]');
    await page.type('[data-testid="search"]', 'bug');
    await frame.waitForFunction((selector) => Number(/(\d+) changes/.exec(document.querySelector(selector)?.textContent ?? '')?.[1] ?? 0) >= 15, {}, byId('record-status'));

    await click(frame, byId('record-stop'));
    const loaded = await frame.waitForSelector(byId('record-loaded'));
    const total = Number(await loaded!.evaluate((element) => element.getAttribute('data-changes')));
    expect(total).toBeGreaterThanOrEqual(15);
    expect(await frame.$$eval(byId('record-change'), (items) => items.map((item) => item.textContent ?? '').join('\n'))).toMatch(/blobs\.put/);

    await click(frame, byId('record-copy-test'));
    const testFile = await frame.$eval(byId('record-test-text'), (area) => (area as HTMLTextAreaElement).value);
    const line = /^const recording = (.*) as unknown as RecordingFile;$/m.exec(testFile);
    expect(line).not.toBeNull();
    const recording = parseRecording(line![1]!);
    expect(recording.changes.length).toBe(total);
    expect(recording.changes.some((change) => change.kind === 'db' && change.ops.some((op) => op.table === '$blobdata' && op.op === 'put'))).toBe(true);
    expect(Object.keys(recording.bytes).length).toBe(1);
    const file = path.join(scratch, 'session.json');
    writeFileSync(file, JSON.stringify(recording));
    await panel.close();
    await page.close();

    // A fresh profile: its own browser, the app loaded, the recording loaded in its panel.
    const fresh = await startBrowser({ extension: true, browser: BROWSER });
    try {
      const other = await fresh.browser.newPage();
      const replayPanel = await openApp(other, `${served.origin}/fixtures/demo/`);
      await upload(replayPanel.frame, 'record-load-input', file);
      await replayPanel.frame.waitForSelector(byId('record-loaded', `[data-changes="${total}"]`));
      await click(replayPanel.frame, byId('replay-step'));
      await replayPanel.frame.waitForSelector(byId('record-loaded', '[data-position="1"]'));
      expect(await text(replayPanel.frame, 'replay-position')).toBe(`at change 1 of ${total}`);
      const input = await replayPanel.frame.waitForSelector(byId('replay-goto-input'));
      await input!.type(String(total));
      await click(replayPanel.frame, byId('replay-goto'));
      await replayPanel.frame.waitForSelector(byId('record-loaded', `[data-position="${total}"]`), { timeout: 30_000 });
      expect(await diff(recording.end, await snapshot(other))).toEqual([]);
      expect(await other.$eval('[data-testid="notes"]', (element) => element.textContent)).toContain('Bug repro');
      await replayPanel.close();
    } finally {
      await fresh.close();
    }

    // The generated file, as written, in a project whose vitest includes it.
    mkdirSync(generated, { recursive: true });
    writeFileSync(path.join(generated, 'bug-repro.test.ts'), testFile);
    writeFileSync(path.join(generated, 'vitest.config.mjs'), "export default { test: { include: ['*.test.ts'] } };\n");
    const run = await promisify(execFile)('npx', ['vitest', 'run', '--root', '.', '--config', 'vitest.config.mjs'], { cwd: generated, timeout: 180_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}\n(exit: failed)` }),
    );
    expect(`${run.stdout}\n${run.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+1 passed \(1\)/);
    expect(run.stderr).not.toMatch(/exit: failed/);
  }, 300_000);
});

describe('migration rehearsal', () => {
  it('shows a successful upgrade\'s diff and a failing upgrade\'s row and error, and never touches the app\'s database', async () => {
    const page = await started.browser.newPage();
    // The app at schema version 1, as a user has it: two items, then one a user typed oddly.
    await page.goto(`${served.origin}/fixtures/rehearsal/?version=1`);
    await page.waitForSelector('body[data-ready="true"]');
    const good = await snapshot(page, { path: path.join(scratch, 'shop-v1.json') });
    expect(good.databases.find((db) => db.name === 'shop')?.version).toBe(1);
    await page.evaluate(() => (window as unknown as { shop: { db: { table(n: string): { put(v: object): Promise<unknown> } } } }).shop.db.table('items').put({ id: 3, name: 'Gift card', price: 'n/a' }));
    await snapshot(page, { path: path.join(scratch, 'shop-v1-bad.json') });
    await page.evaluate(() => (window as unknown as { shop: { db: { delete(): Promise<void> } } }).shop.db.delete());

    // Today's app, at version 2, with its own data.
    const panel = await openApp(page, `${served.origin}/fixtures/rehearsal/`);
    const frame = panel.frame;
    const real = () =>
      page.evaluate(async () => {
        const { db } = (window as unknown as { shop: { db: { version: number; table(n: string): { query(): Promise<unknown[]> } } } }).shop;
        return { version: db.version, rows: await db.table('items').query() };
      });
    const before = await real();
    expect(before).toEqual({ version: 2, rows: [{ id: 1, name: 'Real tea', priceCents: 420 }] });

    await upload(frame, 'rehearse-input', path.join(scratch, 'shop-v1.json'));
    const ok = await frame.waitForSelector(byId('rehearsal-ok', '[data-database="shop"]'));
    expect(await ok!.evaluate((element) => element.textContent)).toMatch(/version 1 → 2: the upgrade succeeded/);
    const paths = await frame.$$eval(byId('snapshot-diff-row'), (rows) => rows.map((row) => row.getAttribute('data-path')));
    expect(paths).toEqual(expect.arrayContaining([JSON.stringify(['row', 'shop', 'items', 1, 'price']), JSON.stringify(['row', 'shop', 'items', 1, 'priceCents']), JSON.stringify(['row', 'shop', 'items', 2, 'priceCents'])]));

    await upload(frame, 'rehearse-input', path.join(scratch, 'shop-v1-bad.json'));
    await frame.waitForSelector(byId('rehearsal-failed'));
    expect(await text(frame, 'rehearsal-error')).toMatch(/TypeError: item 3 has no price in euros to convert \("n\/a"\)/);
    expect(await text(frame, 'rehearsal-row-key')).toBe('3');
    expect(await text(frame, 'rehearsal-rollback')).toMatch(/rolled back/);

    // The kit says the same.
    const { rehearsals } = await rehearseUpgrade(page, { path: path.join(scratch, 'shop-v1-bad.json') });
    expect(rehearsals).toMatchObject([{ database: 'shop', ok: false, error: { name: 'TypeError' }, row: { table: 'items', key: 3, value: { id: 3, name: 'Gift card', price: 'n/a' } }, rolledBack: true }]);
    expect((await rehearseUpgrade(page, good)).rehearsals[0]).toMatchObject({ ok: true, from: 1, to: 2 });

    expect(await real()).toEqual(before);
    // The copies lived in memory and are gone: nothing of them reached IndexedDB.
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));
    expect(names).toContain('shop');
    expect(names.filter((name) => name.startsWith('stratum-rehearsal'))).toEqual([]);
    await panel.close();
    await page.close();
  }, 120_000);
});
