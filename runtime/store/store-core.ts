import { browserClientId } from './client-id.js';
import { Round } from '../registry/notify.js';
import { checkName, coded, Scopes, stateId } from './scopes.js';
import { State, type StateHost } from './state.js';
import type { StateLocator, StateOptions, StoreEvent, StoreOptions } from './types.js';

/**
 * The devtools agent's hook, below every listener (STYLE 13): told of a change as `set` makes
 * it inside a batch (`deferred`, so its call site is the caller of set, not of batch), and of
 * every change before any listener runs (so a listener's own writes are listed after it).
 */
export type ChangeHook = (state: State<unknown>, label: string | undefined, deferred: boolean) => void;

/**
 * The agent's hook for the store's shape: told of `created` and `deleted` as listeners are, in
 * order, just before them. Not a listener: a listener is called on every change too, and the
 * agent hears changes through its ChangeHook (issue 18: a call less on every watched set).
 */
export type StructureHook = (event: StoreEvent & { type: 'created' | 'deleted' }) => void;

/** Folded by the production build's define: words in development, codes in production (scopes.ts's coded). */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

/** A queued store event, or a placeholder for a state changed in a batch (resolved at flush). */
type Queued = { type: 'pending'; state: State<unknown> } | StoreEvent;

/**
 * The devtools registry's calls, set by store.ts in development builds. This module does not
 * import the registry: stratumjs/store's production entry imports it alone, and an import of
 * registry/core.ts, even unused, made every production store import the registry's chunk.
 */
export const storeRegistry: {
  _register?: (store: Store) => void;
  _report?: (store: Store, type: string, message: string) => void;
} = {};

let storeCount = 0;
/** A resolved special scope, as State.scope reads. */
const RESOLVED = /^\$(?:(?:component|client|user):.|ref$)/;
/** Set only while forClient builds a view, so a view shares its parent's core. */
let adopting: StoreCore | undefined;

/** What a store and its client views share: the states, the listeners, the batch. */
class StoreCore implements StateHost {
  readonly _states = new Map<string, State<unknown>>();
  readonly _scopes = new Map<string, Map<string, State<unknown>>>();
  readonly _listeners = new Set<(event: StoreEvent) => void>();
  /** Development builds only (the registry's reports name it); declared, so production builds spend no field on it. */
  declare _root: Store;
  _batchDepth = 0;
  _queue: Queued[] = [];
  /** Per state changed in the batch: its value and version before the batch, the last label. */
  _pending = new Map<State<unknown>, { prev: unknown; label: string | undefined; version: number }>();
  /** Events being delivered now; the first is under way, the rest wait their turn. */
  private _delivering: StoreEvent[] = [];
  /** The devtools agents' hooks (one per agent; usually none or one); development builds only. */
  declare _hooks: ChangeHook[];
  declare _shapes: StructureHook[];
  declare readonly name: string;

