import { describe, expect, it, vi } from 'vitest';
import { Scopes, Store } from './index.js';
import type { StoreEvent } from './index.js';

describe('scopes and ids', () => {
  it('defaults to the component scope and names the missing option', () => {
    const store = new Store();
    expect(() => store.createState(0, { key: 'count' })).toThrow(/`component` option/);
    const state = store.createState(0, { key: 'count', component: 'counter' });
    expect(state.scope).toBe('$component:counter');
    expect(state.id).toBe(JSON.stringify(['$component:counter', 'count']));
  });

  it('keeps two components with the same key apart', () => {
    const store = new Store();
    const a = store.createState(1, { key: 'open', component: 'menu' });
    const b = store.createState(2, { key: 'open', component: 'dialog' });
    a.set(10);
    expect(b.get()).toBe(2);
  });

  it('shares a global scope between components', () => {
    const store = new Store();
    const first = store.useState(['a'], { key: 'todos', scope: 'app' });
    const second = store.useState<string[]>([], { key: 'todos', scope: 'app' });
    expect(second).toBe(first);
    expect(second.get()).toEqual(['a']);
  });

  it('resolves Scopes.Client to the store client id, and a forClient view to its own, sharing states', () => {
    const store = new Store({ clientId: 'tab-1' });
    const mine = store.createState('x', { key: 'draft', scope: Scopes.Client });
    expect(mine.scope).toBe('$client:tab-1');
    const other = store.forClient('tab-2');
    const theirs = other.createState('y', { key: 'draft', scope: Scopes.Client });
    expect(theirs.scope).toBe('$client:tab-2');
    // The view shares the states of its store.
    expect(store.getState({ key: 'draft', scope: '$client:tab-2' })).toBe(theirs);
    expect(other.getState({ key: 'draft', scope: Scopes.Client })).toBe(theirs);
    expect(store.states()).toHaveLength(2);
  });

  it('refuses Scopes.Client without a client id (a server) with a hint', () => {
    const store = new Store();
    expect(() => store.createState(0, { key: 'k', scope: Scopes.Client })).toThrow(/forClient/);
  });

  it('resolves Scopes.User to the signed-in user and throws while none is set', () => {
    const store = new Store();
    expect(() => store.createState(0, { key: 'k', scope: Scopes.User })).toThrow(/setUser/);
    store.setUser('ada');
    expect(store.createState(0, { key: 'k', scope: Scopes.User }).scope).toBe('$user:ada');
    store.setUser(null);
    expect(() => store.getScope(Scopes.User)).toThrow(/setUser/);
    expect(() => store.setUser('')).toThrow(/non-empty/);
  });

  it('refuses global scopes starting with $', () => {
    const store = new Store();
    expect(() => store.createState(0, { key: 'k', scope: '$mine' })).toThrow(/may not start with "\$"/);
  });

  it('validates keys and scopes', () => {
    const store = new Store();
    expect(() => store.createState(0, { key: '', scope: 'app' })).toThrow(/must be a non-empty string, got an empty string/);
    expect(() => store.createState(0, { key: 3 as unknown as string, scope: 'app' })).toThrow(/key must be a non-empty string, got number/);
    expect(() => store.createState(0, { key: 'k', scope: null as unknown as string })).toThrow(/scope must be a non-empty string, got null/);
    expect(() => store.createState(0, { key: 'k', scope: '' })).toThrow(/scope must be a non-empty string/);
  });

  it('gives collision-free ids for any strings', () => {
    const store = new Store();
    const a = store.createState(1, { scope: 'a:b', key: 'c' });
    const b = store.createState(2, { scope: 'a', key: 'b:c' });
    expect(a.id).not.toBe(b.id);
    expect(store.states()).toHaveLength(2);
  });
});

