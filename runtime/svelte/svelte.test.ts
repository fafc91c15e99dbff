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
});