  constructor(name: string) {
    this.name = name;
    if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
      this._hooks = [];
      this._shapes = [];
    }
  }

  _changed(state: State<unknown>, prev: unknown, label: string | undefined): void {
    // A deleted state a component still holds: its id is the one a state made again under its
    // key has, so a listener keeping values by id (the panel) would take this write for that one's.
    if (state._detached) return;
    if (this._batchDepth > 0) {
      // Production builds have no agent to call (the define drops the loop).
      if (typeof __STRATUM_NO_AGENT__ === 'undefined') for (const hook of this._hooks) hook(state, label, true);
      const seen = this._pending.get(state);
      if (seen) seen.label = label ?? seen.label;
      else {
        this._pending.set(state, { prev, label, version: state.version - 1 });
        this._queue.push({ type: 'pending', state });
      }
      return;
    }
    this._deliver(this._change(state, prev, label));
  }

  _persistFailed(state: State<unknown>, action: string, error: unknown): void {
    // An Error (DOMException too) says `Name: message` by its own toString (coded() calls String too).
    if (typeof __STRATUM_NO_AGENT__ !== 'undefined') return void console.warn(coded(11, state.id, action, error));
    const message = `state ${state.id} could not ${action} its ${state.persistence} copy (${String(error)}); it keeps working in memory`;
    storeRegistry._report?.(this._root, 'persist-error', message);
    console.warn(`stratum: ${message}`);
  }

  _emit(event: StoreEvent): void {
    if (this._batchDepth > 0) this._queue.push(event);
    else this._deliver(event);
  }

  /** A change's event, the value and version as of now: a listener may change the state again meanwhile. */
  private _change(state: State<unknown>, prev: unknown, label: string | undefined): StoreEvent {
    // The agent hears the change before any listener of the app runs (a listener's own writes
    // are listed after the change that caused them).
    if (typeof __STRATUM_NO_AGENT__ === 'undefined') for (const hook of this._hooks) hook(state, label, false);
    const event: StoreEvent = { type: 'changed', state, value: state.value, prev, version: state.version };
    if (label !== undefined) event.label = label;
    return event;
  }

  /**
   * Events raised while listeners run (a listener that sets a state, the rest of a batch) wait
   * until the current one reached every listener, so everyone hears changes in the order they
   * happened: the call that found none waiting tells them all. `event` is undefined when the
   * batch's events are all waiting already (_flush, which says whether it found none).
   */
  private _deliver(event: StoreEvent | undefined, round = new Round(), idle = this._delivering.length === 0): void {
    if (event) this._push(event, round);
    if (idle) {
      try {
        for (let i = 0; i < this._delivering.length; i++) {
          const next = this._delivering[i]!;
          if (next.type === 'changed') next.state._notify(next.value, next.prev, round);
          if (this._listeners.size > 0) round._emit(this._listeners, next);
        }
      } finally {
        this._delivering = [];
      }
    }
    round._done();
  }

  /**
   * An event waits its turn for the listeners; the agent's shape hooks hear it now, as its
   * ChangeHooks hear a change when it is made (`_change`), so the agent hears all in order.
   */
  private _push(event: StoreEvent, round: Round): void {
    // Production builds have no agent (the define drops the loop).
    if (typeof __STRATUM_NO_AGENT__ === 'undefined' && event.type !== 'changed') for (const hook of this._shapes) round._call(hook, event);
    this._delivering.push(event);
  }

  _flush(): void {
    const queue = this._queue;
    const pending = this._pending;
    this._queue = [];
    this._pending = new Map();
    const round = new Round();
    const idle = this._delivering.length === 0;
    // Every event of the batch is built (values and versions as the batch left them) before any
    // listener runs: a listener that sets a state the batch changed too is told after them, once.
    round._each(queue, (item) => {
      const seen = item.type === 'pending' && pending.get(item.state);
      if (!seen) this._push(item as StoreEvent, round);
      // A→B→A inside one batch is no change for anyone listening, nor for the version they saw
      // (the panel's next edit carries it: it would be refused as stale).
      else if (item.state._equals(seen.prev, item.state.value)) (item.state as { version: number }).version = seen.version;
      else this._push(this._change(item.state, seen.prev, seen.label), round);
    });
    this._deliver(undefined, round, idle);
  }
}

/** A store of states, keyed by resolved scope + key. Fields are `declare`d as State's are. */
export class Store {
  private declare readonly _core: StoreCore;
  private declare _clientId: string | undefined;
  private declare _userId: string | null;

  constructor({ name, clientId, userId = null }: StoreOptions = {}) {
    const shared = adopting;
    adopting = undefined;
    // Checked as forClient and setUser check them: '' would make Scopes.Client and Scopes.User
    // resolve to a scope no client or user owns (forClient's view passes its id through here).
    if (clientId !== undefined && (typeof clientId !== 'string' || clientId === '')) {
      throw new TypeError(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'clientId must be a non-empty string.' : coded(1));
    }
    this._clientId = clientId;
    this.setUser(userId);
    this._core = shared ?? new StoreCore(name ?? `store-${++storeCount}`);
    // The panel's registry and reports: a production build has neither (the define drops this).
    if (typeof __STRATUM_NO_AGENT__ === 'undefined' && !shared) {
      this._core._root = this;
      storeRegistry._register?.(this);
    }
  }

