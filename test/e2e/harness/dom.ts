/**
 * Driving the panel's DOM as a user does, shared by the e2e specs: selectors by data-testid,
 * clicks through the DOM, and editing one leaf of the value view.
 */
import type { ElementHandle, Frame } from 'puppeteer';

export const byId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;
export const node = (path: (string | number)[]) => byId('value-node', `[data-path='${JSON.stringify(path)}']`);

/** Clicks through the DOM (mouse clicks miss what sits below DevTools' visible area). */
export async function click(frame: Frame, selector: string): Promise<ElementHandle> {
  const element = await frame.waitForSelector(selector, { visible: true });
  if (!element) throw new Error(`no ${selector}`);
  await element.evaluate((target) => {
    (target as HTMLElement).scrollIntoView({ block: 'nearest' });
    (target as HTMLElement).click();
  });
  return element;
}

/** Edits one leaf of the value view inside `within`, as a user does: focus the row, its edit button, type, Enter. */
export async function editLeafIn(frame: Frame, within: string, path: (string | number)[], text: string): Promise<void> {
  const at = within ? `${within} ${node(path)}` : node(path);
  const row = await frame.waitForSelector(at);
  await row!.evaluate((element) => (element as HTMLElement).focus());
  await click(frame, `${at} ${byId('value-edit')}`);
  const input = await frame.waitForSelector(`${at} ${byId('value-input')}`);
  await input!.evaluate((field) => ((field as HTMLInputElement).value = ''));
  await input!.type(text);
  await input!.press('Enter');
}

/** editLeafIn for the only value view on screen. */
export function editLeaf(frame: Frame, path: (string | number)[], text: string): Promise<void> {
  return editLeafIn(frame, '', path, text);
}

/** Add row on a table whose keys are out of line: the key and the value typed, Add clicked, the new row selected. */
export async function addRowAt(frame: Frame, key: string, json: string): Promise<void> {
  await click(frame, byId('row-new'));
  await (await frame.waitForSelector(byId('add-row-key')))!.type(key);
  await (await frame.waitForSelector(byId('add-row-json')))!.type(json);
  await click(frame, byId('row-add'));
  await frame.waitForSelector(byId('row-editor', `[data-key='${JSON.stringify(key)}']`));
}
