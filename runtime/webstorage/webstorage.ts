// Not the codec's index: importing it would make resolvePath (the agent's) reachable, and so bundled, here.
import { CodecError } from '../codec/error.js';
import { deserialize, serialize } from '../codec/serialize.js';
import { faults } from '../registry/faults.js';
import { register, report } from '../registry/registry.js';
import { backing, carryIntoMemory, changesIn, findMemory, noteChange, pageMemories, setBacking, storageBack, subscriptions, existingSubscriptions, useNamespace, type Memory } from './backing.js';
import { describeError, isQuotaError, WebStorageQuotaError } from './errors.js';
import { notify } from './notify.js';
import { probe, type StorageKind } from './probe.js';
import { listenForOtherTabs, remoteEvent } from './remote.js';
import type { AdoptOptions, WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry } from './types.js';

/** build.mjs defines it in production builds: the fault hooks below fold away (registry/faults.ts). */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

const KINDS: readonly WebStorageKind[] = ['local', 'session', 'memory'];
const DEFAULT_NAMESPACE = 'stratum';

/**
 * A namespaced, typed view of localStorage, sessionStorage or memory. Never throws for an
 * unusable storage: it probes, falls back to memory and says why (`available`, `reason`).
 */
export function webstorage(kind: WebStorageKind = 'local', options: WebStorageOptions = {}): WebStorage {
  if (typeof options !== 'object' || options === null) throw new TypeError(`webstorage(kind, options): options is an object ({ namespace? }); got ${String(options)}.`);
  return new NamespacedStorage(kind, options.namespace ?? DEFAULT_NAMESPACE);
}

class NamespacedStorage implements WebStorage {
  readonly kind: WebStorageKind;
  readonly namespace: string;
  private readonly _prefix: string;
  /** Memory of this instance alone: used on a server outside runRequest. */
  private readonly _own: Memory = new Map();
  /** Undecodable texts already reported, so reading one twice reports it once. */
  private readonly _reported = new Map<string, string>();

  constructor(kind: WebStorageKind, namespace: string) {
    if (!KINDS.includes(kind)) throw new TypeError(`webstorage kind must be 'local', 'session' or 'memory', got ${JSON.stringify(kind)}.`);
    if (typeof namespace !== 'string' || namespace === '' || namespace.includes(':')) {
      throw new TypeError(
        `webstorage namespace must be a non-empty string without ":" (got ${JSON.stringify(namespace)}), so that no two namespaces overlap.`,
      );
    }
    this.kind = kind;
    this.namespace = namespace;
    this._prefix = `${namespace}:`;
    if (kind !== 'memory') {
      useNamespace(kind, namespace);
      backing(kind); // probe now, so availability is known from the start
    }
    register('webstorage', this);
  }

  get backend(): WebStorageBackend {
    if (!this._storage()) return 'memory';
    return this.kind === 'local' ? 'localStorage' : 'sessionStorage';
  }

  get available(): boolean {
    return this.kind === 'memory' || this._storage() !== undefined;
  }

  get reason(): string | undefined {
    return this.kind === 'memory' ? undefined : backing(this.kind).reason;
  }

  get<T>(key: string, fallback?: T): T | undefined {
    const text = this._read(this._full(key));
    if (text === null) return fallback;
    try {
      return deserialize(text) as T;
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      this._undecodable(key, text, error);
      return fallback;
    }
  }

  set<T>(key: string, value: T): void {
    const full = this._full(key);
    const text = serialize(value);
    const subs = existingSubscriptions(this._channel());
    const oldText = subs?.size ? this._read(full) : null;
    this._write(key, full, text);
    if (subs?.size) notify(subs, this._event(key, { value }, oldText));
  }

  remove(key: string): void {
    const full = this._full(key);
    const oldText = this._read(full);
    if (oldText === null) return;
    this._remove(full);
    const subs = existingSubscriptions(this._channel());
    if (subs?.size) notify(subs, this._event(key, {}, oldText));
  }

