import { describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode, encode, type Encoded } from '../../../codec/index.js';
import { Command } from '../../../protocol/messages.js';
import { Store } from '../../../store/store.js';
import { registryId } from '../../../registry/registry.js';

async function setup() {
  const t = kit();
  const store = new Store({ name: 'edits' });
  const state = store.createState<unknown>(
    { title: 'a', items: [1, 2, 3], when: new Date(0), tags: new Map([['k', 1n]]), seen: new Set(['x']) },
    { key: 'doc', scope: 'app' },
  );
  await t.hello();
  return { t, store, state, at: { store: registryId(store)!, state: state.id } };
}

describe('stateSet', () => {
  it('sets a whole value with its types, labelled, and answers the new version', async () => {
    const { t, store, state, at } = await setup();
    const labels: (string | undefined)[] = [];
    store.subscribe((event) => event.type === 'changed' && labels.push(event.label));
    const value = { n: 10n, d: new Date(5), m: new Map([[1, 'one']]) };
    expect(await t.call(Command.stateSet, { ...at, value: encode(value), baseVersion: 0, label: 'from panel' })).toEqual({ version: 1 });
    expect(state.value).toEqual(value);
    expect(labels).toEqual(['from panel']);
  });

  it('refuses a stale edit with conflict and the current value, applying nothing', async () => {
    const { t, state, at } = await setup();
    state.set({ title: 'newer' });
    const refused = t.call(Command.stateSet, { ...at, value: encode({ title: 'older edit' }), baseVersion: 0 });
    await expect(refused).rejects.toMatchObject({ code: 'conflict', current: { value: { title: 'newer' }, version: 1 } });
    expect(state.value).toEqual({ title: 'newer' });
    expect(state.version).toBe(1);
  });

  it('refuses unknown stores and states, undecodable values and truncated parts', async () => {
    const { t, at } = await setup();
    await expect(t.call(Command.stateSet, { ...at, store: 99_999, value: 1, baseVersion: 0 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.stateSet, { ...at, state: 'nope', value: 1, baseVersion: 0 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.stateSet, { ...at, value: { $t: 'nonsense' }, baseVersion: 0 })).rejects.toMatchObject({ code: 'invalid' });
    const cut = encode('x'.repeat(100), { maxString: 5 });
    await expect(t.call(Command.stateSet, { ...at, value: cut, baseVersion: 0 })).rejects.toMatchObject({ code: 'not-editable' });
    const fn = encode({ f: () => 1 });
    await expect(t.call(Command.stateSet, { ...at, value: fn, baseVersion: 0 })).rejects.toMatchObject({ code: 'not-editable' });
  });
});

describe('edit on a state', () => {
  it('sets, inserts, deletes and renames by path without touching the old value', async () => {
    const { t, state, at } = await setup();
    const before = state.value as { items: number[] };
    let version = 0;
    const edit = async (path: (string | number)[], op: 'set' | 'delete' | 'insert' | 'rename', extra: { value?: unknown; to?: string } = {}) => {
      const payload = { target: { kind: 'state' as const, ...at }, baseVersion: version, path, op, ...(extra.to !== undefined && { to: extra.to }) };
      version = (await t.call(Command.edit, extra.value === undefined ? payload : { ...payload, value: encode(extra.value) })).version as number;
    };
    await edit(['items', 1], 'set', { value: 20 });
    await edit(['items', 0], 'insert', { value: 0 });
    await edit(['items', 3], 'delete');
    await edit(['title'], 'rename', { to: 'name' });
    await edit(['when'], 'set', { value: new Date(86_400_000) });
    await edit(['tags', 0, 1], 'set', { value: 2n });
    await edit(['seen', 1], 'insert', { value: 'y' });
    await edit(['added'], 'insert', { value: null });
    expect(state.value).toEqual({
      name: 'a',
      items: [0, 1, 20],
      when: new Date(86_400_000),
      tags: new Map([['k', 2n]]),
      seen: new Set(['x', 'y']),
      added: null,
    });
    expect(Object.keys(state.value as object)).toEqual(['name', 'items', 'when', 'tags', 'seen', 'added']);
    expect(before.items).toEqual([1, 2, 3]);
    expect(version).toBe(8);
  });

  it('explains a path that leads nowhere or an edit that cannot apply', async () => {
    const { t, at } = await setup();
    const edit = (path: (string | number)[], op: 'set' | 'delete' | 'insert' | 'rename', more: object = {}) =>
      t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 0, path, op, ...more });
    await expect(edit(['missing', 'deeper'], 'set', { value: 1 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(edit(['items', 9], 'delete')).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no position/) });
    await expect(edit(['title'], 'rename', { to: 'items' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(edit(['items', 0], 'rename', { to: 'x' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(edit(['when', 'x'], 'set', { value: 1 })).rejects.toMatchObject({ code: 'not-editable', message: expect.stringMatching(/Date/) });
    await expect(edit([], 'delete')).rejects.toMatchObject({ code: 'invalid' });
    await expect(edit(['items'], 'set')).rejects.toMatchObject({ code: 'invalid', message: 'set needs a value' });
  });

  it('refuses a stale path edit', async () => {
    const { t, state, at } = await setup();
    state.set((prev: unknown) => ({ ...(prev as object), title: 'moved on' }));
    await expect(
      t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 0, path: ['title'], op: 'set', value: 'stale' }),
    ).rejects.toMatchObject({ code: 'conflict', current: { version: 1 } });
    expect((state.value as { title: string }).title).toBe('moved on');
  });
});

describe('edit over a class instance (the codec writes one back as a plain look-alike)', () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    length(): number {
      return Math.hypot(this.x, this.y);
    }
  }
  class HttpError extends Error {}

  async function withClasses() {
    const t = kit();
    const store = new Store({ name: 'classes' });
    const state = store.createState<unknown>({ p: new Point(3, 4), e: new HttpError('gone'), plain: new TypeError('t'), n: 1 }, { key: 'doc', scope: 'app' });
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    return { t, state, target, at: { store: target.store, state: target.state } };
  }

  it('refuses in words to change an instance or set a page Error class as JSON, by path or as a whole, and keeps the value', async () => {
    const { t, state, target, at } = await withClasses();
    const before = state.value;
    // The point moved: the panel would write it back as a plain look-alike.
    const shown = encode({ ...(before as object), p: new Point(3, 5) });
    const fields = shown as Record<string, Encoded>;
    const p = fields['p'];
    const e = fields['e'];
    await expect(t.call(Command.edit, { target, baseVersion: 0, path: ['p'], op: 'set', value: p! })).rejects.toMatchObject({
      code: 'not-editable',
      message: expect.stringMatching(/\["p"\] is a Point: the panel cannot rebuild a class instance/),
    });
    await expect(t.call(Command.edit, { target, baseVersion: 0, path: ['e'], op: 'set', value: e! })).rejects.toMatchObject({
      code: 'not-editable',
      message: expect.stringMatching(/HttpError: the panel can only write built-in errors/),
    });
    await expect(t.call(Command.stateSet, { ...at, value: shown, baseVersion: 0 })).rejects.toMatchObject({ code: 'not-editable', message: expect.stringMatching(/Point/) });
    await expect(t.call(Command.edit, { target, baseVersion: 0, path: ['n'], op: 'set', value: p! })).rejects.toMatchObject({ code: 'not-editable' });
    expect(state.value).toBe(before);
    expect(state.version).toBe(0);
  });

  it("keeps the page's own instance where a whole value holds it unchanged, and writes the rest", async () => {
    const { t, state, at } = await withClasses();
    const before = state.value as { p: Point; e: Error; plain: Error; n: number };
    const { e: _e, ...rest } = before;
    state.set(rest);
    await t.call(Command.stateSet, { ...at, value: encode({ ...rest, n: 2 }), baseVersion: 1 });
    const after = state.value as typeof before;
    expect(after.n).toBe(2);
    expect(after.p).toBe(before.p);
  });

  it('still sets a built-in Error, and replaces an instance with a plain value the user chose', async () => {
    const { t, state, target } = await withClasses();
    await t.call(Command.edit, { target, baseVersion: 0, path: ['plain'], op: 'set', value: encode(new RangeError('r')) });
    expect((state.value as { plain: unknown }).plain).toBeInstanceOf(RangeError);
    await t.call(Command.edit, { target, baseVersion: 1, path: ['p'], op: 'set', value: encode({ x: 1, y: 2 }) });
    expect((state.value as { p: unknown }).p).toEqual({ x: 1, y: 2 });
  });

  it('lets a look-alike replace a look-alike (a value that never held the class loses nothing)', async () => {
    const { t, state, target } = await withClasses();
    await t.call(Command.edit, { target, baseVersion: 0, path: ['p'], op: 'set', value: { x: 0 } });
    state.set({ p: decode({ $t: 'instance', class: 'Point', v: { x: 1 } }) });
    await t.call(Command.edit, { target, baseVersion: 2, path: ['p'], op: 'set', value: { $t: 'instance', class: 'Point', v: { x: 2 } } });
    expect(encode((state.value as { p: unknown }).p)).toEqual({ $t: 'instance', class: 'Point', v: { x: 2 } });
  });
});

describe('a state deleted and created again under the same id', () => {
  async function recreated() {
    const t = kit();
    const store = new Store({ name: 'recreated' });
    const old = store.createState<unknown>('old', { key: 'n', scope: 'app' });
    await t.hello();
    old.set('old 1');
    old.set('old 2');
    store.deleteState({ key: 'n', scope: 'app' });
    const fresh = store.createState<unknown>('new', { key: 'n', scope: 'app' });
    expect(fresh.id).toBe(old.id);
    return { t, store, fresh, at: { store: registryId(store)!, state: old.id } };
  }

  it('refuses an edit the panel made for the old state as stale, with the new value, at any version the old one had', async () => {
    const { t, fresh, at } = await recreated();
    // Version 0: what the panel read of the old state; the new one starts there too.
    await expect(t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 0, path: [], op: 'set', value: 'panel' })).rejects.toMatchObject({
      code: 'conflict',
      current: { value: 'new' },
    });
    await expect(t.call(Command.stateSet, { ...at, value: 'panel', baseVersion: 0 })).rejects.toMatchObject({ code: 'conflict', current: { value: 'new' } });
    // Version 2: the old state's last, which the new one reaches too.
    fresh.set('new 1');
    fresh.set('new 2');
    await expect(t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 2, path: [], op: 'set', value: 'panel' })).rejects.toMatchObject({
      code: 'conflict',
      current: { value: 'new 2' },
    });
    await expect(t.call(Command.stateSet, { ...at, value: 'panel', baseVersion: 2 })).rejects.toMatchObject({ code: 'conflict' });
    expect(fresh.value).toBe('new 2');
  });

  it('writes over the version the conflict answered (overwrite), and once the new state is past the old one, as any edit', async () => {
    const { t, fresh, at } = await recreated();
    const refused = await t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 0, path: [], op: 'set', value: 'panel' }).catch((error: { current: { version: number | `h${string}` } }) => error);
    const { version } = (refused as { current: { version: number | `h${string}` } }).current;
    expect(await t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: version, path: [], op: 'set', value: 'overwritten' })).toEqual({ version: 1 });
    expect(fresh.value).toBe('overwritten');
    // The token was for version 0 of the new state: it does not stand for a later one.
    await expect(t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: version, path: [], op: 'set', value: 'again' })).rejects.toMatchObject({ code: 'conflict' });
    fresh.set('new 2');
    fresh.set('new 3');
    expect(await t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 3, path: [], op: 'set', value: 'past' })).toEqual({ version: 4 });
    expect(await t.call(Command.stateSet, { ...at, value: 'set', baseVersion: 4 })).toEqual({ version: 5 });
  });

  it('still edits a state that was never created again, at version 0', async () => {
    const { t, state, at } = await setup();
    expect(await t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: 0, path: ['title'], op: 'set', value: 'b' })).toEqual({ version: 1 });
    expect((state.value as { title: string }).title).toBe('b');
  });
});
