import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPanel, type PanelHandle } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, REPO_ROOT, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

// Call sites in the real panel, source-mapped: the page ships a bundle with a source map, and
// the timeline names the original TypeScript file and line. trace.firefox.spec.ts runs it in
// Firefox, where the panel is a tab.
const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'fixtures/trace/src/cart.ts')],
    outfile: path.join(REPO_ROOT, 'out/trace/cart.js'),
    bundle: true,
    format: 'esm',
    // The page loads the built runtime, as an app would load the package.
    plugins: [
      {
        name: 'runtime-from-dist',
        setup(build) {
          build.onResolve({ filter: /runtime\/index\.js$/ }, () => ({ path: '/dist/runtime/index.js', external: true }));
        },
      },
    ],
    sourcemap: true,
    logLevel: 'warning',
  });
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

/** A DOM click: mouse coordinates miss frames inside the DevTools front end below its fold. */
async function click(frame: Frame, selector: string): Promise<void> {
  const element = await frame.waitForSelector(selector, { visible: true });
  await element!.evaluate((node) => (node as HTMLElement).click());
}

describe('call sites in the timeline', () => {
  it('names the original source file and line of a change, through the page source map', async () => {
    const page: Page = await started.browser.newPage();
    await page.goto(`${served.origin}/fixtures/trace/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
    const panel: PanelHandle = await openPanel(page, { fallback: BROWSER === 'firefox' ? 'tab' : 'none' });
    const frame = panel.frame;
    await frame.waitForSelector(byId('status', '[data-status="connected"]'));
    await click(frame, byId('tab-timeline'));
    await click(frame, byId('timeline-trace'));
    // Once the runtime confirmed it: the box is checked by the click itself, before the answer.
    await frame.waitForSelector(byId('timeline-trace', '[data-on="true"]'));

    await page.evaluate(() => (window as unknown as { addToCart(sku: string): void }).addToCart('socks'));
    await click(frame, `${byId('timeline-row', '[data-stratum="state"]')}:has(${byId('timeline-label')})`);
    const mapped = await frame.waitForSelector(byId('stack-frame', '[data-mapped="true"]'), { timeout: 15_000 });
    const text = await mapped!.evaluate((node) => node.textContent ?? '');
    expect(text).toMatch(/addToCart .*fixtures\/trace\/src\/cart\.ts:8:/);
    await panel.close();
    await page.close();
  });
});