  has(key: string): boolean {
    return this._read(this._full(key)) !== null;
  }

  keys(): string[] {
    return this._fullKeys().map((full) => full.slice(this._prefix.length));
  }

  clear(): void {
    const keys = this._fullKeys();
    for (const full of keys) this._remove(full);
    const subs = existingSubscriptions(this._channel());
    if (keys.length > 0 && subs?.size) notify(subs, { key: null, origin: 'local' });
  }

  subscribe(listener: (event: WebStorageEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('webstorage.subscribe needs a function.');
    const subs = subscriptions(this._channel());
    const subscription = { listener, owner: this };
    subs.add(subscription);
    if (this.kind !== 'memory') listenForOtherTabs();
    return () => {
      subs.delete(subscription);
    };
  }

  recheck(): boolean {
    if (this.kind === 'memory') return true;
    const was = backing(this.kind).storage;
    const next = probe(this.kind);
    if (next.storage && !was) {
      // Back from memory: move what was written meanwhile into the storage, or stay in memory.
      const moved = moveIntoStorage(this.kind, next.storage);
      if (typeof moved === 'string') setBacking(this.kind, { storage: undefined, reason: moved });
      else {
        storageBack(this.kind);
        setBacking(this.kind, next);
        // Read from the storage from now on, so told only now: where it holds another value than
        // the memory this page read meanwhile (another tab's write, which wins).
        for (const [channel, event] of moved) {
          const subs = existingSubscriptions(channel);
          if (subs?.size) notify(subs, event);
        }
      }
    } else {
      // Found broken by the probe rather than by a write: what it still reads stays readable.
      if (was && !next.storage) carryIntoMemory(this.kind, was);
      setBacking(this.kind, next);
    }
    const now = backing(this.kind).storage;
    if (Boolean(now) !== Boolean(was)) {
      // The panel shows availability: it hears of the switch the way it heard of the outage.
      const kind = this.kind;
      report(this, now ? 'available' : 'unavailable', now ? `${kind}Storage works again; what was written meanwhile moved into it` : `${kind}Storage is unusable (${this.reason}); using memory`);
    }
    return this.available;
  }

  adopt<T = unknown>(legacyKey: string, options: AdoptOptions): T | undefined {
    const as = options?.as;
    if (typeof as !== 'string') throw new TypeError(`adopt("${String(legacyKey)}", { as }): as, the key to move it to in this namespace, is a string; got ${as === undefined && !options ? 'no options' : String(as)}.`);
    const full = this._full(as);
    if (typeof legacyKey !== 'string' || legacyKey === '' || legacyKey === full) {
      throw new TypeError(`adopt needs the old, un-namespaced key as a non-empty string other than "${full}".`);
    }
    const storage = this._storage();
    // The legacy key lives in the real storage only; in memory (or on a server) there is none to move.
    const text = storage ? this._read(legacyKey) : null;
    if (text === null) return undefined;
    if (!options.overwrite && this._read(full) !== null) {
      throw new Error(`adopt("${legacyKey}", { as: "${as}" }): "${as}" already exists in namespace "${this.namespace}"; pass { overwrite: true } to replace it. Nothing was changed.`);
    }
    const value = parseLegacy(text, legacyKey);
    this.set(as, value);
    // Remove the old key only once the new one is really in the storage (set may have fallen back to memory).
    if (this._storage() && this._read(full) !== null) this._remove(legacyKey);
    return value as T;
  }

  rawEntries(): WebStorageRawEntry[] {
    const out: WebStorageRawEntry[] = [];
    for (const full of this._fullKeys()) {
      const text = this._read(full);
      if (text !== null) out.push({ key: full.slice(this._prefix.length), text, bytes: (full.length + text.length) * 2 });
    }
    return out;
  }

  setRaw(key: string, text: string): void {
    if (typeof text !== 'string') throw new TypeError(`webstorage.setRaw("${String(key)}", text): text is the stored string; got ${text === null ? 'null' : typeof text}.`);
    const full = this._full(key);
    const subs = existingSubscriptions(this._channel());
    const oldText = subs?.size ? this._read(full) : null;
    this._write(key, full, text);
    if (!subs?.size) return;
    // Subscribers (a persisted state, the panel) hear the value, or that it cannot be decoded.
    let next: { value?: unknown };
    try {
      next = { value: deserialize(text) };
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      // A change, so told every time; only the report is skipped for a text reported before.
      return this._undecodable(key, text, error, this._event(key, { error }, oldText));
    }
    notify(subs, this._event(key, next, oldText));
  }

  private _full(key: string): string {
    if (typeof key !== 'string') throw new TypeError(`webstorage keys are strings, got ${key === null ? 'null' : typeof key}.`);
    return this._prefix + key;
  }

  private _storage(): Storage | undefined {
    return this.kind === 'memory' ? undefined : backing(this.kind).storage;
  }

  private _channel(): Memory {
    return findMemory(this.kind, this.namespace, this._own, this);
  }

  private _read(full: string): string | null {
    const storage = this._storage();
    if (storage) {
      try {
        if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.storage) faults.storage(this.kind as StorageKind, 'getItem', this.namespace, storage, full);
        return storage.getItem(full);
      } catch (error) {
        this._lost(error);
      }
    }
    return this._channel().get(full) ?? null;
  }

