// @vitest-environment happy-dom
import { effect } from '@preact/signals';
import { act, cleanup, render, screen, waitFor } from '@testing-library/preact';
import { h, hydrate, render as preactRender, type ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNCLAIMED_MS } from '../bindings/component-state.js';
import { Store } from '../store/index.js';
import { StratumProvider, useStratum, useStratumState } from './index.js';
import { toSignal } from './signals.js';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** A microtask: component states are deleted one after the unmount. */
const settle = () => act(async () => {});

function Counter({ id, keep, component }: { id: string; keep?: boolean; component?: string }): ComponentChildren {
  const [count, setCount] = useStratumState(0, { key: 'count', keep, component });
  return h('button', { 'data-testid': id, onClick: () => setCount((n) => n + 1) }, String(count));
}

function componentScopes(store: Store): string[] {
  return store.scopes().filter((scope) => scope.startsWith('$component:'));
}

const app = (store: Store, children: ComponentChildren) => h(StratumProvider, { store }, children);

describe('preact useStratumState', () => {
  it('gives two instances two states and deletes each on unmount', async () => {
    const store = new Store();
    const { rerender } = render(app(store, [h(Counter, { id: 'a', key: 'a' }), h(Counter, { id: 'b', key: 'b' })]));
    expect(componentScopes(store)).toHaveLength(2);
    act(() => screen.getByTestId('a').click());
    expect(screen.getByTestId('a').textContent).toBe('1');
    expect(screen.getByTestId('b').textContent).toBe('0');
    rerender(app(store, [h(Counter, { id: 'b', key: 'b' })]));
    await settle();
    expect(componentScopes(store)).toHaveLength(1);
    expect(store.states()[0]!.get()).toBe(0);
  });

  it('keeps a state with keep, found again by its component key', async () => {
    const store = new Store();
    const { rerender } = render(app(store, h(Counter, { id: 'k', keep: true, component: 'row-1' })));
    act(() => screen.getByTestId('k').click());
    rerender(app(store, null));
    await settle();
    expect(store.getState({ key: 'count', component: 'row-1' })?.get()).toBe(1);
    rerender(app(store, h(Counter, { id: 'k', keep: true, component: 'row-1' })));
    expect(screen.getByTestId('k').textContent).toBe('1');
  });

  it('a write that lands after the unmount (a pending timer) makes no state again', async () => {
    const store = new Store();
    let later: ((n: number) => void) | undefined;
    function Pending(): ComponentChildren {
      const [n, setN] = useStratumState(0, { key: 'n' });
      later = setN;
      return h('i', null, String(n));
    }
    const { unmount } = render(app(store, h(Pending, null)));
    await settle();
    unmount();
    await settle();
    const before = store.states();
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    later!(5);
    await settle();
    expect(store.states().filter((state) => !before.includes(state))).toEqual([]);
    expect(events).not.toContain('created');
  });

  it('writes a click after the app deleted the state into a state the store holds, from the initial value', async () => {
    const store = new Store();
    function Cart(): ComponentChildren {
      const [n, setN] = useStratumState(0, { key: 'cart', scope: 'app' });
      return h('button', { 'data-testid': 'cart', onClick: () => setN((x) => x + 1) }, String(n));
    }
    render(app(store, h(Cart, null)));
    await settle();
    act(() => screen.getByTestId('cart').click());
    act(() => screen.getByTestId('cart').click());
    // The app empties the cart on logout by deleting its state while the button is mounted.
    store.deleteState({ key: 'cart', scope: 'app' });
    act(() => screen.getByTestId('cart').click());
    await settle();
    expect(store.getState({ key: 'cart', scope: 'app' })?.get()).toBe(1);
    expect(screen.getByTestId('cart').textContent).toBe('1');
  });

  it('shares a global scope', () => {
    const store = new Store();
    function Shared({ id }: { id: string }): ComponentChildren {
      const [n, setN] = useStratumState(0, { key: 'total', scope: 'app' });
      return h('button', { 'data-testid': id, onClick: () => setN((x) => x + 1) }, String(n));
    }
    render(app(store, [h(Shared, { id: 's1', key: 1 }), h(Shared, { id: 's2', key: 2 })]));
    act(() => screen.getByTestId('s1').click());
    expect(screen.getByTestId('s2').textContent).toBe('1');
  });

  it('persists to localStorage and restores in a new store', async () => {
    function Draft(): ComponentChildren {
      const [text, setText] = useStratumState('', { key: 'draft', component: 'editor', persist: 'local' });
      return h('button', { 'data-testid': 'draft', onClick: () => setText('hello') }, text || 'empty');
    }
    const first = new Store();
    render(app(first, h(Draft, null)));
    await first.states()[0]!.ready;
    act(() => screen.getByTestId('draft').click());
    cleanup();
    render(app(new Store(), h(Draft, null)));
    await waitFor(() => expect(screen.getByTestId('draft').textContent).toBe('hello'));
  });

  it('re-renders useStratum only when the selected part changes', () => {
    const state = new Store().createState({ title: 'a', done: false }, { key: 'todo', scope: 'app' });
    let renders = 0;
    function Title(): ComponentChildren {
      renders++;
      return h('span', { 'data-testid': 't' }, useStratum(state, (todo) => todo.title));
    }
    render(h(Title, null));
    act(() => state.set({ title: 'a', done: true }));
    expect(renders).toBe(1);
    act(() => state.set({ title: 'b', done: true }));
    expect(screen.getByTestId('t').textContent).toBe('b');
    expect(renders).toBe(2);
  });

  it('useStratum follows a selector that changed with a prop', () => {
    const state = new Store().createState({ a: 1, b: 2 }, { key: 'pair', scope: 'app' });
    function Field({ field }: { field: 'a' | 'b' }): ComponentChildren {
      return h('span', { 'data-testid': 'f' }, String(useStratum(state, (pair) => pair[field])));
    }
    const { rerender } = render(h(Field, { field: 'a' }));
    expect(screen.getByTestId('f').textContent).toBe('1');
    rerender(h(Field, { field: 'b' }));
    expect(screen.getByTestId('f').textContent).toBe('2');
    // b becomes 1, which field a showed when the subscription began: the screen must still follow.
    act(() => state.set({ a: 1, b: 1 }));
    expect(screen.getByTestId('f').textContent).toBe('1');
  });

  it('gives two roots sharing a store two states (useId restarts in every root)', async () => {
    const store = new Store();
    const one = document.createElement('div');
    const two = document.createElement('div');
    document.body.append(one, two);
    act(() => preactRender(app(store, h(Counter, { id: 'one' })), one));
    act(() => preactRender(app(store, h(Counter, { id: 'two' })), two));
    act(() => screen.getByTestId('one').click());
    expect(screen.getByTestId('one').textContent).toBe('1');
    expect(screen.getByTestId('two').textContent).toBe('0');
    act(() => preactRender(null, one));
    await settle();
    // Unmounting one root deletes its state only.
    expect(componentScopes(store)).toHaveLength(1);
    act(() => preactRender(null, two));
    one.remove();
    two.remove();
  });

  it('takes an id for a root that mounts in another order than on the server, and refuses an empty one', () => {
    const store = new Store();
    render(h(StratumProvider, { store, id: 'sidebar' }, h(Counter, { id: 'c' })));
    expect(componentScopes(store)).toEqual([expect.stringMatching(/^\$component:sidebar:/)]);
    cleanup();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(h(StratumProvider, { store, id: '' }, h(Counter, { id: 'c' })))).toThrow(/id must be a non-empty string/);
    errors.mockRestore();
  });

  it('renders on a server with forClient and hydrates into the same component scopes', async () => {
    const server = new Store({ name: 'server' }).forClient('c1');
    const html = renderToString(app(server, [h(Counter, { id: 'a', key: 'a' }), h(Counter, { id: 'b', key: 'b' })]));
    expect(html).toContain('data-testid="a"');
    // A server render mounts nothing: no component listens for deletes there.
    expect(storeListeners(server)).toBe(0);
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const browser = new Store({ name: 'browser', clientId: 'c1' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    act(() => hydrate(app(browser, [h(Counter, { id: 'a', key: 'a' }), h(Counter, { id: 'b', key: 'b' })]), container));
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(componentScopes(browser)).toEqual(componentScopes(server));
    act(() => container.querySelector<HTMLButtonElement>('[data-testid="a"]')!.click());
    expect(container.querySelector('[data-testid="a"]')!.textContent).toBe('1');
    container.remove();
  });
});

/** The store's own listeners (the bindings hear deletes through one per store). */
function storeListeners(store: Store): number {
  return (store as unknown as { _core: { _listeners: Set<unknown> } })._core._listeners.size;
}

describe('preact useStratumState after the app deletes the state a mounted component shows', () => {
  const cart = { key: 'cart', scope: 'app' };
  function Cart({ id = 'cart' }: { id?: string }): ComponentChildren {
    const [n, setN] = useStratumState(0, cart);
    return h('button', { 'data-testid': id, onClick: () => setN((x) => x + 1) }, String(n));
  }

  it('re-renders at once with the state made again from its initial value', async () => {
    const store = new Store();
    render(app(store, h(Cart, null)));
    await settle();
    act(() => screen.getByTestId('cart').click());
    act(() => screen.getByTestId('cart').click());
    expect(screen.getByTestId('cart').textContent).toBe('2');
    act(() => void store.deleteState(cart));
    // What a mount would show now: the state a render finds, made again from `initial`.
    expect(screen.getByTestId('cart').textContent).toBe('0');
    expect(store.getState<number>(cart)?.get()).toBe(0);
    // It follows that state: a change from elsewhere (the panel) shows.
    act(() => store.getState<number>(cart)!.set(7));
    expect(screen.getByTestId('cart').textContent).toBe('7');
  });

  it('a component-scoped state deleted by the app is made again for the component, and deleted on its unmount', async () => {
    const store = new Store();
    const { rerender } = render(app(store, h(Counter, { id: 'c' })));
    await settle();
    act(() => screen.getByTestId('c').click());
    const [scope] = componentScopes(store);
    act(() => void store.deleteState({ key: 'count', scope: scope! }));
    expect(screen.getByTestId('c').textContent).toBe('0');
    expect(store.getState<number>({ key: 'count', scope: scope! })?.get()).toBe(0);
    await act(() => new Promise((done) => setTimeout(done, UNCLAIMED_MS + 50)));
    expect(componentScopes(store)).toEqual([scope]);
    rerender(app(store, null));
    await settle();
    expect(store.states()).toEqual([]);
  });

  it('is told after a batch that deletes the state, and renders once for it', async () => {
    const store = new Store();
    const signedIn = store.createState(true, { key: 'signedIn', scope: 'app' });
    let renders = 0;
    function Counted(): ComponentChildren {
      renders++;
      const [n] = useStratumState(0, cart);
      return h('i', { 'data-testid': 'cart' }, String(n));
    }
    render(app(store, h(Counted, null)));
    await settle();
    act(() => store.getState<number>(cart)!.set(2));
    const before = renders;
    act(() =>
      store.batch(() => {
        signedIn.set(false);
        store.deleteState(cart);
        // Nothing was made again inside the batch: the app may create it itself.
        expect(store.hasState(cart)).toBe(false);
      }),
    );
    expect(screen.getByTestId('cart').textContent).toBe('0');
    expect(store.getState<number>(cart)?.get()).toBe(0);
    expect(renders).toBe(before + 1);
    act(() =>
      store.batch(() => {
        store.deleteState(cart);
        store.createState(9, cart);
      }),
    );
    expect(screen.getByTestId('cart').textContent).toBe('9');
  });

  it('follows the state another component or the app makes again right after the delete', async () => {
    const store = new Store();
    function Emptier(): ComponentChildren {
      const [, setN] = useStratumState(0, cart);
      return h('button', { 'data-testid': 'again', onClick: () => (store.deleteState(cart), setN(5)) }, 'again');
    }
    render(app(store, [h(Cart, { key: 'a' }), h(Emptier, { key: 'b' })]));
    await settle();
    act(() => screen.getByTestId('cart').click());
    act(() => screen.getByTestId('again').click());
    expect(store.getState<number>(cart)?.get()).toBe(5);
    expect(screen.getByTestId('cart').textContent).toBe('5');
    act(() => {
      store.deleteState(cart);
      store.createState(40, cart);
    });
    expect(screen.getByTestId('cart').textContent).toBe('40');
    act(() => screen.getByTestId('cart').click());
    expect(store.getState<number>(cart)?.get()).toBe(41);
  });

  it('listens once per store while mounted, and not at all after the unmount: a later delete makes nothing again', async () => {
    const store = new Store();
    const { unmount } = render(app(store, [h(Cart, { id: 'a', key: 'a' }), h(Cart, { id: 'b', key: 'b' }), h(Counter, { id: 'c', key: 'c' })]));
    await settle();
    expect(storeListeners(store)).toBe(1);
    // Preact 11 runs an unmounted component's effect cleanups after paint, as React does; act flushes them.
    act(() => void unmount());
    await settle();
    expect(storeListeners(store)).toBe(0);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    act(() => void store.deleteState(cart));
    await settle();
    expect(events).toEqual(['deleted']);
    expect(store.hasState(cart)).toBe(false);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('useStratum keeps showing the State object it was given (it has no key to look up)', () => {
    const store = new Store();
    const state = store.createState(1, cart);
    function Shown(): ComponentChildren {
      return h('i', { 'data-testid': 'shown' }, String(useStratum(state)));
    }
    render(h(Shown, null));
    act(() => state.set(2));
    act(() => void store.deleteState(cart));
    expect(screen.getByTestId('shown').textContent).toBe('2');
    expect(store.hasState(cart)).toBe(false);
  });
});

describe('toSignal', () => {
  it('follows the state, watched or not, and is one signal per state', () => {
    const state = new Store().createState(1, { key: 'n', scope: 'app' });
    const follower = toSignal(state);
    const seen: number[] = [];
    const stop = effect(() => {
      seen.push(follower.value);
    });
    state.set(2);
    state.set(3);
    stop();
    state.set(4);
    expect(seen).toEqual([1, 2, 3]);
    expect(follower.value).toBe(4);
    expect(toSignal(state)).toBe(follower);
  });
});
