import { atom, createStore } from 'jotai/vanilla';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumJotai } from './index.js';

function app() {
  const store = createStore();
  const todos = atom([{ text: 'milk', done: false }]);
  todos.debugLabel = 'todos';
  const filter = atom('all');
  const open = atom((get) => get(todos).filter((todo) => !todo.done).length);
  return { store, todos, filter, open };
}

describe('stratumJotai', () => {
  it('shows named atoms of a store live, derived ones too', async () => {
    const { store, todos, filter, open } = app();
    const adapter = stratumJotai(store, { name: 'app', atoms: { todos, filter, open } });
    const list = await adapterKit(adapter, 'todos');
    const left = await adapterKit(adapter, 'open');
    expect(list.state.scope).toBe('jotai:app');
    store.set(todos, [{ text: 'milk', done: false }, { text: 'tea', done: false }]);
    expect(list.changes().at(-1)).toMatchObject({ label: 'set todos', value: [{ text: 'milk' }, { text: 'tea' }] });
    expect(left.changes().at(-1)).toMatchObject({ value: 2 });
  });

  it('writes a panel edit with store.set and restores an earlier value', async () => {
    const { store, todos, filter, open } = app();
    const adapter = stratumJotai(store, { name: 'edits', atoms: { todos, filter, open } });
    const list = await adapterKit(adapter, 'todos');
    await list.edit([0, 'done'], true);
    expect(store.get(todos)).toEqual([{ text: 'milk', done: true }]);
    expect(store.get(open)).toBe(0);
    const chosen = await adapterKit(adapter, 'filter');
    store.set(filter, 'done');
    const earlier = chosen.changes().at(-1)!;
    store.set(filter, 'open');
    chosen.changes();
    await chosen.restore(earlier);
    expect(store.get(filter)).toBe('done');
  });

  it('refuses to edit a derived atom and asks for the atoms to show', async () => {
    const { store, todos, open } = app();
    const left = await adapterKit(stratumJotai(store, { name: 'derived', atoms: { todos, open } }), 'open');
    await expect(left.edit([], 9)).rejects.toThrow(/derived/);
    expect(left.state.value).toBe(1);
    expect(() => stratumJotai(store, { name: 'none', atoms: {} })).toThrow(/needs the atoms/);
  });
});
