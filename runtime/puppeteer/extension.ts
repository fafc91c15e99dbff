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

/** Where the page carries the kit's probe: extension/ports.ts PROBE_ATTRIBUTE (runtime/ never imports extension/). */
const PROBE_ATTRIBUTE = 'data-stratum-kit-probe';

/**
 * The tab id the extension knows a page by. Not by URL — two pages can share one, and a
 * pushState or hash-routed app is no longer at the URL it loaded — but by a random mark this
 * page's root element carries while the extension's content scripts are asked who has it.
 */
export async function tabIdOf(page: Page, timeout = 10_000): Promise<number> {
  const kit = await kitPage(page.browser());
  const nonce = crypto.randomUUID();
  const deadline = Date.now() + timeout;
  let marked = false;
  try {
    for (;;) {
      // Set again every round: a navigation replaces the document.
      marked = await page
        .evaluate((name, value) => (document.documentElement ? (document.documentElement.setAttribute(name, value), true) : false), PROBE_ATTRIBUTE, nonce)
        .catch(() => false);
      const tabs = marked ? await kit.evaluate((value) => window.stratumKit.tabs(value), nonce) : [];
      if (tabs.length > 0) return tabs[0]!.tabId;
      if (Date.now() > deadline) {
        const known = await kit.evaluate(() => window.stratumKit.tabs()).catch(() => []);
        throw new Error(
          `No Stratum runtime has spoken from this page (${page.url()}) within ${timeout} ms; the extension knows ${known.length} other page(s) with one. ` +
            'A runtime speaks once the page has imported stratumjs with devtools enabled (the default outside production builds), in a browser started with launch() from stratumjs/puppeteer.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    if (marked) await page.evaluate((name) => document.documentElement?.removeAttribute(name), PROBE_ATTRIBUTE).catch(() => undefined);
  }
}
