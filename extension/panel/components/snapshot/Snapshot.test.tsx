// @vitest-environment happy-dom
/**
 * Snapshots from the header menu, against the real agent: export saves a file that parses as a
 * snapshot; import previews what would change, applies only on confirmation; a newer or
 * truncated file is refused in words with nothing applied; compare lists the differences.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSnapshot } from '#snapshot-file/validate.js';
import { Store } from '#runtime/store/store.js';
import { webstorage } from '#runtime/webstorage/webstorage.js';
import { click, setup, text, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
let saved: { blob: Blob; name: string }[] = [];

beforeEach(() => {
  saved = [];
  let last: Blob | undefined;
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => ((last = blob as Blob), 'blob:snapshot'));
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    if (last) saved.push({ blob: last, name: this.download });
  });
});

afterEach(() => {
  h?.close();
  h = undefined;
  vi.restoreAllMocks();
});

async function connected() {
  h = setup({ name: 'Snapshot app' });
  await waitFor(() => h!.get('status').dataset.status === 'connected');
  return h;
}

/** Export from the header menu; resolves with the saved file's text. */
async function exportSnapshot(harness: Harness): Promise<{ name: string; text: string }> {
  const before = saved.length;
  click(harness.get('snapshot-menu'));
  click(await harness.wait('snapshot-export'));
  const file = await waitFor(() => saved[before]);
  return { name: file!.name, text: await file!.blob.text() };
}

