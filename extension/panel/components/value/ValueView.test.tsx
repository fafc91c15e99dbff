// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signal } from '@preact/signals';
import { render } from 'preact';
import type { Encoded } from '#codec/types.js';
import type { ValueSource } from '../../models/value.js';
import { ValueView } from './ValueView.js';
import { Panel } from '../../models/panel.js';
import { memoryPanelWall } from '../../testing/memory-wall.js';
import { PanelContext } from '../context.js';
import { configureDevtools } from '#runtime/registry/registry.js';
import { Store } from '#runtime/store/store.js';
import { click, press, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  configureDevtools({ redact: () => false });
  vi.restoreAllMocks();
});

async function show(name: string, value: unknown) {
  const store = new Store({ name });
  const state = store.createState<unknown>(value, { key: 'value', scope: 'app' });
  h = setup();
  type(await h.wait('state-filter'), name);
  click(await h.wait('state-row', { store: name, key: 'value' }));
  await h.wait('state-detail');
  return { state, h };
}

describe('value view', () => {
  it('appends to a list too long to show whole at its end, not after the items shown', async () => {
    // 250 items: the panel shows the first 200 ("200 of 250 shown").
    const { state, h } = await show('long-list-add', Array.from({ length: 250 }, (_, i) => i));
    click(await h.wait('value-add-root'));
    type(await h.wait('value-input', {}, await h.wait('add-entry')), 'appended');
    click(h.get('value-save', {}, h.get('add-entry')));
    await waitFor(() => (state.get() as unknown[]).length === 251);
    const list = state.get() as unknown[];
    expect(list[250]).toBe('appended');
    expect(list[200]).toBe(200);
  });

  it('opens JSON mode on the whole value, not on the preview the list showed before it came', async () => {
    const whole = { title: 'fixture', tags: ['a', 'b'] };
    const value = signal<Encoded>({ $t: 'truncated', type: 'object', size: 2, path: [], v: {} });
    const source: ValueSource = { key: 'early', what: 'state "early"', value, redacted: signal([]), base: () => 0, edit: async () => true };
    const page = memoryPanelWall();
    const panel = new Panel({ wall: page.wall });
    const root = document.createElement('div');
    document.body.append(root);
    render(
      <PanelContext.Provider value={panel}>
        <ValueView source={source} />
      </PanelContext.Provider>,
      root,
    );
    click(root.querySelector('[data-testid="json-mode"]')!);
    await waitFor(() => root.querySelector('[data-testid="json-waiting"]') !== null);
    expect(root.querySelector('[data-testid="json-editor"]')).toBeNull();
    value.value = whole;
    await waitFor(() => root.querySelector('[data-testid="json-editor"]') !== null);
    expect(JSON.parse((root.querySelector('[data-testid="json-editor"]') as HTMLTextAreaElement).value)).toEqual(whole);
    render(null, root);
    panel.dispose();
    root.remove();
  });

  it('loads a part the agent cut by depth, and says how much of a long list is shown', async () => {
    let deep: Record<string, unknown> = { end: 'bottom' };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const { h } = await show('expand-store', { deep, list: Array.from({ length: 250 }, (_, i) => i) });
    expect(text(h.get('value-preview', {}, await h.wait('value-node', { path: '["list"]' })))).toMatch(/200 of 250 shown/);
    const path: (string | number)[] = ['deep'];
    for (let level = 0; level < 15; level++) {
      click(h.get('value-toggle', {}, await h.wait('value-node', { path: JSON.stringify(path) })));
      path.push('d');
    }
    const cut = await h.wait('value-node', { path: JSON.stringify(path) });
    click(h.get('value-expand', {}, cut));
    await waitFor(() => h.find('value-expand', {}, h.get('value-node', { path: JSON.stringify(path) })) === null);
    click(h.get('value-toggle', {}, h.get('value-node', { path: JSON.stringify(path) })));
    await h.wait('value-node', { path: JSON.stringify([...path, 'd']) });
  });

  it('pages a long string and a long list in ("show more", "[0 … 99]" groups) and edits beside a cut part', async () => {
    const body = `${'b'.repeat(14_999)}!`;
    const { h, state } = await show('paging-store', { title: 'old', body, items: Array.from({ length: 500 }, (_, i) => i) });
    const bodyNode = await h.wait('value-node', { path: '["body"]' });
    expect(text(h.get('value-more', {}, bodyNode))).toBe('show more (10000 of 15000)');
    click(h.get('value-more', {}, bodyNode));
    await waitFor(() => h.find('value-more', {}, h.get('value-node', { path: '["body"]' })) === null);
    expect(text(h.get('value-preview', {}, h.get('value-node', { path: '["body"]' })))).toMatch(/^"b+…"$/);

    const items = h.get('value-node', { path: '["items"]' });
    click(h.get('value-toggle', {}, items));
    await waitFor(() => h.find('value-group', { range: '[100 … 199]' }) !== null);
    click(h.get('value-more', {}, h.get('value-node', { path: '["items"]' })));
    await waitFor(() => h.find('value-group', { range: '[400 … 499]' }) !== null);
    click(h.get('value-group', { range: '[400 … 499]' }).querySelector('button')!);
    const last = await h.wait('value-node', { path: '["items",499]' });
    expect(text(h.get('value-preview', {}, last))).toBe('499');

    // The title is edited by path while nothing else of the value travels.
    const title = h.get('value-node', { path: '["title"]' });
    click(h.get('value-edit', {}, title));
    const input = await h.wait('value-input', {}, title);
    type(input, 'new');
    press(input, 'Enter');
    await waitFor(() => (state.value as { title: string }).title === 'new');
    expect((state.value as { body: string }).body).toBe(body);
    expect((state.value as { items: number[] }).items).toHaveLength(500);
  });

  it("pages in a far sparse array's items past the first 200 (\"show more\"), each at its own index", async () => {
    // 260 items spread over 2 ** 32 - 1 slots: the agent shows the first 200 as a sparse node.
    const list: unknown[] = [];
    for (let i = 0; i < 260; i++) list[i * 1000] = `item ${i}`;
    list[2 ** 32 - 2] = 'last';
    const { h } = await show('far-paging-store', { list });
    const node = await h.wait('value-node', { path: '["list"]' });
    expect(text(h.get('value-preview', {}, node))).toBe('Array(4294967295) — 200 of 261 items shown');
    expect(text(h.get('value-more', {}, node))).toBe('show more (200 of 261)');
    click(h.get('value-more', {}, node));
    await waitFor(() => h.find('value-more', {}, h.get('value-node', { path: '["list"]' })) === null);
    expect(text(h.get('value-preview', {}, h.get('value-node', { path: '["list"]' })))).toBe('Array(4294967295)');
    click(h.get('value-toggle', {}, h.get('value-node', { path: '["list"]' })));
    // Past the first page: the 260th item at its index, then the holes up to the last one.
    await waitFor(() => h.find('value-group', { range: '[500 … 520]' }) !== null);
    click(h.get('value-group', { range: '[500 … 520]' }).querySelector('button')!);
    expect(text(h.get('value-preview', {}, await h.wait('value-node', { path: '["list",259000]' })))).toBe('"item 259"');
    expect(text(h.get('value-preview', {}, await h.wait('value-node', { path: JSON.stringify(['list', 2 ** 32 - 2]) })))).toBe('"last"');
  });

  it('pages a typed array too large to show', async () => {
    const { h } = await show('typed-store', { samples: new Float64Array(9000).fill(0.5) });
    const samples = await h.wait('value-node', { path: '["samples"]' });
    expect(text(h.get('value-more', {}, samples))).toBe('show more (0 of 72000)');
    click(h.get('value-more', {}, samples));
    await waitFor(() => h.find('value-group', { range: '[0 … 99]' }) !== null || h.find('value-toggle', {}, h.get('value-node', { path: '["samples"]' })) !== null);
    click(h.get('value-toggle', {}, h.get('value-node', { path: '["samples"]' })));
    await h.wait('value-group', { range: '[400 … 499]' });
  });

  it('shows redacted parts as [redacted] and offers no edit there', async () => {
    configureDevtools({ redact: (path) => path[path.length - 1] === 'password' });
    const { h } = await show('redact-store', { user: 'ada', password: 'secret' });
    const secret = await h.wait('value-node', { path: '["password"]' });
    expect(text(h.get('value-preview', {}, secret))).toBe('[redacted]');
    expect(h.find('value-edit', {}, secret)).toBeNull();
    expect(h.container.textContent).not.toContain('secret');
    expect(h.find('value-edit', {}, h.get('value-node', { path: '["user"]' }))).not.toBeNull();
  });

  it('stores a value as $stratum in the page and copies values and paths as JSON', async () => {
    const { h } = await show('global-store', { nested: { n: 1n } });
    const nested = await h.wait('value-node', { path: '["nested"]' });
    click(h.get('store-global', {}, nested));
    await waitFor(() => (globalThis as { $stratum?: unknown }).$stratum !== undefined);
    expect((globalThis as { $stratum?: unknown }).$stratum).toEqual({ n: 1n });
    expect(text(await h.wait('toast-text'))).toMatch(/\$stratum/);

    const copied: string[] = [];
    vi.spyOn(navigator.clipboard, 'writeText').mockImplementation(async (value) => void copied.push(value));
    click(h.get('copy-path', {}, nested));
    click(h.get('copy-value', {}, nested));
    await waitFor(() => copied.length === 2);
    expect(JSON.parse(copied[0]!)).toEqual(['nested']);
    expect(JSON.parse(copied[1]!)).toEqual({ n: { $t: 'bigint', v: '1' } });
  });

  it('opens and closes nodes with the keyboard; Esc cancels an edit without sending', async () => {
    const { h, state } = await show('keys-store', { a: { b: 1 } });
    const a = await h.wait('value-node', { path: '["a"]' });
    press(a, 'ArrowRight');
    const b = await h.wait('value-node', { path: '["a","b"]' });
    press(b, 'Enter');
    const input = await h.wait('value-input', {}, b);
    type(input, '2');
    press(input, 'Escape');
    await waitFor(() => h.find('value-input') === null);
    expect(state.version).toBe(0);
    press(h.get('value-node', { path: '["a"]' }), 'ArrowLeft');
    await waitFor(() => h.find('value-node', { path: '["a","b"]' }) === null);
  });

  it('previews a blob held inside a value', async () => {
    const file = new File(['hello from a file'], 'note.txt', { type: 'text/plain' });
    const { h } = await show('inline-blob-store', { attachment: file });
    click(h.get('value-blob', {}, await h.wait('value-node', { path: '["attachment"]' })));
    const preview = await h.wait('blob-preview', { kind: 'text' });
    expect(text(h.get('blob-text', {}, preview))).toBe('hello from a file');
  });
});

