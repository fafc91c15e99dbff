/**
 * The panel page's entry. Inside DevTools the tab is the inspected window's; as a plain
 * extension page it is `panel.html?tabId=N`. Everything else happens behind mount().
 */
import browser from 'webextension-polyfill';
import { chromeWall } from './chrome-wall.js';
import { mount } from './mount.js';
import { columnsClient } from '#protocol/columns.js';

function inspectedTab(): { tabId: number; inDevtools: boolean } {
  const fromQuery = new URLSearchParams(location.search).get('tabId');
  if (fromQuery !== null) {
    const tabId = Number(fromQuery);
    if (!Number.isInteger(tabId) || tabId < 0) throw new Error(`panel.html?tabId= needs a tab id, got "${fromQuery}"`);
    return { tabId, inDevtools: false };
  }
  return { tabId: browser.devtools.inspectedWindow.tabId, inDevtools: true };
}

function start(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('panel.html has no #root');
  const { tabId, inDevtools } = inspectedTab();
  const theme = inDevtools ? (browser.devtools.panels.themeName === 'dark' ? 'dark' : 'light') : undefined;
  const client = columnsClient();
  const wall = chromeWall(tabId, client, {
    ...(theme && { theme }),
    ...(inDevtools && {
      openResource: (url: string, line: number) => {
        // The polyfill's types lack openResource (Chrome and Firefox both have it). Lines are
        // 1-based in stack traces and 0-based for openResource.
        const panels = browser.devtools.panels as typeof browser.devtools.panels & {
          openResource?: (url: string, line: number) => Promise<void> | void;
        };
        Promise.resolve(panels.openResource?.(url, Math.max(0, line - 1))).catch((error: unknown) => {
          console.error(`stratum panel: could not open ${url}:${line}`, error);
        });
      },
    }),
  });
  const mounted = mount({ wall, container });
  addEventListener('pagehide', () => {
    mounted.unmount();
    wall.close();
  });
}

start();
