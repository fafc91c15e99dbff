import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Toolkit from '@reduxjs/toolkit';
import { createStore } from 'zustand/vanilla';
import { devtools } from 'zustand/middleware';
import { adapterKit } from '../../test/helpers/adapter-kit.js';
import { registered } from '../../runtime/registry/registry.js';
import { Store } from '../../runtime/store/store.js';
import { stratumZustand } from '../../runtime/adapters/zustand/index.js';
import { installShim, type Bridge } from './shim.js';

// The page's window as the libraries read it: the shim installs its globals here, zustand's
// devtools middleware reads them at store creation and Redux Toolkit when its module loads.
const page: Record<string, unknown> = {};
let toolkit: typeof Toolkit;

beforeAll(async () => {
  vi.stubGlobal('window', page);
  vi.stubGlobal('document', { title: 'shop' });
  installShim(page, () => import('./bridge.js') as Promise<Bridge>);
  toolkit = await import('@reduxjs/toolkit');
});
afterAll(() => vi.unstubAllGlobals());

/** The store the bridge made for a connection, once it loaded (it loads on the first connect). */
async function shown(name: string): Promise<Store> {
  return vi.waitFor(() => {
    const store = listed().find((each) => each.name === name);
    if (!store) throw new Error(`no store ${name} yet`);
    return store;
  });
}
const listed = () => registered('store').map((entry) => entry.deref()).filter((store): store is Store => store instanceof Store);

interface Cart {
  items: { sku: string; qty: number }[];
  add(sku: string): void;
}
const cartOf = (name: string) =>
  createStore<Cart>()(
    devtools(
      (set) => ({
        items: [{ sku: 'milk', qty: 1 }],
        add: (sku) => set((state) => ({ items: [...state.items, { sku, qty: 1 }] }), false, 'cart/add'),
      }),
      { name },
    ),
  );

describe('the Redux DevTools shim with zustand (devtools middleware)', () => {
  it('lists the store under devtools:<name> with its data, labels changes with the action, takes edits and restores', async () => {
    const cart = cartOf('cart');
    const store = await shown('devtools:cart');
    const { state, changes, edit, restore } = await adapterKit({ store, stop: () => {} });
    expect(state.scope).toBe('devtools:cart');
    // The actions stay out of the panel, as with the adapter.
    expect(state.value).toEqual({ items: [{ sku: 'milk', qty: 1 }] });

    cart.getState().add('tea');
    const earlier = changes().at(-1)!;
    expect(earlier).toMatchObject({ label: 'cart/add', value: { items: [{ sku: 'milk' }, { sku: 'tea' }] } });

    await edit(['items', 1, 'qty'], 4);
    expect(cart.getState().items).toEqual([{ sku: 'milk', qty: 1 }, { sku: 'tea', qty: 4 }]);
    // The store's own action survives the edit (zustand merges the devtools state).
    cart.getState().add('jam');
    expect(changes().at(-1)).toMatchObject({ label: 'cart/add' });
    expect(cart.getState().items.map((item) => item.sku)).toEqual(['milk', 'tea', 'jam']);

    await restore(earlier);
    expect(cart.getState().items).toEqual([{ sku: 'milk', qty: 1 }, { sku: 'tea', qty: 1 }]);
    expect(typeof cart.getState().add).toBe('function');
  });

  it('leaves a store an adapter already shows to the adapter: listed once', async () => {
    const cart = cartOf('adapted');
    const adapter = stratumZustand(cart, { name: 'adapted' });
    cart.getState().add('tea');
    // The bridge has loaded (previous test); give the queue a turn, then nothing new is listed.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(listed().map((store) => store.name)).toContain('zustand:adapted');
    expect(listed().map((store) => store.name)).not.toContain('devtools:adapted');
    adapter.stop();
  });

  it('after an edit, the panel shows what zustand holds: the JSON it parsed (a Date arrives as a string)', async () => {
    const clock = createStore<{ at: Date; n: number }>()(devtools(() => ({ at: new Date(0), n: 1 }), { name: 'clock' }));
    const store = await shown('devtools:clock');
    const { state, edit } = await adapterKit({ store, stop: () => {} });
    await edit(['n'], 2);
    expect(clock.getState()).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 2 });
    expect(state.value).toEqual(clock.getState());
  });

  it('refuses an edit in words when the library listens to nothing', async () => {
    const extension = page.__REDUX_DEVTOOLS_EXTENSION__ as { connect(options: { name: string }): { init(state: unknown): void } };
    extension.connect({ name: 'deaf' }).init({ n: 1 });
    const store = await shown('devtools:deaf');
    const { edit, state } = await adapterKit({ store, stop: () => {} });
    await expect(edit(['n'], 2)).rejects.toThrow(/does not listen to Redux DevTools messages/);
    expect(state.value).toEqual({ n: 1 });
  });
});

