/**
 * `npm run screenshots`: refreshes the pictures the README shows (docs/screenshots/): the demo
 * app, and every panel tab at 400, 800 and 1,400 px wide, light and dark
 * (`<tab>-<width>-<theme>.png`), from the demo app, headless. The panel runs as an extension
 * page beside the demo's tab, so its width and colour scheme are set like a page's.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch } from '../runtime/puppeteer/launch.js';
import { extensionId, tabIdOf } from '../runtime/puppeteer/extension.js';
import { attachToDemo, exerciseDemo, panelShots, SHOTS, THEMES, WIDTHS } from './panel-shots.js';
import { REPO_ROOT, serveRepo } from './serve.js';
import { workersShot } from './shot-workers.js';

const DIR = path.join(REPO_ROOT, 'docs/screenshots');
const HEIGHT = 640;
/** `STRATUM_SHOTS=simulate,budget npm run screenshots` refreshes only those tabs' pictures (and the demo's). */
const ONLY = process.env.STRATUM_SHOTS?.split(',').map((name) => name.trim());
const shots = ONLY ? SHOTS.filter((shot) => ONLY.includes(shot.name)) : undefined;

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const served = await serveRepo();
  // The browser comes from the resolver (launch → findBrowser); a failure still closes the server.
  const browser = await launch({ headless: true }).catch(async (error: unknown) => {
    await served.close();
    throw error;
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 760 });
    await page.goto(`${served.origin}/fixtures/demo/`);
    await page.waitForSelector('body[data-ready="true"]');
    await attachToDemo(page);
    await page.screenshot({ path: path.join(DIR, 'demo.png') });
    console.log('wrote docs/screenshots/demo.png');
    const panelUrl = `chrome-extension://${await extensionId(browser)}/panel.html?tabId=${await tabIdOf(page)}`;
    for (const theme of THEMES) {
      const tab = await browser.newPage();
      await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      await tab.setViewport({ width: WIDTHS[0], height: HEIGHT });
      await tab.goto(panelUrl);
      await tab.waitForSelector('[data-testid="status"][data-status="connected"]');
      // Headless Chromium runs no frames in a tab that is not in front: input would wait forever.
      await page.bringToFront();
      await exerciseDemo(page);
      await tab.bringToFront();
      for (const width of WIDTHS) {
        await tab.setViewport({ width, height: HEIGHT });
        for (const file of await panelShots(tab.mainFrame(), page, DIR, shots, `-${width}-${theme}`)) console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
      }
      await tab.close();
    }
    console.log(`wrote ${path.relative(REPO_ROOT, await workersShot(browser, served.origin, DIR))}`);
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
