import { customRef, getCurrentInstance, getCurrentScope, inject, onMounted, onScopeDispose, onUnmounted, provide, useId, type InjectionKey, type Plugin, type Ref } from 'vue';
import { acquire, claim, stateOptions, type ComponentStateOptions } from '../bindings/component-state.js';
import type { State } from '../store/state.js';
import type { Store } from '../store/store.js';

const STORE: InjectionKey<Store> = Symbol('stratum store');

/** `app.use(createStratum(store))`: every component of the app gets this store. */
export function createStratum(store: Store): Plugin {
  return { install: (app) => void app.provide(STORE, store) };
}

/** Gives this component's subtree a store (on a server: `store.forClient(clientId)`). */
export function provideStore(store: Store): void {
  provide(STORE, store);
}

/** The store of the app (createStratum) or of the nearest provideStore. */
export function useStore(): Store {
  const store = getCurrentInstance() ? inject(STORE, null) : null;
  if (!store) {
    throw new Error('useStratumState needs a store: app.use(createStratum(store)) or provideStore(store) in a parent (stratumjs/vue).');
  }
  return store;
}

/** A Ref that holds the state's value; setting `.value` sets the state. */
export type StratumRef<T> = Ref<T> & { readonly state: State<T> };

/** The state as a writable Ref; inside a component (or effect scope) it unsubscribes with it. */
export function useStratum<T>(state: State<T>): StratumRef<T> {
  let stop: (() => void) | undefined;
  const ref = customRef<T>((track, trigger) => {
    stop = state.subscribe(() => trigger());
    return {
      get: () => {
        track();
        return state.get();
      },
      set: (value) => state.set(value),
    };
  });
  if (getCurrentScope()) onScopeDispose(() => stop?.());
  return Object.assign(ref, { state }) as StratumRef<T>;
}

/**
 * A state of the app's store as a writable Ref (`.state` is the State). In Scopes.Component
 * (the default) each component instance has its own, keyed by Vue's useId (equal on server and
 * client), deleted when the component unmounts unless `keep`.
 */
export function useStratumState<T>(initial: T, options: ComponentStateOptions<T>): StratumRef<T> {
  if (!getCurrentInstance()) throw new Error('useStratumState must be called in a component\'s setup().');
  const store = useStore();
  const resolved = stateOptions(options, useId());
  const state = acquire(store, initial, resolved);
  let release: (() => void) | undefined;
  // A setup that runs on a server never mounts; the store's sweep deletes what it created there.
  onMounted(() => {
    release = claim(store, state, resolved, () => options.keep === true).release;
  });
  onUnmounted(() => release?.());
  return useStratum(state);
}
