// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, StrictMode, Suspense, type ReactNode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNCLAIMED_MS } from '../bindings/component-state.js';
import { Store } from '../store/index.js';
import { StratumProvider, useStratum, useStratumState } from './index.js';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** A microtask: component states are deleted one after the unmount's commit. */
const settle = () => act(async () => {});

function Counter({ id, keep, component }: { id: string; keep?: boolean; component?: string }): ReactNode {
  const [count, setCount] = useStratumState(0, { key: 'count', keep, component });
  return h('button', { 'data-testid': id, onClick: () => setCount((n) => n + 1) }, String(count));
}

function componentScopes(store: Store): string[] {
  return store.scopes().filter((scope) => scope.startsWith('$component:'));
}

function app(store: Store, children: ReactNode, strict = false): ReactNode {
  const tree = h(StratumProvider, { store }, children);
  return strict ? h(StrictMode, null, tree) : tree;
}

describe('useStratumState in Scopes.Component', () => {
  it('gives two mounted instances two states, stable across re-renders', async () => {
    const store = new Store();
    const { rerender } = render(app(store, [h(Counter, { id: 'a', key: 'a' }), h(Counter, { id: 'b', key: 'b' })]));
    const scopes = componentScopes(store);
    expect(scopes).toHaveLength(2);
    act(() => screen.getByTestId('a').click());
    act(() => screen.getByTestId('a').click());
    expect(screen.getByTestId('a').textContent).toBe('2');
    expect(screen.getByTestId('b').textContent).toBe('0');
    rerender(app(store, [h(Counter, { id: 'a', key: 'a' }), h(Counter, { id: 'b', key: 'b' })]));
    expect(componentScopes(store)).toEqual(scopes);
    expect(screen.getByTestId('a').textContent).toBe('2');
  });

  it('survives StrictMode (double render, effects run, clean up, run again) and is deleted on the real unmount', async () => {
    const store = new Store();
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    const { rerender } = render(app(store, h(Counter, { id: 'c' }), true));
    await settle();
    expect(componentScopes(store)).toHaveLength(1);
    const [state] = store.states();
    act(() => screen.getByTestId('c').click());
    await settle();
    expect(screen.getByTestId('c').textContent).toBe('1');
    expect(store.states()).toEqual([state]);
    // StrictMode's remount neither deleted nor re-created it.
    expect(events).toEqual(['created', 'changed']);
    rerender(app(store, null, true));
    await settle();
    expect(store.states()).toEqual([]);
    expect(events).toEqual(['created', 'changed', 'deleted']);
  });

  it('keeps the state after unmount with keep, and a remount with the same component key finds it', async () => {
    const store = new Store();
    const { rerender } = render(app(store, h(Counter, { id: 'k', keep: true, component: 'todo-7' })));
    act(() => screen.getByTestId('k').click());
    rerender(app(store, null));
    await settle();
    expect(store.getState({ key: 'count', component: 'todo-7' })?.get()).toBe(1);
    rerender(app(store, h(Counter, { id: 'k', keep: true, component: 'todo-7' })));
    expect(screen.getByTestId('k').textContent).toBe('1');
  });

  it('keeps its state when a mounted component suspends again, and sweeps the ids of abandoned first attempts', async () => {
    const store = new Store();
    let pending: Promise<void> | null = new Promise<void>(() => {});
    let resolve!: () => void;
    const load = () => {
      pending = new Promise<void>((done) => (resolve = () => ((pending = null), done())));
    };
    load();
    function Lazy({ page }: { page: number }): ReactNode {
      const [value, setValue, state] = useStratumState('x', { key: 'lazy' });
      if (pending) throw pending;
      return h('button', { 'data-testid': 'lazy', onClick: () => setValue('y') }, `${value}@${state.scope}@${page}`);
    }
    const { rerender } = render(app(store, h(Suspense, { fallback: h('span', null, 'loading') }, h(Lazy, { page: 1 }))));
    await act(async () => resolve());
    await screen.findByTestId('lazy');
    act(() => screen.getByTestId('lazy').click());
    const scope = screen.getByTestId('lazy').textContent!.split('@')[1]!;
    // An update that suspends hides the mounted tree; its effects stay, so does its state.
    load();
    rerender(app(store, h(Suspense, { fallback: h('span', null, 'loading') }, h(Lazy, { page: 2 }))));
    await settle();
    await act(async () => resolve());
    await waitFor(() => expect(screen.getByTestId('lazy').textContent).toBe(`y@${scope}@2`));
    // First attempts that never committed got ids of their own (React gives a discarded fiber
    // none to keep); nothing claims those states, so they go after UNCLAIMED_MS.
    await new Promise((done) => setTimeout(done, UNCLAIMED_MS + 50));
    expect(componentScopes(store)).toEqual([scope]);
  });

  it('a write that lands after the unmount (a pending timer) makes no state again', async () => {
    const store = new Store();
    let later: ((n: number) => void) | undefined;
    function Pending(): ReactNode {
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
    function Cart(): ReactNode {
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

  it('shares a global scope between components and does not delete it on unmount', async () => {
    const store = new Store();
    function Shared({ id }: { id: string }): ReactNode {
      const [n, setN] = useStratumState(0, { key: 'total', scope: 'app' });
      return h('button', { 'data-testid': id, onClick: () => setN((x) => x + 1) }, String(n));
    }
    const { rerender } = render(app(store, [h(Shared, { id: 's1', key: 1 }), h(Shared, { id: 's2', key: 2 })]));
    act(() => screen.getByTestId('s1').click());
    expect(screen.getByTestId('s2').textContent).toBe('1');
    rerender(app(store, null));
    await settle();
    expect(store.getState({ key: 'total', scope: 'app' })?.get()).toBe(1);
  });

  it('persists to localStorage and restores in a new store', async () => {
    const first = new Store();
    function Draft(): ReactNode {
      const [text, setText] = useStratumState('', { key: 'draft', component: 'editor', persist: 'local' });
      return h('button', { 'data-testid': 'draft', onClick: () => setText('hello') }, text || 'empty');
    }
    render(app(first, h(Draft)));
    await first.states()[0]!.ready;
    act(() => screen.getByTestId('draft').click());
    cleanup();
    render(app(new Store(), h(Draft)));
    await waitFor(() => expect(screen.getByTestId('draft').textContent).toBe('hello'));
  });

  it('says what is missing without a provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(h(Counter, { id: 'x' }))).toThrow(/StratumProvider/);
    vi.restoreAllMocks();
  });
});

/** The store's own listeners (the bindings hear deletes through one per store). */
function storeListeners(store: Store): number {
  return (store as unknown as { _core: { _listeners: Set<unknown> } })._core._listeners.size;
}

describe('useStratumState after the app deletes the state a mounted component shows', () => {
  function Cart({ id = 'cart', initial = 0 }: { id?: string; initial?: number }): ReactNode {
    const [n, setN, state] = useStratumState(initial, { key: 'cart', scope: 'app' });
    return h('button', { 'data-testid': id, 'data-version': state.version, onClick: () => setN((x) => x + 1) }, String(n));
  }
  const cart = { key: 'cart', scope: 'app' };

  it.each([false, true])('re-renders at once with the state made again from its initial value (StrictMode: %s)', async (strict) => {
    const store = new Store();
    render(app(store, h(Cart, null), strict));
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
    expect(storeListeners(store)).toBe(1);
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
    // The component holds the new one: the sweep of unclaimed states leaves it.
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
    function Counted(): ReactNode {
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
    // A batch that deletes and creates the state again: the component shows the new one.
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
    function Emptier(): ReactNode {
      const [, setN] = useStratumState(0, cart);
      // Empties the cart and puts one item in, as a "buy again" button might.
      return h('button', { 'data-testid': 'again', onClick: () => (store.deleteState(cart), setN(5)) }, 'again');
    }
    render(app(store, [h(Cart, { key: 'a' }), h(Emptier, { key: 'b' })]));
    await settle();
    act(() => screen.getByTestId('cart').click());
    act(() => screen.getByTestId('again').click());
    expect(store.getState<number>(cart)?.get()).toBe(5);
    expect(screen.getByTestId('cart').textContent).toBe('5');
    // The app deletes and creates it at once: the binding made nothing in between to collide with.
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
    // One store listener for every mounted component: a set calls one more function, not one per component.
    expect(storeListeners(store)).toBe(1);
    unmount();
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
    function Shown(): ReactNode {
      return h('i', { 'data-testid': 'shown' }, String(useStratum(state)));
    }
    render(h(Shown, null));
    act(() => state.set(2));
    act(() => void store.deleteState(cart));
    expect(screen.getByTestId('shown').textContent).toBe('2');
    expect(store.hasState(cart)).toBe(false);
  });
});

describe('useStratum', () => {
  it('re-renders only when the selected part changes', () => {
    const store = new Store();
    const state = store.createState({ title: 'a', done: false }, { key: 'todo', scope: 'app' });
    let renders = 0;
    function Title(): ReactNode {
      renders++;
      return h('span', { 'data-testid': 't' }, useStratum(state, (todo) => todo.title));
    }
    render(h(Title));
    act(() => state.set({ title: 'a', done: true }));
    expect(renders).toBe(1);
    act(() => state.set({ title: 'b', done: true }));
    expect(screen.getByTestId('t').textContent).toBe('b');
    expect(renders).toBe(2);
  });
});

describe('server rendering', () => {
  it('renders with store.forClient and hydrates without a mismatch, into the same component scopes', async () => {
    const server = new Store({ name: 'server' });
    const client = server.forClient('client-1');
    function Page(): ReactNode {
      const [who] = useStratumState('guest', { key: 'who', scope: '$client' });
      return h('main', null, h('p', { id: 'who' }, who), h(Counter, { id: 'a' }), h(Counter, { id: 'b' }));
    }
    client.useState('ada', { key: 'who', scope: '$client' });
    const html = renderToString(app(client, h(Page)));
    expect(html).toContain('ada');
    const serverScopes = componentScopes(server);
    expect(serverScopes).toHaveLength(2);
    // A server render mounts nothing: no component listens for deletes there.
    expect(storeListeners(server)).toBe(0);

    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const browser = new Store({ name: 'browser', clientId: 'client-1' });
    browser.useState('ada', { key: 'who', scope: '$client' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const recoverable = vi.fn();
    let root!: ReturnType<typeof hydrateRoot>;
    await act(async () => {
      root = hydrateRoot(container, app(browser, h(Page)), { onRecoverableError: recoverable });
    });
    expect(recoverable).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    expect(componentScopes(browser)).toEqual(serverScopes);
    errors.mockRestore();
    act(() => root.unmount());
    container.remove();
  });
});
