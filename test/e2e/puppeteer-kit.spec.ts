import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, diff, openPanel, restore, snapshot, StratumError, type StratumClient } from '../../runtime/puppeteer/index.js';
import { kitPage, tabIdOf } from '../../runtime/puppeteer/extension.js';
import { stopBackground, stoppableBrowser } from './harness/background.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// stratumjs/puppeteer against the demo app: the same protocol and background as the panel.
// Chromium here; puppeteer-kit.firefox.spec.ts runs these same tests in Firefox.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function openDemo(): Promise<{ page: Page; client: StratumClient }> {
  const page = await started.browser.newPage();
  await page.goto(`${served.origin}/fixtures/demo/`);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, client: await connect(page) };
}

describe(`stratumjs/puppeteer connect() in ${BROWSER}`, () => {
  it('reads every stratum of the demo app', async () => {
    const { page, client } = await openDemo();
    const states = await client.states();
    expect(states.map((state) => state.key)).toEqual(expect.arrayContaining(['notes', 'filter', 'selected', 'draft', 'prefs', 'views']));
    expect(states.find((state) => state.key === 'prefs')?.persistence).toBe('local');
    expect(await client.state({ key: 'draft', component: 'note-editor' }).get()).toBe('');

    const notes = await client.db('notes').table<{ title: string }>('notes').query({ index: 'updated', direction: 'prev' });
    expect(notes.map((note) => note.title)).toEqual(['Try editing', 'Welcome to Stratum']);
    expect(await client.db('notes').table('notes').count()).toBe(2);
    expect(await client.storage('local', { namespace: 'notes' }).get('visits')).toBeGreaterThanOrEqual(1);
    const storages = await client.webstorages();
    expect(storages.find((storage) => storage.kind === 'local' && storage.namespace === 'notes')?.available).toBe(true);
    await client.close();
    await page.close();
  });

  it('attaches to the page it is given: two pages at one URL, and an app that moved with pushState (14.17)', async () => {
    const open = async () => {
      const page = await started.browser.newPage();
      await page.goto(`${served.origin}/fixtures/demo/`);
      await page.waitForSelector('body[data-ready="true"]');
      return page;
    };
    const first = await open();
    const second = await open();
    const read = (page: Page) => page.evaluate(() => sessionStorage.getItem('notes:filter') ?? '');
    // The first page, although a newer tab has the same URL.
    const client = await connect(first);
    await client.storage('session', { namespace: 'notes' }).set('filter', 'for the first page');
    expect(await read(first)).toContain('for the first page');
    expect(await read(second)).not.toContain('for the first page');
    await client.close();
    // A router moved the second page (no reload): it is still found.
    await second.evaluate(() => history.pushState({}, '', '#/routed'));
    const routed = await connect(second, { timeout: 5000 });
    await routed.storage('session', { namespace: 'notes' }).set('filter', 'for the routed page');
    expect(await read(second)).toContain('for the routed page');
    expect(await read(first)).not.toContain('for the routed page');
    await routed.close();
    await Promise.all([first.close(), second.close()]);
  });

  it('edits state, webstorage and rows, and the page follows', async () => {
    const { page, client } = await openDemo();
    await client.state({ key: 'prefs', scope: '$user' }).set({ dark: true });
    expect(await page.evaluate(() => document.body.classList.contains('dark'))).toBe(true);

    await client.state({ key: 'filter', scope: 'app' }).set('welcome');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="notes"] li').length === 1);
    await client.state({ key: 'filter', scope: 'app' }).set('');

    await client.storage('session', { namespace: 'notes' }).set('filter', 'from the kit');
    expect(await page.evaluate(() => sessionStorage.getItem('notes:filter'))).toContain('from the kit');

    const table = client.db('notes').table<{ id: number; title: string; body: string; tags: string[]; updated: number }>('notes');
    const [first] = await table.query({ range: { eq: 1 } });
    await table.put({ ...first!, title: 'Renamed by a test' });
    await page.waitForFunction(() => document.querySelector('[data-testid="notes"]')?.textContent?.includes('Renamed by a test'));
    await client.close();
    await page.close();
  });

  it('reads blobs byte for byte and waits for app changes', async () => {
    const { page, client } = await openDemo();
    await page.click('[data-testid="note-1"]');
    await page.click('[data-testid="attach-text"]');
    // The demo lists the attachment once its IndexedDB writes committed.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="attachments"] li a')].some((link) => link.getAttribute('download') === 'note.txt'));
    const [blob] = await client.blobs('notes').list().then((blobs) => blobs.filter((item) => item.name === 'note.txt'));
    expect(blob?.type).toBe('text/plain');
    const bytes = await client.blobs('notes').read(blob!.id);
    expect(new TextDecoder().decode(bytes)).toBe('Open DevTools → Stratum to see this note in the Database tab.');

    await page.click('[data-testid="dark"]');
    const snapshot = await client.waitFor((current) =>
      current.stores.some((store) => store.scopes.some((scope) => scope.states.some((state) => state.key === 'prefs' && state.version > 0))),
    );
    expect(snapshot.stores.length).toBeGreaterThan(0);
    await client.close();
    await page.close();
  });

  it('throws the runtime words for a missing state and an unknown table', async () => {
    const { page, client } = await openDemo();
    await expect(client.state({ key: 'nope', scope: 'app' }).get()).rejects.toThrow(/No state app\/nope on the page/);
    await expect(client.db('notes').table('nope').query()).rejects.toBeInstanceOf(StratumError);
    await client.close();
    await page.close();
  });

  it("reads the kit page's event log whole, the full snapshot after a panel's hello included", async () => {
    // Firefox: WebDriver BiDi sends an object met twice in one result once, and puppeteer 24 reads
    // its second place as undefined; the kit once logged one snapshot object as two events (the
    // response to its own snapshot request, made when a snapshot carries previews, as the one
    // pushed when a panel says hello does, and the snapshot event).
    const { page, client } = await openDemo();
    const kit = await kitPage(started.browser);
    const { handle } = await kit.evaluate((tab) => window.stratumKit.attach(tab), await tabIdOf(page));
    const read = () => kit.evaluate((h) => window.stratumKit.events(h), handle);
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    await panel.frame.waitForSelector('[data-testid="status"][data-status="connected"]');
    await expect.poll(async () => (await read()).filter((event) => event.event === 'snapshot').length).toBeGreaterThanOrEqual(2);
    const events = await read();
    expect(events.filter((event) => event.payload === undefined).map((event) => event.event)).toEqual([]);
    const snapshots = events.filter((event) => event.event === 'snapshot').map((event) => event.payload as { stores: { name: string }[] });
    expect(snapshots.at(-1)!.stores.map((store) => store.name)).toContain('notes-app');
    await kit.evaluate((h) => window.stratumKit.close(h), handle);
    await Promise.all([panel.close(), client.close()]);
    await page.close();
  });

  it('keeps working after the service worker is stopped', async () => {
    // Firefox: its event page, suspended when idle, in a browser of its own (see harness/background.ts).
    const stoppable = await stoppableBrowser(started);
    try {
      const page = await stoppable.browser.newPage();
      await page.goto(`${served.origin}/fixtures/demo/`);
      await page.waitForSelector('body[data-ready="true"]');
      const client = await connect(page);
      await stopBackground(stoppable.browser, page); // the background really went away, and every port with it
      const since = Date.now();
      await page.click('[data-testid="dark"]');
      // The next command goes through a restarted background and reconnected ports.
      await expect.poll(async () => client.state<{ dark: boolean }>({ key: 'prefs', scope: '$user' }).get().catch(() => undefined), { timeout: 15_000 }).toEqual({ dark: true });
      console.log(`recovered ${Date.now() - since} ms after the ${BROWSER} background was stopped`);
      await client.close();
      await page.close();
    } finally {
      await stoppable.release();
    }
  });
});

