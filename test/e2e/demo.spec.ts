import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// The demo app works on its own, without the extension: every stratum, in real Chromium (and in
// Firefox ESR from demo.firefox.spec.ts).
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function openDemo(page: Page, query = ''): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/demo/${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 }).catch((error: unknown) => {
    throw new Error(`demo did not start: ${errors.join('; ') || String(error)}`);
  });
}

const text = (page: Page, testid: string) =>
  page.$eval(`[data-testid="${testid}"]`, (element) => element.textContent ?? '');

describe('the demo app', () => {
  it('seeds notes in IndexedDB, edits one, attaches a drawing, and counts views atomically', async () => {
    const page = await started.browser.newPage();
    await openDemo(page);
    expect(await text(page, 'storage-status')).toMatch(/usable · database: indexeddb/);
    expect(await text(page, 'notes')).toContain('Welcome to Stratum');
    expect(await text(page, 'total')).toBe('1');

    await page.click('[data-testid="new-note-title"]');
    await page.keyboard.type('Groceries');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('[data-testid="editor"]')!.hidden);
    await page.type('[data-testid="body"]', 'milk, bread');
    await page.click('[data-testid="save"]');
    await page.click('[data-testid="attach-image"]');
    await page.waitForSelector('[data-testid="attachments"] img');

    const stored = await page.evaluate(async () => {
      const { db } = (window as unknown as { demo: { db: import('../../runtime/db/index.js').Database } }).demo;
      const notes = (await db.table('notes').query()) as { title: string; body: string }[];
      const blobs = await db.blobs.list();
      return { note: notes.find((note) => note.title === 'Groceries'), blobs: blobs.map((blob) => [blob.name, blob.type]) };
    });
    expect(stored.note?.body).toBe('milk, bread');
    expect(stored.blobs).toEqual([['drawing.png', 'image/png']]);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await text(page, 'total')).toBe('2');
    expect(await text(page, 'notes')).toContain('Groceries');
    await page.close();
  });

  it('keeps working when storage is unavailable, and says why', async () => {
    const page = await started.browser.newPage();
    await openDemo(page, '?storage=blocked');
    expect(await text(page, 'storage-status')).toMatch(/Storage unavailable, using memory: local: SecurityError/);
    await page.click('[data-testid="dark"]');
    expect(await page.evaluate(() => document.body.classList.contains('dark'))).toBe(true);
    await page.close();
  });
});
