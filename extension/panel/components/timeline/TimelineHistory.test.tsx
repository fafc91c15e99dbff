// @vitest-environment happy-dom
/**
 * Who changed it and going back, from the timeline: labels and call sites on entries and on a
 * state's recent changes, restoring an earlier state / key / row value as a versioned edit (a
 * stale one shows the conflict), and "preserve log" across a reload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memory, openDatabase } from '#runtime/db/index.js';
import { Store } from '#runtime/store/store.js';
import { webstorage } from '#runtime/webstorage/webstorage.js';
import { check, click, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  h?.close();
  h = undefined;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

async function openTimeline(name = 'memory page') {
  h = setup({ name });
  await waitFor(() => h!.get('status').dataset.status === 'connected');
  click(h.get('tab-timeline'));
  await h.wait('timeline-toolbar');
  return h;
}

const rows = (harness: Harness) => harness.all('timeline-row');

/** Selects the newest timeline row whose text has all of `parts`; returns its detail. */
async function selectRow(harness: Harness, ...parts: string[]): Promise<HTMLElement> {
  const row = await waitFor(() => rows(harness).filter((candidate) => parts.every((part) => text(candidate).includes(part))).at(-1));
  click(row!);
  return harness.wait('timeline-detail');
}

describe('Timeline: who changed it', () => {
  it('shows the label and, while recording call sites, frames linked to Sources, on the entry and in the state’s recent changes', async () => {
    const store = new Store({ name: 'who-store' });
    const cart = store.createState<string[]>([], { key: 'cart', scope: 'app' });
    const h = await openTimeline();
    check(h.get('timeline-trace'), true);
    await waitFor(() => h.page.sent.some((envelope) => JSON.stringify(envelope).includes('"command":"trace"')));
    await waitFor(() => (h.get('timeline-trace') as HTMLInputElement).checked);
    (function addToCart() {
      cart.set(['socks'], { label: 'add to cart' });
    })();
    const detail = await selectRow(h, 'who-store › cart', 'add to cart');
    expect(text(detail)).toContain('add to cart');
    // The user's words, not the protocol's event name.
    expect(text(detail)).toContain('state changed');
    expect(text(detail)).not.toContain('stateChanged');
    const frames = h.all('stack-frame', detail);
    expect(text(frames[0]!)).toMatch(/addToCart.*TimelineHistory\.test\.tsx:\d+:\d+/);
    click(h.get('stack-link', {}, detail));
    expect(h.page.opened.at(-1)).toMatchObject({ url: expect.stringContaining('TimelineHistory.test.tsx'), line: expect.any(Number) });

    click(h.get('tab-state'));
    type(await h.wait('state-filter'), 'who-store');
    click(await h.wait('state-row', { key: 'cart' }));
    const change = await h.wait('change-row', { version: '1' });
    expect(text(h.get('change-label', {}, change))).toBe('add to cart');
    const link = await h.wait('stack-link', {}, change);
    expect(text(link)).toMatch(/addToCart/);
    click(link);
    expect(h.page.opened).toHaveLength(2);
  });
});

