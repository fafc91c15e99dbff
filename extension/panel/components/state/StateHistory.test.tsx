// @vitest-environment happy-dom
/**
 * Going back from the State tab: the history slider previews earlier values without applying
 * them, "Restore this" and a recent change's "Restore vN" write one back as a versioned edit,
 * and a value the panel only holds shortened is not offered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configureDevtools } from '#runtime/registry/registry.js';
import { Store } from '#runtime/store/store.js';
import { click, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

async function openState(store: string, key: string) {
  h = setup();
  type(await h.wait('state-filter'), store);
  click(await h.wait('state-row', { store, key }));
  await h.wait('state-detail', { key });
  return h;
}

const preview = (harness: Harness) => text(harness.get('value-preview', {}, harness.get('value-view')));

describe('State history', () => {
  it('previews an earlier value with the slider, applying nothing, and restores it on request', async () => {
    const store = new Store({ name: 'slider-store' });
    const mode = store.createState('light', { key: 'mode', scope: 'app' });
    const h = await openState('slider-store', 'mode');
    expect(h.find('history')).toBeNull();
    mode.set('dark', { label: 'toggle' });
    await h.wait('change-row', { version: '1' });
    mode.set('dim', { label: 'toggle again' });
    await h.wait('change-row', { version: '2' });

    const slider = (await h.wait('history-slider')) as HTMLInputElement;
    expect(slider.max).toBe('2');
    expect(text(h.get('history-position'))).toMatch(/v2 \(now\)/);
    type(slider, '0');
    await h.wait('history-preview');
    expect(preview(h)).toBe('"light"');
    expect(text(h.get('history-position'))).toMatch(/v0 of v2: a preview, nothing applied.*as the panel first saw it/);
    expect(text(h.get('value-locked'))).toMatch(/previewed; nothing is applied/);
    type(slider, '1');
    await waitFor(() => preview(h) === '"dark"');
    expect(text(h.get('history-position'))).toContain('toggle');
    // Nothing reached the page.
    expect(mode.value).toBe('dim');
    expect(mode.version).toBe(2);

    click(h.get('history-now'));
    await waitFor(() => h.find('history-preview') === null);
    expect(preview(h)).toBe('"dim"');

    type(h.get('history-slider'), '0');
    click(await h.wait('history-restore'));
    await waitFor(() => mode.value === 'light');
    expect(mode.version).toBe(3);
    await waitFor(() => h.find('history-preview') === null && text(h.get('state-version')) === 'v3');
    expect(text(h.get('change-label', {}, await h.wait('change-row', { version: '3' })))).toBe('devtools: restore');
  });

  it('restores the value a recent change left, and refuses a stale restore with the conflict', async () => {
    const store = new Store({ name: 'changes-store' });
    const n = store.createState(0, { key: 'n', scope: 'app' });
    const h = await openState('changes-store', 'n');
    n.set(10, { label: 'ten' });
    await h.wait('change-row', { version: '1' });
    n.set(20, { label: 'twenty' });
    const newest = await h.wait('change-row', { version: '2' });
    // The newest change is the value now: nothing to restore there.
    expect(h.find('change-restore', {}, newest)).toBeNull();

    click(h.get('change-restore', {}, h.get('change-row', { version: '1' })));
    await waitFor(() => n.value === 10);

    await h.wait('change-row', { version: '3' });
    n.set(30);
    click(h.get('change-restore', {}, h.get('change-row', { version: '2' })));
    await h.wait('conflict');
    expect(text(h.get('conflict-current'))).toBe('30');
    expect(n.value).toBe(30);
    click(h.get('conflict-reload'));
    await waitFor(() => h.find('conflict') === null);
    expect(n.value).toBe(30);
  });

  it('restores into a state deleted and created again at once, when the panel holds the new state\'s current value', async () => {
    const store = new Store({ name: 'recreated-store' });
    const old = store.createState(0, { key: 'n', scope: 'app' });
    const h = await openState('recreated-store', 'n');
    old.set(10);
    old.set(20);
    await h.wait('change-row', { version: '2' });
    store.deleteState({ key: 'n', scope: 'app' });
    const fresh = store.createState(0, { key: 'n', scope: 'app' });
    click(await h.wait('state-row', { store: 'recreated-store', key: 'n' }));
    await waitFor(() => text(h.get('state-version')) === 'v0');
    fresh.set(5);
    await waitFor(() => text(h.get('state-version')) === 'v1');
    fresh.set(6);
    await waitFor(() => text(h.get('state-version')) === 'v2');
    // Version 2 is also the old state's last, so the page answers with its token for the new
    // state; the value it holds is the 6 the panel restores over: no banner for the user to click.
    click(h.get('change-restore', {}, h.get('change-row', { version: '1' })));
    await waitFor(() => fresh.value === 5);
    expect(h.find('conflict')).toBeNull();
  });

  it('edits a state deleted and created again on the first try, each time, while its versions are ones the old state had', async () => {
    const store = new Store({ name: 'recreated-edit-store' });
    const old = store.createState({ n: 0 }, { key: 'doc', scope: 'app' });
    const h = await openState('recreated-edit-store', 'doc');
    for (let n = 1; n <= 5; n++) old.set({ n });
    await h.wait('change-row', { version: '5' });
    store.deleteState({ key: 'doc', scope: 'app' });
    const fresh = store.createState({ n: 0 }, { key: 'doc', scope: 'app' });
    click(await h.wait('state-row', { store: 'recreated-edit-store', key: 'doc' }));
    await waitFor(() => text(h.get('state-version')) === 'v0');
    for (const next of [100, 200]) {
      click(h.get('value-edit', {}, await h.wait('value-node', { path: '["n"]' })));
      const input = await h.wait('value-input');
      type(input, String(next));
      click(h.get('value-save'));
      await waitFor(() => fresh.value.n === next);
      expect(h.find('conflict')).toBeNull();
      await waitFor(() => h.find('value-input') === null && text(h.get('value-preview', {}, h.get('value-node', { path: '["n"]' }))) === String(next));
    }
    expect(fresh.version).toBe(2);
  });

  it('still shows the conflict for an edit opened on the deleted state and saved over the new one', async () => {
    const store = new Store({ name: 'recreated-stale-store' });
    const old = store.createState({ n: 0 }, { key: 'doc', scope: 'app' });
    const h = await openState('recreated-stale-store', 'doc');
    old.set({ n: 1 });
    await waitFor(() => text(h.get('state-version')) === 'v1');
    click(h.get('value-edit', {}, await h.wait('value-node', { path: '["n"]' })));
    const input = await h.wait('value-input');
    // While the user types, the page deletes the state and creates it again with another value,
    // at the version the editor opened on.
    store.deleteState({ key: 'doc', scope: 'app' });
    const fresh = store.createState({ n: 0 }, { key: 'doc', scope: 'app' });
    fresh.set({ n: 50 });
    await waitFor(() => text(h.get('state-version')) === 'v1' && text(h.get('state-detail')).includes('50'));
    type(input, '2');
    click(h.get('value-save'));
    await h.wait('conflict');
    expect(text(h.get('conflict-current'))).toContain('50');
    expect(fresh.value).toEqual({ n: 50 });
  });

  it('does not offer a value it only holds shortened or redacted', async () => {
    const store = new Store({ name: 'long-store' });
    const long = store.createState('short', { key: 'long', scope: 'app' });
    const secret = store.createState({ token: 'a' }, { key: 'secret', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 'token' });
    try {
      const h = await openState('long-store', 'long');
      long.set('x'.repeat(50_000));
      await h.wait('change-row', { version: '1' });
      long.set('short again');
      const restore = (await waitFor(() => h.find('change-restore', {}, h.get('change-row', { version: '1' })))) as HTMLButtonElement;
      expect(restore.disabled).toBe(true);
      expect(restore.title).toMatch(/shortened copy/);

      click(h.get('state-row', { key: 'secret' }));
      await h.wait('state-detail', { key: 'secret' });
      secret.set({ token: 'b' });
      await h.wait('change-row', { version: '1' });
      secret.set({ token: 'c' });
      const hidden = (await waitFor(() => h.find('change-restore', {}, h.get('change-row', { version: '1' })))) as HTMLButtonElement;
      expect(hidden.disabled).toBe(true);
      expect(hidden.title).toMatch(/redacted/);
    } finally {
      configureDevtools({ redact: () => false });
    }
  });
});