describe('store API', () => {
  it('createState throws when the id exists; useState gets it', () => {
    const store = new Store({ name: 'main' });
    const state = store.createState(1, { key: 'k', scope: 'app' });
    expect(() => store.createState(2, { key: 'k', scope: 'app' })).toThrow(/already exists in scope "app" of store "main"/);
    expect(store.useState(3, { key: 'k', scope: 'app' })).toBe(state);
  });

  it('refuses a persist option that is none of local, session or { db }, in words, and creates nothing', () => {
    const store = new Store();
    const wrong = (persist: unknown) => () => store.createState(0, { key: 'k', scope: 'app', persist: persist as 'local' });
    expect(wrong('disk')).toThrow(`persist must be 'local', 'session' or { db, table? }; got disk (state ["app","k"]).`);
    // The database not opened yet.
    expect(wrong({ db: undefined })).toThrow(`persist must be 'local', 'session' or { db, table? }; got db: undefined (state ["app","k"]).`);
    expect(wrong({ table: 'states' })).toThrow(TypeError);
    expect(store.hasState({ key: 'k', scope: 'app' })).toBe(false);
  });

  it('gets, has, deletes, lists scopes and a scope map', () => {
    const store = new Store();
    store.createState(1, { key: 'a', scope: 'app' });
    store.createState(2, { key: 'b', scope: 'app' });
    store.createState(3, { key: 'c', component: 'x' });
    expect(store.hasState({ key: 'a', scope: 'app' })).toBe(true);
    expect(store.getState<number>({ key: 'c', component: 'x' })?.get()).toBe(3);
    expect(store.scopes()).toEqual(['app', '$component:x']);
    expect([...store.getScope('app').keys()]).toEqual(['a', 'b']);
    expect(store.deleteState({ key: 'a', scope: 'app' })).toBe(true);
    expect(store.deleteState({ key: 'a', scope: 'app' })).toBe(false);
    expect(store.hasState({ key: 'a', scope: 'app' })).toBe(false);
    expect(store.deleteState({ key: 'c', component: 'x' })).toBe(true);
    expect(store.scopes()).toEqual(['app']);
    expect(store.getScope('nothing').size).toBe(0);
  });

  it('names stores store-N unless named', () => {
    const a = new Store();
    const b = new Store();
    expect(a.name).toMatch(/^store-\d+$/);
    expect(Number(b.name.slice(6))).toBe(Number(a.name.slice(6)) + 1);
    expect(new Store({ name: 'cart' }).name).toBe('cart');
  });
});

describe('state', () => {
  it('gets, sets values and updaters, and counts versions', () => {
    const state = new Store().createState(1, { key: 'n', scope: 'app' });
    expect(state.value).toBe(1);
    state.set(2);
    state.set((n) => n * 10);
    expect(state.get()).toBe(20);
    expect(state.version).toBe(2);
  });

  it('does not change or notify on a set that equals deems equal', () => {
    const state = new Store().createState({ id: 1, name: 'a' }, {
      key: 'user',
      scope: 'app',
      equals: (a, b) => a.id === b.id,
    });
    const listener = vi.fn();
    state.subscribe(listener);
    state.set({ id: 1, name: 'b' });
    expect(listener).not.toHaveBeenCalled();
    expect(state.version).toBe(0);
    expect(state.get().name).toBe('a');
  });

  it('treats NaN as equal to NaN and -0 as different from 0 (Object.is)', () => {
    const state = new Store().createState(Number.NaN, { key: 'n', scope: 'app' });
    state.set(Number.NaN);
    expect(state.version).toBe(0);
    const zero = new Store().createState(0, { key: 'z', scope: 'app' });
    zero.set(-0);
    expect(zero.version).toBe(1);
  });

  it('notifies subscribers with value and prev, and stops after unsubscribe', () => {
    const state = new Store().createState('a', { key: 's', scope: 'app' });
    const calls: [string, string][] = [];
    const stop = state.subscribe((value, prev) => calls.push([value, prev]));
    state.set('b');
    stop();
    state.set('c');
    expect(calls).toEqual([['b', 'a']]);
  });

  it('reset sets the initial value again', () => {
    const state = new Store().createState({ n: 1 }, { key: 's', scope: 'app' });
    const initial = state.get();
    state.set({ n: 2 });
    state.reset();
    expect(state.get()).toBe(initial);
    expect(state.version).toBe(2);
  });

  it('ready resolves at once when not persisted', async () => {
    const state = new Store().createState(1, { key: 's', scope: 'app' });
    await expect(state.ready).resolves.toBeUndefined();
  });

  it('transact is an atomic read-modify-write for memory states', async () => {
    const state = new Store().createState(0, { key: 'counter', scope: 'app' });
    const results = await Promise.all(Array.from({ length: 50 }, () => state.transact((n) => n + 1)));
    expect(state.get()).toBe(50);
    expect(new Set(results).size).toBe(50);
  });
});

