// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/index.js';
import { click, press, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

async function withStore(name: string) {
  const store = new Store({ name });
  const user = store.createState<unknown>({ name: 'Ada', tags: ['x'], born: new Date(Date.UTC(1815, 11, 10)), big: 10n }, { key: 'user', scope: 'app' });
  const count = store.createState(1, { key: 'count', scope: 'app' });
  h = setup();
  // Stores of earlier tests are still registered: show only this one (the tree is virtualized).
  type(await h.wait('state-filter'), name);
  const row = await h.wait('state-row', { store: name, key: 'user' });
  return { store, user, count, h, row };
}

async function select(harness: Harness, key: string) {
  click(await harness.wait('state-row', { key }));
  return harness.wait('state-detail', { key });
}

describe('State tab', () => {
  it('lists stores, scopes and states with their versions', async () => {
    const { h, count } = await withStore('list-store');
    await waitFor(() => h.get('store-row', { name: 'list-store' }));
    expect(h.get('scope-row', { name: 'app' })).toBeTruthy();
    const row = h.get('state-row', { key: 'count' });
    expect(text(row)).toContain('v0');
    count.set(2);
    await waitFor(() => text(h.get('state-row', { key: 'count' })).includes('v1'));
    expect(h.get('status').dataset.status).toBe('connected');
  });

  it('filters by key and collapses a store', async () => {
    const { h } = await withStore('filter-store');
    type(h.get('state-filter'), 'cou');
    await waitFor(() => h.find('state-row', { store: 'filter-store', key: 'user' }) === null);
    expect(h.get('state-row', { store: 'filter-store', key: 'count' })).toBeTruthy();
    type(h.get('state-filter'), 'filter-store');
    await h.wait('state-row', { store: 'filter-store', key: 'user' });
    type(h.get('state-filter'), '');
    click(await h.wait('store-row', { name: 'filter-store' }));
    await waitFor(() => h.find('state-row', { store: 'filter-store', key: 'user' }) === null);
  });

  it('edits a leaf inline and the store holds the new value', async () => {
    const { h, user } = await withStore('edit-store');
    await select(h, 'user');
    const node = await h.wait('value-node', { path: '["name"]' });
    press(node, 'Enter');
    const input = await h.wait('value-input', {}, node);
    type(input, 'Grace');
    press(input, 'Enter');
    await waitFor(() => (user.value as { name: string }).name === 'Grace');
    await waitFor(() => text(h.get('value-preview', {}, h.get('value-node', { path: '["name"]' }))) === '"Grace"');
    expect(text(h.get('state-version'))).toBe('v1');
  });

  it('edits a bigint and a date with their own editors, keeping their types', async () => {
    const { h, user } = await withStore('types-store');
    await select(h, 'user');
    click(await h.wait('value-edit', {}, await h.wait('value-node', { path: '["big"]' })));
    expect((await h.wait('value-type') as HTMLSelectElement).value).toBe('bigint');
    type(h.get('value-input'), '12345678901234567890');
    click(h.get('value-save'));
    await waitFor(() => (user.value as { big: bigint }).big === 12345678901234567890n);
    click(await h.wait('value-edit', {}, await h.wait('value-node', { path: '["born"]' })));
    expect((await h.wait('value-type') as HTMLSelectElement).value).toBe('date');
    type(h.get('value-input'), 'not a date');
    click(h.get('value-save'));
    expect(text(await h.wait('value-error'))).toMatch(/not a date/);
    type(h.get('value-input'), '2020-01-02T03:04:05.000Z');
    click(h.get('value-save'));
    await waitFor(() => (user.value as { born: Date }).born instanceof Date && (user.value as { born: Date }).born.getTime() === Date.UTC(2020, 0, 2, 3, 4, 5));
  });

  it('adds, renames and removes keys and items', async () => {
    const { h, user } = await withStore('shape-store');
    await select(h, 'user');
    click(h.get('value-add-root'));
    type(await h.wait('add-key'), 'email');
    type(await h.wait('value-input', {}, await h.wait('add-entry')), 'ada@example.com');
    click(h.get('value-save', {}, h.get('add-entry')));
    await waitFor(() => (user.value as { email?: string }).email === 'ada@example.com');

    const tags = await h.wait('value-node', { path: '["tags"]' });
    click(h.get('value-add', {}, tags));
    type(await h.wait('value-input', {}, await h.wait('add-entry')), 'y');
    click(h.get('value-save', {}, h.get('add-entry')));
    await waitFor(() => JSON.stringify((user.value as { tags: string[] }).tags) === '["x","y"]');

    click(h.get('value-rename', {}, await h.wait('value-node', { path: '["email"]' })));
    const rename = await h.wait('rename-input');
    type(rename, 'mail');
    press(rename, 'Enter');
    await waitFor(() => Object.keys(user.value as object).includes('mail'));

    click(h.get('value-remove', {}, await h.wait('value-node', { path: '["tags",0]' })));
    await waitFor(() => JSON.stringify((user.value as { tags: string[] }).tags) === '["y"]');
  });

  it('refuses invalid raw JSON: says why and applies nothing', async () => {
    const { h, user } = await withStore('json-store');
    await select(h, 'user');
    click(h.get('json-mode'));
    const editor = await h.wait('json-editor');
    type(editor, '{"name": "Ada",');
    expect(text(await h.wait('json-error'))).toMatch(/not JSON/);
    click(h.get('json-save'));
    type(editor, '{"when": {"$t": "date", "v": 5}}');
    click(h.get('json-save'));
    await waitFor(() => /not a value/.test(text(h.get('json-error'))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(user.version).toBe(0);
    expect((user.value as { name: string }).name).toBe('Ada');
    type(editor, '{"name": "Lovelace", "n": {"$t": "bigint", "v": "7"}}');
    click(h.get('json-save'));
    await waitFor(() => (user.value as { name: string }).name === 'Lovelace');
    expect((user.value as { n: bigint }).n).toBe(7n);
  });

  it('shows a stale edit as a conflict; overwrite writes it, reload keeps the page value', async () => {
    const { h, user } = await withStore('conflict-store');
    await select(h, 'user');
    click(h.get('json-mode'));
    const editor = await h.wait('json-editor');
    user.set({ name: 'changed by the page' });
    await h.wait('json-moved');
    type(editor, '{"name": "mine"}');
    click(h.get('json-save'));
    await h.wait('conflict');
    expect(text(h.get('conflict-current'))).toContain('changed by the page');
    expect((user.value as { name: string }).name).toBe('changed by the page');
    click(h.get('conflict-overwrite'));
    await waitFor(() => (user.value as { name: string }).name === 'mine');
    expect(h.find('conflict')).toBeNull();

    click(await h.wait('tree-mode'));
    const node = await h.wait('value-node', { path: '["name"]' });
    press(node, 'Enter');
    user.set({ name: 'page again' });
    await waitFor(() => user.version === 3);
    const input = h.get('value-input', {}, node);
    type(input, 'stale');
    press(input, 'Enter');
    await h.wait('conflict');
    click(h.get('conflict-reload'));
    await waitFor(() => h.find('conflict') === null);
    expect((user.value as { name: string }).name).toBe('page again');
  });

  it('a top-level add begun before the page changed the value is a conflict, not written over the newer value', async () => {
    const { h, user } = await withStore('add-conflict-store');
    await select(h, 'user');
    click(h.get('value-add-root'));
    type(await h.wait('add-key'), 'email');
    type(await h.wait('value-input', {}, await h.wait('add-entry')), 'ada@example.com');
    // The page's change arrives while the user types, and the panel shows it before Save.
    user.set({ name: 'changed by the page' });
    await waitFor(() => text(h.get('value-preview', {}, h.get('value-node', { path: '["name"]' }))).includes('changed by the page'));
    click(h.get('value-save', {}, h.get('add-entry')));
    await h.wait('conflict');
    expect(text(h.get('conflict-current'))).toContain('changed by the page');
    expect(user.value).toEqual({ name: 'changed by the page' });
    click(h.get('conflict-overwrite'));
    await waitFor(() => (user.value as { email?: string }).email === 'ada@example.com');
    expect((user.value as { name: string }).name).toBe('changed by the page');
  });

  it('lists recent changes with a diff, and shows the persistence badge', async () => {
    const { h, count, store } = await withStore('history-store');
    store.createState('light', { key: 'theme', scope: 'prefs', persist: 'local' });
    click(await h.wait('state-row', { key: 'theme' }));
    expect(text((await h.wait('state-detail', { key: 'theme' })).querySelector('[data-testid="persistence-badge"]'))).toBe('persisted: local');
    await select(h, 'count');
    expect(text(h.get('persistence-badge'))).toBe('memory only');
    count.set(5, { label: 'bump' });
    const change = await h.wait('change-row', { version: '1' });
    expect(text(change)).toContain('bump');
    expect(text(await h.wait('diff'))).toMatch(/1.*→.*5/);
  });

  it('renders page strings as text, never as markup', async () => {
    const store = new Store({ name: 'xss-store' });
    store.createState('<img src=x onerror="window.__pwned = 1">', { key: '<b>key</b>', scope: 'app' });
    h = setup();
    type(await h.wait('state-filter'), 'xss-store');
    const row = await h.wait('state-row', { key: '<b>key</b>' });
    click(row);
    await h.wait('state-detail');
    expect(h.container.querySelector('img')).toBeNull();
    expect(h.container.querySelector('b')).toBeNull();
    expect(text(h.get('value-preview'))).toContain('<img src=x');
  });
});
