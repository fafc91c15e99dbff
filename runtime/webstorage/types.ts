import type { CodecError } from '../codec/error.js';

export type WebStorageKind = 'local' | 'session' | 'memory';
export type WebStorageBackend = 'localStorage' | 'sessionStorage' | 'memory';

export interface WebStorageOptions {
  /** Keys are stored as `<namespace>:<key>`; default `stratum`. May not contain `:`. */
  namespace?: string;
}

export interface AdoptOptions {
  /** The key inside the namespace to move the value to. */
  as: string;
  /** Replace `as` when it exists; without it adopt refuses. */
  overwrite?: boolean;
}

export interface WebStorageEvent {
  /** The changed key inside the namespace; null when the whole storage or namespace was cleared. */
  key: string | null;
  /** The new value; undefined after a removal, or when it could not be decoded (see `error`). */
  value?: unknown;
  oldValue?: unknown;
  /** `local`: this page (or this request); `remote`: another tab, through the `storage` event. */
  origin: 'local' | 'remote';
  /** Set when a stored value could not be decoded; the value is left in place. */
  error?: CodecError;
  /**
   * The storage no longer holds this value: a later write replaced it, whose own event follows
   * (another tab's event heard late; or this page's, made by a listener told before this one).
   * What happened, but not what is stored: code that mirrors the stored value (a persisted state
   * does) ignores such an event.
   */
  superseded?: true;
}

/** One stored entry as the panel shows it: the key, the stored text, and its size. */
export interface WebStorageRawEntry {
  key: string;
  text: string;
  /** UTF-16 bytes of key and text, as browsers count them against the quota. */
  bytes: number;
}

/** The server request whose memory a webstorage shows (the panel's view of one live runRequest). */
export interface WebStorageRequest {
  /** Counts requests from 1 in this process. */
  readonly id: number;
  /** `request #12 GET /cart`: the id and runRequest's `label`. */
  readonly name: string;
  /** When the request started (ms since the epoch). */
  readonly since: number;
}

export interface WebStorage {
  /** The kind asked for. */
  readonly kind: WebStorageKind;
  /** The backend in use: the asked-for storage, or memory when that is unusable. */
  readonly backend: WebStorageBackend;
  /** Whether the asked-for backend works. */
  readonly available: boolean;
  /** Why it does not, in words: `SecurityError: …`, `QuotaExceededError: zero quota`, `server`, `no window`. */
  readonly reason: string | undefined;
  readonly namespace: string;
  get<T>(key: string): T | undefined;
  get<T>(key: string, fallback: T): T;
  /** Throws WebStorageQuotaError when the value does not fit; the previous value stays. */
  set<T>(key: string, value: T): void;
  remove(key: string): void;
  has(key: string): boolean;
  /** The keys in this namespace, without the namespace prefix. */
  keys(): string[];
  /** Removes every key of this namespace, and nothing else. */
  clear(): void;
  subscribe(listener: (event: WebStorageEvent) => void): () => void;
  /** Probes again (e.g. after quota was freed); switches back to the storage when it is usable. */
  recheck(): boolean;
  /**
   * Moves an app's existing un-namespaced key (e.g. `localStorage.todos`, plain JSON or a raw
   * string) into this namespace as `as`: the old key is removed only after the new one was
   * written. Returns the value, or undefined when there is no such key. Throws, changing
   * nothing, when `as` exists (unless `overwrite`) or the value does not fit (quota).
   */
  adopt<T = unknown>(legacyKey: string, options: AdoptOptions): T | undefined;
  /** This namespace's entries as stored (for the devtools panel). */
  rawEntries(): WebStorageRawEntry[];
  /**
   * Stores `text` under `key` exactly as given, as rawEntries() read it (the devtools' snapshot
   * import and its rollback): another app's plain JSON or raw text comes back byte for byte,
   * where set() would store it in Stratum's format. Throws WebStorageQuotaError like set().
   */
  setRaw(key: string, text: string): void;
  /** Set only on the panel's view of one live server request's memory (runRequest in the `node` build). */
  readonly request?: WebStorageRequest;
}
