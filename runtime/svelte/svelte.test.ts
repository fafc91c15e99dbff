import { get, derived } from 'svelte/store';
import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.js';
import { toSvelteStore } from './svelte.js';

describe('toSvelteStore', () => {
  it('meets the Svelte store contract: subscribe calls at once, returns an unsubscribe; set and update write the state', () => {
    const state = new Store().createState(['a'], { key: 'todos', scope: 'app' });
    const todos = toSvelteStore(state);
    expect(get(todos)).toEqual(['a']);
    const seen: string[][] = [];
    const stop = todos.subscribe((value) => seen.push(value));
    todos.update((list) => [...list, 'b']);
    state.set(['c']);
    stop();
    todos.set(['d']);
    expect(seen).toEqual([['a'], ['a', 'b'], ['c']]);
    expect(state.get()).toEqual(['d']);
    // Svelte's own derived() drives it as it would a writable().
    expect(get(derived(todos, (list) => list.length))).toBe(1);
  });

  it('tells a subscriber the write it makes while first called, as svelte’s writable() does', () => {
    const state = new Store().createState(15, { key: 'volume', scope: 'app' });
    const volume = toSvelteStore(state);
    const seen: number[] = [];
    // A subscriber that clamps what it is given (a component's reactive statement may do this).
    const stop = volume.subscribe((value) => {
      seen.push(value);
      if (value > 10) volume.set(10);
    });
    stop();
    expect(state.get()).toBe(10);
    expect(seen.at(-1)).toBe(10);
  });

  it('leaves no listener behind when a subscriber throws on its first call', () => {
    const state = new Store().createState(1, { key: 'n', scope: 'app' });
    let calls = 0;
    expect(() =>
      toSvelteStore(state).subscribe(() => {
        calls++;
        throw new Error('a view crashed');
      }),
    ).toThrow('a view crashed');
    state.set(2);
    expect(calls).toBe(1);
  });

  it('set stores a function as the value, as writable().set does; only update calls one', () => {
    const handler = (): string => 'clicked';
    const state = new Store().createState<(() => string) | null>(null, { key: 'onClick', scope: 'app' });
    const svelte = toSvelteStore(state);
    svelte.set(handler);
    expect(get(svelte)).toBe(handler);
    expect(state.get()).toBe(handler);
    svelte.update(() => null);
    expect(state.get()).toBeNull();
  });

  it('still tells its subscribers what it is given after the app deleted the state, as a writable() would', () => {
    const store = new Store();
    const state = store.createState(['a'], { key: 'cart', scope: 'app' });
    const cart = toSvelteStore(state);
    const seen: string[][] = [];
    const stop = cart.subscribe((value) => seen.push(value));
    store.deleteState({ key: 'cart', scope: 'app' });
    // `$cart = ['b']` in a component: the component shows what get() returns.
    cart.set(['b']);
    cart.update((list) => [...list, 'c']);
    expect(get(cart)).toEqual(['b', 'c']);
    expect(seen).toEqual([['a'], ['b'], ['b', 'c']]);
    // An equal write changes nothing and tells no one, as before the delete.
    const same = seen.length;
    cart.update((list) => list);
    expect(seen).toHaveLength(same);
    stop();
    cart.set(['d']);
    expect(seen).toHaveLength(same);
    // The deleted state stays out of the store: the store is told of none of it.
    expect(store.hasState({ key: 'cart', scope: 'app' })).toBe(false);
  });
});
