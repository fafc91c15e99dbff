import { customRef, getCurrentInstance, getCurrentScope, inject, onMounted, onScopeDispose, onUnmounted, provide, useId, type App, type InjectionKey, type Plugin, type Ref } from 'vue';
import { acquire, claim, stateOptions, writeTarget, type ComponentStateOptions } from '../bindings/component-state.js';
import type { State } from '../store/state.js';
import type { Store } from '../store/store.js';

const STORE: InjectionKey<Store> = Symbol('stratum store');

/**
 * Each app's prefix before useId, per store. useId is `v-0`, `v-1`… in every app (unless the app
 * sets `config.idPrefix`), so two apps on one store would share their component states. The
 * prefix is the app's number among the apps of that Store object, counted when the plugin is
 * installed: a server render with a per-request `forClient` view creates its apps in the same
 * order as the client. Kept here rather than in `app.config.idPrefix`, which would change the
 * ids the app's own markup uses.
 */
const prefixes = new WeakMap<Store, { count: number; apps: WeakMap<App, string> }>();

function prefixOf(store: Store, app: App): string {
  let known = prefixes.get(store);
  if (!known) prefixes.set(store, (known = { count: 0, apps: new WeakMap() }));
  let prefix = known.apps.get(app);
  if (prefix === undefined) known.apps.set(app, (prefix = `${++known.count}:`));
  return prefix;
}

/** `app.use(createStratum(store))`: every component of the app gets this store. */
export function createStratum(store: Store): Plugin {
  return {
    install(app) {
      prefixOf(store, app);
      app.provide(STORE, store);
    },
  };
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

/** What a Ref read last, before its first read. */
const UNREAD = {};

/**
 * A Ref on a state, listening from `follow` on: a server render never mounts nor disposes its
 * components' scopes, so a listener added in setup stayed on a shared state for good, one per
 * request. `follow` may also move it to another state (claim may re-create a swept one), and so
 * may `lookup`, asked on every read and write for the state to use instead of the one held.
 */
function stateRef<T>(
  first: State<T>,
  lookup: (held: State<T>) => State<T> = (held) => held,
): { ref: StratumRef<T>; follow(next: State<T>): void; stop(): void; stale(): void } {
  let state = first;
  let trigger = () => {};
  let stop: (() => void) | undefined;
  let seen: unknown = UNREAD;
  const move = (next: State<T>) => {
    stop?.();
    state = next;
    stop = state.subscribe(() => trigger());
  };
  const now = () => {
    const next = lookup(state);
    if (next !== state) move(next);
    return state;
  };
  const ref = customRef<T>((track, triggerRef) => {
    trigger = triggerRef;
    return {
      get: () => {
        track();
        return (seen = now().get()) as T;
      },
      // A Ref holds what it is given; State.set would call a function as an updater. A deleted
      // state tells no listener of its writes: a write through this Ref still reaches its readers.
      set: (value) => {
        const held = now();
        held.set(() => value);
        if (held._detached) trigger();
      },
    };
  });
  Object.defineProperty(ref, 'state', { get: now, enumerable: true });
  return {
    ref: ref as StratumRef<T>,
    follow(next) {
      if (next !== state || !stop) move(next);
      // A change between the render and the subscription (or a re-created state) is shown now.
      if (!Object.is(state.get(), seen)) trigger();
    },
    stop: () => stop?.(),
    // The state held was deleted: readers read again, and the read asks `lookup` for its successor.
    stale: () => trigger(),
  };
}

/**
 * The state as a writable Ref; inside a component (or effect scope) it unsubscribes with it. In
 * a component it listens from the mount on, so a server render leaves no listener behind.
 */
export function useStratum<T>(state: State<T>): StratumRef<T> {
  const { ref, follow, stop } = stateRef(state);
  if (getCurrentInstance()) onMounted(() => follow(state));
  else follow(state);
  if (getCurrentScope()) onScopeDispose(stop);
  return ref;
}

/**
 * A state of the app's store as a writable Ref (`.state` is the State). In Scopes.Component
 * (the default) each component instance has its own, keyed by its app's prefix and Vue's useId
 * (equal on server and client), deleted when the component unmounts unless `keep`.
 */
export function useStratumState<T>(initial: T, options: ComponentStateOptions<T>): StratumRef<T> {
  const instance = getCurrentInstance();
  if (!instance) throw new Error('useStratumState must be called in a component\'s setup().');
  const store = useStore();
  // An app that only calls provideStore gets its prefix here, on its first component state.
  const resolved = stateOptions(options, prefixOf(store, instance.appContext.app) + useId());
  const state = acquire(store, initial, resolved);
  const keep = () => options.keep === true;
  let release: (() => void) | undefined;
  /** Claims `held` (or the state made again in its place) for this mounted component. */
  const take = (held: State<T>) => {
    // Told after the app deleted the state: the render reads again, through the lookup below. It
    // does not make the state again now: the app may be about to create it itself.
    const claimed = claim(store, held, resolved, keep, () => stale());
    release = claimed.release;
    return claimed.current;
  };
  // Setup runs once: when the app deletes the state while the component is mounted
  // (store.deleteState on logout), the Ref's readers are told, and the next read or write uses
  // the state a lookup finds now (made again from `initial` unless the app or another component
  // made it first); the deleted object is detached, and a write to it reached no one. Only while
  // mounted: a late write (a pending timer) must not make it again.
  const { ref, follow, stop, stale } = stateRef(state, (held) => {
    if (!release) return held;
    const next = writeTarget(store, held, initial, resolved);
    if (next === held) return held;
    release();
    return take(next);
  });
  // A setup that runs on a server never mounts: the store's sweep deletes what it created there,
  // and the Ref never listened.
  onMounted(() => {
    // An async setup (Suspense) that outlived the sweep: claim made the state again, and the Ref
    // must show and write that one, not the deleted one the panel no longer lists.
    follow(take(state));
  });
  onUnmounted(() => {
    release?.();
    release = undefined;
  });
  onScopeDispose(stop);
  return ref;
}
