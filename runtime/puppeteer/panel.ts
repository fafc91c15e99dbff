import type { Frame, Page } from 'puppeteer';
import { extensionId, tabIdOf } from './extension.js';

export interface PanelHandle {
  /** The panel's frame (inside DevTools) or page (panel.html?tabId=N): select by data-testid. */
  frame: Frame;
  /** 'devtools': the real DevTools panel; 'tab': the panel as an extension page. */
  where: 'devtools' | 'tab';
  close(): Promise<void>;
}

/**
 * Opens the real Stratum DevTools panel for `page`. `DevToolsAPI.showPanel` is internal to
 * DevTools, so it is tried in a retry loop (the panel registers a moment after DevTools opens);
 * where it never appears, `fallback: 'tab'` opens `panel.html?tabId=N` as a page instead.
 */
export async function openPanel(page: Page, options: { timeout?: number; fallback?: 'tab' | 'none' } = {}): Promise<PanelHandle> {
  const { timeout = 15_000, fallback = 'tab' } = options;
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
    if (frame) return { frame, where: 'devtools', close: () => devtools.close() };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await devtools.close();
  if (fallback === 'none') throw new Error(`The Stratum panel did not appear in DevTools within ${timeout} ms.`);
  const tab = await page.browser().newPage();
  await tab.goto(`${panelUrl}?tabId=${await tabIdOf(page)}`);
  return { frame: tab.mainFrame(), where: 'tab', close: () => tab.close() };
}
