/**
 * Accessibility and the keyboard, in real Chromium: axe-core (the engine behind Lighthouse's and
 * Chrome's accessibility audits) on every tab of the panel shows no serious or critical
 * violation, and the panel works without a mouse: Tab order through the header and tabs, arrow
 * keys between tabs, Enter and Space on row actions, Escape closing what a button opened.
 * The panel runs as an extension page (`panel.html?tabId=N`), where keyboard focus is the page's.
 * a11y.firefox.spec.ts runs the same bodies in Firefox ESR.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionOrigin, tabIdOf } from '../../runtime/puppeteer/extension.js';
import { navigate } from '../../runtime/puppeteer/firefox.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;
let demo: Page;
let panel: Page;

/** The demo with a note open and a drawing attached, and the panel for it as a page in front. */
async function openDemoAndPanel(browser: StartedBrowser['browser']): Promise<{ demo: Page; panel: Page }> {
  const demo = await browser.newPage();
  await demo.goto(`${served.origin}/fixtures/demo/`);
  await demo.waitForSelector('body[data-ready="true"]');
  await demo.click(byId('note-1'));
  await demo.click(byId('attach-image'));
  await demo.waitForSelector(`${byId('attachments')} img`);
  const panel = await browser.newPage();
  await panel.setViewport({ width: 1000, height: 700 });
  // navigate: in Firefox page.goto never resolves on a moz-extension: page.
  await navigate(panel, `${await extensionOrigin(browser)}/panel.html?tabId=${await tabIdOf(demo)}`);
  await panel.waitForSelector(byId('status', '[data-status="connected"]'));
  // Headless Chromium runs no frames (so no clicks, no rAF) in a tab that is not in front.
  await panel.bringToFront();
  // Evaluated over the DevTools protocol (WebDriver BiDi in Firefox), which the extension page's
  // CSP does not govern.
  await panel.evaluate(AXE);
  return { demo, panel };
}

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: BROWSER }), serveRepo()]);
  ({ demo, panel } = await openDemoAndPanel(started.browser));
}, 60_000);

/**
 * Runs `body` with the panel in a browser that prefers a dark theme. Chromium: media emulation
 * over CDP. Firefox: WebDriver BiDi has no media emulation (puppeteer's emulateMediaFeatures needs
 * CDP there), so a second Firefox starts with content preferring dark, its own demo and panel
 * standing in for the first's while `body` runs.
 */
async function inDarkTheme(body: () => Promise<void>): Promise<void> {
  if (BROWSER === 'chromium') {
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    try {
      await body();
    } finally {
      await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    }
    return;
  }
  // 0 is dark: Firefox's values for this pref are 0 dark, 1 light, 2 the browser's theme, 3 the OS's.
  const dark = await startBrowser({ extension: true, browser: BROWSER, prefs: { 'layout.css.prefers-color-scheme.content-override': 0 } });
  const light = { demo, panel };
  try {
    ({ demo, panel } = await openDemoAndPanel(dark.browser));
    await body();
  } finally {
    ({ demo, panel } = light);
    await dark.close();
  }
}

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the panel as it is now. */
async function violations(): Promise<Violation[]> {
  return panel.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 5).map((node) => JSON.stringify(node.target)) }));
  });
}

async function click(selector: string): Promise<void> {
  const element = await panel.waitForSelector(selector, { visible: true });
  await element!.click();
}

