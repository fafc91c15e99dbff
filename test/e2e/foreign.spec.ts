import type { Frame, Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { addRowAt, byId, click, editLeafIn } from './harness/dom.js';

// Issue 21 parts 2–4 in the real panel: a Dexie app with webstorage keys and no Stratum import
// (fixtures/foreign). "Inspect this page's storage" starts the inspector in the content script;
// the Database and Storage tabs then show and edit what the app reads. foreign.firefox.spec.ts
// runs the same bodies in Firefox ESR.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
let opened: { page: Page; panel: PanelHandle } | undefined;

interface App {
  friend(id: number): Promise<{ name: string; age: number } | undefined>;
  setAge(id: number, age: number): Promise<void>;
  keyIntact(): Promise<{ cryptoKey: boolean; note: string | undefined }>;
  upgrade(): Promise<number>;
  theme(): string | null;
  prefs(): string | null;
  draft(): string | null;
}
const call = <R>(page: Page, fn: (app: App) => R | Promise<R>) => page.evaluate(`(${fn.toString()})(window.app)`) as Promise<R>;

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

/** Opens the fixture and its panel, and asks for the page's storage. `before` runs in the page first. */
async function inspect(before?: (page: Page) => Promise<unknown>): Promise<{ page: Page; frame: Frame }> {
  const page = await started.browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/foreign/`);
  await page.waitForSelector('body[data-ready="true"]');
  expect(errors).toEqual([]);
  await before?.(page);
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  opened = { page, panel };
  const frame = panel.frame;
  // No runtime answers: the panel says so, and offers the page's storage instead.
  await frame.waitForSelector('[data-testid="status"][data-status="no-runtime"]');
  await click(frame, byId('inspect-storage'));
  await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
  expect(await frame.$eval(byId('status'), (element) => element.textContent ?? '')).toContain('Page storage (no Stratum runtime)');
  return { page, frame };
}

async function openTable(frame: Frame, table: string): Promise<void> {
  await click(frame, byId('tab-database'));
  await click(frame, byId('database-item', '[data-name="friends-app"]'));
  await click(frame, byId('table-item', `[data-table="${table}"]`));
}

describe(`a page with no Stratum runtime, in the real panel (${BROWSER})`, () => {
  it('shows the Dexie database with its tables, indexes and counts, and a row edited by field changes what the app reads', async () => {
    const { page, frame } = await inspect();
    await click(frame, byId('tab-database'));
    const item = await frame.waitForSelector(byId('database-item', '[data-name="friends-app"]'));
    const text = await item!.evaluate((element) => element.textContent ?? '');
    // Dexie's schema as IndexedDB holds it: version 1 is 10 in IndexedDB (Dexie multiplies by 10).
    expect(text).toContain('friends');
    expect(text).toContain('settings');
    expect(text).toMatch(/tags.*multiEntry/);
    await openTable(frame, 'friends');
    await frame.waitForFunction(() => document.querySelector('[data-testid="row-total"]')?.textContent?.includes('3'));
    await click(frame, byId('row', '[data-key="1"]'));
    await frame.waitForSelector(byId('row-editor', '[data-key="1"]'));
    await editLeafIn(frame, byId('row-editor'), ['age'], '37');
    await page.waitForFunction(() => (window as unknown as { app: App }).app.friend(1).then((friend) => friend?.age === 37));
    expect(await call(page, (app) => app.friend(1))).toMatchObject({ name: 'Ada', age: 37 });
  });

  it('refuses an edit over a row the app changed meanwhile, and keeps a CryptoKey when another field is edited', async () => {
    const { page, frame } = await inspect();
    await openTable(frame, 'friends');
    await click(frame, byId('row', '[data-key="2"]'));
    await frame.waitForSelector(byId('row-editor', '[data-key="2"]'));
    // The app moves on after the panel read the row; the panel's edit carries what it saw.
    await call(page, (app) => app.setAge(2, 50));
    await editLeafIn(frame, byId('row-editor'), ['age'], '99');
    const conflict = await frame.waitForSelector(byId('conflict'));
    expect(await conflict!.evaluate((element) => element.textContent ?? '')).toMatch(/changed since the panel read it/);
    expect(await call(page, (app) => app.friend(2))).toMatchObject({ age: 50 });
    await click(frame, byId('conflict-reload'));

    await click(frame, byId('table-item', '[data-table="settings"]'));
    await click(frame, byId('row', '[data-index="0"]'));
    await frame.waitForSelector(byId('row-editor'));
    await editLeafIn(frame, byId('row-editor'), ['note'], 'rotate monthly');
    await page.waitForFunction(() => (window as unknown as { app: App }).app.keyIntact().then((row) => row.note === 'rotate monthly'));
    expect(await call(page, (app) => app.keyIntact())).toEqual({ cryptoKey: true, note: 'rotate monthly' });
  });

  it("adds a row to a store whose keys are out of line (localForage's layout) at the key typed in Add row", async () => {
    /** localForage's store: no key path, keys beside the values, in a database of its own. */
    const kv = (page: Page, what: 'make' | 'read') =>
      page.evaluate(
        (make) =>
          new Promise<unknown>((resolve, reject) => {
            const open = indexedDB.open('kv-store', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('keyvaluepairs').put('dark', 'theme');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const db = open.result;
              if (make) return resolve((db.close(), null));
              const read = db.transaction('keyvaluepairs').objectStore('keyvaluepairs').get('colors');
              read.onsuccess = () => resolve((db.close(), read.result));
              read.onerror = () => reject(read.error);
            }
          }),
        what === 'make',
      );
    const { page, frame } = await inspect((page) => kv(page, 'make'));
    await click(frame, byId('tab-database'));
    await click(frame, byId('database-item', '[data-name="kv-store"]'));
    await click(frame, byId('table-item', '[data-table="keyvaluepairs"]'));
    await frame.waitForSelector(byId('row', '[data-index="0"]'));
    await addRowAt(frame, 'colors', '["red", "green"]');
    expect(await kv(page, 'read')).toEqual(['red', 'green']);
  });

  it('edits localStorage keys: JSON as a value, a plain string as a string', async () => {
    const { page, frame } = await inspect();
    await click(frame, byId('tab-storage'));
    await click(frame, byId('storage-item', '[data-kind="local"]'));
    await click(frame, byId('key-row', '[data-key="prefs"]'));
    await editLeafIn(frame, byId('key-detail'), ['fontSize'], '16');
    await page.waitForFunction(() => (window as unknown as { app: App }).app.prefs() === '{"fontSize":16,"compact":false}');
    await click(frame, byId('key-row', '[data-key="theme"]'));
    await editLeafIn(frame, byId('key-detail'), [], 'light');
    await page.waitForFunction(() => (window as unknown as { app: App }).app.theme() === 'light');
    await click(frame, byId('storage-item', '[data-kind="session"]'));
    await frame.waitForSelector(byId('key-row', '[data-key="draft"]'));
  });

  it('lists Cache Storage and OPFS read-only with their sizes', async () => {
    const { frame } = await inspect();
    await click(frame, byId('tab-database'));
    await click(frame, byId('origin-stores-load'));
    const cache = await frame.waitForSelector(byId('cache-storage', '[data-name="fixture-cache"]'));
    expect(await cache!.evaluate((element) => element.textContent ?? '')).toMatch(/1 entry · 16 B/);
    await frame.waitForSelector(`${byId('opfs')}, ${byId('opfs-unavailable')}`);
    const file = await frame.waitForSelector(byId('opfs-file', '[data-path="/notes.txt"]'));
    expect(await file!.evaluate((element) => element.textContent ?? '')).toMatch(/12 B/);
  });

  it('beside a Stratum runtime: the page storage is a second target in the picker', async () => {
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(`${served.origin}/fixtures/demo/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate(() => localStorage.setItem('other-lib', '{"token":"abc"}'));
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    opened = { page, panel };
    const frame = panel.frame;
    await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
    await click(frame, byId('inspect-storage'));
    await frame.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent?.includes('Page storage'));
    const options = await frame.$$eval(`${byId('target-picker')} option`, (list) => list.map((option) => option.textContent ?? ''));
    expect(options).toHaveLength(2);
    await click(frame, byId('tab-storage'));
    await click(frame, byId('storage-item', '[data-kind="local"]'));
    await frame.waitForSelector(byId('key-row', '[data-key="other-lib"]'));
    // Stratum's own keys (behind its marker) stay in the runtime's view.
    const keys = await frame.$$eval(byId('key-row'), (rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(keys.some((key) => key?.startsWith('notes:'))).toBe(false);
  });

  it("beside a runtime that redacts: its database is listed with why, no row of it reaches the panel; another library's database still shows", async () => {
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(`${served.origin}/fixtures/agent/redacted-db.html`);
    await page.waitForSelector('body[data-ready="true"]');
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    opened = { page, panel };
    const frame = panel.frame;
    await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
    await click(frame, byId('inspect-storage'));
    await frame.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent?.includes('Page storage'));
    await click(frame, byId('tab-database'));
    // Tables show under the selected database; earlier tests may have left other databases first in the list.
    await click(frame, byId('database-item', '[data-name="other-lib"]'));
    await frame.waitForSelector(`${byId('database-item', '[data-name="other-lib"]')} ${byId('table-item', '[data-table="kv"]')}`);
    await click(frame, byId('database-item', '[data-name="secrets-app"]'));
    const reason = await frame.waitForSelector(`${byId('database-item', '[data-name="secrets-app"]')} ${byId('database-reason')}`);
    expect(await reason!.evaluate((element) => element.textContent ?? '')).toContain("shown in the Stratum runtime's view");
    expect(await frame.$(`${byId('database-item', '[data-name="secrets-app"]')} ${byId('table-item')}`)).toBeNull();
    // Nothing the runtime hides is anywhere in the panel's document.
    expect(await frame.evaluate(() => document.body.textContent?.includes('s3cret-token'))).toBe(false);
  });

  it('the app upgrades its database while the panel has it open, and the upgrade succeeds', async () => {
    const { page, frame } = await inspect();
    await openTable(frame, 'friends');
    await frame.waitForSelector(byId('row', '[data-key="1"]'));
    // Dexie's version 2 is IndexedDB version 20: it would wait forever on a panel that held on.
    const version = await Promise.race([call(page, (app) => app.upgrade()), new Promise<string>((resolve) => setTimeout(() => resolve('blocked'), 10_000))]);
    expect(version).toBe(2);
    await click(frame, byId('refresh'));
    await frame.waitForFunction(() => document.querySelector('[data-testid="database-item"][data-name="friends-app"] [data-testid="database-version"]')?.textContent === 'v20');
    // The panel reads it again at the new version.
    await openTable(frame, 'friends');
    await frame.waitForSelector(byId('row', '[data-key="1"]'));
  });
});
