/**
 * What every framework binding shares: how a hook's options become a store locator, and the
 * life of a component-scoped state (claimed on mount, deleted on the real unmount). The bindings
 * differ only in how they learn the component's identity and when their effects run.
 */
import { Scopes } from '../store/scopes.js';
import type { State } from '../store/state.js';
import type { Store } from '../store/store.js';
import type { PersistOption, SetOptions, StateOptions } from '../store/types.js';

export interface ComponentStateOptions<T> {
  key: string;
  /** Default Scopes.Component: one state per mounted component instance. */
  scope?: string;
  persist?: PersistOption;
  /** Keep a component-scoped state in the store after its component unmounts. */
  keep?: boolean;
  /**
   * The instance's own key (e.g. a todo's id) instead of the framework's generated id: use it
   * with `keep` or `persist`, so a remount or a reload finds the same state again.
   */
  component?: string;
  equals?: (a: T, b: T) => boolean;
}

export type Setter<T> = (next: T | ((prev: T) => T), options?: SetOptions) => void;

/** The store options for a hook call; `instanceId` is the framework's id of the component. */
export function stateOptions<T>(options: ComponentStateOptions<T>, instanceId: string): StateOptions<T> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('useStratumState needs options with at least a `key`, e.g. useStratumState(0, { key: "count" }).');
  }
  const { keep: _keep, component, scope = Scopes.Component, ...rest } = options;
  return scope === Scopes.Component ? { ...rest, scope, component: component ?? instanceId } : { ...rest, scope };
}

/**
 * Mounted users of each state, each by the call that tells it the app deleted the state; a
 * component-scoped state is deleted when none is left.
 */
const mounts = new WeakMap<State<unknown>, Set<() => void>>();
/**
 * Per Store object: the stop of its one listener, and how many mounted users keep it. A listener
 * per user would be called on every `set` of every state; this one is, once, and looks up the
 * users of a state only when it hears that state deleted. A forClient view is a Store object of
 * its own: users of one state through two views are told once per view (the second call asks
 * for a render already asked for).
 */
const listening = new WeakMap<Store, [stop: () => void, users: number]>();
/**
 * A render that creates a state but never commits (an abandoned concurrent render, a server
 * render) has no unmount to delete it; this long after creation, an unclaimed state goes.
 */
export const UNCLAIMED_MS = 1000;

function isComponentScoped(state: State<unknown>): boolean {
  return state.scope.startsWith(`${Scopes.Component}:`);
}

function locator(state: State<unknown>): { key: string; scope: string } {
  return { key: state.key, scope: state.scope };
}

function deleteIfUnclaimed(store: Store, state: State<unknown>): void {
  if (mounts.get(state)?.size) return;
  if (store.getState(locator(state)) === state) store.deleteState(locator(state));
}

/** get-or-create during render; a state this call creates is swept if no component claims it. */
export function acquire<T>(store: Store, initial: T, options: StateOptions<T>): State<T> {
  const found = store.getState<T>(options);
  if (found) return found;
  const state = store.useState(initial, options);
  if (isComponentScoped(state as State<unknown>)) {
    const timer = setTimeout(() => deleteIfUnclaimed(store, state as State<unknown>), UNCLAIMED_MS);
    // On a server the sweep must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
  }
  return state;
}

/**
 * The state a hook's setter writes to: the one it holds, or, when the app deleted that one while
 * the component is mounted, the one a render would find now (made again from `initial`). The
 * deleted object is detached from the store: a write to it was lost, and the re-render it caused
 * showed the initial value.
 */
export function writeTarget<T>(store: Store, state: State<T>, initial: T, options: StateOptions<T>): State<T> {
  return state._detached ? acquire(store, initial, options) : state;
}

/**
 * Call when the component mounts (an effect). Returns the state to use: the same one, or, when
 * it was deleted meanwhile (a hidden Activity, a render that committed late), one created again
 * with its last value. The returned release is the effect's cleanup. Until then, `deleted` (a
 * function per claim: a Set holds them) is called once the app deleted that state, after the
 * batch when deleted in one. It only asks for a render, which shows what a mount would show now:
 * the state a lookup finds, or makes again from `initial`. It must not make the state again
 * itself: the app may be about to create it (`deleteState` then `createState` on a logout).
 * The calls only schedule a render (React's and Preact's dispatch, Vue's triggerRef); a Vue
 * watcher with `flush: 'sync'` runs inside triggerRef and may throw (Vue rethrows it in
 * development). Every user is still told, and the first error reaches deleteState's caller, as
 * the store does with its own listeners.
 */
export function claim<T>(
  store: Store,
  state: State<T>,
  options: StateOptions<T>,
  keep: () => boolean,
  deleted: () => void,
): { current: State<T>; release: () => void } {
  let current = state;
  if (store.getState(options) !== state) current = store.useState(state.get(), options);
  const counted = current as State<unknown>;
  let users = mounts.get(counted);
  if (!users) mounts.set(counted, (users = new Set()));
  users.add(deleted);
  let listener = listening.get(store);
  if (!listener) {
    const stop = store.subscribe((event) => {
      if (event.type !== 'deleted') return;
      let failed: [unknown] | undefined;
      mounts.get(event.state)?.forEach((told) => {
        try {
          told();
        } catch (error) {
          // Every user is told first; the first error then reaches deleteState's caller.
          failed ??= [error];
        }
      });
      if (failed) throw failed[0];
    });
    listening.set(store, (listener = [stop, 0]));
  }
  const kept = listener;
  kept[1]++;
  const release = () => {
    users.delete(deleted);
    // The last mounted user of this store went: a set no longer calls a listener of the bindings.
    if (!--kept[1]) {
      listening.delete(store);
      kept[0]();
    }
    if (users.size || !isComponentScoped(counted) || keep()) return;
    // React's StrictMode runs every effect's cleanup and setup again within the same task; only
    // an unmount that is still one a microtask later is real.
    queueMicrotask(() => deleteIfUnclaimed(store, counted));
  };
  return { current, release };
}

/**
 * A selector's result, cached per (value, selector) so a snapshot read twice in one render is
 * the same object, and kept when a new value selects an equal (Object.is) result.
 */
export class Selection<T, S> {
  private _has = false;
  private _value: T | undefined;
  private _selector: ((value: T) => S) | undefined;
  private _selected: S | undefined;

  read(state: State<T>, selector: ((value: T) => S) | undefined): S {
    const value = state.get();
    if (!selector) return value as unknown as S;
    if (this._has && Object.is(this._value, value) && this._selector === selector) return this._selected as S;
    const selected = selector(value);
    this._value = value;
    this._selector = selector;
    if (!this._has || !Object.is(this._selected, selected)) this._selected = selected;
    this._has = true;
    return this._selected as S;
  }
}