/** Picks a file in a hidden file input, as the browser's file dialog would. */
function pick(input: HTMLElement, name: string, contents: string): void {
  Object.defineProperty(input, 'files', { value: [new File([contents], name, { type: 'application/json' })], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function importFile(harness: Harness, name: string, contents: string): Promise<void> {
  click(harness.get('snapshot-menu'));
  pick(await harness.wait('snapshot-import-input'), name, contents);
}

function app(name: string) {
  const store = new Store({ name });
  const cart = store.createState<string[]>(['socks'], { key: 'cart', scope: 'shop' });
  const prefs = webstorage('memory', { namespace: `${name}-prefs` });
  prefs.set('theme', 'dark');
  return { store, cart, prefs };
}

describe('Snapshots', () => {
  it('exports the page’s data as a .json file that parses as a snapshot', async () => {
    app('export-app');
    const h = await connected();
    const file = await exportSnapshot(h);
    expect(file.name).toMatch(/^stratum-snapshot-Snapshot-app-.*\.json$/);
    const snapshot = parseSnapshot(file.text);
    const store = snapshot.stores.find((candidate) => candidate.name === 'export-app');
    expect(store?.states).toContainEqual(expect.objectContaining({ scope: 'shop', key: 'cart', value: ['socks'] }));
    expect(snapshot.webstorages.find((ws) => ws.namespace === 'export-app-prefs')?.entries.map((entry) => entry.key)).toEqual(['theme']);
  });

  it('imports a file: a preview of what changes first, applied only on confirmation', async () => {
    const { cart, prefs } = app('import-app');
    const h = await connected();
    const { text: file } = await exportSnapshot(h);
    cart.set(['socks', 'hat']);
    prefs.set('theme', 'light');
    prefs.set('extra', 1);

    await importFile(h, 'shop.json', file);
    const preview = await h.wait('snapshot-preview');
    expect(text(h.get('snapshot-count', { stratum: 'state', kind: 'changed' }))).toBe('1');
    expect(text(h.get('snapshot-count', { stratum: 'webstorage', kind: 'changed' }))).toBe('1');
    expect(text(h.get('snapshot-count', { stratum: 'webstorage', kind: 'removed' }))).toBe('1');
    const rows = h.all('snapshot-diff-row', preview);
    const cartPath = JSON.stringify(['state', 'import-app', 'shop', 'cart']).slice(0, -1);
    expect(text(rows.find((row) => row.dataset.path!.startsWith(cartPath))!)).toMatch(/import-app › shop › cart \[1\].*"hat"/);
    expect(rows.find((row) => row.dataset.stratum === 'webstorage' && row.dataset.kind === 'removed')).toBeTruthy();
    // Nothing applied yet.
    expect(cart.value).toEqual(['socks', 'hat']);
    expect(prefs.get('theme')).toBe('light');

    click(h.get('snapshot-apply'));
    await waitFor(() => h.find('snapshot-import-dialog') === null);
    expect(cart.value).toEqual(['socks']);
    expect(prefs.get('theme')).toBe('dark');
    expect(prefs.has('extra')).toBe(false);
    expect(text(await h.wait('toast-text'))).toMatch(/Imported shop\.json: .*changed/);
  });

  it('cancels an import without applying anything', async () => {
    const { cart } = app('cancel-app');
    const h = await connected();
    const { text: file } = await exportSnapshot(h);
    cart.set([]);
    await importFile(h, 'cancel.json', file);
    await h.wait('snapshot-preview');
    click(h.get('snapshot-cancel'));
    await waitFor(() => h.find('snapshot-import-dialog') === null);
    expect(cart.value).toEqual([]);
  });

  it('refuses a newer-format file and a truncated file in words, applying nothing', async () => {
    const { cart } = app('refuse-app');
    const h = await connected();
    const { text: file } = await exportSnapshot(h);
    cart.set(['changed']);

    await importFile(h, 'newer.json', JSON.stringify({ ...JSON.parse(file), version: 99 }));
    expect(text(await h.wait('snapshot-refused'))).toMatch(/Not imported: the snapshot is format version 99; this page's stratum reads up to 1.*Nothing was applied/);
    expect(h.find('snapshot-apply')).toBeNull();
    click(h.get('snapshot-cancel'));
    await waitFor(() => h.find('snapshot-import-dialog') === null);

    // Cut inside a string, as a download that stopped midway leaves it.
    await importFile(h, 'cut.json', file.slice(0, file.indexOf('"refuse-app"') + 4));
    expect(text(await h.wait('snapshot-refused'))).toMatch(/the file is truncated.*Nothing was applied/);
    expect(cart.value).toEqual(['changed']);
  });

  it('compares two files: the differences by stratum and path, before and after', async () => {
    const { cart, prefs } = app('compare-app');
    const h = await connected();
    const before = await exportSnapshot(h);
    cart.set(['socks', 'scarf']);
    prefs.remove('theme');
    const after = await exportSnapshot(h);

    click(h.get('snapshot-menu'));
    click(await h.wait('snapshot-compare'));
    const view = await h.wait('snapshot-compare-view');
    pick(h.get('snapshot-compare-a', {}, view), 'before.json', before.text);
    await h.wait('snapshot-compare-a-name');
    expect(h.find('snapshot-differences')).toBeNull();
    pick(h.get('snapshot-compare-b', {}, view), 'after.json', after.text);
    await h.wait('snapshot-compare-summary');

    const rows = h.all('snapshot-diff-row');
    const added = rows.find((row) => row.dataset.path === JSON.stringify(['state', 'compare-app', 'shop', 'cart', 1]));
    expect(added?.dataset.kind).toBe('added');
    expect(text(added!)).toMatch(/compare-app › shop › cart \[1\].*"scarf"/);
    const removed = rows.find((row) => row.dataset.stratum === 'webstorage' && row.dataset.kind === 'removed');
    expect(text(removed!)).toMatch(/compare-app-prefs › theme.*"dark"/);

    pick(h.get('snapshot-compare-b', {}, view), 'broken.json', after.text.slice(0, after.text.indexOf('"compare-app"') + 4));
    expect(text(await h.wait('snapshot-compare-error'))).toMatch(/broken\.json: the snapshot cannot be read: the file is truncated/);
    expect(h.find('snapshot-differences')).toBeNull();
    click(h.get('snapshot-compare-close'));
    await waitFor(() => h.find('snapshot-compare-view') === null);
  });
});
