/**
 * The devtools registry (see core.ts, re-exported here): its readers, which the devtools agent,
 * the server's request tracking and the adapters' stop use. stratumjs/store imports core.ts
 * only, so these stay out of the entry that merely registers its stores.
 */
import { early, MAX_REPORTS, type Held, type RegistryChange, type RegistryEntry, type RegistryKind, type RegistryReport } from './core.js';

export * from './core.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

/** FinalizationRegistry's part the registry uses, spelled out (see Held in core.ts). */
interface Finalizer {
  register(target: object, id: number, token: object): void;
  unregister(token: object): void;
}

const entries = new Map<number, { kind: RegistryKind; ref: Held }>();
const ids = new WeakMap<object, number>();
const listeners = new Set<(change: RegistryChange) => void>();
const reports: RegistryReport[] = [];
let nextId = 1;

// FinalizationRegistry is missing in some embedded runtimes; entries then live as long as the page.
const finalizer: Finalizer | undefined =
  typeof __STRATUM_NO_AGENT__ === 'undefined' && typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((id) => {
        const entry = entries.get(id);
        if (!entry) return;
        entries.delete(id);
        emit({ type: 'unregistered', id, kind: entry.kind });
      })
    : undefined;

function emit(change: RegistryChange): void {
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

function toEntry(id: number, kind: RegistryKind, ref: Held): RegistryEntry {
  return { id, kind, deref: () => ref.deref() };
}

function add(kind: RegistryKind, target: object, ref: Held): number {
  const known = ids.get(target);
  if (known !== undefined) return known;
  const id = nextId++;
  entries.set(id, { kind, ref });
  ids.set(target, id);
  finalizer?.register(target, id, target);
  emit({ type: 'registered', entry: toEntry(id, kind, ref) });
  return id;
}

function keep(target: object, type: string, message: string, at: number): void {
  const id = ids.get(target);
  const entry = id === undefined ? undefined : entries.get(id);
  if (id === undefined || !entry) return;
  const item: RegistryReport = { kind: entry.kind, id, type, message, at };
  reports.push(item);
  if (reports.length > MAX_REPORTS) reports.shift();
  emit({ type: 'report', report: item });
}

// From here on the core hands registrations and reports to this module; what it queued before
// (a store created before anything loaded this module) is taken over in order. An instance
// collected meanwhile is simply never listed.
if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
  early._register = (kind, target) => add(kind, target, new WeakRef(target));
  early._report = (target, type, message) => keep(target, type, message, Date.now());
  for (const [kind, ref] of early._instances.splice(0)) {
    const target = ref.deref();
    if (target) add(kind, target, ref);
  }
  for (const [ref, type, message, at] of early._reports.splice(0)) {
    const target = ref.deref();
    if (target) keep(target, type, message, at);
  }
}

/** The registry id of an instance, or undefined when it never registered. */
export function registryId(target: object): number | undefined {
  return ids.get(target);
}

/**
 * Takes an instance out of the registry now (not at garbage collection): a server request's
 * webstorage memory leaves the panel when the request ends.
 */
export function unregister(target: object): void {
  // A branch the production define folds to false, as in register (core.ts).
  if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
    const id = ids.get(target);
    const entry = id === undefined ? undefined : entries.get(id);
    if (id === undefined || !entry) return;
    entries.delete(id);
    ids.delete(target);
    finalizer?.unregister(target);
    emit({ type: 'unregistered', id, kind: entry.kind });
  }
}

/**
 * Live server requests (runRequest in the `node` build): how many there are and how many of
 * them the panel is shown (the rest are counted, not listed). Kept here, beside the instances,
 * so the agent reads it without importing the webstorage's code.
 */
export const liveRequests = { live: 0, listed: 0 };

/** Every live registered instance, oldest first. */
export function registered(kind?: RegistryKind): RegistryEntry[] {
  const out: RegistryEntry[] = [];
  for (const [id, entry] of entries) {
    if (kind && entry.kind !== kind) continue;
    if (entry.ref.deref() === undefined) continue;
    out.push(toEntry(id, entry.kind, entry.ref));
  }
  return out;
}

export function recentReports(): readonly RegistryReport[] {
  return reports;
}

/** Listens to registrations, unregistrations and reports (the agent does, while a panel is connected). */
export function watchRegistry(listener: (change: RegistryChange) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
