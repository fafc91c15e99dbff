import type { Browser, Page } from 'puppeteer';
import { FIREFOX_EXTENSION_UUID, navigate } from './firefox.js';

/** Which browsers are Firefox: launch() records its own; any other is asked for its version once. */
const firefoxes = new WeakMap<Browser, boolean>();

export function rememberFirefox(browser: Browser): void {
  firefoxes.set(browser, true);
}

export async function isFirefox(browser: Browser): Promise<boolean> {
  let known = firefoxes.get(browser);
  if (known === undefined) firefoxes.set(browser, (known = /firefox/i.test(await browser.version())));
  return known;
}

/**
 * The Stratum extension's id in this browser. Chrome: from its service worker (a cold worker is
 * woken by a page). Firefox: the UUID launch() pins with the `extensions.webextensions.uuids` pref
 * (a Firefox started elsewhere must pin FIREFOX_EXTENSION_UUID the same way).
 */
export async function extensionId(browser: Browser, timeout = 10_000): Promise<string> {
  if (await isFirefox(browser)) return FIREFOX_EXTENSION_UUID;
  const target = await browser.waitForTarget(
    (candidate) => candidate.type() === 'service_worker' && /^chrome-extension:\/\/[a-p]{32}\/background\.js$/.test(candidate.url()),
    { timeout },
  ).catch(() => {
    throw new Error('The Stratum extension is not loaded in this browser: launch it with launch() from stratumjs/puppeteer.');
  });
  return new URL(target.url()).host;
}

/** Where the extension's pages are: `chrome-extension://<id>` or `moz-extension://<uuid>`. */
export async function extensionOrigin(browser: Browser, timeout = 10_000): Promise<string> {
  const id = await extensionId(browser, timeout);
  return `${(await isFirefox(browser)) ? 'moz-extension' : 'chrome-extension'}://${id}`;
}

const kitPages = new WeakMap<Browser, Promise<Page>>();

/** One hidden kit page per browser: the test kit's client of the background. */
export function kitPage(browser: Browser): Promise<Page> {
  let page = kitPages.get(browser);
  if (!page) {
    page = (async () => {
      const origin = await extensionOrigin(browser);
      // In the background: in Firefox a new tab hides the page under test, whose animation frames
      // (which flush the runtime's events and settle puppeteer's clicks) then stop.
      const kit = await browser.newPage({ background: true });
      await navigate(kit, `${origin}/kit.html`);
      await kit.waitForFunction(() => 'stratumKit' in window, { timeout: 10_000 }).catch(() => {
        throw new Error(`The Stratum kit page did not load at ${origin}/kit.html: launch the browser with launch() from stratumjs/puppeteer.`);
      });
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
          `The extension did not find this page (${page.url()}) within ${timeout} ms; it knows ${known.length} other page(s) with a Stratum runtime. ` +
            'Its content script runs on http and https pages in a browser started with launch() from stratumjs/puppeteer; a runtime speaks once the page has imported stratumjs with devtools enabled (the default outside production builds).',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    if (marked) await page.evaluate((name) => document.documentElement?.removeAttribute(name), PROBE_ATTRIBUTE).catch(() => undefined);
  }
}
