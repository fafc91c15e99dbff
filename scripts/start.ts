/**
 * `npm start` (after scripts/start.mjs built dist/): serves the demo on 127.0.0.1 (a free
 * port) and opens Chromium with the Stratum extension and DevTools on the Stratum panel.
 *
 *   npm start              with a display: a normal window, until you close it
 *                          without one: headless; writes out/stratum-panel.png and out/demo.png
 *                          and keeps serving until Ctrl+C
 *   npm start -- --once    headless, the screenshots, then exit (CI runs this)
 *
 * It never hangs: every step is bounded, whatever was opened (server, browser, its profile) is
 * closed on failure, on Ctrl+C and at the end (shutdown.ts), and the process then exits with a
 * code: 0 done, 1 failed (the reason on stderr), 130 Ctrl+C. The browser comes from the
 * resolver (runtime/puppeteer/browser/), which prints which one and why, or what to install.
 */
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { findBrowser } from '../runtime/puppeteer/browser/host.js';
import { launch } from '../runtime/puppeteer/launch.js';
import { openPanel, type PanelHandle } from '../runtime/puppeteer/panel.js';
import { panelShots, SHOTS } from './panel-shots.js';
import { REPO_ROOT, serveRepo } from './serve.js';
import { Shutdown, withTimeLimit } from './shutdown.js';

const once = process.argv.includes('--once');
const display = process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY'];
const hasDisplay = process.platform !== 'linux' || Boolean(display);
const OUT = path.join(REPO_ROOT, 'out');
// Puppeteer's default is 3 minutes per protocol call; a demo that does not answer in 30 s is broken.
const PROTOCOL_TIMEOUT = 30_000;

const shutdown = new Shutdown();

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.log(`… ${name}`);
  try {
    const result = await run();
    console.log(`✓ ${name} (${Math.round(performance.now() - started)} ms)`);
    return result;
  } catch (error) {
    console.log(`✗ ${name} (${Math.round(performance.now() - started)} ms)`);
    throw error;
  }
}

/** browser.close(), else kill it: its profile is deleted when the process exits (launch.ts). */
async function closeBrowser(browser: Browser): Promise<void> {
  try {
    await withTimeLimit(browser.close(), 5_000, 'closing the browser');
  } catch (error) {
    const child = browser.process();
    if (!child || child.exitCode !== null) throw error;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await withTimeLimit(exited, 2_000, 'killing the browser');
    console.error(`  ${error instanceof Error ? error.message : String(error)}; killed it`);
  }
}

/**
 * Launches the browser, registering its closing before the launch resolves, so Ctrl+C mid-launch
 * still closes it (and deletes its profile). Puppeteer's own signal handlers are off: they would
 * exit before the profile is deleted.
 */
async function startBrowser(executablePath: string, headless: boolean): Promise<Browser> {
  const launching = launch({
    executablePath,
    headless,
    defaultViewport: null,
    args: ['--window-size=1400,900'],
    protocolTimeout: PROTOCOL_TIMEOUT,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  shutdown.add('close the browser', async () => {
    const browser = await launching.catch(() => undefined);
    if (browser) await closeBrowser(browser);
  }, 10_000);
  return launching;
}

async function openDemo(browser: Browser, url: string): Promise<Page> {
  const [blank] = await browser.pages();
  const page = blank ?? (await browser.newPage());
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(url, { timeout: 15_000 });
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

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

async function main(): Promise<void> {
  const served = await step('serve the demo', () => serveRepo());
  shutdown.add('close the demo server', () => served.close(), 3_000);
  const url = `${served.origin}/fixtures/demo/`;
  console.log(`  demo: ${url}`);
  const found = await step('find a browser', () => findBrowser({ signal: shutdown.signal, log: (line) => console.log(`  ${line}`) }));
  let headless = once || !hasDisplay;
  let browser: Browser;
  try {
    browser = await step(`launch ${found.name}${headless ? ' (headless)' : ''}`, () => startBrowser(found.executablePath, headless));
  } catch (error) {
    if (headless || shutdown.started) throw error;
    // A DISPLAY that is set but cannot be opened (a stale ssh -X, no X server): still show something.
    console.log(`  could not open a window on ${display ?? 'this display'} (${firstLine(error)}); running headless instead`);
    headless = true;
    browser = await step(`launch ${found.name} (headless)`, () => startBrowser(found.executablePath, true));
  }
  const page = await step('open the demo', () => openDemo(browser, url));
  const panel = await step('panel ready', () => openPanel(page));
  if (panel.where === 'tab') console.log('  (DevTools did not show the panel; opened it as a tab instead)');
  if (headless) {
    const files = await step('screenshots', () => screenshots(page, panel));
    for (const file of files) console.log(`  wrote ${path.relative(process.cwd(), file)}`);
  }
  if (once) return exit(0);
  console.log(
    headless
      ? `\nNo display, so ${found.name} runs headless. Open ${url} in your own browser with the extension loaded\n(chrome://extensions → Load unpacked → dist/chrome), or look at the screenshots. Ctrl+C stops.`
      : `\nThe demo is open with DevTools on the Stratum panel. Close the window or press Ctrl+C to stop.`,
  );
  browser.on('disconnected', () => {
    if (!shutdown.started) void exit(0);
  });
}

/** Closes whatever is open (each step bounded), then exits: nothing is left to keep Node alive. */
async function exit(code: number): Promise<void> {
  await shutdown.close();
  process.exit(code);
}

shutdown.exitOnSignals((code) => process.exit(code));
main().catch(async (error: unknown) => {
  if (shutdown.started) return; // Ctrl+C: the signal handler is closing and will exit
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await exit(1);
});