  get name(): string {
    return this._core.name;
  }

  /** The id Scopes.Client resolves to in this store (or view). */
  get clientId(): string | undefined {
    return this._clientId ?? browserClientId();
  }

  get userId(): string | null {
    return this._userId;
  }

  createState<T>(initial: T, options: StateOptions<T>): State<T> {
    const { scope, key } = this._locate(options);
    return this._create(scope, key, initial, options);
  }

  useState<T>(initial: T, options: StateOptions<T>): State<T> {
    const { scope, key } = this._locate(options);
    const found = this._core._states.get(stateId(scope, key));
    return found ? (found as State<T>) : this._create(scope, key, initial, options);
  }

  getState<T>(options: StateLocator): State<T> | undefined {
    const { scope, key } = this._locate(options, true);
    return this._core._states.get(stateId(scope, key)) as State<T> | undefined;
  }

  hasState(options: StateLocator): boolean {
    // Written as getState and deleteState are: the production build is smaller for the likeness.
    const { scope, key } = this._locate(options, true);
    return this._core._states.has(stateId(scope, key));
  }

  /** Removes a state; a persisted copy stays where it is. */
  deleteState(options: StateLocator): boolean {
    const { scope, key } = this._locate(options, true);
    return this._remove(stateId(scope, key));
  }

  /** key → state for one resolved scope name (Scopes.Client / Scopes.User resolve now). */
  getScope(scope: string): ReadonlyMap<string, State<unknown>> {
    checkName('scope', scope);
    const resolved =
      scope === Scopes.Client || scope === Scopes.User ? this._resolve(scope) : scope;
    return new Map(this._core._scopes.get(resolved));
  }

  scopes(): string[] {
    return [...this._core._scopes.keys()];
  }

  states(): State<unknown>[] {
    return [...this._core._states.values()];
  }

  /** A view that shares this store's states, in which Scopes.Client resolves to `clientId`. */
  forClient(clientId: string): Store {
    // The view's constructor checks the id (undefined too: a view needs one).
    adopting = this._core;
    return new Store({ clientId: clientId ?? '', userId: this._userId });
  }

  /** Scopes.User resolves to this id in this store (or view); null signs the user out. */
  setUser(userId: string | null): void {
    if (userId !== null && (typeof userId !== 'string' || userId === '')) {
      throw new TypeError(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'userId must be a non-empty string, or null to sign out.' : coded(2));
    }
    this._userId = userId;
  }

  /** Runs fn; listeners run once per changed state after it returns (or throws). */
  batch<R>(fn: () => R): R {
    const core = this._core;
    core._batchDepth++;
    let result: R;
    try {
      result = fn();
    } catch (error) {
      if (--core._batchDepth === 0) flushAfterThrow(core);
      throw error;
    }
    if (--core._batchDepth === 0) core._flush();
    return result;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this._core._listeners.add(listener);
    return () => {
      this._core._listeners.delete(listener);
    };
  }

  /**
   * @internal The devtools agent's hooks on this store (and its client views): every change, and
   * (optionally) the states created and deleted. Returns their removal.
   */
  _observe(hook: ChangeHook, shape?: StructureHook): () => void {
    // No agent exists in a production build: it keeps no hook, and the loops that call hooks are dropped there.
    if (typeof __STRATUM_NO_AGENT__ !== 'undefined') return () => undefined;
    const core = this._core;
    core._hooks = [...core._hooks, hook];
    if (shape) core._shapes = [...core._shapes, shape];
    // Usually one agent per page; a second (a test kit, a WebSocket agent) must not silence the first.
    return () => {
      core._hooks = core._hooks.filter((other) => other !== hook);
      core._shapes = core._shapes.filter((other) => other !== shape);
    };
  }

