import type { Frame, Page } from 'puppeteer';
import { extensionId, extensionOrigin, isFirefox, tabIdOf } from './extension.js';
import { navigate } from './firefox.js';

export interface PanelHandle {
  /** The panel's frame (inside DevTools) or page (panel.html?tabId=N): select by data-testid. */
  frame: Frame;
  /** 'devtools': the real DevTools panel; 'tab': the panel as an extension page. */
  where: 'devtools' | 'tab';
  /** The page the panel is in: the DevTools window, or the panel's own tab. */
  page: Page;
  close(): Promise<void>;
}

/** The panel as an extension page of its own, `panel.html?tabId=N`, for `page`'s tab. */
async function openAsTab(page: Page, timeout: number): Promise<PanelHandle> {
  const url = `${await extensionOrigin(page.browser())}/panel.html?tabId=${await tabIdOf(page, timeout)}`;
  // Firefox: a window of its own, as DevTools undocked, so the page under test stays visible.
  const tab = (await isFirefox(page.browser())) ? await page.browser().newPage({ type: 'window' }) : await page.browser().newPage();
  await navigate(tab, url);
  return { frame: tab.mainFrame(), where: 'tab', page: tab, close: () => tab.close() };
}

/**
 * Docked, DevTools gives the panel a strip beside the page (~550 px of a 1400 px window); undocked
 * it has the whole DevTools window. DockController is internal to DevTools' front end: where it is
 * missing or refuses, the panel stays docked and says so, and is still usable.
 */
/** DevTools' own module (a path in its front end, not in this package: the layer check skips it). */
const DEVTOOLS_LEGACY_MODULE = './ui/legacy/legacy.js';

async function undock(devtools: Page, frame: Frame): Promise<void> {
  // A module of DevTools' own front end, from its bundle. Source text, not a function: a bundler or
  // test runner would rewrite a function's import() into its own loader, which DevTools lacks.
  const outcome = await devtools
    .evaluate(
      `import(${JSON.stringify(DEVTOOLS_LEGACY_MODULE)}).then((legacy) => { legacy.DockController.DockController.instance().setDockSide('undocked'); return 'undocked'; })`,
    )
    .catch((error: unknown) => `left docked: ${error instanceof Error ? error.message : String(error)}`);
  if (outcome !== 'undocked') {
    console.warn(`stratumjs/puppeteer: the DevTools panel is ${outcome}`);
    return;
  }
  // Undocking lays DevTools out again: wait until the panel has (nearly) the window's width.
  const width = await devtools.evaluate(() => window.innerWidth);
  await frame.waitForFunction((full: number) => window.innerWidth >= full - 40, { timeout: 2000 }, width).catch(() => {
    console.warn('stratumjs/puppeteer: the DevTools panel did not widen after undocking; it stays as DevTools laid it out');
  });
}

/**
 * Opens the real Stratum DevTools panel for `page`. `DevToolsAPI.showPanel` is internal to
 * DevTools, so it is tried in a retry loop (the panel registers a moment after DevTools opens);
 * where it never appears, `fallback: 'tab'` opens `panel.html?tabId=N` as a page instead.
 * Firefox's DevTools cannot be opened by automation: there the panel is always a tab
 * (`fallback: 'none'` throws rather than pretend).
 */
export async function openPanel(
  page: Page,
  options: { timeout?: number; fallback?: 'tab' | 'none'; /** Undock DevTools so the panel has the whole window (default true). */ undock?: boolean } = {},
): Promise<PanelHandle> {
  const { timeout = 15_000, fallback = 'tab', undock: undocked = true } = options;
  if (await isFirefox(page.browser())) {
    if (fallback === 'none') throw new Error("Firefox's DevTools cannot be opened by automation: openPanel(page) there opens the panel as a tab (fallback: 'tab').");
    return openAsTab(page, timeout);
  }
  const id = await extensionId(page.browser());
  const panelUrl = `chrome-extension://${id}/panel.html`;
  const devtools = await page.openDevTools();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    await devtools
      .evaluate((panelId: string) => {
        const api = (globalThis as unknown as { DevToolsAPI?: { showPanel(id: string): void } }).DevToolsAPI;
        api?.showPanel(panelId);
      }, `chrome-extension://${id}Stratum`)
      // Until DevTools' front end has loaded, DevToolsAPI is missing or the call throws: retried.
      .catch(() => undefined);
    const frame = devtools.frames().find((candidate) => candidate.url().startsWith(panelUrl));
    if (frame) {
      if (undocked) await undock(devtools, frame);
      return { frame, where: 'devtools', page: devtools, close: () => devtools.close() };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await devtools.close();
  if (fallback === 'none') throw new Error(`The Stratum panel did not appear in DevTools within ${timeout} ms.`);
  return openAsTab(page, timeout);
}
