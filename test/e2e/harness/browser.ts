import path from 'node:path';
import type { Browser } from 'puppeteer';
import { launch } from '../../../runtime/puppeteer/index.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const EXTENSION_DIR = path.join(REPO_ROOT, 'dist/chrome');

export type E2EBrowser = 'chromium' | 'firefox';

// Per spec file: vitest gives each file its own module graph.
let chosen: E2EBrowser = 'chromium';

/**
 * The browser of the spec file being run. A Firefox twin spec (x.firefox.spec.ts) chooses it and
 * then imports the Chromium spec, so both run the same test bodies, each with one browser.
 */
export function e2eBrowser(): E2EBrowser {
  return chosen;
}

export function chooseBrowser(browser: E2EBrowser): void {
  chosen = browser;
}

export interface StartedBrowser {
  browser: Browser;
  /** Closes the browser; its profile directory is deleted with it. */
  close(): Promise<void>;
}

/** One browser per spec file, through the same `launch` users get from `stratumjs/puppeteer`. */
export async function startBrowser(
  options: { extension?: boolean; headless?: boolean; browser?: E2EBrowser; prefs?: Record<string, unknown> } = {},
): Promise<StartedBrowser> {
  const firefox = (options.browser ?? 'chromium') === 'firefox';
  const browser = await launch({
    extension: options.extension ?? false,
    extensionPath: firefox ? path.join(REPO_ROOT, 'dist/firefox') : EXTENSION_DIR,
    headless: options.headless ?? true,
    ...(firefox && { browser: 'firefox', extraPrefsFirefox: options.prefs ?? {} }),
  });
  return { browser, close: () => browser.close() };
}
