import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer';

/**
 * The moz-extension:// host the kit gives Stratum in every Firefox it launches. Firefox makes up a
 * random UUID per profile; the `extensions.webextensions.uuids` pref pins it, so the kit can build
 * the kit page's and the panel's URLs without asking Firefox (which has no API for it over BiDi).
 */
export const FIREFOX_EXTENSION_UUID = '5f3c1a2e-7b1d-4c2a-9e55-0a57ea7a0001';

/** Firefox, in the project's order: FIREFOX_PATH, Debian's firefox-esr, firefox, else puppeteer's own. */
export function resolveFirefox(): string | undefined {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'];
  return candidates.find((file): file is string => Boolean(file && existsSync(file)));
}

/** The add-on id Firefox knows the extension by: `browser_specific_settings.gecko.id` of its manifest. */
export function addonIdOf(extensionPath: string): string {
  const file = path.join(extensionPath, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { browser_specific_settings?: { gecko?: { id?: unknown } } };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (typeof id !== 'string' || id === '') {
    throw new Error(`${file} has no browser_specific_settings.gecko.id: pass the Firefox build (dist/firefox) as extensionPath.`);
  }
  return id;
}

/**
 * Timers of background tabs run on time, as puppeteer's `--disable-background-timer-throttling`
 * has them in Chrome: Firefox clamps them to 1 s, so the kit's page (a background tab) and a page
 * behind the panel would answer each command a second late.
 */
const UNTHROTTLED = {
  'dom.min_background_timeout_value': 4,
  'dom.min_background_timeout_value_without_budget_throttling': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

/** The prefs that pin the extension's UUID; the caller's `extraPrefsFirefox` win over the rest. */
export function firefoxPrefs(addonId: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const uuids = addonId ? { 'extensions.webextensions.uuids': JSON.stringify({ [addonId]: FIREFOX_EXTENSION_UUID }) } : {};
  return { ...UNTHROTTLED, ...extra, ...uuids };
}

interface BidiFrame {
  browsingContext?: { navigate(url: string, wait: 'none' | 'interactive' | 'complete'): Promise<unknown> };
}

/**
 * Loads `url` in `page`. In Firefox `page.goto` never resolves on a moz-extension: page (the
 * navigation's events do not reach puppeteer), while BiDi's own browsingContext.navigate does; it
 * is not in puppeteer's public types, hence the check.
 */
export async function navigate(page: Page, url: string): Promise<void> {
  if (!url.startsWith('moz-extension:')) {
    await page.goto(url);
    return;
  }
  const context = (page.mainFrame() as unknown as BidiFrame).browsingContext;
  if (!context) throw new Error(`Cannot open ${url}: this puppeteer does not expose BiDi browsing contexts (puppeteer 24 or newer is needed).`);
  await context.navigate(url, 'complete');
}
