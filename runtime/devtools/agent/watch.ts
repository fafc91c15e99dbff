/**
 * Deltas for every change in every stratum, while a panel is connected. Each registered
 * instance is subscribed on start and unsubscribed on stop; with no panel nothing here runs.
 *
 * A state (or webstorage key) changed many times in one frame under one label is queued once:
 * later changes only bump its counters, and its latest value is encoded when the bridge flushes.
 * A change under another label starts a new delta (the earlier one keeps the value it left), so
 * the panel's "×N" never hides a label.
 *
 * State changes arrive through the store's ChangeHook, before any listener of the app runs: a
 * listener that writes webstorage is listed after the state change that made it write.
 */
import { encode } from '../../codec/index.js';
import type { Database, DbEvent } from '../../db/types.js';
import { Event, MAX_DELTA_KEYS, type Path, type RuntimeEvents } from '../../protocol/messages.js';
import type { RuntimeBridge } from '../../protocol/bridge.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import type { StoreEvent } from '../../store/types.js';
import type { Early } from '../../webstorage/notify.js';
import { config, registered, watchRegistry, type RegistryEntry } from '../../registry/registry.js';
import { dropCounts, forgetCount, keepCounts } from './counts.js';
import { databaseInfo, reportInfo, stateInfo, storeInfo, webstorageInfo } from './snapshot.js';
import type { KeyHandles } from './key-handles.js';
import { decodeErrorText, fingerprint, show, storedBytes, type InlineBlobs } from './show.js';
import type { Kinds, WebStorageEventLike, WebStorageLike } from './targets.js';
import { stateDeleted } from './recreated.js';
import { capture, captureFirst, frames, type Site } from './trace.js';

/** What the agent's own writes are labelled with; they carry no call site (the panel made them). */
export const DEVTOOLS = 'devtools';

type StateDelta = RuntimeEvents['stateChanged'];
type StorageDelta = RuntimeEvents['webstorageChanged'];

/** A queued delta whose value (and call site) is encoded at flush. */
type Pending =
  | { kind: 'state'; payload: StateDelta; state: State<unknown>; value: unknown; site: Site | undefined }
  | { kind: 'webstorage'; payload: StorageDelta; storage: WebStorageLike; value: unknown; removed: boolean; site: Site | undefined };

function isOwn(label: string | undefined): boolean {
  return label !== undefined && label.startsWith(DEVTOOLS);
}

export class Watcher {
  private _trace = false;
  /** Set while a command runs its synchronous part, or names the agent's webstorage writes. */
  private _own: string | undefined;
  private _busy = 0;
  private readonly _stops = new Map<number, () => void>();
  /**
   * The one owner of coalescing (the bridge only batches): deltas queued since the last flush, by
   * state, key or table. A change merges into its pending delta; fill() empties them at the flush.
   */
  private readonly _pending = new Map<string, Pending>();
  /**
   * State deltas keyed by the State object itself: a watched set costs a map lookup and a few
   * increments, no key string built per change (issue 18). A state deleted and created again is
   * a new object, so it never merges into the old one's delta.
   */
  private readonly _pendingStates = new Map<State<unknown>, Pending & { kind: 'state' }>();
  /**
   * The state changed last and its queued delta: an app sets one state many times in a row (a
   * counter, a field being typed in), and this skips the map's lookup on every one of those sets.
   * Cleared wherever _pendingStates drops an entry.
   */
  private _lastState: State<unknown> | undefined;
  private _lastPending: (Pending & { kind: 'state' }) | undefined;
  private readonly _pendingDb = new Map<string, RuntimeEvents['dbChanged']>();
  /** Call sites of changes made inside a batch, taken at their `set`, used when the batch ends. */
  private readonly _sites = new WeakMap<State<unknown>, Site | undefined>();
  private _sitesKept = false;
  /** Bumped by a webstorage clear, so a later change of a key queues after the clear, not before. */
  private readonly _epochs = new Map<number, number>();
  private _stopRegistry: (() => void) | undefined;

  constructor(
    private readonly _bridge: RuntimeBridge,
    private readonly _blobs: InlineBlobs,
    private readonly _keys: KeyHandles,
  ) {}

  get trace(): boolean {
    return this._trace;
  }

  /** Traces on: deltas carry call sites, and database writes capture theirs (config.trace). */
  set trace(enabled: boolean) {
    this._trace = enabled;
    if (this._stopRegistry) this._hookDatabases();
  }

  /** Runs the synchronous part of a command: writes it makes carry no call site. */
  busy<R>(fn: () => R): R {
    this._busy++;
    try {
      return fn();
    } finally {
      this._busy--;
    }
  }

