/**
 * Issue 20 item 6 on issue 19's example: three Node instances of the shop (fixtures/servers)
 * behind a round-robin proxy, each connected to the standalone panel (`stratumjs devtools`)
 * through STRATUM_DEVTOOLS_URL/TOKEN. The panel lists three runtimes; an edit of a client's cart
 * made in the panel on one instance is what every instance answers through the proxy.
 * servers-panel.firefox.spec.ts runs it with the panel in Firefox.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, runName } from '../../runtime/db/contract/services.js';
import { roundRobin } from '../../fixtures/servers/proxy.js';
import { bundle, start } from '../servers/support.js';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';

const BROWSER = e2eBrowser();
const TOKEN = randomBytes(12).toString('hex');
// The example's own test runs on both; one engine is enough to show the panel's edit travel.
const engine = (await hasPostgres()) ? 'postgres' : (await hasRedis()) ? 'redis' : undefined;
const namespace = runName();
const children: ChildProcess[] = [];
let proxy: { port: number; close(): void } | undefined;
let started: StartedBrowser | undefined;
let panelUrl = '';
let pids: number[] = [];

/** `stratumjs devtools` (the built bin) on a free port; resolves with the URL it printed. */
function devtoolsServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/tools/stratumjs.js', 'devtools', '--port', '0', '--no-open', '--token', TOKEN], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    child.on('exit', (code) => reject(new Error(`stratumjs devtools exited with ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const found = /^Stratum devtools.*?(http:\/\/\S+)/.exec(line);
      if (found) resolve(found[1]!);
    });
  });
}

beforeAll(async () => {
  if (!engine) return;
  const [app, printed] = await Promise.all([bundle('fixtures/servers/app.ts'), devtoolsServer()]);
  panelUrl = printed;
  const env = (i: number) => ({
    ENGINE: engine,
    NAMESPACE: namespace,
    PORT: '0',
    STRATUM_DEVTOOLS_URL: printed.split('#')[0]!,
    STRATUM_DEVTOOLS_TOKEN: TOKEN,
    STRATUM_DEVTOOLS_NAME: `shop-${i}`,
  });
  // One first, so the shared tables exist before the other two race to create them.
  const first = await start<{ port: number }>(app, env(1));
  const rest = await Promise.all([2, 3].map((i) => start<{ port: number }>(app, env(i))));
  const instances = [first, ...rest];
  children.push(...instances.map((instance) => instance.child));
  pids = instances.map((instance) => instance.child.pid!);
  proxy = await roundRobin(instances.map((instance) => instance.first.port));
  started = await startBrowser({ browser: BROWSER });
}, 30_000);

afterAll(async () => {
  await started?.close();
  proxy?.close();
  for (const child of children) child.kill('SIGTERM');
  if (engine === 'postgres') await dropSchema(namespace);
  else if (engine === 'redis') await dropPrefix(`${namespace}:`);
});

async function cart(client: string): Promise<{ instance: number; items: string[] }> {
  const response = await fetch(`http://127.0.0.1:${proxy?.port}/cart`, { headers: { 'x-client-id': client } });
  expect(response.status).toBe(200);
  return (await response.json()) as { instance: number; items: string[] };
}

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

async function click(page: Page, selector: string): Promise<ElementHandle> {
  const element = await page.waitForSelector(selector, { visible: true });
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((node) => (node as HTMLElement).click());
  return element;
}

async function pick(page: Page, name: string): Promise<void> {
  await page.evaluate((wanted) => {
    const select = document.querySelector<HTMLSelectElement>('[data-testid="target-picker"]')!;
    select.value = [...select.options].find((option) => option.text.startsWith(wanted))!.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }, name);
  await page.waitForFunction((wanted) => document.querySelector('[data-testid="status"]')?.textContent?.includes(wanted), {}, name);
}

describe.runIf(engine !== undefined)(`the standalone panel on the 3-instance shop (${engine ?? 'no engine'})`, () => {
  it("shows three runtimes, and a client's cart edited in the panel on one instance is what all three answer", async () => {
    // Three requests, round robin: the laptop's cart now lives in every instance's store.
    const answered = new Set<number>();
    for (const item of ['tea', 'milk', 'figs']) {
      const response = await fetch(`http://127.0.0.1:${proxy?.port}/cart?item=${item}`, { method: 'POST', headers: { 'x-client-id': 'laptop' } });
      answered.add(((await response.json()) as { instance: number }).instance);
    }
    expect(answered).toEqual(new Set(pids));

    const page = await started!.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(panelUrl);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 3);
    const options = await page.$$eval(`${byId('target-picker')} option`, (nodes) => nodes.map((node) => node.textContent ?? ''));
    for (const [i, pid] of pids.entries()) {
      expect(options.some((text) => text.startsWith(`shop-${i + 1}`) && text.includes(`pid ${pid} on `))).toBe(true);
    }

    await pick(page, 'shop-2');
    await click(page, byId('state-row', '[data-key="cart"][data-scope="$client:laptop"]'));
    await page.waitForFunction(() => document.querySelector('[data-testid="state-detail"]')?.textContent?.includes('figs'));
    await click(page, byId('json-mode'));
    const editor = await click(page, byId('json-editor'));
    await editor.evaluate((element) => (element as HTMLTextAreaElement).select());
    await editor.type('["edited in the panel"]');
    await click(page, byId('json-save'));

    // Every instance answers the edit (the proxy takes turns); another client's cart is untouched.
    const seen = new Map<number, string[]>();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const answer = await cart('laptop');
      seen.set(answer.instance, answer.items);
      if (seen.size === 3 && [...seen.values()].every((items) => items.join() === 'edited in the panel')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(pids.map((pid) => [pid, ['edited in the panel']])));
    expect((await cart('phone')).items).toEqual([]);
    await page.close();
  }, 30_000);
});
