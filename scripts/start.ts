/**
 * `npm start` (after scripts/start.mjs built dist/): serves the demo on 127.0.0.1 (a free
 * port) and opens Chromium with the Stratum extension and DevTools on the Stratum panel.
 *
 *   npm start              with a display: a normal window, until you close it
 *                          without one: headless; writes out/stratum-panel.png and out/demo.png
 *                          and keeps serving until Ctrl+C
 *   npm start -- --once    headless, the screenshots, then exit (CI runs this)
 */
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { launch } from '../runtime/puppeteer/launch.js';
import { openPanel, type PanelHandle } from '../runtime/puppeteer/panel.js';
import { panelShots, SHOTS } from './panel-shots.js';
import { REPO_ROOT, serveRepo, type Served } from './serve.js';

const once = process.argv.includes('--once');
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const headless = once || !hasDisplay;
const OUT = path.join(REPO_ROOT, 'out');

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.log(`… ${name}`);
  const result = await run();
  console.log(`✓ ${name} (${Math.round(performance.now() - started)} ms)`);
  return result;
}

async function openDemo(browser: Browser, url: string): Promise<Page> {
  const [blank] = await browser.pages();
  const page = blank ?? (await browser.newPage());
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return page;
}

async function screenshots(page: Page, panel: PanelHandle): Promise<string[]> {
  mkdirSync(OUT, { recursive: true });
  const demo = path.join(OUT, 'demo.png');
  await page.screenshot({ path: demo });
  const [state] = await panelShots(panel.frame, page, OUT, SHOTS.slice(0, 1));
  const shot = path.join(OUT, 'stratum-panel.png');
  renameSync(state!, shot);
  return [shot, demo];
}

async function main(): Promise<void> {
  const served: Served = await step('serve the demo', () => serveRepo());
  const url = `${served.origin}/fixtures/demo/`;
  console.log(`  demo: ${url}`);
  const browser = await step(`launch Chromium${headless ? ' (headless: no display)' : ''}`, () =>
    launch({ headless, defaultViewport: null, args: ['--window-size=1400,900'] }),
  );
  const stop = async () => {
    await browser.close().catch((error: unknown) => console.error('closing the browser failed:', error));
    await served.close();
  };
  try {
    const page = await step('open the demo', () => openDemo(browser, url));
    const panel = await step('panel ready', () => openPanel(page));
    if (panel.where === 'tab') console.log('  (DevTools did not show the panel; opened it as a tab instead)');
    if (headless) {
      const files = await step('screenshots', () => screenshots(page, panel));
      for (const file of files) console.log(`  wrote ${path.relative(process.cwd(), file)}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  if (once) return stop();
  console.log(
    headless
      ? `\nNo display, so Chromium runs headless. Open ${url} in your own browser with the extension loaded\n(chrome://extensions → Load unpacked → dist/chrome), or look at the screenshots. Ctrl+C stops.`
      : `\nThe demo is open with DevTools on the Stratum panel. Close the window or press Ctrl+C to stop.`,
  );
  browser.on('disconnected', () => served.close().finally(() => process.exit(0)));
  process.on('SIGINT', () => void stop().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
