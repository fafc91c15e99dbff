import path from 'node:path';
import type { Browser } from 'puppeteer';
import { launch } from '../../../runtime/puppeteer/index.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const EXTENSION_DIR = path.join(REPO_ROOT, 'dist/chrome');

export interface StartedBrowser {
  browser: Browser;
  /** Closes the browser; its profile directory is deleted with it. */
  close(): Promise<void>;
}

/** One browser per spec file, through the same `launch` users get from `stratumjs/puppeteer`. */
export async function startBrowser(options: { extension?: boolean; headless?: boolean } = {}): Promise<StartedBrowser> {
  const browser = await launch({
    extension: options.extension ?? false,
    extensionPath: EXTENSION_DIR,
    headless: options.headless ?? true,
  });
  return { browser, close: () => browser.close() };
}
