import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer, { type ElementHandle, type Page } from 'puppeteer';
import { connect } from '../../runtime/puppeteer/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// Issue 20: `stratumjs devtools` (the built bin) serves the standalone panel; two Node processes
// and one plain browser page connect with connectDevtools; the panel lists them and edits them.
// standalone.firefox.spec.ts runs the same bodies with the panel and the plain page in Firefox.
const BROWSER = e2eBrowser();
const TOKEN = randomBytes(12).toString('hex');
const OUT = path.join(REPO_ROOT, 'out');

interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  waitFor(check: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function node(args: string[]): Child {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    else lines.push({ text: line });
    for (const wake of [...waiters]) wake();
  });
  child.stderr.on('data', (chunk) => process.stderr.write(`[${path.basename(args[0]!)}] ${chunk}`));
  return {
    process: child,
    lines,
    waitFor: (check) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(lines)}`)), 20_000);
        const look = () => {
          const found = lines.find(check);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(look);
          resolve(found);
        };
        waiters.add(look);
        look();
      }),
  };
}

let started: StartedBrowser;
let served: Served;
let server: Child;
let children: Child[] = [];
let url: string;
let panelUrl: string;

beforeAll(async () => {
  server = node(['dist/tools/stratumjs.js', 'devtools', '--port', '0', '--no-open', '--token', TOKEN]);
  const printed = await server.waitFor((line) => typeof line.text === 'string' && line.text.startsWith('Stratum devtools'));
  panelUrl = /(http:\/\/\S+)/.exec(printed.text as string)![1]!;
  url = panelUrl.split('#')[0]!;
  children = ['api-1', 'api-2'].map((name) => node(['test/e2e/standalone/child.mjs', url, TOKEN, name]));
  await Promise.all(children.map((child) => child.waitFor((line) => line.status === 'connected')));
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  for (const child of children) child.process.kill();
  server?.process.kill();
  await Promise.all([started?.close(), served?.close()]);
});

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

async function click(page: Page, selector: string): Promise<ElementHandle> {
  const element = await page.waitForSelector(selector, { visible: true });
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((node) => (node as HTMLElement).click());
  return element;
}

async function pick(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (wanted) => [...(document.querySelector<HTMLSelectElement>('[data-testid="target-picker"]')?.options ?? [])].some((option) => option.text.startsWith(wanted)),
    {},
    name,
  );
  await page.evaluate((wanted) => {
    const select = document.querySelector<HTMLSelectElement>('[data-testid="target-picker"]')!;
    select.value = [...select.options].find((option) => option.text.startsWith(wanted))!.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }, name);
  await page.waitForFunction((wanted) => document.querySelector('[data-testid="status"]')?.textContent?.includes(wanted), {}, name);
}

describe('standalone panel (npx stratumjs devtools)', () => {
  it('lists each Node process as a runtime (name, pid, host), shows its states, and an edit changes the server state', async () => {
    const page = await started.browser.newPage();
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(panelUrl);
    await page.waitForSelector(byId('status', '[data-status="connected"]'));
    // Connected means one runtime answered; the picker lists each as its hello answer comes.
    await page.waitForFunction((selector) => document.querySelectorAll(selector).length >= 2, {}, `${byId('target-picker')} option`);
    const options = await page.$$eval(`${byId('target-picker')} option`, (nodes) => nodes.map((node) => node.textContent ?? ''));
    expect(options).toHaveLength(2);
    for (const [i, child] of children.entries()) {
      expect(options.some((text) => text.startsWith(`api-${i + 1}`) && text.includes(`pid ${child.process.pid} on `))).toBe(true);
    }
    await pick(page, 'api-2');
    // Each client's scope of the server store.
    for (const client of ['alice', 'bob']) await page.waitForSelector(byId('state-row', `[data-key="cart"][data-scope="$client:${client}"]`));
    await click(page, byId('state-row', '[data-key="greeting"]'));
    await click(page, byId('json-mode'));
    const editor = await click(page, byId('json-editor'));
    await editor.evaluate((element) => (element as HTMLTextAreaElement).select());
    await editor.type('"edited from the standalone panel"');
    await click(page, byId('json-save'));
    const changed = await children[1]!.waitFor((line) => line.greeting === 'edited from the standalone panel');
    expect(changed).toBeTruthy();
    // The other process was not touched.
    expect(children[0]!.lines.some((line) => line.greeting === 'edited from the standalone panel')).toBe(false);
    // And a change in the process reaches the panel.
    children[1]!.process.stdin.write(`${JSON.stringify({ set: 'set by the server' })}\n`);
    await page.waitForFunction(() => document.querySelector('[data-testid="state-detail"]')?.textContent?.includes('set by the server'));
    await page.screenshot({ path: path.join(OUT, BROWSER === 'firefox' ? 'standalone-panel-firefox.png' : 'standalone-panel.png') });
    await page.close();
  });

  it('a panel with another token is refused and says how to pair', async () => {
    const page = await started.browser.newPage();
    await page.goto(`${url}#token=not-this-runs-token`);
    const message = await page.waitForSelector(byId('standalone-unpaired'));
    expect(await message!.evaluate((node) => node.textContent)).toMatch(/wrong token.*Open the URL/);
    await page.close();
  });

  it('a plain browser page (no extension) appears in the same panel; the panel re-pairs after a reload', async () => {
    const plain = await started.browser.newPage();
    await plain.goto(`${served.origin}/test/e2e/standalone/page.html?url=${encodeURIComponent(url)}&token=${TOKEN}`);
    await plain.waitForSelector('body[data-ready="true"]');
    const page = await started.browser.newPage();
    await page.goto(panelUrl);
    await pick(page, 'plain-page');
    await page.waitForSelector(byId('state-row', '[data-key="theme"]'));
    await page.reload();
    // The token was moved out of the URL into this tab's session: a reload stays paired.
    expect(page.url()).not.toContain(TOKEN);
    await page.waitForSelector(byId('status', '[data-status="connected"]'));
    await pick(page, 'plain-page');
    await plain.evaluate(() => (window as unknown as { theme: { set(value: string): void } }).theme.set('dark'));
    await click(page, byId('state-row', '[data-key="theme"]'));
    await page.waitForFunction(() => document.querySelector('[data-testid="state-detail"]')?.textContent?.includes('dark'));
    await Promise.all([page.close(), plain.close()]);
  });

  it('Firefox without the extension: its page appears; the kit reads and sets its state over the server', async () => {
    // In the Firefox run the spec's own browser is that Firefox: no second one.
    const firefox = BROWSER === 'firefox' ? started.browser : await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true });
    try {
      const page = await firefox.newPage();
      await page.goto(`${served.origin}/test/e2e/standalone/page.html?url=${encodeURIComponent(url)}&token=${TOKEN}`);
      await page.waitForSelector('body[data-ready="true"]');
      const client = await connect({ url, token: TOKEN, runtime: 'plain-page' });
      try {
        expect(client.ready.runtime.frame.url).toContain('/test/e2e/standalone/page.html');
        await client.state({ key: 'theme', scope: 'app' }).set('set by the kit');
        expect(await page.evaluate(() => (window as unknown as { theme: { get(): string } }).theme.get())).toBe('set by the kit');
      } finally {
        await client.close();
      }
    } finally {
      if (firefox !== started.browser) await firefox.close();
    }
  });
});
