import type { State } from './state.js';

/** Where a state is persisted. The db variant is typed structurally so the store entry never imports the db. */
export type PersistOption = 'local' | 'session' | { db: PersistDatabase; table?: string };

/** The part of `stratumjs/db`'s Database that persistence needs; any Database satisfies it. */
export interface PersistDatabase {
  readonly name: string;
}

export interface StateOptions<T> {
  key: string;
  /** Default Scopes.Component; any other string not starting with `$` is a global scope. */
  scope?: string;
  /** The component's unique key; required when the scope is Scopes.Component. */
  component?: string;
  persist?: PersistOption;
  /** Decides whether a set changes the state; default Object.is. */
  equals?: (a: T, b: T) => boolean;
}

/** Identifies a state in a store: what createState takes, without the value options. */
export interface StateLocator {
  key: string;
  scope?: string;
  component?: string;
}

export interface SetOptions {
  /** Names the change for the timeline and for store subscribers. */
  label?: string;
}

export type StoreEvent =
  | { type: 'created'; state: State<unknown>; value: unknown; version: number }
  | {
      type: 'changed';
      state: State<unknown>;
      value: unknown;
      prev: unknown;
      version: number;
      label?: string;
    }
  | { type: 'deleted'; state: State<unknown>; value: unknown; version: number };

export interface StoreOptions {
  /** Shown in the panel; default `store-N`. */
  name?: string;
  /** The id Scopes.Client resolves to; default: a random id per browser tab. */
  clientId?: string;
  /** The id Scopes.User resolves to; see Store.setUser. */
  userId?: string | null;
}

/**
 * How a persisted state reaches its backing storage. Adapters load lazily (webstorage or db),
 * so the store entry pays nothing for persistence it does not use.
 */
export interface PersistAdapter<T> {
  /** What the panel's persistence badge shows, e.g. `local` or `db:notes/$cache`. */
  readonly describe: string;
  load(): Promise<{ found: true; value: T } | { found: false }>;
  save(value: T): Promise<void> | void;
  /** Another tab (or process) changed the stored value. */
  watch?(listener: (value: T) => void): () => void;
  /** Atomic read-modify-write in the backing storage, across tabs; `current` is `prev` when nothing is stored yet. */
  transact?(fn: (prev: T) => T, current: T): Promise<T>;
}
