import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';
import { byId, click, editLeaf, node } from './harness/dom.js';

// Issue 21: a page built on zustand (devtools middleware) and Redux Toolkit that imports nothing
// of Stratum. The extension's main-world shim answers the libraries' Redux DevTools calls, and
// the real panel shows, edits and restores their stores. Firefox: redux-shim.firefox.spec.ts.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

interface App {
  add(sku: string): void;
  addTodo(text: string): void;
}
const call = (page: Page, fn: (app: App) => void) => page.evaluate(`(${fn.toString()})(window.app)`);
const shown = (page: Page, id: string) => page.$eval(`#${id}`, (element) => element.textContent ?? '');

async function open(): Promise<{ page: Page; panel: PanelHandle; frame: Frame }> {
  const page = await started.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.setViewport({ width: 1200, height: 800 });
  await page.goto(`${served.origin}/fixtures/redux-shim/`);
  await page.waitForSelector('body[data-ready="true"]');
  expect(errors).toEqual([]);
  // No Stratum import: the globals are the extension's.
  expect(await page.evaluate(() => typeof (window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__)).toBe('function');
  const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
  const frame = panel.frame;
  await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
  return { page, panel, frame };
}

describe('a page with no Stratum import, through the Redux DevTools shim', () => {
  it('lists the zustand and Redux Toolkit stores; a field edited in the panel changes what the app renders', async () => {
    const { page, panel, frame } = await open();
    try {
      await frame.waitForSelector(byId('state-row', '[data-scope="redux:todos"][data-key="state"]'));
      await click(frame, byId('state-row', '[data-scope="devtools:cart"][data-key="state"]'));
      await click(frame, `${node(['items'])} ${byId('value-toggle')}`);
      await click(frame, `${node(['items', 0])} ${byId('value-toggle')}`);
      await editLeaf(frame, ['items', 0, 'qty'], '5');
      await page.waitForFunction(() => document.querySelector('#cart')?.textContent === 'milk×5');
      // The app's own action still works and shows in the open panel.
      await call(page, (a) => a.add('bread'));
      expect(await shown(page, 'cart')).toBe('milk×5, bread×1');
      await frame.waitForSelector(node(['items', 1]));
    } finally {
      await panel.close();
      await page.close();
    }
  });

  it('labels the history with Redux Toolkit action types, and "Restore this" puts an earlier state back in the app', async () => {
    const { page, panel, frame } = await open();
    try {
      await click(frame, byId('state-row', '[data-scope="redux:todos"][data-key="state"]'));
      const position = () => frame.$eval(byId('history-position'), (element) => element.textContent ?? '');
      await call(page, (a) => a.addTodo('ship it'));
      await frame.waitForFunction(() => document.querySelector('[data-testid="history-position"]')?.textContent?.startsWith('v1 (now)'));
      await call(page, (a) => a.addTodo('celebrate'));
      await frame.waitForFunction(() => document.querySelector('[data-testid="history-position"]')?.textContent?.startsWith('v2 (now)'));
      expect(await position()).toContain('todos/added');
      expect(await shown(page, 'todos')).toBe('write tests, ship it, celebrate');
      await frame.$eval(byId('history-slider'), (slider) => {
        (slider as HTMLInputElement).value = '1';
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await click(frame, byId('history-restore'));
      await page.waitForFunction(() => document.querySelector('#todos')?.textContent === 'write tests, ship it');
      // The store goes on from the restored state.
      await call(page, (a) => a.addTodo('again'));
      expect(await shown(page, 'todos')).toBe('write tests, ship it, again');
    } finally {
      await panel.close();
      await page.close();
    }
  });
});

describe('a page with Stratum adapters too (fixtures/adapters: Redux Toolkit, devTools on by default)', () => {
  it('lists the store once, through the adapter: the bridge sees the same state object and stays silent', async () => {
    const page = await started.browser.newPage();
    try {
      // Every runtime that speaks in the page, by session.
      await page.evaluateOnNewDocument(() => {
        const sessions = new Set<string>();
        Object.assign(window, { runtimeSessions: sessions });
        window.addEventListener('message', (event) => {
          const data = event.data as { source?: unknown; session?: unknown } | null;
          if (data?.source === 'stratum-runtime' && typeof data.session === 'string') sessions.add(data.session);
        });
      });
      await page.goto(`${served.origin}/fixtures/adapters/`);
      await page.waitForSelector('body[data-ready="true"]');
      const client = await connect(page);
      try {
        expect(await client.state<{ list: string[] }>({ key: 'state', scope: 'redux:todos' }).get()).toEqual({ list: ['write tests'] });
        expect(await page.evaluate(() => (window as unknown as { runtimeSessions: Set<string> }).runtimeSessions.size)).toBe(1);
      } finally {
        await client.close();
      }
    } finally {
      await page.close();
    }
  });
});

describe('where the shim still works', () => {
  it("a page whose CSP allows only its own scripts: the bridge (the extension's file) loads all the same", async () => {
    const page = await started.browser.newPage();
    try {
      await page.goto(`${served.origin}/fixtures/redux-shim/csp.html`);
      await page.waitForSelector('body[data-ready="true"]');
      const client = await connect(page);
      try {
        const todos = client.state<{ list: string[] }>({ key: 'state', scope: 'redux:todos' });
        await todos.set({ list: ['under CSP'] });
        await page.waitForFunction(() => document.querySelector('#todos')?.textContent === 'under CSP');
      } finally {
        await client.close();
      }
    } finally {
      await page.close();
    }
  });
});

