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
