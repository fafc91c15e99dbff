import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer';
import { findBrowser } from './browser/host.js';

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

export interface StratumLaunchOptions extends LaunchOptions {
  /** Load the Stratum extension (default true). */
  extension?: boolean;
  /** The unpacked extension to load; default the `dist/chrome` shipped in this package. */
  extensionPath?: string;
}

/** dist/chrome next to this package's dist/runtime (bundled) or repo root (from source). */
export function defaultExtensionPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../chrome'), path.resolve(here, '../../dist/chrome')];
  return candidates.find((dir) => existsSync(path.join(dir, 'manifest.json'))) ?? candidates[0]!;
}

/**
 * A puppeteer Browser with the Stratum extension loaded, in a throwaway profile that is deleted
 * when the browser closes. Without `executablePath` the browser comes from findBrowser()
 * (browser/resolve.ts: CHROME_PATH, an installed one, puppeteer's cache, a download, apt-get).
 */
export async function launch(options: StratumLaunchOptions = {}): Promise<Browser> {
  const { extension = true, extensionPath = defaultExtensionPath(), args = [], ...rest } = options;
  if (extension && !existsSync(path.join(extensionPath, 'manifest.json'))) {
    throw new Error(`No Stratum extension at ${extensionPath}: run \`npm run build\` first, or pass extensionPath.`);
  }
  // Firefox is puppeteer's business (its own executablePath); the resolver finds Chromium kin.
  const executablePath = rest.executablePath ?? (rest.browser === 'firefox' ? undefined : (await findBrowser()).executablePath);
  const profile = mkdtempSync(path.join(tmpdir(), 'stratum-profile-'));
  const all = [...FLAGS, `--user-data-dir=${profile}`, ...args];
  if (extension) all.push(`--load-extension=${extensionPath}`, `--disable-extensions-except=${extensionPath}`);
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      headless: true,
      ...rest,
      args: all,
      ...(executablePath && { executablePath }),
      ...(extension && { enableExtensions: true }),
    });
  } catch (error) {
    // When puppeteer gives up (e.g. "Missing X server"), Chromium is still exiting and writes
    // the profile again a moment later: delete it now and once more after that moment.
    rmSync(profile, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  // Chromium still writes into the profile after the connection drops (ENOTEMPTY mid-delete), so
  // delete it once the browser process has exited; never throw from an event handler.
  const removeProfile = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (error) {
      console.warn(`stratum: could not delete the browser profile ${profile}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const child = browser.process();
  if (child && child.exitCode === null) child.once('exit', removeProfile);
  else browser.once('disconnected', removeProfile);
  return browser;
}
