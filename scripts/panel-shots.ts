/**
 * Screenshots of the Stratum panel on the demo app: `npm start` takes the first, `npm run
 * screenshots` every tab at 400, 800 and 1,400 px, light and dark, for the README
 * (docs/screenshots/<tab>-<width>-<theme>.png). The panel is opened as an extension page
 * (`panel.html?tabId=N`) so its width and colour scheme can be set like any page's.
 */
import type { Frame, Page } from 'puppeteer';

const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

export const WIDTHS = [400, 800, 1400] as const;
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** A DOM click: mouse coordinates miss frames inside the DevTools front end below its fold. */
async function click(frame: Frame, selector: string): Promise<void> {
  const element = await frame.waitForSelector(selector, { visible: true, timeout: 10_000 });
  if (!element) throw new Error(`the panel has no ${selector}`);
  await element.evaluate((node) => (node as HTMLElement).click());
}

async function shoot(frame: Frame, file: string): Promise<string> {
  const body = await frame.$('body');
  if (!body) throw new Error('the panel has no body to screenshot');
  await new Promise((resolve) => setTimeout(resolve, 150)); // let the last render settle
  await body.screenshot({ path: file });
  return file;
}

export interface Shot {
  name: string;
  /** Brings the panel to what the picture shows. */
  show(frame: Frame, page: Page): Promise<void>;
  /** Undoes what `show` did to the page once the picture is taken (a simulated failure). */
  after?(frame: Frame, page: Page): Promise<void>;
}

/** Sets a <select> or <input> in the panel as a user would (preact listens for change / input). */
async function setField(frame: Frame, testid: string, value: string, event: 'change' | 'input'): Promise<void> {
  const field = await frame.waitForSelector(byId(testid), { visible: true, timeout: 10_000 });
  await field!.evaluate(
    (node, v, e) => {
      (node as HTMLInputElement).value = v;
      node.dispatchEvent(new Event(e, { bubbles: true }));
    },
    value,
    event,
  );
}

export const SHOTS: Shot[] = [
  {
    name: 'state',
    async show(frame) {
      await click(frame, byId('tab-state'));
      await click(frame, byId('state-row', '[data-key="notes"]'));
      const toggle = await frame.$(`${byId('state-detail')} ${byId('value-toggle')}[aria-label="Expand"]`);
      if (toggle) await toggle.evaluate((node) => (node as HTMLElement).click());
    },
  },
  {
    name: 'storage',
    async show(frame) {
      await click(frame, byId('tab-storage'));
      await click(frame, byId('storage-item', '[data-kind="local"][data-namespace="notes"]'));
    },
  },
  {
    name: 'database',
    async show(frame) {
      await click(frame, byId('tab-database'));
      await click(frame, byId('database-item', '[data-name="notes"]'));
      await click(frame, byId('table-item', '[data-table="notes"]'));
      await click(frame, byId('row', '[data-key="1"]'));
    },
  },
  {
    name: 'blobs',
    async show(frame) {
      await click(frame, byId('tab-database'));
      await click(frame, byId('database-item', '[data-name="notes"]'));
      await click(frame, byId('view-blobs'));
      await click(frame, `${byId('blob-row', '[data-name="drawing.png"]')} ${byId('blob-show')}`);
      await frame.waitForSelector(byId('blob-image'), { visible: true });
    },
  },
  {
    name: 'timeline',
    async show(frame) {
      await click(frame, byId('tab-timeline'));
      await frame.waitForSelector(byId('timeline-row'));
      const rows = await frame.$$(byId('timeline-row', '[data-stratum="state"]'));
      await rows.at(-1)?.evaluate((node) => (node as HTMLElement).click());
    },
  },
  {
    name: 'search',
    async show(frame) {
      await click(frame, byId('tab-search'));
      await fill(frame, byId('search-input'), 'panel');
      await click(frame, byId('search-run'));
      await frame.waitForSelector(byId('search-progress', '[data-state="done"]'), { timeout: 10_000 });
    },
  },
  {
    name: 'query',
    async show(frame) {
      await click(frame, byId('tab-database'));
      await click(frame, byId('database-item', '[data-name="notes"]'));
      await click(frame, byId('view-console'));
      await click(frame, byId('console-mode-query'));
      await choose(frame, byId('console-table'), 'notes');
      await choose(frame, byId('console-index'), 'tags');
      await fill(frame, byId('console-eq'), 'hello');
      await click(frame, byId('console-run'));
      await frame.waitForSelector(byId('console-explain'), { timeout: 10_000 });
    },
  },
  {
    // Issue 22: a simulated failure (Cache clock +1 h) in the banner, the form set up for a quota.
    name: 'simulate',
    async show(frame) {
      await click(frame, byId('tab-simulate'));
      await setField(frame, 'simulate-fault', 'clock', 'change');
      await setField(frame, 'simulate-minutes', '60', 'input');
      await click(frame, byId('simulate-on'));
      await frame.waitForSelector(byId('simulation'), { visible: true, timeout: 10_000 });
      await setField(frame, 'simulate-fault', 'quota', 'change');
      await setField(frame, 'simulate-bytes', '4096', 'input');
    },
    async after(frame) {
      await click(frame, byId('simulation-off'));
      await frame.waitForFunction(() => !document.querySelector('[data-testid="simulation"]'), { timeout: 10_000 });
    },
  },
  {
    name: 'budget',
    async show(frame) {
      await click(frame, byId('tab-budget'));
      await frame.waitForSelector(byId('budget-database'), { visible: true, timeout: 10_000 });
    },
  },
];