const TABS: { name: string; show: () => Promise<void> }[] = [
  {
    name: 'state',
    async show() {
      await click(byId('tab-state'));
      await click(byId('state-row', '[data-key="notes"]'));
      await panel.waitForSelector(byId('state-detail'));
    },
  },
  {
    name: 'storage',
    async show() {
      await click(byId('tab-storage'));
      await click(byId('storage-item', '[data-kind="local"][data-namespace="notes"]'));
      await click(byId('key-row'));
      await panel.waitForSelector(byId('key-detail'));
    },
  },
  {
    name: 'database rows',
    async show() {
      await click(byId('tab-database'));
      await click(byId('database-item', '[data-name="notes"]'));
      await click(byId('table-item', '[data-table="notes"]'));
      await click(byId('row', '[data-key="1"]'));
      await panel.waitForSelector(byId('row-editor'));
    },
  },
  {
    name: 'database blobs',
    async show() {
      await click(byId('view-blobs'));
      await click(`${byId('blob-row', '[data-name="drawing.png"]')} ${byId('blob-show')}`);
      await panel.waitForSelector(byId('blob-image'), { visible: true });
    },
  },
  {
    name: 'timeline',
    async show() {
      await click(byId('tab-timeline'));
      // A DOM click: the demo's tab is in the background, where input events wait for a frame.
      await demo.$eval(byId('dark'), (box) => (box as HTMLElement).click());
      await panel.waitForSelector(byId('timeline-row', '[data-stratum="state"]'));
      await click(byId('timeline-row', '[data-stratum="state"]'));
      await panel.waitForSelector(byId('timeline-detail'));
    },
  },
  {
    name: 'record (issue 23)',
    async show() {
      await click(byId('tab-record'));
      await click(byId('record-start'));
      await panel.waitForSelector(byId('record-stop'));
      await demo.$eval(byId('dark'), (box) => (box as HTMLElement).click());
      await click(byId('record-stop'));
      await panel.waitForSelector(byId('record-change'));
    },
  },
  {
    // Issue 22: the form, with nothing simulated (a banner would change the page under the other tabs' audits).
    name: 'simulate',
    async show() {
      await click(byId('tab-simulate'));
      await panel.waitForSelector(byId('simulate-on'));
    },
  },
  {
    name: 'budget',
    async show() {
      await click(byId('tab-budget'));
      await panel.waitForSelector(byId('budget-database'));
    },
  },
];

describe('accessibility (axe-core)', () => {
  for (const tab of TABS) {
    it(`finds no serious or critical violation on ${tab.name}`, async () => {
      await tab.show();
      expect(await violations()).toEqual([]);
    });
  }
});

describe('accessibility (axe-core), dark', () => {
  it('finds no serious or critical violation in the dark theme either', async () => {
    await inDarkTheme(async () => {
      // The panel itself is dark (theme.css gives the dark theme color-scheme: dark), not just the media query.
      expect(await panel.$eval('.stratum-panel', (container) => getComputedStyle(container).colorScheme)).toBe('dark');
      for (const tab of TABS.slice(0, 3)) {
        await tab.show();
        expect(await violations(), tab.name).toEqual([]);
      }
    });
  });
});

describe('keyboard', () => {
  const focused = () => panel.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName ?? '');

  it('reaches the tabs with Tab and moves between them with the arrow keys', async () => {
    await click(byId('tab-state'));
    await panel.focus(byId('tab-state'));
    await panel.keyboard.press('ArrowRight');
    expect(await focused()).toBe('tab-storage');
    await panel.waitForSelector(byId('panel-storage'));
    await panel.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('tab-state');
    await panel.waitForSelector(byId('panel-state'));
    // Tab leaves the tab list for the tab's content (the filter box first).
    await panel.keyboard.press('Tab');
    expect(await focused()).toBe('state-filter');
  });

  it('opens a storage key with Enter or Space and edits it in the value view', async () => {
    await click(byId('tab-storage'));
    await click(byId('storage-item', '[data-kind="local"][data-namespace="notes"]'));
    await panel.focus(byId('key-row'));
    await panel.keyboard.press(' ');
    await panel.waitForFunction(() => document.activeElement?.closest('[data-testid="key-detail"]') !== null);
    expect(await focused()).toBe('value-node');
    await panel.keyboard.press('Enter');
    await panel.waitForSelector(`${byId('key-detail')} ${byId('value-input')}`);
    await panel.keyboard.press('Escape');
    await panel.waitForFunction(() => !document.querySelector('[data-testid="key-detail"] [data-testid="value-input"]'));
  });

  it('closes the snapshot menu and a confirmation with Escape', async () => {
    await panel.focus(byId('snapshot-menu'));
    await panel.keyboard.press('Enter');
    await panel.waitForSelector(byId('snapshot-menu-items'), { visible: true });
    await panel.keyboard.press('Escape');
    await panel.waitForFunction(() => !document.querySelector('[data-testid="snapshot-menu-items"]'));

    await click(byId('tab-database'));
    await click(byId('database-item', '[data-name="notes"]'));
    await click(byId('view-rows'));
    await click(byId('table-item', '[data-table="notes"]'));
    await panel.focus(byId('clear-table'));
    await panel.keyboard.press('Enter');
    await panel.waitForSelector(byId('confirm'));
    // The question has the focus, so Esc reaches it.
    await panel.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'confirm-yes');
    await panel.keyboard.press('Escape');
    await panel.waitForFunction(() => !document.querySelector('[data-testid="confirm"]'));
    expect(await focused()).toBe('clear-table');
    expect(await demo.evaluate(() => document.querySelectorAll('[data-testid="notes"] li').length)).toBeGreaterThan(0);
  });
});
