import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, openPanel, type StateView, type StratumClient } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// The TodoMVC examples of fixtures/{react,preact,vue} (built by build.mjs against the built
// package), seen through the extension with stratumjs/puppeteer: the same protocol as the panel.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

async function open(framework: string): Promise<{ page: Page; client: StratumClient }> {
  const page = await started.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${served.origin}/fixtures/${framework}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('[data-testid="new-todo-title"]');
  expect(errors).toEqual([]);
  return { page, client: await connect(page) };
}

async function componentStates(client: StratumClient, key: string): Promise<StateView[]> {
  return (await client.states()).filter((state) => state.key === key && state.scope.startsWith('$component:'));
}

/** A DOM click: puppeteer's mouse click on React's controlled checkbox stalled under load. */
async function click(page: Page, testId: string): Promise<void> {
  await page.$eval(`[data-testid="${testId}"]`, (element) => (element as HTMLElement).click());
}

async function addTodo(page: Page, title: string): Promise<void> {
  const before = await page.$$eval('[data-testid="todo"]', (rows) => rows.length);
  await page.type('[data-testid="new-todo-title"]', title);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="todo"]').length === n, {}, before + 1);
}

describe.each(['react', 'preact', 'vue'])('the %s TodoMVC example', (framework) => {
  it('shows component-scoped states under their component scopes, edits them, and drops them on unmount', async () => {
    const { page, client } = await open(framework);
    // One draft for the one mounted form: under React's StrictMode too, whose double mount ran
    // the effects' cleanup once before this point.
    const [draft] = await componentStates(client, 'draft');
    expect(await componentStates(client, 'draft')).toHaveLength(1);
    expect(draft!.value).toBe('');

    await page.type('[data-testid="new-todo-title"]', 'wri');
    await expect.poll(async () => (await componentStates(client, 'draft'))[0]?.value).toBe('wri');
    // Edited from outside (as the panel does), the component follows.
    await client.state({ key: 'draft', scope: draft!.scope }).set('write docs');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('[data-testid="new-todo-title"]')?.value === 'write docs');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="todo"]').length === 1);
    await addTodo(page, 'ship');

    // One "editing" state per row, each under a scope of its own; the global list is shared.
    const rows = await componentStates(client, 'editing');
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.scope)).size).toBe(2);
    expect((await client.state<{ title: string }[]>({ key: 'todos', scope: 'app' }).get()).map((todo) => todo.title)).toEqual(['write docs', 'ship']);

    // Toggle and filter: a filtered-out row unmounts, and its state goes with it.
    await click(page, 'toggle');
    await click(page, 'filter-active');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="todo"]').length === 1);
    await expect.poll(async () => (await componentStates(client, 'editing')).length).toBe(1);
    await click(page, 'filter-all');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="todo"]').length === 2);
    await click(page, 'remove');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="todo"]').length === 1);
    await expect.poll(async () => (await componentStates(client, 'editing')).length).toBe(1);

    // Unmounting the form deletes its draft; mounting it again creates a fresh one.
    await click(page, 'toggle-form');
    await expect.poll(async () => (await componentStates(client, 'draft')).length).toBe(0);
    await click(page, 'toggle-form');
    await expect.poll(async () => (await componentStates(client, 'draft')).length).toBe(1);
    await client.close();
    await page.close();
  });
});

// The same examples in the real panel (DevTools in Chromium, a tab in Firefox): what a user
// adopting a binding sees.
describe.each(['react', 'preact', 'vue'])('the %s TodoMVC example in the real panel', (framework) => {
  it('lists the form\'s draft under a $component scope, follows typing, and drops it on unmount', async () => {
    const { page, client } = await open(framework);
    const panel = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    try {
      const frame = panel.frame;
      await frame.waitForSelector('[data-testid="status"][data-status="connected"]');
      const draftRow = '[data-testid="state-row"][data-key="draft"][data-scope^="$component:"]';
      await frame.waitForFunction((selector) => document.querySelectorAll(selector).length === 1, {}, draftRow);
      // The scope row of that component is in the tree, named by its resolved scope.
      const scope = await frame.$eval(draftRow, (row) => row.getAttribute('data-scope'));
      await frame.waitForSelector(`[data-testid="scope-row"][data-name="${scope}"]`);
      // Typing in the app changes the draft the panel shows (its version moves on).
      const versionBefore = await frame.$eval(draftRow, (row) => row.textContent ?? '');
      await page.type('[data-testid="new-todo-title"]', 'abc');
      await frame.waitForFunction((selector, before) => (document.querySelector(selector)?.textContent ?? before) !== before, {}, draftRow, versionBefore);
      // Unmounting the form removes the row from the panel.
      await click(page, 'toggle-form');
      await frame.waitForFunction((selector) => document.querySelectorAll(selector).length === 0, {}, draftRow);
    } finally {
      await panel.close();
      await client.close();
      await page.close();
    }
  });
});
