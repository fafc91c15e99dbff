import type { Round } from '../registry/notify.js';
import { describePersistence, persistState } from './persist.js';
import type { PersistOption, SetOptions } from './types.js';

/** What a State needs from the store it lives in. */
export interface StateHost {
  _changed(state: State<unknown>, prev: unknown, label: string | undefined): void;
  _persistFailed(state: State<unknown>, action: string, error: unknown): void;
}

type Listener<T> = (value: T, prev: T) => void;

export interface StateInit<T> {
  host: StateHost;
  id: string;
  key: string;
  scope: string;
  initial: T;
  equals: ((a: T, b: T) => boolean) | undefined;
  persist: PersistOption | undefined;
}

/**
 * A persisted state's tie to its storage, made by store/link.ts once the storage's adapter
 * loaded: that code comes in the adapter's lazy chunk, so a page that persists nothing never
 * ships it. `_transact` is there when the storage transacts; it resolves to undefined when the
 * state must transact in memory after all (deleted before its stored value loaded).
 */
export interface StorageLink<T> {
  _save(value: T): void;
  /** The stored value has loaded (until then a set is marked to win over it). */
  readonly _attached: boolean;
  _transact: ((fn: (prev: T) => T) => Promise<[T] | undefined>) | undefined;
}

/**
 * One value in a store, identified by resolved scope + key. The fields the constructor sets are
 * `declare`d: as ES2022 class fields they would be written out once more in the bundle.
 */
export class State<T> {
  declare readonly id: string;
  declare readonly key: string;
  /** The resolved scope, e.g. `$component:header`, `$client:<id>`, or a global name. */
  declare readonly scope: string;
  /** Resolves once a persisted value was restored (at once when not persisted). */
  declare readonly ready: Promise<void>;
  /** Where the state is persisted (`local`, `session`, `db:<name>/<table>`), or undefined. */
  declare readonly persistence: string | undefined;
  /**
   * +1 on every change; a set that `equals` deems equal changes nothing, and so does A→B→A in a
   * batch (the store puts the version back). A field the state and its store write, not a getter.
   */
  declare readonly version: number;

  /** @internal */
  declare _host: StateHost;
  /** @internal */
  declare _value: T;
  private declare _initial: T;

  /** @internal This state's rule for "no change" (the store's batch uses it for A→B→A). */
  declare _equals: (a: T, b: T) => boolean;
  private _listeners = new Set<Listener<T>>();
  /** @internal Set by store/link.ts once the storage's adapter loaded (declared: no field to write out until then). */
  declare _link: StorageLink<T> | undefined;
  /** @internal Set before the stored value loaded: this value wins over it and is written once it did. */
  _touched = false;
  /** @internal Stops following the storage (its `watch`). */
  declare _stop: (() => void) | undefined;
  /** @internal The store deleted this state. */
  _detached = false;

  constructor(init: StateInit<T>) {
    this._host = init.host;
    this.id = init.id;
    this.key = init.key;
    this.scope = init.scope;
    this._value = init.initial;
    this.version = 0;
    this._initial = init.initial;
    this._equals = init.equals ?? Object.is;
    const persist = init.persist;
    this.persistence = persist && describePersistence(persist, init.id);
    this.ready = persist
      ? persistState(this, persist).catch((error: unknown) => {
          // The state keeps working in memory; the failure is reported, never thrown at the app.
          this._host._persistFailed(this as State<unknown>, 'restore', error);
        })
      : Promise.resolve();
  }

  get value(): T {
    return this._value;
  }

  get(): T {
    return this._value;
  }

  set(next: T | ((prev: T) => T), options?: SetOptions): void {
    const value =
      typeof next === 'function' ? (next as (prev: T) => T)(this._value) : next;
    this._apply(value, options?.label, true);
  }

  /** Sets the initial value again (and writes it through when persisted). */
  reset(): void {
    this._apply(this._initial, 'reset', true);
  }

  subscribe(listener: Listener<T>): () => void {
    this._listeners.add(listener);
    return () => {
      this._listeners.delete(listener);
    };
  }

  /**
   * Atomic read-modify-write. In memory it is synchronous and so atomic by construction;
   * persisted to a database it runs in one readwrite transaction, across tabs.
   */
  async transact(fn: (prev: T) => T): Promise<T> {
    await this.ready;
    const through = this._link?._transact;
    const stored = through && (await through(fn));
    if (stored) return stored[0];
    // Not through set(): a function result is the new value, not an updater to call.
    const next = fn(this._value);
    this._apply(next, 'transact', true);
    return this._value;
  }

  /** @internal Runs this state's own listeners; the store calls it when notifying. */
  _notify(value: unknown, prev: unknown, round: Round): void {
    round._each(this._listeners, (listener) => listener(value as T, prev as T));
  }

  /**
   * @internal The store deleted this state: stop following its storage, and stop writing to it
   * (a state made again under the key follows the same storage: a late set or transact on this
   * one would write over its newer value).
   */
  _detach(): void {
    this._detached = true;
    this._link = undefined;
    this._stop?.();
  }

  /**
   * @internal Saves (when `save`) before notifying: a listener that throws must not keep the
   * value from its storage, and a listener's own nested set then saves after this one, so the
   * last wins. Until the stored value loaded, the set is marked to win over it (store/link.ts).
   */
  _apply(value: T, label: string | undefined, save: boolean): void {
    const prev = this._value;
    if (this._equals(prev, value)) {
      // Before the stored value loaded, a set to the value the state already shows (its initial
      // one, or reset()) still wins over the stored one, as any other set does.
      if (save && this.persistence && !this._link?._attached) this._touched = true;
      return;
    }
    this._value = value;
    (this as { version: number }).version++;
    if (save && this.persistence) {
      if (this._link) this._link._save(value);
      else this._touched = true;
    }
    this._host._changed(this as State<unknown>, prev, label);
  }
}
