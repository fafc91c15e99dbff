import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { resolveChrome } from './chrome-path.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const EXTENSION_DIR = path.join(REPO_ROOT, 'dist/chrome');

// Flags that work as root on a machine without a GPU or a network beyond loopback: without the
// background-networking ones Chromium keeps dialling Google's hosts and gets refused.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface StartedBrowser {
  browser: Browser;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

export async function startBrowser(options: { extension?: boolean; headless?: boolean } = {}): Promise<StartedBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'stratum-profile-'));
  const args = [...FLAGS, `--user-data-dir=${profile}`];
  if (options.extension) {
    args.push(`--load-extension=${EXTENSION_DIR}`, `--disable-extensions-except=${EXTENSION_DIR}`);
  }
  const executablePath = resolveChrome();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      headless: options.headless ?? true,
      args,
      ...(executablePath && { executablePath }),
      ...(options.extension && { enableExtensions: true }),
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