async function renameMapKey(h: Harness, entry: string, edit: (initial: string) => string) {
  const row = await h.wait('value-node', { path: entry });
  click(h.get('value-rename', {}, row));
  const input = (await h.wait('rename-input', {}, row)) as HTMLInputElement;
  type(input, edit(input.value));
  press(input, 'Enter');
}

describe('value editing', () => {
  it('offers no JSON editor on a class instance, says why, and the agent refuses it inside a JSON edit of its parent', async () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      length(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    const { h, state } = await show('instance-json', { p: new Point(3, 4), n: 1 });
    const node = await h.wait('value-node', { path: '["p"]' });
    expect(h.find('value-edit', {}, node)).toBeNull();
    expect(h.get('value-preview', {}, node).getAttribute('title')).toMatch(/cannot rebuild a class instance/);
    click(h.get('json-mode'));
    const input = (await h.wait('json-editor')) as HTMLTextAreaElement;
    type(input, input.value.replace('"x": 3', '"x": 6'));
    click(h.get('json-save'));
    expect(text(await h.wait('toast-text'))).toMatch(/is a Point: the panel cannot rebuild a class instance/);
    expect(state.version).toBe(0);
    expect((state.value as { p: unknown }).p).toBeInstanceOf(Point);
  });

  it('after a page insert in front, a conflict on a list item offers Reload, not an Overwrite that would write its neighbour', async () => {
    const { h, state } = await show('list-overwrite', { list: ['a', 'b', 'c'] });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["list"]' })));
    const node = await h.wait('value-node', { path: '["list",2]' });
    click(h.get('value-edit', {}, node)); // editing "c"
    const input = await h.wait('value-input', {}, node);
    state.set({ list: ['z', 'a', 'b', 'c'] });
    type(input, 'C');
    press(input, 'Enter');
    await h.wait('conflict');
    expect(h.find('conflict-overwrite')).toBeNull();
    expect(text(h.get('conflict-no-overwrite'))).toMatch(/the list at list changed on the page before the item you edited/);
    click(h.get('conflict-reload'));
    expect(state.version).toBe(1);
    expect((state.value as { list: string[] }).list).toEqual(['z', 'a', 'b', 'c']);
  });

  it('Remove of a list item raced by a page insert offers no Overwrite (it would delete another item)', async () => {
    const { h, state } = await show('list-remove', { list: ['a', 'b', 'c'] });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["list"]' })));
    const node = await h.wait('value-node', { path: '["list",2]' });
    click(h.get('value-remove', {}, node)); // removing "c"; the command leaves at the end of this task
    state.set({ list: ['z', 'a', 'b', 'c'] });
    await h.wait('conflict');
    expect(h.find('conflict-overwrite')).toBeNull();
    expect((state.value as { list: string[] }).list).toEqual(['z', 'a', 'b', 'c']);
  });

  it('still offers Overwrite when the page changed only the edited item itself', async () => {
    const { h, state } = await show('list-same-place', { list: ['a', 'b', 'c'] });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["list"]' })));
    const node = await h.wait('value-node', { path: '["list",2]' });
    click(h.get('value-edit', {}, node));
    const input = await h.wait('value-input', {}, node);
    state.set({ list: ['a', 'b', 'd'] });
    type(input, 'C');
    press(input, 'Enter');
    await h.wait('conflict');
    click(h.get('conflict-overwrite'));
    await waitFor(() => state.version === 2);
    expect((state.value as { list: string[] }).list).toEqual(['a', 'b', 'C']);
  });

  it('renaming a Date key of a Map to another date keeps it a Date', async () => {
    const { h, state } = await show('map-date-key', { m: new Map([[new Date('2024-01-01T00:00:00.000Z'), 'x']]) });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["m"]' })));
    await renameMapKey(h, '["m",0,1]', (initial) => initial.replace('2024', '2025'));
    await waitFor(() => state.version === 1);
    const key = [...(state.value as { m: Map<unknown, unknown> }).m.keys()][0];
    expect(key).toEqual(new Date('2025-01-01T00:00:00.000Z'));
  });

  it('renaming a BigInt key of a Map keeps it a BigInt', async () => {
    const { h, state } = await show('map-bigint-key', { m: new Map([[10n, 'x']]) });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["m"]' })));
    await renameMapKey(h, '["m",0,1]', (initial) => initial.replace('10', '11'));
    await waitFor(() => state.version === 1);
    expect([...(state.value as { m: Map<unknown, unknown> }).m.keys()]).toEqual([11n]);
  });

  it('renaming a long string key of a Map starts from the whole key, not the cut preview', async () => {
    const long = `${'k'.repeat(199)}!`;
    const { h, state } = await show('map-long-key', { m: new Map([[long, 'x']]) });
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["m"]' })));
    // The user changes the first letter and keeps the rest of what the box shows.
    await renameMapKey(h, '["m",0,1]', (initial) => initial.replace('"k', '"K'));
    await waitFor(() => state.version === 1);
    const key = [...(state.value as { m: Map<string, unknown> }).m.keys()][0]!;
    expect(key).toBe(`K${long.slice(1)}`);
  });
});