describe('state edge cases (issue 14.3, 14.4)', () => {
  it('transact stores a function result as the value, never calls it as an updater', async () => {
    const store = new Store();
    const first = () => 'first';
    const second = () => 'second';
    const state = store.createState<() => string>(first, { key: 'fn', scope: 'app' });
    const result = await state.transact(() => second);
    expect(result).toBe(second);
    expect(state.get()).toBe(second);
  });

  it('delivers store events in order when a listener sets the same state while notified', () => {
    const store = new Store();
    const state = store.createState(0, { key: 'n', scope: 'app' });
    const seen: [number, unknown, unknown][] = [];
    state.subscribe((value) => {
      if (value === 1) state.set(2);
    });
    store.subscribe((event) => {
      if (event.type === 'changed') seen.push([event.version, event.prev, event.value]);
    });
    state.set(1);
    expect(seen).toEqual([
      [1, 0, 1],
      [2, 1, 2],
    ]);
  });

  it('gives every store listener the outer change before the nested one a store listener made', () => {
    const store = new Store();
    const state = store.createState(0, { key: 'n', scope: 'app' });
    store.subscribe((event) => {
      if (event.type === 'changed' && event.value === 1) state.set(2);
    });
    const seen: unknown[] = [];
    store.subscribe((event) => {
      if (event.type === 'changed') seen.push(event.value);
    });
    const values: unknown[] = [];
    state.subscribe((value) => values.push(value));
    state.set(1);
    expect(seen).toEqual([1, 2]);
    expect(values).toEqual([1, 2]);
  });
});

