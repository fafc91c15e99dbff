import type { Browser, Page } from 'puppeteer';

/** The Stratum extension's id in this browser, from its service worker (a cold worker is woken by a page). */
export async function extensionId(browser: Browser, timeout = 10_000): Promise<string> {
  const target = await browser.waitForTarget(
    (candidate) => candidate.type() === 'service_worker' && /^chrome-extension:\/\/[a-p]{32}\/background\.js$/.test(candidate.url()),
    { timeout },
  ).catch(() => {
    throw new Error('The Stratum extension is not loaded in this browser: launch it with launch() from stratumjs/puppeteer.');
  });
  return new URL(target.url()).host;
}

const kitPages = new WeakMap<Browser, Promise<Page>>();

/** One hidden kit page per browser: the test kit's client of the background. */
export function kitPage(browser: Browser): Promise<Page> {
  let page = kitPages.get(browser);
  if (!page) {
    page = (async () => {
      const id = await extensionId(browser);
      const kit = await browser.newPage();
      await kit.goto(`chrome-extension://${id}/kit.html`);
      await kit.waitForFunction(() => 'stratumKit' in window);
      return kit;
    })();
    kitPages.set(browser, page);
    page.catch(() => kitPages.delete(browser));
  }
  return page;
}

/** The tab id the extension knows a page by: the newest tab whose top frame is at the page's URL. */
export async function tabIdOf(page: Page, timeout = 10_000): Promise<number> {
  const kit = await kitPage(page.browser());
  const deadline = Date.now() + timeout;
  for (;;) {
    const url = page.url();
    const tabs = await kit.evaluate(() => window.stratumKit.tabs());
    const match = tabs.filter((tab) => tab.url === url).at(-1);
    if (match) return match.tabId;
    if (Date.now() > deadline) {
      throw new Error(
        `No Stratum runtime spoke from ${url} within ${timeout} ms: does the page import stratum (with devtools enabled), and was the browser started with launch() from stratumjs/puppeteer?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
