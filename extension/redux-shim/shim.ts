/**
 * The Redux DevTools protocol, as the page's libraries expect it on `window`
 * (`__REDUX_DEVTOOLS_EXTENSION__` and `__REDUX_DEVTOOLS_EXTENSION_COMPOSE__`), so a page built on
 * zustand's `devtools`, Redux Toolkit's `configureStore`, Jotai's or MobX-state-tree's devtools
 * shows its stores in the Stratum panel without importing Stratum. This file runs in every http(s)
 * page at document_start (a main-world content script), so it only records: nothing is loaded or
 * sent until a library connects; then the bridge (`bridge.ts`, a bundle of the runtime's mirror
 * and agent) is loaded once and presents each connection as a mirrored Stratum store.
 */

/** What a library passes to `connect(options)`; only `name` is read here. */
export interface ConnectOptions {
  name?: string;
  [option: string]: unknown;
}

/** A message the panel sends to a library's `subscribe` listener (the extension's shape). */
export interface DevtoolsMessage {
  type: 'DISPATCH';
  payload: { type: 'JUMP_TO_STATE' };
  /** The new state as JSON, as every library parses it. */
  state: string;
  /** The same value unserialized: the shim's own Redux enhancer takes it (Dates and Maps survive). */
  value: unknown;
}

/** A library's call on its connection, kept in order. */
export type ShimCall = ['init', unknown] | ['send', unknown, unknown] | ['error', unknown];

/** One `connect()` as the bridge receives it. */
export interface ShimConnection {
  readonly options: ConnectOptions;
  /** `devtools` for `connect()`, `redux` for a store made through the shim's enhancer. */
  readonly library: 'devtools' | 'redux';
  /** The library's listeners for the panel's messages. */
  readonly listeners: Set<(message: DevtoolsMessage) => void>;
  /** Calls made before the bridge took the connection. */
  readonly queue: ShimCall[];
  /**
   * The store's state now, for a store made through the shim's enhancer: the mirror checks an
   * edit against what the store holds, not against the last state it was sent (a change that
   * bypassed `send` would otherwise be undone by the edit's whole-state JUMP).
   */
  readonly read?: () => unknown;
  /** Set by the bridge: takes every later call. */
  sink?: (call: ShimCall) => void;
}

export interface Bridge {
  attach(connection: ShimConnection): void;
}

/** The connection object the libraries hold. */
export interface DevtoolsConnection {
  init(state: unknown): void;
  send(action: unknown, state: unknown): void;
  subscribe(listener: (message: DevtoolsMessage) => void): () => void;
  unsubscribe(): void;
  error(message: unknown): void;
}

interface ReduxAction {
  type: unknown;
  state?: unknown;
}
type Reducer = (state: unknown, action: ReduxAction) => unknown;
interface ReduxStore {
  getState(): unknown;
  dispatch(action: ReduxAction): unknown;
  replaceReducer(next: Reducer): void;
}
type CreateStore = (reducer: Reducer, preloaded?: unknown) => ReduxStore;
type Enhancer = (createStore: CreateStore) => CreateStore;

/** The action the shim's enhancer lifts every reducer with: the panel's state, put back whole. */
export const JUMP = '@@stratum/JUMP';

/**
 * Defines both globals on `target` unless something defined either already (the real Redux
 * DevTools extension, or the app's own stub): never replaced, never wrapped.
 */
export function installShim(target: object, load: () => Promise<Bridge>): void {
  const page = target as Record<string, unknown>;
  if (page.__REDUX_DEVTOOLS_EXTENSION__ || page.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__) return;
  let bridge: Promise<Bridge> | undefined;

  const connect = (options: ConnectOptions = {}, library: ShimConnection['library'] = 'devtools', read?: () => unknown): DevtoolsConnection => {
    const connection: ShimConnection = { options, library, listeners: new Set(), queue: [], read };
    const call = (item: ShimCall) => (connection.sink ? connection.sink(item) : connection.queue.push(item));
    (bridge ??= load()).then(
      (loaded) => loaded.attach(connection),
      (error: unknown) => console.error('Stratum: the Redux DevTools bridge could not be loaded; this store stays out of the panel.', error),
    );
    return {
      init: (state) => call(['init', state]),
      send: (action, state) => call(['send', action, state]),
      subscribe: (listener) => (connection.listeners.add(listener), () => connection.listeners.delete(listener)),
      unsubscribe: () => connection.listeners.clear(),
      error: (message) => call(['error', message]),
    };
  };

  // The enhancer form (`__REDUX_DEVTOOLS_EXTENSION__(options)`, the compose): the store's reducer
  // is lifted so the panel's state can be put back whole, as the real extension's instrument does.
  const lift = (reducer: Reducer): Reducer => (state, action) => (action.type === JUMP ? action.state : reducer(state, action));
  const enhancer = (options: ConnectOptions = {}): Enhancer => (createStore) => (reducer, preloaded) => {
    const store = createStore(lift(reducer), preloaded);
    const connection = connect(options, 'redux', () => store.getState());
    // Innermost (below middleware), so every plain action that reaches the reducer passes here.
    const dispatch = (action: ReduxAction) => {
      const result = store.dispatch(action);
      connection.send(action, store.getState());
      return result;
    };
    connection.subscribe((message) => dispatch({ type: JUMP, state: structuredClone(message.value) }));
    connection.init(store.getState());
    // Redux dispatches its own REPLACE action through the inner store, past `dispatch` above: told
    // here, or the panel keeps the old state (code splitting adds a slice this way).
    const replaceReducer = (next: Reducer) => {
      store.replaceReducer(lift(next));
      connection.send({ type: '@@redux/REPLACE' }, store.getState());
    };
    return { ...store, dispatch, replaceReducer };
  };
  const composeWith = (options: ConnectOptions) => (...enhancers: Enhancer[]): Enhancer => (createStore) =>
    enhancers.reduceRight((inner, outer) => outer(inner), enhancer(options)(createStore));

  page.__REDUX_DEVTOOLS_EXTENSION__ = Object.assign(enhancer, { connect: (options?: ConnectOptions) => connect(options) });
  page.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__ = (...args: [ConnectOptions] | Enhancer[]) =>
    args.length === 0 ? enhancer() : typeof args[0] === 'object' ? composeWith(args[0]) : composeWith({})(...(args as Enhancer[]));
}
