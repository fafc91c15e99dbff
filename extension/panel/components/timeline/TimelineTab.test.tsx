// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memory, openDatabase } from '#runtime/db/index.js';
import { Store } from '#runtime/store/store.js';
import { webstorage } from '#runtime/webstorage/webstorage.js';
import { PanelBridge } from '#protocol/bridge.js';
import { CommandError } from '#protocol/errors.js';
import { Command } from '#protocol/messages.js';
import { check, click, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  vi.restoreAllMocks();
});

async function openTimeline() {
  h = setup();
  await waitFor(() => h!.get('status').dataset.status === 'connected');
  click(h.get('tab-timeline'));
  await h.wait('timeline-toolbar');
  return h;
}

const rows = (harness: Harness, stratum?: string) => harness.all('timeline-row').filter((row) => stratum === undefined || row.dataset.stratum === stratum);

describe('Timeline tab', () => {
  it('records every stratum with labels and coalesced counts, and filters by stratum and text', async () => {
    const store = new Store({ name: 'timeline-store' });
    const count = store.createState(0, { key: 'clicks', scope: 'app' });
    const storage = webstorage('local', { namespace: 'timeline' });
    const db = await openDatabase('timeline-db', { version: 1, tables: { t: { key: 'id' } }, provider: memory() });
    const h = await openTimeline();
    for (let i = 1; i <= 37; i++) count.set(i, { label: 'click' });
    storage.set('k', 'v');
    await db.table('t').put({ id: 1 });

    const state = await waitFor(() => rows(h, 'state').find((row) => text(row).includes('clicks')));
    expect(text(h.get('timeline-label', {}, state))).toBe('click');
    expect(text(h.get('timeline-changes', {}, state))).toBe('×37');
    expect(text(h.get('timeline-title', {}, state))).toBe('timeline-store › clicks');
    store.createState('x', { key: 'clicks', scope: 'other' });
    store.deleteState({ key: 'clicks', scope: 'other' });
    const deleted = await waitFor(() => rows(h, 'state').find((row) => text(row).includes('deleted')));
    expect(text(h.get('timeline-title', {}, deleted))).toBe('timeline-store › other › clicks');
    await waitFor(() => rows(h, 'storage').some((row) => text(row).includes('local:timeline › k')));
    await waitFor(() => rows(h, 'database').some((row) => text(row).includes('timeline-db › t')));
    expect(rows(h, 'runtime').some((row) => text(row).includes('snapshot'))).toBe(true);

    check(h.get('timeline-filter-state'), false);
    await waitFor(() => rows(h, 'state').length === 0);
    expect(rows(h, 'storage').length).toBeGreaterThan(0);
    check(h.get('timeline-filter-state'), true);
    type(h.get('timeline-search'), 'timeline-db');
    await waitFor(() => rows(h).length > 0 && rows(h).every((row) => row.dataset.stratum === 'database'));
  });

  it('pauses, clears and exports what it recorded', async () => {
    const store = new Store({ name: 'pause-store' });
    const value = store.createState('a', { key: 'v', scope: 'app' });
    const h = await openTimeline();
    click(h.get('timeline-pause'));
    value.set('skipped');
    await waitFor(() => /1 skipped while paused/.test(text(h.get('timeline-count'))));
    expect(rows(h, 'state')).toHaveLength(0);
    click(h.get('timeline-pause'));
    value.set('recorded');
    await waitFor(() => rows(h, 'state').length === 1);

    const saved: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (saved.push(blob as Blob), 'blob:export'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    click(h.get('timeline-export'));
    const exported = JSON.parse(await saved[0]!.text()) as { entries: { title: string; detail: string }[]; skipped: number };
    expect(exported.entries.some((entry) => entry.title === 'pause-store › v' && entry.detail.includes('recorded'))).toBe(true);
    // A bug report made from the export must not read as complete: the pause left one change out.
    expect(exported.skipped).toBe(1);

    click(h.get('timeline-clear'));
    await waitFor(() => rows(h).length === 0);
  });

  it('unchecks the call-site box again when the runtime refuses it', async () => {
    const request = PanelBridge.prototype.request;
    vi.spyOn(PanelBridge.prototype, 'request').mockImplementation(function (this: PanelBridge, ...args: Parameters<PanelBridge['request']>) {
      if (args[0] === Command.trace) return Promise.reject(new CommandError('failed', 'tracing refused here'));
      return request.apply(this, args);
    });
    const h = await openTimeline();
    const box = h.get('timeline-trace') as HTMLInputElement;
    check(box, true);
    expect(box.checked).toBe(true);
    await waitFor(() => !box.checked);
    expect(box.dataset.on).toBe('false');
  });

  it('shows call-site frames while tracing, linked to the Sources panel', async () => {
    const store = new Store({ name: 'trace-store' });
    const state = store.createState(0, { key: 'traced', scope: 'app' });
    const h = await openTimeline();
    check(h.get('timeline-trace'), true);
    // data-on is what the runtime confirmed: the click alone checks the box.
    await waitFor(() => h.get('timeline-trace').dataset.on === 'true' && h.runtime.agent.connected);
    (function saveTraced() {
      state.set(1);
    })();
    const row = (await waitFor(() => rows(h, 'state').find((candidate) => text(candidate).includes('stack'))))!;
    click(row);
    const frames = await waitFor(() => (h.all('stack-frame').length > 0 ? h.all('stack-frame') : undefined));
    expect(text(frames![0]!)).toMatch(/TimelineTab\.test\.tsx:\d+:\d+/);
    click(h.get('stack-link'));
    expect(h.page.opened[0]).toMatchObject({ url: expect.stringContaining('TimelineTab.test.tsx'), line: expect.any(Number) });
  });
});
