import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { Store } from '../store/store.js';

const StoreContext = createContext<Store | null>(null);

/** Gives every useStratumState below it this store (on a server: `store.forClient(clientId)`). */
export function StratumProvider({ store, children }: { store: Store; children?: ReactNode }): ReactNode {
  return createElement(StoreContext.Provider, { value: store }, children);
}

/** The store of the nearest StratumProvider. */
export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) {
    throw new Error('useStratumState needs a store: wrap the app in <StratumProvider store={store}> (stratumjs/react).');
  }
  return store;
}
