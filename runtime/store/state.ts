import type { Round } from '../registry/notify.js';
import { coded } from './errors.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;
import type { PersistAdapter, SetOptions } from './types.js';

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
  persistence?: { describe: string; adapter: () => Promise<PersistAdapter<T>> };
}

/** One value in a store, identified by resolved scope + key. */
export class State<T> {
  readonly id: string;
  readonly key: string;
  /** The resolved scope, e.g. `$component:header`, `$client:<id>`, or a global name. */
  readonly scope: string;
  /** Resolves once a persisted value was restored (at once when not persisted). */
  readonly ready: Promise<void>;
  /** Where the state is persisted (`local`, `session`, `db:<name>/<table>`), or undefined. */
  readonly persistence: string | undefined;

  private _host: StateHost;
  private _value: T;
  private _initial: T;
  private _version = 0;
  private _equals: (a: T, b: T) => boolean;
  private _listeners = new Set<Listener<T>>();
  private _adapter: PersistAdapter<T> | undefined;
  private _touched = false;
  private _stopWatch: (() => void) | undefined;
  private _detached = false;
  /** The storage, made, whose stored value did not load (its engine was away): not followed yet. */
  private _unrestored: PersistAdapter<T> | undefined;
  private _restoring: Promise<void> | undefined;

  constructor(init: StateInit<T>) {
    this._host = init.host;
    this.id = init.id;
    this.key = init.key;
    this.scope = init.scope;
    this._value = init.initial;
    this._initial = init.initial;
    this._equals = init.equals ?? Object.is;
    this.persistence = init.persistence?.describe;
    this.ready = init.persistence
      ? this._restore(init.persistence.adapter).catch((error: unknown) => {
          // The state keeps working in memory; the failure is reported, never thrown at the app.
          this._host._persistFailed(this as State<unknown>, 'restore', error);
        })
      : Promise.resolve();
  }

  /** +1 on every change; a set that `equals` deems equal changes nothing. */
  get version(): number {
    return this._version;
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
    this.set(() => this._initial, { label: 'reset' });
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
    // A storage that transacts but whose stored value failed to load (the engine restarting):
    // running `fn` in memory would acknowledge a change that no other instance sees and no
    // reload restores. So load again first, and reject (the engine's error) while that fails.
    const unrestored = this._unrestored;
    if (unrestored?.transact && !this._adapter && !this._detached) {
      this._restoring ??= this._attach(unrestored).finally(() => {
        this._restoring = undefined;
      });
      await this._restoring;
    }
    const adapter = this._adapter;
    if (adapter?.transact) {
      // The state's value stands in for a stored value that does not exist yet.
      const next = await adapter.transact(fn, this._value);
      this._apply(next, 'transact', false);
      return next;
    }
    // Not through set(): a function result is the new value, not an updater to call.
    const next = fn(this._value);
    this._apply(next, 'transact', true);
    return this._value;
  }

  /** @internal Runs this state's own listeners; the store calls it when notifying. */
  _notify(value: unknown, prev: unknown, round: Round): void {
    round._each(this._listeners, (listener) => listener(value as T, prev as T));
  }

  /** @internal Whether `a` and `b` are equal by this state's rule (batch uses it for A→B→A). */
  _same(a: unknown, b: unknown): boolean {
    return this._equals(a as T, b as T);
  }

  /** @internal The store deleted this state: stop following its storage. */
  _detach(): void {
    this._detached = true;
    this._stopWatch?.();
    this._stopWatch = undefined;
  }

  /**
   * Saves (when `save`) before notifying: a listener that throws must not keep the value from
   * its storage, and a listener's own nested set then saves after this one, so the last wins.
   */
  private _apply(value: T, label: string | undefined, save: boolean): void {
    const prev = this._value;
    if (this._equals(prev, value)) return;
    this._value = value;
    this._version++;
    if (save) this._save();
    this._host._changed(this as State<unknown>, prev, label);
  }

  private _save(): void {
    if (!this.persistence) return;
    if (!this._adapter) {
      // Not restored yet: this set wins over the stored value and is written once the adapter is up.
      this._touched = true;
      return;
    }
    this._write(this._adapter, this._value);
  }

  private _write(adapter: PersistAdapter<T>, value: T): void {
    try {
      const done = adapter.save(value);
      if (done) done.catch((error: unknown) => this._host._persistFailed(this as State<unknown>, 'save', error));
    } catch (error) {
      this._host._persistFailed(this as State<unknown>, 'save', error);
    }
  }

  private async _restore(load: () => Promise<PersistAdapter<T>>): Promise<void> {
    const adapter = await load();
    if (this._detached) return;
    this._unrestored = adapter;
    await this._attach(adapter);
  }

  /** Loads the stored value and follows the storage from then on. */
  private async _attach(adapter: PersistAdapter<T>): Promise<void> {
    const stored = await adapter.load();
    // Deleted while the stored value loaded: no value to apply, no storage to follow.
    if (this._detached) return;
    this._unrestored = undefined;
    this._adapter = adapter;
    if (this._touched) this._write(adapter, this._value);
    else if (stored.found) this._apply(stored.value, 'restore', false);
    this._stopWatch = adapter.watch?.((value) => {
      try {
        this._apply(value, 'remote', false);
      } catch (error) {
        // The value is applied; a listener threw on it. The change came from another tab, so no
        // caller is there to hand the error to, and thrown into a storage event it would only
        // surface as an uncaught error (stopping the rest of that event's listeners).
        console.error(typeof __STRATUM_NO_AGENT__ === 'undefined' ? `stratum: a listener of state ${this.id} threw on a change from another tab:` : coded(12, this.id), error);
      }
    });
  }
}