describe('the Redux DevTools shim with Redux Toolkit (configureStore, devTools on by default)', () => {
  it('labels changes with action types, takes a path edit and restores an earlier state, middleware intact', async () => {
    const todos = toolkit.createSlice({
      name: 'todos',
      initialState: { list: ['write tests'], at: new Date(0) },
      reducers: { added: (state, action: Toolkit.PayloadAction<string>) => void state.list.push(action.payload) },
    });
    const app = toolkit.configureStore({
      reducer: todos.reducer,
      devTools: { name: 'todos' },
      middleware: (defaults) => defaults({ serializableCheck: false }),
    });
    const store = await shown('redux:todos');
    const { state, changes, edit, restore } = await adapterKit({ store, stop: () => {} });
    expect(state.scope).toBe('redux:todos');

    app.dispatch(todos.actions.added('ship it'));
    const earlier = changes().at(-1)!;
    expect(earlier).toMatchObject({ label: 'todos/added', value: { list: ['write tests', 'ship it'] } });
    // A thunk goes through the middleware; the plain action it dispatches is what is labelled.
    app.dispatch(((dispatch: (action: unknown) => void) => dispatch(todos.actions.added('celebrate'))) as never);
    expect(changes().at(-1)).toMatchObject({ label: 'todos/added' });

    await edit(['list', 0], 'write more tests');
    expect(app.getState().list).toEqual(['write more tests', 'ship it', 'celebrate']);
    // Edited values are put back unserialized: the Date is still a Date.
    expect(app.getState().at).toBeInstanceOf(Date);

    await restore(earlier);
    expect(app.getState().list).toEqual(['write tests', 'ship it']);
    app.dispatch(todos.actions.added('again'));
    expect(app.getState().list).toEqual(['write tests', 'ship it', 'again']);
  });

  it('the enhancer form (__REDUX_DEVTOOLS_EXTENSION__()) with plain redux', async () => {
    const { legacy_createStore } = await import('redux');
    const enhancer = (page.__REDUX_DEVTOOLS_EXTENSION__ as (options: { name: string }) => never)({ name: 'counter' });
    const counter = legacy_createStore((n: number = 0, action: { type: string }) => (action.type === 'inc' ? n + 1 : n), enhancer);
    const store = await shown('redux:counter');
    const { changes, edit } = await adapterKit({ store, stop: () => {} });
    counter.dispatch({ type: 'inc' });
    expect(changes().at(-1)).toMatchObject({ label: 'inc', value: 1 });
    await edit([], 40);
    expect(counter.getState()).toBe(40);
  });

  it('a reducer replaced later (a code-split slice): the panel shows the new state, and an edit keeps the slice', async () => {
    const { legacy_createStore, combineReducers } = await import('redux');
    const enhancer = (page.__REDUX_DEVTOOLS_EXTENSION__ as (options: { name: string }) => never)({ name: 'split' });
    const todos = (list: string[] = ['a'], action: { type: string }) => (action.type === 'add' ? [...list, 'x'] : list);
    const user = (name = 'ada') => name;
    const app = legacy_createStore(combineReducers({ todos }), enhancer);
    const store = await shown('redux:split');
    const { state, changes, edit } = await adapterKit({ store, stop: () => {} });

    app.replaceReducer(combineReducers({ todos, user }) as never);
    expect(changes().at(-1)).toMatchObject({ label: '@@redux/REPLACE', value: { todos: ['a'], user: 'ada' } });
    // The edit's whole-state JUMP was made from the old state before: the new slice was wiped.
    await edit(['todos', 0], 'b');
    expect(app.getState()).toEqual({ todos: ['b'], user: 'ada' });
    expect(state.value).toEqual(app.getState());
  });
});

describe('installShim', () => {
  it('never replaces globals something else defined (the real Redux DevTools extension)', () => {
    const real = Object.assign(() => {}, { connect: () => ({}) });
    const other: Record<string, unknown> = { __REDUX_DEVTOOLS_EXTENSION__: real };
    const load = vi.fn();
    installShim(other, load);
    expect(other.__REDUX_DEVTOOLS_EXTENSION__).toBe(real);
    expect(other.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
  });
});

describe('locating the bridge (main world ⇄ content script)', () => {
  it('the shim gets the URL the content script answers with, synchronously, and nothing without one', async () => {
    const { answerBridgeUrl, askBridgeUrl } = await import('./locate.js');
    const window = new EventTarget();
    expect(askBridgeUrl(window)).toBeUndefined();
    answerBridgeUrl(window, () => 'chrome-extension://abc/redux-bridge.js');
    expect(askBridgeUrl(window)).toBe('chrome-extension://abc/redux-bridge.js');
  });
});
