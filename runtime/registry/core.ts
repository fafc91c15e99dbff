/**
 * The devtools registry: tiny, imported by every entry. Stores, webstorages and databases
 * register here when created, so importing the runtime is enough for the panel to see them.
 * It holds weak references only (a server's per-request instances must not be kept alive)
 * and the on/off flag. The agent that talks to the panel is loaded lazily (issue 5) and
 * reads this registry; until a panel connects nothing here runs on a hot path.
 */

// The registry's core: what every entry carries (register, report, the configuration, the panel
// listener's stop). Its readers (the agent's, the server's, the adapters') are in registry.ts,
// which re-exports this module: stratumjs/store imports the core alone and ships no reader.
// The listener (listen.ts) is started by devtools/hook.ts, which passes its stop in as
// `panelListener`, so a production store entry, which leaves the hook out, carries neither the
// listener nor the protocol's tags.

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

const MAX_REPORTS = 100;

/**
 * The parts of WeakRef and FinalizationRegistry the registry uses, spelled out: these exports
 * (shared with registry.ts) reach the public declarations, which must not need ES2021's lib.
 */
interface Held {
  deref(): object | undefined;
}
interface Finalizer {
  register(target: object, id: number, token: object): void;
  unregister(token: object): void;
}

export const entries = new Map<number, { kind: RegistryKind; ref: Held }>();
export const ids = new WeakMap<object, number>();
export const listeners = new Set<(change: RegistryChange) => void>();
export const reports: RegistryReport[] = [];
let nextId = 1;

export const config: DevtoolsConfig = { enabled: true, name: undefined, redact: undefined };

// FinalizationRegistry is missing in some embedded runtimes; entries then live as long as the page.
export const finalizer: Finalizer | undefined =
  typeof __STRATUM_NO_AGENT__ === 'undefined' && typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((id) => {
        const entry = entries.get(id);
        if (!entry) return;
        entries.delete(id);
        emit({ type: 'unregistered', id, kind: entry.kind });
      })
    : undefined;

export function emit(change: RegistryChange): void {
  let first: unknown;
  let failed = false;
  for (const listener of [...listeners]) {
    try {
      listener(change);
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}

export function toEntry(id: number, kind: RegistryKind, ref: Held): RegistryEntry {
  return { id, kind, deref: () => ref.deref() };
}

/** Registers an instance; returns its registry id (the same id when registered twice). */
export function register(kind: RegistryKind, target: object): number {
  // A production build has no agent, so nothing reads the registry: it keeps nothing. The body
  // is the branch of a test the define folds to false (not code after an early return), so
  // esbuild counts none of its uses and drops the maps, emit and toEntry from the bundle.
  if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
    const known = ids.get(target);
    if (known !== undefined) return known;
    const id = nextId++;
    const ref = new WeakRef(target);
    entries.set(id, { kind, ref });
    ids.set(target, id);
    finalizer?.register(target, id, target);
    emit({ type: 'registered', entry: toEntry(id, kind, ref) });
    return id;
  }
  return 0;
}

/** The registry id of an instance, or undefined when it never registered. */
export function registryId(target: object): number | undefined {
  return ids.get(target);
}

/** Records something the panel should show about an instance; keeps the last MAX_REPORTS. */
export function report(target: object, type: string, message: string): void {
  if (typeof __STRATUM_NO_AGENT__ !== 'undefined') return;
  const id = ids.get(target);
  const entry = id === undefined ? undefined : entries.get(id);
  if (id === undefined || !entry) return;
  const item: RegistryReport = { kind: entry.kind, id, type, message, at: Date.now() };
  reports.push(item);
  if (reports.length > MAX_REPORTS) reports.shift();
  emit({ type: 'report', report: item });
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
