/**
 * `npm run screenshots`: refreshes the pictures the README shows (docs/screenshots/), one per
 * panel tab, from the demo app in the real DevTools panel, headless.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launch } from '../runtime/puppeteer/launch.js';
import { openPanel } from '../runtime/puppeteer/panel.js';
import { panelShots } from './panel-shots.js';
import { REPO_ROOT, serveRepo } from './serve.js';

const DIR = path.join(REPO_ROOT, 'docs/screenshots');

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
    const panel = await openPanel(page);
    for (const file of await panelShots(panel.frame, page, DIR)) console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
    await page.screenshot({ path: path.join(DIR, 'demo.png') });
    console.log('wrote docs/screenshots/demo.png');
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