  /** Runs the agent's own webstorage write: its event is labelled `label`, with no call site. */
  labelled<R>(label: string, fn: () => R): R {
    const outer = this._own;
    this._own = label;
    try {
      return fn();
    } finally {
      this._own = outer;
    }
  }

  private _hookDatabases(): void {
    config.trace = this._trace ? (boundary) => (this._busy > 0 ? undefined : capture(boundary)) : undefined;
  }

  start(entries: RegistryEntry[]): void {
    this._stopRegistry = watchRegistry((change) => {
      if (change.type === 'registered') this._registered(change.entry);
      else if (change.type === 'unregistered') {
        this._unwatch(change.id);
        if (change.kind === 'database') forgetCount(change.id);
        this._bridge.send(Event.unregistered, { kind: change.kind, id: change.id });
      } else {
        this._bridge.send(Event.report, reportInfo(change.report));
        // A storage kind moved to memory or back: every webstorage's info (backend, availability,
        // entries) changed, and panels replace what they show on `registered`.
        const { kind, type } = change.report;
        if (kind === 'webstorage' && (type === 'unavailable' || type === 'available')) this._resendWebstorages();
      }
    });
    for (const entry of entries) this._watch(entry);
    keepCounts();
    this._hookDatabases();
  }

  stop(): void {
    dropCounts();
    config.trace = undefined;
    this._stopRegistry?.();
    this._stopRegistry = undefined;
    for (const stop of this._stops.values()) stop();
    this._stops.clear();
    this._pending.clear();
    this._pendingStates.clear();
    this._forgetLast();
    this._pendingDb.clear();
  }

  private _forgetLast(): void {
    this._lastState = undefined;
    this._lastPending = undefined;
  }

  private _registered(entry: RegistryEntry): void {
    const object = entry.deref();
    if (!object) return;
    this._watch(entry);
    if (entry.kind === 'store') {
      this._bridge.send(Event.registered, { kind: 'store', store: storeInfo(entry.id, object as Kinds['store'], this._blobs) });
    } else if (entry.kind === 'webstorage') {
      const webstorage = webstorageInfo(entry.id, object as Kinds['webstorage'], this._blobs);
      this._bridge.send(Event.registered, { kind: 'webstorage', webstorage });
    } else {
      // A database registers before its open finished; describe it once it can count.
      void databaseInfo(entry.id, object as Kinds['database']).then(
        (database) => this._stops.has(entry.id) && this._bridge.send(Event.registered, { kind: 'database', database }),
        (error: unknown) => console.warn('stratum devtools: could not describe a new database', error),
      );
    }
  }

  private _resendWebstorages(): void {
    for (const entry of registered('webstorage')) {
      const object = entry.deref();
      if (object) this._bridge.send(Event.registered, { kind: 'webstorage', webstorage: webstorageInfo(entry.id, object as Kinds['webstorage'], this._blobs) });
    }
  }

  private _watch(entry: RegistryEntry): void {
    const object = entry.deref();
    if (!object || this._stops.has(entry.id)) return;
    const id = entry.id;
    if (entry.kind === 'store') {
      const store = object as Kinds['store'];
      this._stops.set(
        id,
        store._observe(
          (state, label, deferred) => this._stateHook(id, store, state, label, deferred),
          (event) => this._store(id, event),
        ),
      );
    } else if (entry.kind === 'webstorage') {
      const storage = object as Kinds['webstorage'];
      // Told before the app's listeners (see webstorage/notify.ts): a state one sets in response is listed after its cause.
      const early: Early = { early: true };
      this._stops.set(id, storage.subscribe(Object.assign((event: WebStorageEventLike) => this._webstorage(id, storage, event), early)));
    } else {
      this._stops.set(id, (object as Kinds['database']).subscribe((event) => this._database(id, event, object as Kinds['database'])));
    }
  }

  private _unwatch(id: number): void {
    this._stops.get(id)?.();
    this._stops.delete(id);
  }

  private _store(store: number, event: StoreEvent): void {
    if (event.type === 'created') {
      // Created while a listener ran (a listener creating a state and setting it): the set was
      // heard at once, the creation only now, so a delta is out already. It gets its value here;
      // dropped from the queue unfilled, it reached the timeline as `null` at time 0.
      const queued = this._pendingStates.get(event.state);
      if (queued) {
        queued.payload.at = Date.now();
        this._fillNow(queued);
      }
      this._pendingStates.delete(event.state);
      this._forgetLast();
      this._bridge.send(Event.stateAdded, { store, state: stateInfo(event.state, this._blobs) });
    } else if (event.type === 'deleted') {
      // A change queued before the removal keeps the value it left, and goes before it.
      const queued = this._pendingStates.get(event.state);
      if (queued) {
        queued.payload.at = Date.now();
        this._fillNow(queued);
      }
      this._pendingStates.delete(event.state);
      this._forgetLast();
      stateDeleted(store, event.state, event.version);
      this._bridge.send(Event.stateRemoved, { store, state: event.state.id, version: event.version });
    }
    // `changed` came through the hook already, before this listener.
  }

