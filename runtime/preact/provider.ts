import { createContext, h, type ComponentChildren } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { Store } from '../store/store.js';

interface Provided {
  store: Store;
  /** Put before every useId below this provider (see StratumProvider). */
  prefix: string;
}

const StoreContext = createContext<Provided | null>(null);

/** How many StratumProviders each store was given to, in creation order. */
const providers = new WeakMap<Store, number>();

/**
 * Gives every useStratumState below it this store (on a server: `store.forClient(clientId)`).
 * Preact's useId restarts in every root, so two roots on one store would share their component
 * states: each provider puts its own prefix before the ids, its number among the providers of
 * this store (a server render with a per-request view creates them in the same order as the
 * client), or `id` when given (a root that mounts in another order, e.g. an island).
 */
export function StratumProvider({ store, id, children }: { store: Store; id?: string; children?: ComponentChildren }): ComponentChildren {
  const value = useMemo<Provided>(() => {
    if (id !== undefined && (typeof id !== 'string' || id === '')) {
      throw new TypeError('StratumProvider\'s id must be a non-empty string: it tells apart the component states of roots sharing a store.');
    }
    let prefix = id;
    if (prefix === undefined) {
      const n = (providers.get(store) ?? 0) + 1;
      providers.set(store, n);
      prefix = String(n);
    }
    return { store, prefix: `${prefix}:` };
  }, [store, id]);
  return h(StoreContext.Provider, { value }, children);
}

/** The nearest StratumProvider's store and prefix. */
export function useProvided(): Provided {
  const provided = useContext(StoreContext);
  if (!provided) {
    throw new Error('useStratumState needs a store: wrap the app in <StratumProvider store={store}> (stratumjs/preact).');
  }
  return provided;
}

/** The store of the nearest StratumProvider. */
export function useStore(): Store {
  return useProvided().store;
}