/** Replaces a field's text as typing would (Preact hears the input event). */
async function fill(frame: Frame, selector: string, text: string): Promise<void> {
  const field = await frame.waitForSelector(selector, { visible: true, timeout: 10_000 });
  if (!field) throw new Error(`the panel has no ${selector}`);
  await field.evaluate((node, value) => {
    (node as HTMLInputElement).value = value;
    node.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
}

async function choose(frame: Frame, selector: string, value: string): Promise<void> {
  const field = await frame.waitForSelector(selector, { timeout: 10_000 });
  if (!field) throw new Error(`the panel has no ${selector}`);
  await field.evaluate((node, wanted) => {
    (node as HTMLSelectElement).value = wanted;
    node.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

/** Attachments on the first note, so the demo and the blob list have something to show. */
export async function attachToDemo(page: Page): Promise<void> {
  await page.click('[data-testid="note-1"]');
  if (!(await page.$('[data-testid="attachments"] img'))) {
    await page.click('[data-testid="attach-image"]');
    await page.waitForSelector('[data-testid="attachments"] img');
    await page.click('[data-testid="attach-text"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="attachments"] li').length >= 2);
  }
}

/** Changes in the demo, so the timeline has something to show. */
export async function exerciseDemo(page: Page): Promise<void> {
  await page.click('[data-testid="dark"]');
  await page.click('[data-testid="dark"]');
  await page.click('[data-testid="search"]', { clickCount: 3 });
  await page.keyboard.press('Backspace');
  await page.waitForSelector('[data-testid="note-2"]');
  await page.click('[data-testid="note-2"]');
  await page.click('[data-testid="note-1"]');
  await page.type('[data-testid="search"]', 'we');
}

/** Waits for a connected panel, then takes `shots` (default: all) as `<dir>/<name><suffix>.png`. */
export async function panelShots(frame: Frame, page: Page, dir: string, shots: Shot[] = SHOTS, suffix = ''): Promise<string[]> {
  await frame.waitForSelector(byId('status', '[data-status="connected"]'), { timeout: 10_000 });
  const files: string[] = [];
  for (const shot of shots) {
    await shot.show(frame, page);
    files.push(await shoot(frame, `${dir}/${shot.name}${suffix}.png`));
    await shot.after?.(frame, page);
  }
  return files;
}
