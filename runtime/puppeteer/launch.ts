import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer';
import { findBrowser } from './browser/host.js';
import { rememberFirefox } from './extension.js';
import { addonIdOf, firefoxPrefs, resolveFirefox } from './firefox.js';

/**
 * Room for the page and the panel beside it: puppeteer's 800×600 squeezes the panel's grids into
 * ellipses, and whatever lies below the fold is out of reach of a mouse click.
 */
export const DEFAULT_WINDOW = { width: 1400, height: 900 } as const;

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
  /** The unpacked extension to load; default the `dist/chrome` (or `dist/firefox`) shipped in this package. */
  extensionPath?: string;
}

/** dist/chrome or dist/firefox next to this package's dist/runtime (bundled) or repo root (from source). */
export function defaultExtensionPath(browser: 'chrome' | 'firefox' = 'chrome'): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, `../${browser}`), path.resolve(here, `../../dist/${browser}`)];
  return candidates.find((dir) => existsSync(path.join(dir, 'manifest.json'))) ?? candidates[0]!;
}

/**
 * A puppeteer Browser with the Stratum extension loaded, in a throwaway profile that is deleted
 * when the browser closes, with a 1400×900 window and viewport unless `defaultViewport` says
 * otherwise. `browser: 'firefox'` starts Firefox (FIREFOX_PATH, /usr/bin/firefox-esr,
 * /usr/bin/firefox, else puppeteer's own) over WebDriver BiDi with `dist/firefox` installed;
 * otherwise Chromium kin from findBrowser() (browser/resolve.ts: CHROME_PATH, an installed one,
 * puppeteer's cache, a download, apt-get).
 */
export async function launch(options: StratumLaunchOptions = {}): Promise<Browser> {
  const kind = options.browser === 'firefox' ? 'firefox' : 'chrome';
  const { extension = true, extensionPath = defaultExtensionPath(kind), ...rest } = options;
  if (extension && !existsSync(path.join(extensionPath, 'manifest.json'))) {
    throw new Error(`No Stratum extension at ${extensionPath}: run \`npm run build\` first, or pass extensionPath.`);
  }
  const sized = { defaultViewport: { ...DEFAULT_WINDOW }, ...rest };
  return kind === 'firefox' ? launchFirefox(sized, extension ? extensionPath : undefined) : launchChrome(sized, extension ? extensionPath : undefined);
}

/**
 * Firefox keeps its own throwaway profile (puppeteer deletes it on close). BiDi installs the
 * extension as a temporary add-on, which needs `--remote-allow-system-access`; its UUID is pinned.
 */
async function launchFirefox(options: LaunchOptions, extensionPath: string | undefined): Promise<Browser> {
  const { args = [], extraPrefsFirefox = {}, ...rest } = options;
  const executablePath = rest.executablePath ?? resolveFirefox();
  const browser = await puppeteer.launch({
    headless: true,
    ...rest,
    browser: 'firefox',
    args: ['--remote-allow-system-access', `--width=${DEFAULT_WINDOW.width}`, `--height=${DEFAULT_WINDOW.height}`, ...args],
    extraPrefsFirefox: firefoxPrefs(extensionPath && addonIdOf(extensionPath), extraPrefsFirefox),
    ...(executablePath && { executablePath }),
  });
  rememberFirefox(browser);
  if (extensionPath) {
    try {
      await browser.installExtension(extensionPath);
    } catch (error) {
      await browser.close();
      throw new Error(`Firefox refused the Stratum extension at ${extensionPath}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return browser;
}

async function launchChrome(options: LaunchOptions, extensionPath: string | undefined): Promise<Browser> {
  const { args = [], ...rest } = options;
  const extension = extensionPath !== undefined;
  const profile = mkdtempSync(path.join(tmpdir(), 'stratum-profile-'));
  const executablePath = rest.executablePath ?? (await findBrowser()).executablePath;
  const all = [...FLAGS, `--window-size=${DEFAULT_WINDOW.width},${DEFAULT_WINDOW.height}`, `--user-data-dir=${profile}`, ...args];
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