  private _stateHook(store: number, target: Store, state: State<unknown>, label: string | undefined, deferred: boolean): void {
    // The common case first: the state set last, set again under the same label before the
    // flush, with no traces kept. What _stateChanged would do, without the rest of this hook
    // around it (issue 18: a watched set's cost over an unwatched one).
    const last = this._lastPending;
    if (last !== undefined && state === this._lastState && !deferred && !this._trace && !this._sitesKept && last.payload.label === label) {
      return merge(last, state, undefined);
    }
    try {
      // A command's own write (the panel's or the kit's) has no call site in the app.
      const tracing = this._trace && this._busy === 0;
      if (deferred) {
        if (tracing) {
          this._sites.set(state, this._stateSite(target, state, label));
          this._sitesKept = true;
        }
        return;
      }
      const site = tracing ? (this._sites.has(state) ? this._sites.get(state) : this._stateSite(target, state, label)) : undefined;
      // Only a deferred change (in a batch, while tracing) leaves a site: until one has, sets skip the map.
      if (this._sitesKept) this._sites.delete(state);
      this._stateChanged(store, state, label, site);
    } catch (error) {
      // The hook runs inside the app's set: the app's change stands, the panel misses a delta.
      console.error('stratum devtools: could not queue a state change', error);
    }
  }

  private _stateChanged(store: number, state: State<unknown>, label: string | undefined, site: Site | undefined): void {
    const pending = state === this._lastState ? this._lastPending : this._pendingStates.get(state);
    if (pending !== undefined && pending.payload.label === label) return merge(pending, state, site);
    // Another label starts a delta of its own: the earlier one keeps the value it left.
    if (pending !== undefined) {
      pending.payload.at = Date.now();
      this._fillNow(pending);
    }
    // `at` is stamped once per flush (fill), not per change: within a frame of the last change.
    const payload: StateDelta = {
      store,
      state: state.id,
      value: null,
      versions: { from: state.version, to: state.version },
      changes: 1,
      at: 0,
      redacted: [],
    };
    if (label !== undefined) payload.label = label;
    const queued: Pending & { kind: 'state' } = { kind: 'state', payload, state, value: state.value, site };
    this._pendingStates.set(state, queued);
    this._lastState = state;
    this._lastPending = queued;
    this._bridge.send(Event.stateChanged, payload);
  }

  /**
   * The call site of a state change: above `set` (or `reset`, `transact`, named by their labels),
   * or above the `batch` whose end notified it. A restored or remote value has none.
   */
  private _stateSite(store: Store, state: State<unknown>, label: string | undefined): Site | undefined {
    if (isOwn(label)) return undefined;
    if (label === 'reset') return captureFirst([state.reset, store.batch]);
    if (label === 'transact') return captureFirst([state.transact, state.set, store.batch]);
    return captureFirst([state.set, store.batch]);
  }

  private _webstorage(storage: number, target: WebStorageLike, event: WebStorageEventLike): void {
    const epoch = this._epochs.get(storage) ?? 0;
    const base = { storage, origin: event.origin, changes: 1, at: Date.now(), redacted: [] as Path[] };
    const own = this._own;
    if (event.key === null) {
      this._epochs.set(storage, epoch + 1);
      const payload: StorageDelta = { ...base, key: null, label: own ?? 'clear' };
      const site = this._trace && own === undefined && event.origin === 'local' ? capture(target.clear) : undefined;
      if (site) payload.stack = frames(site);
      this._bridge.send(Event.webstorageChanged, payload);
      return;
    }
    const key = `w${storage}.${epoch}:${event.key}`;
    // A value that cannot be decoded comes without one, and is still there (left in place).
    const removed = !event.error && (!('value' in event) || (event.value === undefined && !target.has(event.key)));
    // A value that could not be decoded is reported by the read that met it, not by a write.
    const label = own ?? (event.error ? 'unreadable' : removed ? 'remove' : 'set');
    const site =
      this._trace && own === undefined && event.origin === 'local' && !event.error ? capture(removed ? target.remove : target.set) : undefined;
    const pending = this._pending.get(key);
    if (pending?.kind === 'webstorage' && pending.payload.label === label) {
      pending.value = event.value;
      pending.removed = removed;
      pending.site = site;
      pending.payload.changes++;
      pending.payload.at = base.at;
      pending.payload.origin = event.origin;
      if (event.error) pending.payload.error = decodeErrorText(event.error, ['webstorage', target.namespace, event.key]);
      return;
    }
    if (pending) this._fillNow(pending);
    const payload: StorageDelta = { ...base, key: event.key, label };
    if (event.error) payload.error = decodeErrorText(event.error, ['webstorage', target.namespace, event.key]);
    this._pending.set(key, { kind: 'webstorage', payload, storage: target, value: event.value, removed, site });
    this._bridge.send(Event.webstorageChanged, payload);
  }

