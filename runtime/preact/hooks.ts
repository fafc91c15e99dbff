import { useCallback, useEffect, useId, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import { acquire, claim, Selection, stateOptions, writeTarget, type ComponentStateOptions, type Setter } from '../bindings/component-state.js';
import type { State } from '../store/state.js';
import { useProvided } from './provider.js';

/** The state's value (or what `selector` picks from it); re-renders when that changes. */
export function useStratum<T>(state: State<T>): T;
export function useStratum<T, S>(state: State<T>, selector: (value: T) => S): S;
export function useStratum<T, S>(state: State<T>, selector?: (value: T) => S): S {
  const selection = useRef<Selection<T, S> | null>(null);
  selection.current ??= new Selection<T, S>();
  const cache = selection.current;
  const latest = useRef(selector);
  latest.current = selector;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const selected = cache.read(state, selector);
  // What the screen shows, as useSyncExternalStore keeps it: a change is compared with the last
  // render's pick, not with the pick when the effect ran (a selector that changed with a prop
  // since then would have a change back to that old pick skipped).
  const shown = useRef(selected);
  shown.current = selected;
  // preact/hooks has no useSyncExternalStore: subscribe in a layout effect and check once for
  // a change made between render and subscription.
  useLayoutEffect(() => {
    const check = () => {
      if (!Object.is(cache.read(state, latest.current), shown.current)) rerender(0);
    };
    const stop = state.subscribe(check);
    check();
    return stop;
  }, [state, cache]);
  return selected;
}

/**
 * A state of the nearest StratumProvider's store, `[value, set, state]`. In Scopes.Component
 * (the default) each mounted instance has its own, keyed by Preact's useId after its
 * StratumProvider's prefix (useId restarts in every root).
 */
export function useStratumState<T>(initial: T, options: ComponentStateOptions<T>): [T, Setter<T>, State<T>] {
  const { store, prefix } = useProvided();
  const id = prefix + useId();
  const resolved = stateOptions(options, id);
  const keep = useRef(options.keep === true);
  keep.current = options.keep === true;
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const state = acquire(store, initial, resolved);
  const made = useRef({ initial, resolved, mounted: false });
  made.current.initial = initial;
  made.current.resolved = resolved;
  useEffect(() => {
    const { current, release } = claim(store, state, resolved, () => keep.current, () => rerender(0));
    if (current !== state) rerender(0);
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
      if (target !== state) rerender(0);
    },
    [store, state],
  );
  return [value, set, state];
}
