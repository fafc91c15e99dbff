import type { Browser, CDPSession, Page } from 'puppeteer';
import { openPanel } from '../../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './browser.js';

/**
 * How long Firefox lets the event page idle before suspending it (30 s by default): short, so a
 * test sees the background go away (and every port with it) within a second of quiet.
 */
export const FIREFOX_IDLE_PREFS = { 'extensions.background.idle.timeout': 1000 } as const;

/**
 * A browser whose background can be stopped on demand: Chromium's own (CDP stops the service
 * worker), or in Firefox one more browser whose event page is suspended after 1 s idle (nothing in
 * BiDi stops it directly). Close it with `release`.
 */
export async function stoppableBrowser(started: StartedBrowser): Promise<{ browser: Browser; release(): Promise<void> }> {
  if (e2eBrowser() !== 'firefox') return { browser: started.browser, release: async () => undefined };
  const own = await startBrowser({ extension: true, browser: 'firefox', prefs: FIREFOX_IDLE_PREFS });
  return { browser: own.browser, release: () => own.close() };
}

/**
 * Stops the extension's background and resolves once it is really gone. Chromium: CDP's
 * ServiceWorker.stopAllWorkers, then the worker target's destruction. Firefox (a browser from
 * stoppableBrowser): waits until a panel for `page` sees its port drop ('reconnecting'), which
 * happens only when the event page was suspended.
 */
export async function stopBackground(browser: Browser, page: Page): Promise<void> {
  if (e2eBrowser() === 'firefox') return waitForSuspension(page);
  const stopped = new Promise<void>((resolve) => browser.on('targetdestroyed', (target) => target.type() === 'service_worker' && resolve()));
  const session: CDPSession = await page.createCDPSession();
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
  await stopped;
  await session.detach();
}

async function waitForSuspension(page: Page): Promise<void> {
  const panel = await openPanel(page);
  try {
    const status = await panel.frame.waitForSelector('[data-testid="status"][data-status="connected"]');
    // 'reconnecting' may last a few milliseconds: every status the header shows is recorded.
    const seen = await status!.evaluateHandle((element) => {
      const statuses: string[] = [];
      new MutationObserver(() => statuses.push(element.getAttribute('data-status') ?? '')).observe(element, { attributes: true, attributeFilter: ['data-status'] });
      return statuses;
    });
    await panel.frame.waitForFunction((statuses: string[]) => statuses.includes('reconnecting'), { timeout: 15_000 }, seen);
  } finally {
    await panel.close();
  }
}