  private _database(database: number, event: DbEvent, db: Database): void {
    const at = Date.now();
    forgetCount(database, 'table' in event ? event.table : undefined);
    if (event.type === 'put' || event.type === 'delete' || event.type === 'clear') {
      // A key redact() hides goes as the handle rows are listed with (key-handles.ts).
      const info = event.type !== 'clear' && config.redact ? db.tables().find((table) => table.name === event.table) : undefined;
      const place = info && { database, table: info.name, root: ['db', db.name, info.name], keyPath: info.key };
      const keys = event.type === 'clear' ? [] : event.keys.slice(0, MAX_DELTA_KEYS).map((key) => (place ? this._keys.show(key, place) : encode(key)));
      const changes = event.type === 'clear' ? 1 : event.keys.length;
      const payload: RuntimeEvents['dbChanged'] = { database, table: event.table, change: event.type, keys, origin: event.origin, changes, at };
      payload.label = event.label ?? event.type;
      // Captured by the database at the call (config.trace), only while tracing.
      if (event.trace && !isOwn(event.label)) payload.stack = frames(event.trace as Site);
      const key = `d${database}:${event.table}`;
      const pending = this._pendingDb.get(key);
      // A put after a delete, or an `add` after a `put`, is a different story for the timeline:
      // only the same change, by the same operation, merges.
      if (pending && pending.change === payload.change && pending.origin === payload.origin && pending.label === payload.label) {
        pending.keys = [...pending.keys, ...keys].slice(0, MAX_DELTA_KEYS);
        pending.changes += changes;
        pending.at = at;
        if (payload.stack) pending.stack = payload.stack;
        return;
      }
      this._pendingDb.set(key, payload);
      this._bridge.send(Event.dbChanged, payload);
      return;
    }
    const message =
      event.type === 'blocked'
        ? `opening version ${event.newVersion} waits for another tab to close version ${event.oldVersion}`
        : event.type === 'versionchange'
          ? event.newVersion === null
            ? 'another tab deletes this database: this connection closed'
            : `another tab upgrades this database to version ${event.newVersion}: this connection closed`
          : `closed: ${event.reason}`;
    this._bridge.send(Event.report, { kind: 'database', id: database, type: event.type, message, at });
  }

  /** Encodes the latest value of every queued delta, once, just before the bridge sends them. */
  fill(): void {
    const at = Date.now();
    for (const pending of this._pendingStates.values()) {
      pending.payload.at = at;
      this._fillNow(pending);
    }
    for (const pending of this._pending.values()) this._fillNow(pending);
    this._pendingStates.clear();
    this._forgetLast();
    this._pending.clear();
    this._pendingDb.clear();
  }

  private _fillNow(pending: Pending): void {
    try {
      this._fillOne(pending);
    } catch (error) {
      // A getter that throws, a revoked proxy: the delta still goes, saying why it has no value.
      pending.payload.value = `[cannot show: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}]`;
    }
  }

  private _fillOne(pending: Pending): void {
    if (pending.site) pending.payload.stack = frames(pending.site);
    else delete pending.payload.stack;
    if (pending.kind === 'state') {
      const { state } = pending;
      Object.assign(pending.payload, show(pending.value, ['state', state.scope, state.key], this._blobs));
      return;
    }
    const { storage, payload } = pending;
    if (pending.removed) {
      delete payload.value;
      return;
    }
    const root = ['webstorage', storage.namespace, payload.key!];
    const { hash, chars, masked } = fingerprint(pending.value, root);
    Object.assign(payload, show(pending.value, root, this._blobs));
    payload.hash = hash;
    // A text that cannot be decoded is not that JSON: its bytes as stored, as the snapshot says
    // (unless redact() hides it: then, as every hidden value, the size of what is shown).
    payload.size =
      payload.error !== undefined && !masked
        ? (storage.rawEntries().find((entry) => entry.key === payload.key)?.bytes ?? 0)
        : storedBytes(storage.namespace, payload.key!, chars);
  }
}

/** One more change of a state under the delta's label: the delta now ends at it. */
function merge(pending: Pending & { kind: 'state' }, state: State<unknown>, site: Site | undefined): void {
  pending.value = state.value;
  pending.site = site;
  pending.payload.changes++;
  pending.payload.versions.to = state.version;
}
