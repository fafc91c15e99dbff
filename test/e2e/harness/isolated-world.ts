import type { CDPSession, Page } from 'puppeteer';
import { e2eBrowser } from './browser.js';

/** A script world of its own in a page, as a content script has: the page's code cannot see it. */
export interface IsolatedWorld {
  /** Evaluates `expression` in the world's newest document, awaiting a promise; the value must be JSON. */
  evaluate<T>(expression: string): Promise<T>;
}

/** The parts of puppeteer's BiDi objects used here; they are not in its public types. */
interface BidiRealm {
  evaluate(expression: string, awaitPromise: boolean): Promise<BidiResult>;
}
type BidiResult =
  | { type: 'success'; result: { type: string; value?: unknown } }
  | { type: 'exception'; exceptionDetails: { text: string } };
interface BidiContext {
  addPreloadScript(functionDeclaration: string, options: { sandbox: string }): Promise<string>;
  createWindowRealm(sandbox: string): BidiRealm;
}

/**
 * Runs `source` in a world named `name` on every document `page` loads from now on, before the
 * page's own scripts. Chromium: CDP's Page.addScriptToEvaluateOnNewDocument with a worldName.
 * Firefox: a WebDriver BiDi preload script in a sandbox (CDP is Chrome's).
 */
export async function isolatedWorld(page: Page, name: string, source: string): Promise<IsolatedWorld> {
  return e2eBrowser() === 'firefox' ? bidiWorld(page, name, source) : cdpWorld(page, name, source);
}

async function cdpWorld(page: Page, name: string, source: string): Promise<IsolatedWorld> {
  const cdp: CDPSession = await page.createCDPSession();
  const contexts: number[] = [];
  cdp.on('Runtime.executionContextCreated', (event) => {
    if (event.context.name === name) contexts.push(event.context.id);
  });
  await cdp.send('Page.enable');
  await cdp.send('Runtime.enable');
  await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source, worldName: name });
  return {
    async evaluate<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { contextId: contexts.at(-1)!, expression, returnByValue: true, awaitPromise: true });
      if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
      return result.value as T;
    },
  };
}

async function bidiWorld(page: Page, name: string, source: string): Promise<IsolatedWorld> {
  const context = (page.mainFrame() as unknown as { browsingContext?: BidiContext }).browsingContext;
  if (!context) throw new Error('This puppeteer exposes no BiDi browsing context (puppeteer 24 or newer is needed).');
  await context.addPreloadScript(`() => { ${source} }`, { sandbox: name });
  // The realm targets the context and sandbox by name, so it follows the page across navigations.
  const realm = context.createWindowRealm(name);
  return {
    async evaluate<T>(expression: string): Promise<T> {
      // As JSON text: BiDi's remote values would need puppeteer's internal deserializer.
      const result = await realm.evaluate(`(async () => JSON.stringify(await (${expression})) ?? 'null')()`, true);
      if (result.type === 'exception') throw new Error(result.exceptionDetails.text);
      return JSON.parse(String(result.result.value)) as T;
    },
  };
}
