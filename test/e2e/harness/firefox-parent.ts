import path from 'node:path';
import type { Browser } from 'puppeteer';
import { addonIdOf } from '../../../runtime/puppeteer/firefox.js';
import { REPO_ROOT } from './browser.js';

/**
 * Firefox's own parent process, reached over WebDriver BiDi: with `--remote-allow-system-access`
 * (the kit launches Firefox with it, to install the extension) `browsingContext.getTree` with
 * `moz:scope: "chrome"` lists the browser window itself, and `script.evaluate` there runs with
 * system privileges. It stands in for CDP where a test needs the browser to do something no web
 * API does: stop the extension's background, as about:debugging's "Terminate background script",
 * and measure a window's memory, as about:memory does.
 */

/** The parts of puppeteer's BiDi connection used here; it is not in puppeteer's public types. */
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}
type Evaluated = { type: 'success'; result: { type: string; value?: unknown } } | { type: 'exception'; exceptionDetails: { text: string } };

function connectionOf(browser: Browser): BidiConnection {
  const connection = (browser as unknown as { connection?: BidiConnection }).connection;
  if (!connection || typeof connection.send !== 'function') throw new Error('This browser exposes no WebDriver BiDi connection: the parent process is reachable only in Firefox over BiDi.');
  return connection;
}

/** Evaluates `expression` (JSON-valued, awaited) in the browser window's privileged scope. */
export async function evaluateInParent<T>(browser: Browser, expression: string): Promise<T> {
  const connection = connectionOf(browser);
  const { result: tree } = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })) as { result: { contexts: { context: string }[] } };
  const context = tree.contexts[0]?.context;
  if (!context) throw new Error('Firefox lists no chrome window: was it started with --remote-allow-system-access?');
  const { result } = (await connection.send('script.evaluate', {
    // As JSON text, as in isolated-world.ts: BiDi's remote values would need puppeteer's internal deserializer.
    expression: `(async () => JSON.stringify(await (${expression})) ?? 'null')()`,
    target: { context },
    awaitPromise: true,
  })) as { result: Evaluated };
  if (result.type === 'exception') throw new Error(`Firefox's parent process threw: ${result.exceptionDetails.text}`);
  return JSON.parse(String(result.result.value)) as T;
}

/** The Stratum extension as Firefox's extension framework holds it (read when first needed: a Chromium run may have no dist/firefox). */
const extension = () =>
  `ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs').ExtensionParent.GlobalManager.getExtension(${JSON.stringify(addonIdOf(path.join(REPO_ROOT, 'dist/firefox')))})`;

/**
 * Stops the extension's event page as about:debugging's "Terminate background script" does
 * (`Extension.terminateBackground`, which resolves once it stopped): every port the content
 * scripts, the panel and the kit held drops, as when Chromium stops its service worker. A port
 * that reconnects wakes it again at once, so the state is read right after the stop.
 */
export async function terminateBackground(browser: Browser): Promise<void> {
  const states = await evaluateInParent<[string, string]>(
    browser,
    `(async () => { const extension = ${extension()}; if (!extension) throw new Error('Stratum is not installed'); const before = extension.backgroundState; if (before === 'stopped') return [before, before]; await extension.terminateBackground(); return [before, extension.backgroundState]; })()`,
  );
  if (states[1] !== 'stopped') throw new Error(`Firefox did not stop Stratum's background: it was "${states[0]}", and is "${states[1]}" after terminateBackground()`);
}

/**
 * What about:memory counts for the one top-level window at `url` (bytes, in whichever process
 * holds it): the window's JS heap (its zones and realms) with its DOM, layout and style. `collect`
 * first runs about:memory's "Minimize memory usage" (GC and CC in every process), as CDP's
 * HeapProfiler.collectGarbage does before Chromium's Runtime.getHeapUsage. Pass the URL the page
 * reports itself (location.href): puppeteer's page.url() stays about:blank in Firefox for a page
 * loaded with browsingContext.navigate. Throws unless exactly one window is at `url`, so a wrong
 * URL cannot pass for a small heap.
 */
export async function windowMemory(browser: Browser, url: string, collect = false): Promise<number> {
  // Report paths spell a URL with backslashes: a slash separates the path's own parts.
  const top = `top(${url.replace(/\//g, '\\')}, id=`;
  const { bytes, windows } = await evaluateInParent<{ bytes: number; windows: string[] }>(
    browser,
    `new Promise((resolve, reject) => {
      const manager = Cc['@mozilla.org/memory-reporter-manager;1'].getService(Ci.nsIMemoryReporterManager);
      const prefix = 'explicit/window-objects/';
      const top = ${JSON.stringify(top)};
      const windows = new Set();
      let bytes = 0;
      const report = () => manager.getReports((process, path, kind, units, amount) => {
        if (units !== Ci.nsIMemoryReporter.UNITS_BYTES || !path.startsWith(prefix) || !path.startsWith(top, prefix.length)) return;
        windows.add(process + ' ' + path.slice(prefix.length).split('/')[0]);
        bytes += amount;
      }, null, () => resolve({ bytes, windows: [...windows] }), null, false);
      try {
        if (${collect}) manager.minimizeMemoryUsage(report);
        else report();
      } catch (error) {
        reject(error);
      }
    })`,
  );
  if (windows.length !== 1) throw new Error(`Firefox reports ${windows.length} windows at ${url}, not one: ${windows.join('; ')}`);
  return bytes;
}