describe(`stratumjs/puppeteer for people driving the panel in ${BROWSER}`, () => {
  it('opens 1400×900 pages and a panel where puppeteer\'s own clicks land', async () => {
    const page = await started.browser.newPage();
    await page.goto(`${served.origin}/fixtures/demo/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.evaluate(() => [window.innerWidth, window.innerHeight])).toEqual([1400, 900]);
    const panel = await openPanel(page);
    try {
      expect(panel.where).toBe(BROWSER === 'firefox' ? 'tab' : 'devtools');
      await panel.frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      // Docked, DevTools left the panel ~550 px; openPanel undocks it to the whole window.
      expect(await panel.frame.evaluate(() => window.innerWidth)).toBeGreaterThanOrEqual(1300);
      // frame.click moves puppeteer's mouse to the element's coordinates: it must hit the panel.
      await panel.frame.click('[data-testid="tab-database"]');
      await panel.frame.waitForSelector('[data-testid="database-item"][data-name="notes"]');
      await panel.frame.click('[data-testid="tab-state"]');
      await panel.frame.click('[data-testid="state-row"][data-key="views"]');
      await panel.frame.waitForFunction(() => document.querySelector('[data-testid="state-detail"]')?.textContent?.includes('views'));
    } finally {
      await panel.close();
      await page.close();
    }
  });
});

describe(`stratumjs/puppeteer snapshots in ${BROWSER}`, () => {
  it('snapshots the demo, restores it after changes, and into a fresh profile; diff is then empty', async () => {
    const { page, client } = await openDemo();
    await client.close();
    const before = await snapshot(page);
    expect(before.databases.map((database) => database.name)).toContain('notes');

    await page.type('[data-testid="new-note-title"]', 'Temporary');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="notes"]')?.textContent?.includes('Temporary'));
    expect(await diff(before, await snapshot(page))).not.toEqual([]);

    const summary = await restore(page, before);
    expect(JSON.stringify(summary)).toMatch(/notes/);
    await page.waitForFunction(() => !document.querySelector('[data-testid="notes"]')?.textContent?.includes('Temporary'));

    // A fresh profile, seeded from the file: the test starts from a known app state.
    const fresh = await startBrowser({ extension: true, browser: BROWSER });
    try {
      const other = await fresh.browser.newPage();
      await other.goto(`${served.origin}/fixtures/demo/`);
      await other.waitForSelector('body[data-ready="true"]');
      await restore(other, before);
      const differences = (await diff(before, await snapshot(other))).filter(
        // The visit counters count this very page load; everything else must match.
        (difference) => !JSON.stringify(difference.path).match(/visits|views/),
      );
      expect(differences).toEqual([]);
    } finally {
      await fresh.close();
    }
    await page.close();
  });

  it('refuses a truncated or newer snapshot and applies nothing', async () => {
    const { page, client } = await openDemo();
    const file = await snapshot(page);
    const text = JSON.stringify(file);
    await expect(restore(page, text.slice(0, text.length / 2))).rejects.toThrow(/snapshot/i);
    await expect(restore(page, { ...file, version: file.version + 1 })).rejects.toThrow(/newer|version/i);
    expect(await diff(file, await snapshot(page))).toEqual([]);
    await client.close();
    await page.close();
  });
});
