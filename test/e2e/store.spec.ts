import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

interface FixtureRead {
  ids: string[];
  scopes: string[];
  values: [string, unknown, number][];
  clientId: string;
  seen: string[];
}

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function openFixture(page: Page): Promise<FixtureRead> {
  await page.goto(`${served.origin}/fixtures/store/index.html`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  return page.evaluate(() => (window as unknown as { fixture: { read(): FixtureRead } }).fixture.read());
}

describe(`store in real ${BROWSER === 'firefox' ? 'Firefox' : 'Chromium'}`, () => {
  it('resolves component, client, user and global scopes and notifies a batch once', async () => {
    const page = await started.browser.newPage();
    const read = await openFixture(page);
    expect(read.scopes).toEqual([
      '$component:counter',
      `$client:${read.clientId}`,
      '$user:ada',
      'app',
    ]);
    expect(read.values).toEqual([
      ['count', 2, 2],
      ['draft', 'hello', 1],
      ['theme', 'dark', 1],
      ['todos', ['write tests'], 1],
    ]);
    expect(read.ids[0]).toBe(JSON.stringify(['$component:counter', 'count']));
    // Two sets of count inside one batch notify once.
    expect(read.seen.filter((event) => event === 'changed:count')).toHaveLength(1);
    await page.close();
  });

  it('keeps the client id of a tab across a reload, and gives another tab its own', async () => {
    const page = await started.browser.newPage();
    const first = await openFixture(page);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
    const again = await page.evaluate(() => (window as unknown as { fixture: { read(): FixtureRead } }).fixture.read());
    expect(again.clientId).toBe(first.clientId);
    expect(again.scopes).toContain(`$client:${first.clientId}`);

    const other = await started.browser.newPage();
    const elsewhere = await openFixture(other);
    expect(elsewhere.clientId).not.toBe(first.clientId);
    await Promise.all([page.close(), other.close()]);
  });
});