  private _write(key: string, full: string, text: string): void {
    const storage = this._storage();
    if (storage) {
      try {
        if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.storage) faults.storage(this.kind as StorageKind, 'setItem', this.namespace, storage, full, text);
        storage.setItem(full, text);
        return;
      } catch (error) {
        if (isQuotaError(error)) {
          const quota = new WebStorageQuotaError(key, (full.length + text.length) * 2, this.backend, { cause: error });
          report(this, 'quota', quota.message);
          throw quota;
        }
        this._lost(error);
      }
    }
    const memory = this._channel();
    if (this.kind !== 'memory') noteChange(memory, full);
    memory.set(full, text);
  }

  private _remove(full: string): void {
    const storage = this._storage();
    if (storage) {
      try {
        if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.storage) faults.storage(this.kind as StorageKind, 'removeItem', this.namespace, storage, full);
        storage.removeItem(full);
        return;
      } catch (error) {
        this._lost(error);
      }
    }
    const memory = this._channel();
    if (this.kind !== 'memory') noteChange(memory, full);
    memory.delete(full);
  }

  private _fullKeys(): string[] {
    const storage = this._storage();
    if (storage) {
      try {
        if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.storage) faults.storage(this.kind as StorageKind, 'key', this.namespace, storage);
        const keys: string[] = [];
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i);
          if (key !== null && key.startsWith(this._prefix)) keys.push(key);
        }
        return keys;
      } catch (error) {
        this._lost(error);
      }
    }
    return [...this._channel().keys()].filter((key) => key.startsWith(this._prefix));
  }

  /** The storage threw on a plain access after it probed fine: every instance of the kind moves to memory. */
  private _lost(error: unknown): void {
    const kind = this.kind as StorageKind;
    const reason = describeError(error);
    const storage = backing(kind).storage;
    if (storage) carryIntoMemory(kind, storage);
    setBacking(kind, { storage: undefined, reason });
    report(this, 'unavailable', `${kind}Storage stopped working (${reason}); using memory until recheck()`);
  }

  /**
   * Reported once per key and text, so reading it again does not flood the panel; told then too,
   * or every time when it is a change (`change`: setRaw wrote it).
   */
  private _undecodable(key: string, text: string, error: CodecError, change?: WebStorageEvent): void {
    const repeated = this._reported.get(key) === text;
    if (!repeated) {
      this._reported.set(key, text);
      report(this, 'decode-error', `"${key}" in ${this.backend} cannot be decoded (${error.message}); it is left in place`);
    } else if (!change) return;
    const subs = existingSubscriptions(this._channel());
    if (subs?.size) notify(subs, change ?? { key, origin: 'local', error });
  }

  private _event(key: string, next: Pick<WebStorageEvent, 'value' | 'error'>, oldText: string | null): WebStorageEvent {
    const event: WebStorageEvent = { key, origin: 'local', ...next };
    if (oldText === null) return event;
    try {
      event.oldValue = deserialize(oldText);
    } catch (error) {
      // The old value was someone else's undecodable text: the event just has no oldValue.
      if (!(error instanceof CodecError)) throw error;
    }
    return event;
  }
}

