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

/** Mounted users of each state; a component-scoped state is deleted when this drops to zero. */
const mounts = new WeakMap<State<unknown>, number>();
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
  if ((mounts.get(state) ?? 0) > 0) return;
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
 * with its last value. The returned release is the effect's cleanup.
 */
export function claim<T>(store: Store, state: State<T>, options: StateOptions<T>, keep: () => boolean): { current: State<T>; release: () => void } {
  let current = state;
  if (store.getState(options) !== state) current = store.useState(state.get(), options);
  const counted = current as State<unknown>;
  mounts.set(counted, (mounts.get(counted) ?? 0) + 1);
  const release = () => {
    const left = (mounts.get(counted) ?? 1) - 1;
    mounts.set(counted, left);
    if (left > 0 || !isComponentScoped(counted) || keep()) return;
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
