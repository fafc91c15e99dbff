import { proxy, unstable_enableOp } from 'valtio/vanilla';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumValtio } from './index.js';

function app() {
  return proxy({ todos: [{ text: 'milk', done: false }], filter: 'all' });
}

describe('stratumValtio', () => {
  it('shows a proxy live, labelled with valtio’s ops', async () => {
    const state = app();
    const { state: mirrored, changes } = await adapterKit(stratumValtio(state, { name: 'todos' }));
    expect(mirrored.scope).toBe('valtio:todos');
    state.todos[0]!.done = true;
    expect(changes().at(-1)).toMatchObject({ label: 'set todos', value: { todos: [{ text: 'milk', done: true }] } });
    state.filter = 'done';
    expect(changes().at(-1)).toMatchObject({ label: 'set filter', value: { filter: 'done' } });
  });

  it('writes a panel edit into the proxy, which stays writable, and restores an earlier value', async () => {
    const state = app();
    const { edit, changes, restore } = await adapterKit(stratumValtio(state, { name: 'edits' }));
    await edit(['todos', 0, 'text'], 'oat milk');
    expect(state.todos[0]).toEqual({ text: 'oat milk', done: false });
    state.todos[0]!.done = true;
    state.todos.push({ text: 'tea', done: false });
    expect(state.todos).toHaveLength(2);
    const earlier = changes().at(-1)!;
    state.filter = 'open';
    state.todos.splice(0, 2);
    changes();
    await restore(earlier);
    expect(state).toEqual({ todos: [{ text: 'oat milk', done: true }, { text: 'tea', done: false }], filter: 'all' });
    state.todos[1]!.done = true;
    expect(state.todos[1]!.done).toBe(true);
  });

  it('labels with the op path when the app enabled valtio ops', async () => {
    unstable_enableOp(true);
    try {
      const state = app();
      const { changes } = await adapterKit(stratumValtio(state, { name: 'ops' }));
      state.todos[0]!.done = true;
      expect(changes().at(-1)?.label).toBe('set todos.0.done');
    } finally {
      unstable_enableOp(false);
    }
  });
});

describe('stratumValtio: edits into what the app holds', () => {
  it('a panel edit of one nested field leaves the nested proxies the app holds attached', async () => {
    const state = proxy({ user: { name: 'ann', prefs: { theme: 'light' } }, count: 0 });
    const prefs = state.user.prefs; // a nested proxy the app keeps (passed to a component, a module)
    const { edit } = await adapterKit(stratumValtio(state, { name: 'held' }));
    await edit(['user', 'name'], 'bob');
    expect(state.user.name).toBe('bob');
    prefs.theme = 'dark';
    expect(state.user.prefs.theme).toBe('dark');
  });
});

describe('stratumValtio: lists', () => {
  it('writes a longer or a shorter list into the list proxy the app holds', async () => {
    const state = proxy({ todos: [{ text: 'milk', done: false }] });
    const todos = state.todos;
    const { edit, changes, restore } = await adapterKit(stratumValtio(state, { name: 'lists' }));
    state.todos.push({ text: 'tea', done: false });
    const two = changes().at(-1)!;
    await edit(['todos'], [{ text: 'milk', done: true }]);
    expect(state.todos).toBe(todos);
    expect(state.todos).toEqual([{ text: 'milk', done: true }]);
    await restore(two);
    expect(state.todos).toBe(todos);
    expect(state.todos).toEqual([{ text: 'milk', done: false }, { text: 'tea', done: false }]);
    todos[1]!.done = true;
    expect(changes().at(-1)).toMatchObject({ value: { todos: [{ done: false }, { done: true }] } });
  });
});

describe('stratumValtio: a restore of several fields', () => {
  it('reaches the panel as one change, with no half-written value after it', async () => {
    const state = proxy({ todos: [{ text: 'milk', done: false }], filter: 'all' });
    const { changes, restore } = await adapterKit(stratumValtio(state, { name: 'restore' }));
    state.filter = 'done';
    const first = changes().at(-1)!; // { todos: [milk], filter: 'done' }
    state.todos.push({ text: 'tea', done: false });
    state.filter = 'open';
    const before = changes().length;
    await restore(first);
    const after = changes().slice(before);
    expect(state).toEqual({ todos: [{ text: 'milk', done: false }], filter: 'done' });
    expect(after.map((change) => [change.label, change.value])).toEqual([['devtools: restore', { todos: [{ text: 'milk', done: false }], filter: 'done' }]]);
  });
});
