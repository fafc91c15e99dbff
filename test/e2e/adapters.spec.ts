import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openPanel, type StratumClient } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { byId, click, editLeaf, node } from './harness/dom.js';

// Issue 21 part 1 in a real browser through the extension (stratumjs/puppeteer speaks the
// panel's protocol): a page built on zustand and Redux Toolkit, each shown by one adapter call.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

interface App {
  cart(): { sku: string; qty: number }[];
  add(sku: string): void;
  todos(): string[];
  addTodo(text: string): void;
  labels(): string[];
}
const app = (page: Page) => ({
  call: <R>(fn: (app: App) => R) => page.evaluate(`(${fn.toString()})(window.app)`) as Promise<R>,
});

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function open(): Promise<{ page: Page; client: StratumClient }> {
  const page = await started.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/adapters/`);
  await page.waitForSelector('body[data-ready="true"]');
  expect(errors).toEqual([]);
  return { page, client: await connect(page) };
}

describe('adapters in a real page', () => {
  it('a zustand store: shown live as zustand:cart, edited by path through setState', async () => {
    const { page, client } = await open();
    try {
      const cart = client.state<{ items: { sku: string; qty: number }[] }>({ key: 'state', scope: 'zustand:cart' });
      expect(await cart.get()).toEqual({ items: [{ sku: 'milk', qty: 1 }] });
      await app(page).call((a) => a.add('tea'));
      await client.waitFor((snapshot) => JSON.stringify(snapshot).includes('tea'));
      await cart.edit(['items', 1, 'qty'], 3);
      expect(await app(page).call((a) => a.cart())).toEqual([{ sku: 'milk', qty: 1 }, { sku: 'tea', qty: 3 }]);
      // The store's own action still works after the edit.
      await app(page).call((a) => a.add('jam'));
      expect((await cart.get()).items.map((item) => item.sku)).toEqual(['milk', 'tea', 'jam']);
    } finally {
      await client.close();
      await page.close();
    }
  });

  it('a Redux Toolkit store: action types are the labels, an earlier state is restored', async () => {
    const { page, client } = await open();
    try {
      const todos = client.state<{ list: string[] }>({ key: 'state', scope: 'redux:todos' });
      await app(page).call((a) => a.addTodo('ship it'));
      const earlier = await todos.get();
      expect(earlier).toEqual({ list: ['write tests', 'ship it'] });
      await app(page).call((a) => a.addTodo('celebrate'));
      expect(await app(page).call((a) => a.labels())).toEqual(['todos/added', 'todos/added']);
      await todos.set(earlier);
      expect(await app(page).call((a) => a.todos())).toEqual(['write tests', 'ship it']);
      await app(page).call((a) => a.addTodo('again'));
      expect(await app(page).call((a) => a.todos())).toEqual(['write tests', 'ship it', 'again']);
    } finally {
      await client.close();
      await page.close();
    }
  });

  it('the real panel: the zustand store is in the State tab under its scope; a field edited there changes the app', async () => {
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(`${served.origin}/fixtures/adapters/`);
    await page.waitForSelector('body[data-ready="true"]');
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      await frame.waitForSelector(byId('state-row', '[data-scope="redux:todos"][data-key="state"]'));
      await click(frame, byId('state-row', '[data-scope="zustand:cart"][data-key="state"]'));
      // The value view opens collapsed below the top level: unfold the list and its first item.
      await click(frame, `${node(['items'])} ${byId('value-toggle')}`);
      await click(frame, `${node(['items', 0])} ${byId('value-toggle')}`);
      await editLeaf(frame, ['items', 0, 'qty'], '5');
      await page.waitForFunction(() => (window as unknown as { app: App }).app.cart()[0]!.qty === 5);
      // And the other way: the app's action shows up in the open panel.
      await app(page).call((a) => a.add('bread'));
      await frame.waitForSelector(node(['items', 1]));
    } finally {
      await panel.close();
      await page.close();
    }
  });

  it('the real panel: Redux action types label the history, and "Restore this" puts an earlier state back', async () => {
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(`${served.origin}/fixtures/adapters/`);
    await page.waitForSelector('body[data-ready="true"]');
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      await click(frame, byId('state-row', '[data-scope="redux:todos"][data-key="state"]'));
      const position = () => frame.$eval(byId('history-position'), (element) => element.textContent ?? '');
      await app(page).call((a) => a.addTodo('ship it'));
      await frame.waitForFunction(() => document.querySelector('[data-testid="history-position"]')?.textContent?.startsWith('v1 (now)'));
      await app(page).call((a) => a.addTodo('celebrate'));
      await frame.waitForFunction(() => document.querySelector('[data-testid="history-position"]')?.textContent?.startsWith('v2 (now)'));
      expect(await position()).toContain('todos/added');
      // Back one step on the slider (a preview), then restore it.
      await frame.$eval(byId('history-slider'), (slider) => {
        (slider as HTMLInputElement).value = '1';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await click(frame, byId('history-restore'));
      await page.waitForFunction(() => (window as unknown as { app: App }).app.todos().length === 2);
      expect(await app(page).call((a) => a.todos())).toEqual(['write tests', 'ship it']);
      expect((await app(page).call((a) => a.labels())).at(-1)).toMatch(/restore/);
    } finally {
      await panel.close();
      await page.close();
    }
  });
});

