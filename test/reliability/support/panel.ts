/** Reading the real panel in DevTools: by data-testid, clicked through the DOM. */
import type { ElementHandle, Frame, Page } from 'puppeteer';
import { openPanel, type PanelHandle } from '../../../runtime/puppeteer/index.js';
import { e2eBrowser } from '../../e2e/harness/browser.js';
import { differences, pageView } from './app.js';

export const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

/**
 * Clicks through the DOM: mouse clicks by coordinates miss parts of a frame inside DevTools, and
 * a row's action buttons show only on hover.
 */
export async function click(frame: Frame, selector: string): Promise<ElementHandle> {
  const element = await frame.waitForSelector(selector);
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((node) => (node as HTMLElement).click());
  return element;
}

/** The real panel in DevTools; in Firefox, whose DevTools automation cannot open, the panel as a tab (panel.html?tabId=N). */
export async function open(page: Page): Promise<PanelHandle> {
  const panel = await openPanel(page, { fallback: e2eBrowser() === 'firefox' ? 'tab' : 'none' });
  await panel.frame.waitForSelector(byId('status', '[data-status="connected"]'));
  return panel;
}

/** What the panel shows for one state of the fixture: its version and its value (the JSON editor's text). */
export async function shown(frame: Frame, key: string): Promise<{ version: number; value: unknown }> {
  await click(frame, byId('state-row', `[data-key="${key}"]`));
  await frame.waitForSelector(byId('state-detail', `[data-key="${key}"]`));
  await click(frame, `${byId('state-detail')} ${byId('json-mode')}`);
  // Shown once the whole value came (the list holds a preview until then).
  await frame.waitForSelector(`${byId('state-detail')} ${byId('json-editor')}`);
  const text = await frame.$eval(`${byId('state-detail')} ${byId('json-editor')}`, (node) => (node as HTMLTextAreaElement).value);
  const version = Number((await frame.$eval(`${byId('state-detail')} ${byId('state-version')}`, (node) => node.textContent ?? '')).replace(/^v/, ''));
  await click(frame, `${byId('state-detail')} ${byId('json-cancel')}`);
  return { version, value: JSON.parse(text) as unknown };
}

/** Differences between what the panel shows and the page's own state, for the given keys. */
export async function comparePanel(frame: Frame, page: Page, keys: string[]): Promise<string[]> {
  const own = await pageView(page);
  const out: string[] = [];
  for (const key of keys) {
    const state = Object.values(own.states).find((candidate) => candidate.key === key)!;
    out.push(...differences(await shown(frame, key), { version: state.version, value: state.value }).map((difference) => `${key} ${difference}`));
  }
  return out;
}