  /** `lookup`: getState/hasState/deleteState also take a resolved name such as `$client:tab-2`. */
  private _locate(options: StateLocator, lookup = false): { scope: string; key: string } {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'State options must be an object with at least a `key`.' : coded(3));
    }
    checkName('key', options.key);
    return { scope: this._resolve(options.scope === undefined ? Scopes.Component : options.scope, options, lookup), key: options.key };
  }

  private _resolve(scope: unknown, options?: StateLocator, lookup = false): string {
    checkName('scope', scope);
    switch (scope) {
      case Scopes.Component: {
        const component = options?.component;
        if (typeof component !== 'string' || component === '') {
          throw new TypeError(
            typeof __STRATUM_NO_AGENT__ === 'undefined'
              ? `State "${options?.key}" is in Scopes.Component (the default scope), which needs the \`component\` option: the component's unique key.`
              : coded(4, options?.key),
          );
        }
        return `${Scopes.Component}:${component}`;
      }
      case Scopes.Client: {
        const id = this.clientId;
        if (!id) {
          throw new Error(
            typeof __STRATUM_NO_AGENT__ === 'undefined'
              ? 'Scopes.Client needs a client id, and there is no browser tab here: use store.forClient(clientId), or new Store({ clientId }).'
              : coded(5),
          );
        }
        return `${Scopes.Client}:${id}`;
      }
      case Scopes.User:
        if (this._userId === null) {
          throw new Error(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'Scopes.User needs a signed-in user: call store.setUser(userId) first.' : coded(6));
        }
        return `${Scopes.User}:${this._userId}`;
      default:
        if (lookup && RESOLVED.test(scope)) return scope;
        if (scope.startsWith('$')) {
          throw new TypeError(
            typeof __STRATUM_NO_AGENT__ === 'undefined'
              ? `Global scope "${scope}" may not start with "$": that prefix is reserved for Scopes.Component, Scopes.Client and Scopes.User.`
              : coded(7, scope),
          );
        }
        return scope;
    }
  }

  /** @internal Also createRef's path into the reserved `$ref` scope. */
  _create<T>(scope: string, key: string, initial: T, options: StateOptions<T>): State<T> {
    const core = this._core;
    const id = stateId(scope, key);
    if (core._states.has(id)) {
      throw new Error(
        typeof __STRATUM_NO_AGENT__ === 'undefined'
          ? `State "${key}" already exists in scope "${scope}" of store "${core.name}": use useState to get it.`
          : coded(8, key, scope, core.name),
      );
    }
    const state = new State<T>({ host: core, id, key, scope, initial, equals: options.equals, persist: options.persist });
    core._states.set(id, state as State<unknown>);
    let inScope = core._scopes.get(scope);
    if (!inScope) core._scopes.set(scope, (inScope = new Map()));
    inScope.set(key, state as State<unknown>);
    core._emit({ type: 'created', state: state as State<unknown>, value: initial, version: 0 });
    return state;
  }

  private _remove(id: string): boolean {
    const core = this._core;
    const state = core._states.get(id);
    if (!state) return false;
    core._states.delete(id);
    const inScope = core._scopes.get(state.scope);
    inScope?.delete(state.key);
    if (inScope?.size === 0) core._scopes.delete(state.scope);
    state._detach();
    core._emit({ type: 'deleted', state, value: state.value, version: state.version });
    return true;
  }
}

function flushAfterThrow(core: StoreCore): void {
  try {
    core._flush();
  } catch (listenerError) {
    // fn's own error is what the caller must see; a listener's error must not vanish either.
    console.error(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: a listener threw while a failed batch was being notified:' : coded(13), listenerError);
  }
}

