import { configureStore, createSlice, prepareAutoBatched, type Middleware, type PayloadAction } from '@reduxjs/toolkit';
import { legacy_createStore } from 'redux';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { STRATUM_EDIT, stratumRedux, withStratumEdits } from './index.js';

const todos = createSlice({
  name: 'todos',
  initialState: { items: [{ text: 'milk', done: false }], filter: 'all' },
  reducers: {
    added: (state, action: PayloadAction<string>) => void state.items.push({ text: action.payload, done: false }),
    toggled: (state, action: PayloadAction<number>) => {
      const item = state.items[action.payload];
      if (item) item.done = !item.done;
    },
  },
});

function toolkitStore() {
  return configureStore({ reducer: withStratumEdits(todos.reducer) });
}

describe('stratumRedux', () => {
  it('labels each change with its action type (Redux Toolkit)', async () => {
    const store = toolkitStore();
    const { state, changes } = await adapterKit(stratumRedux(store, { name: 'todos' }));
    expect(state.scope).toBe('redux:todos');
    store.dispatch(todos.actions.added('bread'));
    expect(changes().at(-1)).toMatchObject({ label: 'todos/added', value: { items: [{ text: 'milk' }, { text: 'bread' }] } });
    store.dispatch(todos.actions.toggled(0));
    expect(changes().at(-1)).toMatchObject({ label: 'todos/toggled' });
  });

  it('dispatches a panel edit as stratum/edit, seen by middleware like any action', async () => {
    const seen: unknown[] = [];
    const spy: Middleware = () => (next) => (action) => {
      seen.push(action);
      return next(action);
    };
    const store = configureStore({ reducer: withStratumEdits(todos.reducer), middleware: (defaults) => defaults().concat(spy) });
    const { edit } = await adapterKit(stratumRedux(store, { name: 'todos-edit' }));
    await edit(['items', 0, 'done'], true);
    expect(store.getState().items[0]).toEqual({ text: 'milk', done: true });
    expect(seen).toEqual([{ type: STRATUM_EDIT, payload: store.getState(), meta: { label: 'devtools: edit items[0].done' } }]);
    store.dispatch(todos.actions.added('eggs'));
    expect(store.getState().items).toHaveLength(2);
  });

  it('restores an earlier state from the timeline', async () => {
    const store = toolkitStore();
    const { changes, restore, state } = await adapterKit(stratumRedux(store, { name: 'todos-restore' }));
    store.dispatch(todos.actions.added('bread'));
    const earlier = changes().at(-1)!;
    store.dispatch(todos.actions.added('jam'));
    store.dispatch(todos.actions.toggled(0));
    changes();
    await restore(earlier);
    expect(store.getState()).toEqual({ items: [{ text: 'milk', done: false }, { text: 'bread', done: false }], filter: 'all' });
    expect(state.value).toEqual(store.getState());
  });

  it('works with plain redux and a number as the root state', async () => {
    const counter = (state = 0, action: { type: string }) => (action.type === 'inc' ? state + 1 : state);
    const store = legacy_createStore(withStratumEdits(counter));
    const { changes, edit } = await adapterKit(stratumRedux(store, { name: 'counter' }));
    store.dispatch({ type: 'inc' });
    expect(changes().at(-1)).toMatchObject({ label: 'inc', value: 1 });
    await edit([], 40);
    expect(store.getState()).toBe(40);
  });

  it('takes an edit that a subscriber of the app answers with an action of its own, without blaming the reducer', async () => {
    type Filter = { items: string[]; filter: string };
    const reducer = (state: Filter = { items: [], filter: 'all' }, action: { type: string }) => (action.type === 'filter/reset' ? { ...state, filter: 'all' } : state);
    const store = legacy_createStore(withStratumEdits(reducer));
    // The app keeps the filter at "all" while the list is empty.
    store.subscribe(() => {
      const now = store.getState();
      if (now.items.length === 0 && now.filter !== 'all') store.dispatch({ type: 'filter/reset' });
    });
    const { edit, state, changes } = await adapterKit(stratumRedux(store, { name: 'answered' }));
    await edit(['filter'], 'done');
    expect(store.getState()).toEqual({ items: [], filter: 'all' });
    expect(state.value).toEqual({ items: [], filter: 'all' });
    expect(changes().map((change) => change.label)).toEqual(['devtools: edit filter', 'kept by the library']);
  });

  it('still says to wrap the ROOT reducer when only a slice reducer is wrapped', async () => {
    const store = configureStore({ reducer: { todos: withStratumEdits(todos.reducer) } });
    const { edit } = await adapterKit(stratumRedux(store, { name: 'todos-slice' }));
    await expect(edit(['todos', 'filter'], 'done')).rejects.toThrow(/wrap its root reducer/);
  });

  it('says what to do when the reducer is not wrapped, and shows what the store kept', async () => {
    const store = configureStore({ reducer: todos.reducer });
    const { edit, state } = await adapterKit(stratumRedux(store, { name: 'todos-bare' }));
    await expect(edit(['filter'], 'done')).rejects.toThrow(/withStratumEdits/);
    expect(store.getState().filter).toBe('all');
    expect(state.value).toEqual(store.getState());
  });
});

