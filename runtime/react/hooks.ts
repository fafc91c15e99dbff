import { useCallback, useEffect, useId, useReducer, useRef, useSyncExternalStore } from 'react';
import { acquire, claim, Selection, stateOptions, writeTarget, type ComponentStateOptions, type Setter } from '../bindings/component-state.js';
import type { State } from '../store/state.js';
import { useStore } from './provider.js';

/** The state's value (or what `selector` picks from it); re-renders when that changes. */
export function useStratum<T>(state: State<T>): T;
export function useStratum<T, S>(state: State<T>, selector: (value: T) => S): S;
export function useStratum<T, S>(state: State<T>, selector?: (value: T) => S): S {
  const selection = useRef<Selection<T, S> | null>(null);
  selection.current ??= new Selection<T, S>();
  const cache = selection.current;
  const subscribe = useCallback((changed: () => void) => state.subscribe(() => changed()), [state]);
  const snapshot = () => cache.read(state, selector);
  // The server snapshot is the same read: a hydrating client starts from the value the server
  // rendered as long as its store holds the same initial value.
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/**
 * A state of the nearest StratumProvider's store, `[value, set, state]`. In Scopes.Component
 * (the default) each mounted instance has its own, keyed by React's useId: stable across
 * re-renders, StrictMode's double mount, Suspense retries, and equal on server and client.
 */
export function useStratumState<T>(initial: T, options: ComponentStateOptions<T>): [T, Setter<T>, State<T>] {
  const store = useStore();
  const id = useId();
  const resolved = stateOptions(options, id);
  const keep = useRef(options.keep === true);
  keep.current = options.keep === true;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const state = acquire(store, initial, resolved);
  const made = useRef({ initial, resolved, mounted: false });
  made.current.initial = initial;
  made.current.resolved = resolved;
  useEffect(() => {
    const { current, release } = claim(store, state, resolved, () => keep.current, rerender);
    if (current !== state) rerender();
    made.current.mounted = true;
    return () => {
      made.current.mounted = false;
      release();
    };
    // resolved is derived from the state's identity (store, scope, key), which the deps cover.
  }, [store, state]);
  const value = useStratum(state);
  const set = useCallback<Setter<T>>(
    (next, setOptions) => {
      // Once unmounted, a late write (a pending timer) must not make the state again.
      const { initial: first, resolved: options, mounted } = made.current;
      const target = mounted ? writeTarget(store, state, first, options) : state;
      target.set(next, setOptions);
      // The component still shows the deleted state: render the one written to.
      if (target !== state) rerender();
    },
    [store, state],
  );
  return [value, set, state];
}
