/**
 * The README's picture of issue 22.5: the panel (as a tab beside the page) with a dedicated
 * worker chosen in the target picker and its state selected.
 */
import path from 'node:path';
import type { Browser } from 'puppeteer';
import { extensionId, tabIdOf } from '../runtime/puppeteer/extension.js';

export async function workersShot(browser: Browser, origin: string, dir: string): Promise<string> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 600 });
  await page.goto(`${origin}/fixtures/workers/`);
  await page.waitForSelector('body[data-ready="true"]');
  const tab = await browser.newPage();
  try {
    await tab.setViewport({ width: 900, height: 420 });
    await tab.goto(`chrome-extension://${await extensionId(browser)}/panel.html?tabId=${await tabIdOf(page)}`);
    const frame = tab.mainFrame();
    await frame.waitForFunction(() => document.querySelectorAll('[data-testid="target-picker"] option').length === 3);
    const worker = await frame.$$eval('[data-testid="target-picker"] option', (options) =>
      (options as HTMLOptionElement[]).find((option) => option.textContent?.includes('dedicated worker'))?.value ?? '',
    );
    await frame.select('[data-testid="target-picker"]', worker);
    const row = await frame.waitForSelector('[data-testid="state-row"][data-scope="worker"][data-key="count"]');
    await row!.evaluate((element) => (element as HTMLElement).click());
    await frame.waitForSelector('[data-testid="value-node"][data-path="[]"]');
    const file = path.join(dir, 'workers.png');
    await tab.screenshot({ path: file });
    return file;
  } finally {
    await tab.close();
    await page.close();
  }
}
