/**
 * The devtools registry: tiny, imported by every entry. Stores, webstorages and databases
 * register here when created, so importing the runtime is enough for the panel to see them.
 * It holds weak references only (a server's per-request instances must not be kept alive)
 * and the on/off flag. The agent that talks to the panel is loaded lazily (issue 5) and
 * reads this registry; until a panel connects nothing here runs on a hot path.
 */

// The registry's core: what every entry carries (register and report, the configuration, the
// panel listener's stop). The registry itself (ids, the weak entries, reports, watchers) is
// registry.ts, which re-exports this module: stratumjs/store imports the core alone, whose
// register and report queue until registry.ts loads (with the agent, or with any entry that
// reads the registry) and takes the queue over. The listener (listen.ts) is started by
// devtools/hook.ts, which passes its stop in as `panelListener`, so a production store entry,
// which leaves the hook out, carries neither the listener nor the protocol's tags.

export type RegistryKind = 'store' | 'webstorage' | 'database';

export interface RegistryEntry {
  readonly id: number;
  readonly kind: RegistryKind;
  /** The registered object, or undefined once it was garbage-collected. */
  deref(): object | undefined;
}

/** Something an instance wants the panel to know outside its own events (a decode error, a blocked open). */
export interface RegistryReport {
  readonly kind: RegistryKind;
  readonly id: number;
  readonly type: string;
  readonly message: string;
  readonly at: number;
}

export type RegistryChange =
  | { type: 'registered'; entry: RegistryEntry }
  | { type: 'unregistered'; id: number; kind: RegistryKind }
  | { type: 'report'; report: RegistryReport };

export interface DevtoolsOptions {
  /** false: never listen for a panel and send nothing. */
  enabled?: boolean;
  /** The name this runtime shows in the panel's target picker. */
  name?: string;
  /** Return true to show the value at `path` as `[redacted]`, not editable. */
  redact?: (path: (string | number)[], value: unknown) => boolean;
}

export interface DevtoolsConfig {
  enabled: boolean;
  name: string | undefined;
  redact: ((path: (string | number)[], value: unknown) => boolean) | undefined;
  /**
   * Set by the agent only while the panel records traces: captures the call site above
   * `boundary` (the public method that was called). Absent otherwise, so a write that checks it
   * costs one property read. Left out of the literal below: it costs every entry nothing.
   */
  trace?: ((boundary: Function) => object | undefined) | undefined;
}

/**
 * build.mjs defines it true for the `production` variant: no listener, no agent in the bundle.
 * Read in place (not through a const) so the define folds each test and the agent's lazy import
 * becomes dead code.
 */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

export const config: DevtoolsConfig = { enabled: true, name: undefined, redact: undefined };

/**
 * A WeakRef, spelled out: these exports (shared with registry.ts) reach the public declarations,
 * which must not need ES2021's lib.
 */
export interface Held {
  deref(): object | undefined;
}

/** Reports the registry keeps (the newest). */
export const MAX_REPORTS = 100;

/**
 * What was registered or reported before the registry's readers (registry.ts) loaded, oldest
 * first; registry.ts takes it over when it loads and from then on does the work itself
 * (`_register`, `_report`). A page that imports only stratumjs/store loads registry.ts with the
 * agent, when a panel says hello: until then a store costs the registry one array entry.
 * Held weakly, as the registry holds instances, and bounded as it is: a page (or a server) that
 * never loads the readers and makes a store per request or reports on and on must not grow it
 * for good. Collected instances leave the list when its length doubles (O(1) a push on
 * average); reports keep the newest MAX_REPORTS.
 */
export const early: {
  _instances: Array<[kind: RegistryKind, target: Held]>;
  _limit: number;
  _reports: Array<[target: Held, type: string, message: string, at: number]>;
  _register?: (kind: RegistryKind, target: object) => number;
  _report?: (target: object, type: string, message: string) => void;
} = { _instances: [], _limit: 64, _reports: [] };

/**
 * Registers an instance; returns its registry id (the same id when registered twice), or 0 while
 * only the core is loaded (the store's entry, which never asks for it).
 */
export function register(kind: RegistryKind, target: object): number {
  // A production build has no agent, so nothing reads the registry: it keeps nothing. The body
  // is the branch of a test the define folds to false (not code after an early return), so
  // esbuild drops it from the bundle.
  if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
    if (early._register) return early._register(kind, target);
    if (early._instances.push([kind, new WeakRef(target)]) >= early._limit) {
      early._instances = early._instances.filter((entry) => entry[1].deref());
      early._limit = 2 * early._instances.length + 64;
    }
  }
  return 0;
}

/** Records something the panel should show about an instance (the newest MAX_REPORTS are kept). */
export function report(target: object, type: string, message: string): void {
  if (typeof __STRATUM_NO_AGENT__ !== 'undefined') return;
  if (early._report) return early._report(target, type, message);
  if (early._reports.push([new WeakRef(target), type, message, Date.now()]) > MAX_REPORTS) early._reports.shift();
}

/**
 * Configures the devtools integration. `enabled: false` in the same tick as the first import
 * wins, because listening for a panel starts in a microtask (devtools/hook.ts).
 */
export function configureDevtools(options: DevtoolsOptions): void {
  if (options.enabled !== undefined) config.enabled = options.enabled;
  if (options.name !== undefined) config.name = options.name;
  if (options.redact !== undefined) config.redact = options.redact;
  if (config.enabled === false && typeof __STRATUM_NO_AGENT__ === 'undefined') panelListener._stop?.();
}

/**
 * The panel listener's stop (registry/listen.ts), set by devtools/hook.ts, which every browser
 * entry imports first and which starts the listener; core.ts never imports it (see above).
 */
export const panelListener: { _stop?: () => void } = {};

/** `source` of the page relay's hand-over to a worker (worker-relay.ts); caught in relay-catch.ts. */
export const SOURCE_RELAY = 'stratum-relay';