const feed = createSlice({
  name: 'feed',
  initialState: { posts: ['a'], filter: 'all' },
  reducers: {
    // What RTK Query's own actions do: notify subscribers later, batched (a frame by default).
    received: { reducer: (state, action: PayloadAction<string>) => void state.posts.push(action.payload), prepare: prepareAutoBatched<string>() },
  },
});

describe('stratumRedux: a change not told yet', () => {
  it('refuses a panel edit while the store holds a change its subscribers have not heard yet (auto-batched)', async () => {
    let notify: (() => void) | undefined;
    const store = configureStore({
      reducer: withStratumEdits(feed.reducer),
      enhancers: (defaults) => defaults({ autoBatch: { type: 'callback', queueNotification: (run) => void (notify = run) } }),
    });
    const { edit, state } = await adapterKit(stratumRedux(store, { name: 'batched' }));
    store.dispatch(feed.actions.received('b')); // in the store; the notification waits for the next frame
    await expect(edit(['filter'], 'mine')).rejects.toThrow(/redux store "batched" changed since the panel read it.*not applied/);
    // The panel is shown the store's newest value at once, not after the frame.
    expect(state.value).toEqual({ posts: ['a', 'b'], filter: 'all' });
    notify?.();
    expect(store.getState()).toEqual({ posts: ['a', 'b'], filter: 'all' });
    // Edited again over what it now shows, the edit goes through.
    await edit(['filter'], 'mine');
    expect(store.getState()).toEqual({ posts: ['a', 'b'], filter: 'mine' });
  });
});

describe('stratumRedux: two stores on the page', () => {
  it("labels each store's change with its own action, when an app subscriber of one store dispatches into the other first", async () => {
    const counter = (prefix: string) => (state = 0, action: { type: string }) => (action.type === `${prefix}/inc` ? state + 1 : state);
    const clicks = legacy_createStore(withStratumEdits(counter('clicks')));
    const echoes = legacy_createStore(withStratumEdits(counter('echoes')));
    // The app answers each click in the other store, before the adapter hears the click.
    clicks.subscribe(() => echoes.dispatch({ type: 'echoes/inc' }));
    const a = await adapterKit(stratumRedux(clicks, { name: 'clicks' }));
    const b = await adapterKit(stratumRedux(echoes, { name: 'echoes' }));
    // One dispatch a frame: the panel is sent the last change of each state in a frame.
    const labels = () => [a.changes().at(-1)?.label, b.changes().at(-1)?.label];
    clicks.dispatch({ type: 'clicks/inc' });
    expect(labels()).toEqual(['clicks/inc', 'echoes/inc']);
    echoes.dispatch({ type: 'echoes/inc' });
    clicks.dispatch({ type: 'clicks/inc' });
    expect(labels()).toEqual(['clicks/inc', 'echoes/inc']);
    expect([clicks.getState(), echoes.getState()]).toEqual([2, 3]);
  });

  it("labels each store's change with its own action when notifications are auto-batched", async () => {
    const notifyLater: (() => void)[] = [];
    const numberStore = (prefix: string) =>
      configureStore({
        reducer: withStratumEdits((state: number = 0, action: { type: string }) => (action.type === `${prefix}/inc` ? state + 1 : state)),
        enhancers: (defaults) => defaults({ autoBatch: { type: 'callback', queueNotification: (run) => void notifyLater.push(run) } }),
      });
    const left = numberStore('left');
    const right = numberStore('right');
    const l = await adapterKit(stratumRedux(left, { name: 'left' }));
    const r = await adapterKit(stratumRedux(right, { name: 'right' }));
    left.dispatch({ type: 'left/inc', meta: { RTK_autoBatch: true } });
    right.dispatch({ type: 'right/inc', meta: { RTK_autoBatch: true } });
    for (const run of notifyLater.splice(0)) run();
    expect(l.changes().map((change) => change.label)).toEqual(['left/inc']);
    expect(r.changes().map((change) => change.label)).toEqual(['right/inc']);
  });
});

describe('stratumRedux: a store of its own making', () => {
  /** A store with Redux's three methods and none of its guards: getState works while the reducer runs. */
  function homemade<S>(reducer: (state: S | undefined, action: { type: string }) => S) {
    let state = reducer(undefined, { type: '@@init' });
    const listeners = new Set<() => void>();
    return {
      getState: () => state,
      dispatch(action: { type: string }) {
        state = reducer(state, action);
        for (const listener of listeners) listener();
        return action;
      },
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
  }

  it("labels a number state's change with the action that made it, not 'dispatch'", async () => {
    const store = homemade(withStratumEdits((count: number | undefined = 0, action: { type: string }) => (action.type === 'counter/increment' ? count + 1 : count)));
    const { changes, edit } = await adapterKit(stratumRedux(store, { name: 'homemade' }));
    store.dispatch({ type: 'counter/increment' });
    expect(changes().at(-1)).toMatchObject({ label: 'counter/increment', value: 1 });
    await edit([], 40);
    expect(store.getState()).toBe(40);
    store.dispatch({ type: 'counter/increment' });
    expect(changes().at(-1)).toMatchObject({ label: 'counter/increment', value: 41 });
  });
});