/**
 * A legacy value is Stratum's own text (a key moved between namespaces), JSON, or a plain string
 * an app stored as is (a theme name, a token). A number JSON cannot give back as written (an id
 * of 19 digits) stays the text it was: read as a number it would lose digits, and adopt removes
 * the original.
 */
function parseLegacy(text: string, legacyKey: string): unknown {
  let value: unknown;
  try {
    value = deserialize(text);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    // Our marker, but unreadable here (damaged, or a newer runtime's): moved as a string, it
    // would read back as that string, and the original would be gone.
    if (text.startsWith('stratum:')) throw new CodecError(`adopt("${legacyKey}"): its value is in Stratum's format but cannot be read (${error.message}). Nothing was changed.`);
    return text;
  }
  return typeof value === 'number' && JSON.stringify(value) !== text.trim() ? text : value;
}

/**
 * Replays into the storage what this page set or removed while it used memory, each change only
 * while the storage still holds what it held before the change (another tab's newer value wins),
 * then empties the fallback. Returns a reason when the storage refused; what was replayed so far
 * stays replayed, the rest stays in memory for the next recheck().
 */
function moveIntoStorage(kind: StorageKind, storage: Storage): string | [Memory, WebStorageEvent][] {
  // Full keys whose replay another tab's value refused (the kind's memories share no key).
  const lost = new Set<string>();
  for (const [, memory] of pageMemories(kind)) {
    const changes = changesIn(memory);
    for (const [full, before] of changes) {
      try {
        if (storage.getItem(full) === before) {
          const text = memory.get(full);
          if (text === undefined) storage.removeItem(full);
          else storage.setItem(full, text);
        } else lost.add(full);
      } catch (error) {
        return describeError(error);
      }
      changes.delete(full);
    }
  }
  // What the page read from memory and the storage now answers differently: another tab's write
  // made meanwhile, kept over this page's (above) or over the copy carried at the outage; and a
  // key memory never held, which the page read as missing: stored by an earlier visit when the
  // storage was blocked from the start (until consent), or by another tab meanwhile. A state
  // restored from memory then shows what is stored, not its initial value.
  const stored: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) stored.push(storage.key(i)!);
  } catch (error) {
    return describeError(error);
  }
  const told: [Memory, WebStorageEvent][] = [];
  for (const [slot, memory] of pageMemories(kind)) {
    const prefix = `${slot.slice(kind.length + 1)}:`;
    const ours = (key: string): boolean => key.startsWith(prefix);
    for (const full of new Set([...memory.keys(), ...[...lost].filter(ours), ...stored.filter(ours)])) {
      const was = memory.get(full) ?? null;
      const now = readBack(storage, full);
      if (now === undefined || now === was) continue;
      told.push([memory, remoteEvent(full.slice(prefix.length), now, was, existingSubscriptions(memory), kind)]);
    }
    memory.clear();
  }
  return told;
}

/** The stored text, or undefined when the storage failed to answer (nothing is told then). */
function readBack(storage: Storage, full: string): string | null | undefined {
  try {
    return storage.getItem(full);
  } catch (error) {
    console.debug('stratum: could not read a key back after the storage returned.', error);
    return undefined;
  }
}