describe('store events and batches', () => {
  function recorder(store: Store): string[] {
    const log: string[] = [];
    store.subscribe((event: StoreEvent) => {
      const label = event.type === 'changed' && event.label ? `(${event.label})` : '';
      const prev = event.type === 'changed' ? `${String(event.prev)}→` : '';
      log.push(`${event.type}:${event.state.key}:${prev}${String(event.value)}@${event.version}${label}`);
    });
    return log;
  }

  it('reports created, changed (with label) and deleted', () => {
    const store = new Store();
    const log = recorder(store);
    const state = store.createState(1, { key: 'a', scope: 'app' });
    state.set(2, { label: 'increment' });
    store.deleteState({ key: 'a', scope: 'app' });
    expect(log).toEqual(['created:a:1@0', 'changed:a:1→2@1(increment)', 'deleted:a:2@1']);
  });

  it('notifies once per changed state after the batch, with the value before the batch as prev', () => {
    const store = new Store();
    const a = store.createState(0, { key: 'a', scope: 'app' });
    const b = store.createState('x', { key: 'b', scope: 'app' });
    const log = recorder(store);
    const aCalls: [number, number][] = [];
    a.subscribe((value, prev) => aCalls.push([value, prev]));
    store.batch(() => {
      a.set(1);
      a.set(2, { label: 'two' });
      b.set('y');
      expect(log).toEqual([]);
      expect(a.get()).toBe(2);
    });
    expect(aCalls).toEqual([[2, 0]]);
    expect(log).toEqual(['changed:a:0→2@2(two)', 'changed:b:x→y@1']);
  });

  it('nested batches notify once, when the outermost ends', () => {
    const store = new Store();
    const a = store.createState(0, { key: 'a', scope: 'app' });
    const log = recorder(store);
    store.batch(() => {
      a.set(1);
      store.batch(() => a.set(2));
      expect(log).toEqual([]);
    });
    expect(log).toEqual(['changed:a:0→2@2']);
  });

  it('A→B→A inside a batch notifies nothing', () => {
    const store = new Store();
    const a = store.createState('A', { key: 'a', scope: 'app' });
    const log = recorder(store);
    const listener = vi.fn();
    a.subscribe(listener);
    store.batch(() => {
      a.set('B');
      a.set('A');
    });
    expect(log).toEqual([]);
    expect(listener).not.toHaveBeenCalled();
  });

  it('A→B→A inside a batch leaves the version as it was, so an edit made against it is not refused as stale', () => {
    const store = new Store();
    const a = store.createState({ id: 1, n: 1 }, { key: 'a', scope: 'app', equals: (x, y) => x.id === y.id });
    a.set({ id: 1, n: 2 });
    expect(a.version).toBe(0);
    store.batch(() => {
      a.set({ id: 2, n: 1 });
      a.set({ id: 1, n: 3 });
    });
    // No listener heard a change and the devtools panel got none: the version they saw stands.
    expect(a.version).toBe(0);
    a.set({ id: 5, n: 0 });
    expect(a.version).toBe(1);
  });

  it('a throwing batch notifies what changed, then rethrows its error', () => {
    const store = new Store();
    const a = store.createState(0, { key: 'a', scope: 'app' });
    const log = recorder(store);
    expect(() =>
      store.batch(() => {
        a.set(5);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(log).toEqual(['changed:a:0→5@1']);
    expect(a.get()).toBe(5);
  });

  it('queues created and deleted events of a batch too', () => {
    const store = new Store();
    const log = recorder(store);
    const result = store.batch(() => {
      store.createState(1, { key: 'n', scope: 'app' });
      expect(log).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(log).toEqual(['created:n:1@0']);
  });

  it('a listener that sets a state the batch also changed: each change told once, in order, with its own prev', () => {
    const store = new Store();
    const a = store.createState(0, { key: 'a', scope: 'app' });
    const b = store.createState(0, { key: 'b', scope: 'app' });
    a.subscribe((value) => {
      if (value === 1) b.set(100);
    });
    const log = recorder(store);
    const bCalls: [number, number][] = [];
    b.subscribe((value, prev) => bCalls.push([value, prev]));
    store.batch(() => {
      a.set(1);
      b.set(10);
    });
    // The batch changed b to 10 before the listener set it to 100: b's listeners hear 0→10, then 10→100.
    expect(log).toEqual(['changed:a:0→1@1', 'changed:b:0→10@1', 'changed:b:10→100@2']);
    expect(bCalls).toEqual([
      [10, 0],
      [100, 10],
    ]);
  });

  it('runs every listener when one throws, then rethrows the first error', () => {
    const store = new Store();
    const state = store.createState(0, { key: 'a', scope: 'app' });
    const seen: string[] = [];
    state.subscribe(() => {
      throw new Error('first');
    });
    state.subscribe(() => seen.push('state listener ran'));
    store.subscribe(() => {
      throw new Error('second');
    });
    store.subscribe(() => seen.push('store listener ran'));
    expect(() => state.set(1)).toThrow('first');
    expect(seen).toEqual(['state listener ran', 'store listener ran']);
    expect(state.get()).toBe(1);
  });

  it('tells no store listener nor the agent of a write to a state it deleted, which a listener by id would take for the new one', () => {
    const store = new Store();
    const old = store.createState(0, { key: 'a', scope: 'app' });
    const agent: string[] = [];
    store._observe((state) => agent.push(`change ${state.key}`), () => {});
    const log = recorder(store);
    // A panel (or any listener) keeps the values by state id, as the store lists them.
    const byId = new Map<string, unknown>();
    store.subscribe((event) => (event.type === 'deleted' ? byId.delete(event.state.id) : byId.set(event.state.id, event.value)));
    store.deleteState({ key: 'a', scope: 'app' });
    store.createState(10, { key: 'a', scope: 'app' });
    // A component that still holds the deleted state writes to it (a late timer, a stale handler).
    old.set(5);
    store.batch(() => old.set(6));
    expect(log).toEqual(['deleted:a:0@0', 'created:a:10@0']);
    expect(agent).toEqual([]);
    expect([...byId.values()]).toEqual([10]);
  });
});

describe("the devtools agent's hooks (_observe)", () => {
  it('hears created and deleted before the app\'s listeners and in batch order, and no change through the shape hook', () => {
    const store = new Store({ name: 'hooks' });
    const heard: string[] = [];
    const stop = store._observe(
      (state, _label, deferred) => heard.push(`change ${state.key}${deferred ? ' (deferred)' : ''}`),
      (event) => heard.push(`${event.type} ${event.state.key}`),
    );
    store.subscribe((event) => heard.push(`app ${event.type} ${event.state.key}`));
    const a = store.createState(0, { key: 'a', scope: 'app' });
    a.set(1);
    store.batch(() => {
      store.createState(0, { key: 'b', scope: 'app' });
      a.set(2);
      store.deleteState({ key: 'b', scope: 'app' });
    });
    expect(heard).toEqual([
      'created a',
      'app created a',
      'change a',
      'app changed a',
      'change a (deferred)',
      // The batch's events, as the batch left them, reach the agent before any listener runs.
      'created b',
      'change a',
      'deleted b',
      'app created b',
      'app changed a',
      'app deleted b',
    ]);
    heard.length = 0;
    stop();
    store.createState(0, { key: 'c', scope: 'app' }).set(1);
    expect(heard).toEqual(['app created c', 'app changed c']);
  });
});
