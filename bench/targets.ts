/** The two places a suite runs: a fresh Chromium page, or this node process. */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer';
import type { BenchApi } from './harness.js';
import type { Target } from './measure.js';

export interface OpenTarget extends Target {
  cases(): Promise<string[]>;
  close(): Promise<void>;
}

const LOAD_TIMEOUT_MS = 30_000;

/** Opens `<origin>/<suite>.html` in a new page and waits until the suite loaded (or failed to). */
export async function openPage(browser: Browser, origin: string, suite: string): Promise<OpenTarget> {
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
  try {
    await page.goto(`${origin}/${suite}.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => globalThis.__benchReady === true || globalThis.__benchError !== undefined, {
      timeout: LOAD_TIMEOUT_MS,
    });
  } catch (error) {
    await page.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${suite}.html did not load: ${[reason, ...errors].join('; ')}`);
  }
  const failed = await page.evaluate(() => globalThis.__benchError);
  if (failed !== undefined) {
    await page.close();
    throw new Error(firstLine(failed));
  }
  const call = <R>(method: keyof BenchApi, ...args: unknown[]): Promise<R> =>
    page.evaluate(
      (name, list) => (globalThis.__bench![name as keyof BenchApi] as (...a: unknown[]) => unknown)(...list),
      method,
      args,
    ) as Promise<R>;
  return {
    cases: () => call('cases'),
    variants: (id) => call('variants', id),
    setup: (id) => call('setup', id),
    sample: (id, variant, n) => call('sample', id, variant, n),
    teardown: (id) => call('teardown', id),
    close: () => page.close(),
  };
}

/** Imports a bundled node suite; its harness sets globalThis.__bench, taken at once. */
export async function openNode(file: string): Promise<OpenTarget> {
  globalThis.__bench = undefined;
  await import(pathToFileURL(file).href);
  const api = globalThis.__bench as BenchApi | undefined;
  if (!api) throw new Error(`${file} registered no bench cases`);
  return {
    cases: async () => api.cases(),
    variants: async (id) => api.variants(id),
    setup: (id) => api.setup(id),
    sample: (id, variant, n) => api.sample(id, variant, n),
    teardown: (id) => api.teardown(id),
    close: async () => undefined,
  };
}

/** The message of an error's stack, without the frames (they point into minified bundles). */
export function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

declare global {
  var __benchReady: boolean | undefined;
  var __benchError: string | undefined;
}