describe('Timeline: going back', () => {
  it('restores an earlier state value as a labelled, versioned edit', async () => {
    const store = new Store({ name: 'restore-store' });
    const count = store.createState(1, { key: 'count', scope: 'app' });
    const labels: (string | undefined)[] = [];
    store.subscribe((event) => event.type === 'changed' && labels.push(event.label));
    const h = await openTimeline();
    count.set(2, { label: 'first' });
    await selectRow(h, 'restore-store › count', 'first');
    count.set(3, { label: 'second' });
    await waitFor(() => rows(h).some((row) => text(row).includes('second')));

    const detail = await selectRow(h, 'restore-store › count', 'first');
    expect(text(h.get('held-preview', {}, detail))).toBe('2');
    click(h.get('restore', {}, detail));
    await waitFor(() => count.value === 2);
    expect(count.version).toBe(3);
    expect(labels.at(-1)).toBe('devtools: restore');
    await waitFor(() => rows(h).some((row) => text(row).includes('devtools: restore')));
  });

  it('refuses a stale restore with the conflict banner; overwrite applies it', async () => {
    const store = new Store({ name: 'stale-store' });
    const title = store.createState('draft', { key: 'title', scope: 'app' });
    const h = await openTimeline();
    title.set('v1', { label: 'typed' });
    const detail = await selectRow(h, 'stale-store › title', 'typed');
    // The page moves on, and the panel has not heard of it yet when the restore goes out.
    title.set('newer');
    click(h.get('restore', {}, detail));
    await h.wait('conflict');
    expect(text(h.get('conflict-current'))).toContain('newer');
    expect(title.value).toBe('newer');
    click(h.get('conflict-overwrite'));
    await waitFor(() => title.value === 'v1');
    expect(h.find('conflict')).toBeNull();
  });

  it('restores an earlier webstorage value and an earlier database row; says why where the value is not held', async () => {
    const prefs = webstorage('memory', { namespace: 'restore-prefs' });
    const db = await openDatabase('restore-db', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const notes = db.table('notes');
    const h = await openTimeline();

    prefs.set('theme', 'dark');
    await selectRow(h, 'memory:restore-prefs › theme', 'dark');
    prefs.set('theme', 'light');
    await waitFor(() => rows(h).some((row) => text(row).includes('"light"')));
    click(h.get('restore', {}, await selectRow(h, 'memory:restore-prefs › theme', 'dark')));
    await waitFor(() => prefs.get('theme') === 'dark');

    await notes.put({ id: 1, text: 'first' });
    let detail = await selectRow(h, 'restore-db › notes', 'put 1');
    await waitFor(() => text(h.get('held-preview', {}, detail)).includes('first'));
    await notes.put({ id: 1, text: 'second' });
    await waitFor(() => rows(h).filter((row) => text(row).includes('restore-db › notes')).length === 2);
    await notes.delete(1);
    detail = await selectRow(h, 'restore-db › notes', 'delete 1');
    expect(text(h.get('restore-unavailable', {}, detail))).toMatch(/deleted the row/);

    const first = rows(h).find((row) => text(row).includes('restore-db › notes'))!;
    click(first);
    detail = await h.wait('timeline-detail');
    expect(text(h.get('held-preview', {}, detail))).toContain('first');
    click(h.get('restore', {}, detail));
    await waitFor(async () => ((await notes.get(1)) as { text: string } | undefined)?.text === 'first');

    await notes.bulkPut(Array.from({ length: 20 }, (_, i) => ({ id: 100 + i, text: `bulk ${i}` })));
    detail = await selectRow(h, 'restore-db › notes', 'put 100');
    expect(text(h.get('restore-unavailable', {}, detail))).toMatch(/not read: this change wrote 20 rows/);
    db.close();
  });
});

describe('Timeline: preserve log', () => {
  it('keeps the entries across a reload (a new runtime), marked as earlier, and can still restore them', async () => {
    const store = new Store({ name: 'preserve-store' });
    const step = store.createState('start', { key: 'step', scope: 'app' });
    const h = await openTimeline('preserving app');
    expect((h.get('timeline-preserve') as HTMLInputElement).checked).toBe(false);
    check(h.get('timeline-preserve'), true);
    step.set('before reload', { label: 'old page' });
    await waitFor(() => rows(h).some((row) => text(row).includes('old page')));

    h.runtime.remove();
    const next = h.page.addRuntime({ name: 'preserving app' });
    cleanups.push(() => next.remove());
    // A reloaded page's content script connects again: the panel says hello.
    h.page.pageReady();
    const divider = await h.wait('timeline-divider');
    expect(text(divider)).toContain('page reloaded');
    const old = rows(h).find((row) => text(row).includes('old page'))!;
    expect(old.dataset.earlier).toBe('true');
    step.set('after reload', { label: 'new page' });
    const fresh = await waitFor(() => rows(h).find((row) => text(row).includes('new page')));
    expect(fresh!.dataset.earlier).toBeUndefined();

    click(old);
    const detail = await h.wait('timeline-detail');
    expect(text(detail)).toContain('before the page reloaded');
    click(h.get('restore', {}, detail));
    await waitFor(() => step.value === 'before reload');
  });

  it('is off by default: a reload starts an empty timeline', async () => {
    const store = new Store({ name: 'cleared-store' });
    const step = store.createState(0, { key: 'n', scope: 'app' });
    const h = await openTimeline('clearing app');
    step.set(1, { label: 'old page' });
    await waitFor(() => rows(h).some((row) => text(row).includes('old page')));

    h.runtime.remove();
    const next = h.page.addRuntime({ name: 'clearing app' });
    cleanups.push(() => next.remove());
    h.page.pageReady();
    await waitFor(() => rows(h).length > 0 && !rows(h).some((row) => text(row).includes('old page')));
    expect(h.find('timeline-divider')).toBeNull();
    expect(rows(h).every((row) => row.dataset.earlier === undefined)).toBe(true);
  });
});
