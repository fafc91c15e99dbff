// @vitest-environment happy-dom
/**
 * The Record tab against the real agent: a recording that reaches its byte budget stops with a
 * banner saying so (and keeps everything up to there); the replay control steps, goes to change N
 * and back to the start; a recording file from a newer stratum is refused in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/store.js';
import { click, setup, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;

afterEach(() => {
  h?.close();
  h = undefined;
});

function pick(input: HTMLElement, name: string, contents: string): void {
  Object.defineProperty(input, 'files', { value: [new File([contents], name, { type: 'application/json' })], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function recordTab(): Promise<Harness> {
  h = setup({ name: 'Record app' });
  await waitFor(() => h!.get('status').dataset.status === 'connected');
  click(h.get('tab-record'));
  await h.wait('record-tab');
  return h;
}

/** Types a value into a field and lets the panel render it (a click's handler reads the rendered state). */
async function setValue(input: HTMLElement, value: string): Promise<void> {
  (input as HTMLInputElement).value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('the Record tab', () => {
  it('stops at the byte budget with a banner, keeps what it recorded, and replays it step by step', async () => {
    const harness = await recordTab();
    const store = new Store({ name: 'record-tab-app' });
    const text = store.createState('', { key: 'text', scope: 'app' });
    await setValue(harness.get('record-budget'), String(4096 / 1024 / 1024));
    click(harness.get('record-start'));
    await waitFor(() => /Recording…/.test(harness.get('record-status').textContent ?? ''));
    for (let i = 0; i < 60; i++) text.set(`${'y'.repeat(200)}${i}`, { label: 'type' });
    const banner = await harness.wait('record-budget-banner');
    expect(banner.textContent).toMatch(/Recording stopped at its byte budget \(4\.0 KiB\) after \d+ changes: everything up to there is kept, nothing after it was recorded/);
    click(harness.get('record-stop'));
    const loaded = await harness.wait('record-loaded');
    const total = Number(loaded.dataset.changes);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(60);
    expect(loaded.dataset.position).toBe(String(total));

    text.set('moved on');
    await setValue(harness.get('replay-goto-input'), '0');
    click(harness.get('replay-goto'));
    await waitFor(() => harness.get('record-loaded').dataset.position === '0');
    expect(text.get()).toBe('');
    click(harness.get('replay-step'));
    await waitFor(() => harness.get('record-loaded').dataset.position === '1');
    expect(text.get()).toBe(`${'y'.repeat(200)}0`);
    expect(harness.get('replay-position').textContent).toBe(`at change 1 of ${total}`);
    await setValue(harness.get('replay-goto-input'), String(total));
    click(harness.get('replay-goto'));
    await waitFor(() => harness.get('record-loaded').dataset.position === String(total));
    expect(text.get()).toBe(`${'y'.repeat(200)}${total - 1}`);

    click(harness.get('record-copy-test'));
    const test = (await harness.wait('record-test-text')) as HTMLTextAreaElement;
    expect(test.value).toMatch(/import \{ endState, launch, replay, snapshot, type RecordingFile \} from "stratumjs\/puppeteer";/);
    expect(test.value).toContain(`"record-tab-app/app/text": "${'y'.repeat(200)}${total - 1}"`);
  });

  it('refuses a recording from a newer stratum in words', async () => {
    const harness = await recordTab();
    pick(harness.get('record-load-input'), 'future.json', JSON.stringify({ format: 'stratum-recording', version: 99, codec: 1 }));
    await waitFor(() => /future\.json cannot be replayed: the recording is format version 99; this stratum reads up to 1/.test(harness.get('toast').textContent ?? ''));
    expect(harness.find('record-loaded')).toBeNull();
  });
});
