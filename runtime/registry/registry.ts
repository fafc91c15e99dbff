/**
 * The devtools registry (see core.ts, re-exported here): its readers, which the devtools agent,
 * the server's request tracking and the adapters' stop use. stratumjs/store imports core.ts
 * only, so these stay out of the entry that merely registers its stores.
 */
import { emit, entries, finalizer, ids, listeners, reports, toEntry, type RegistryChange, type RegistryEntry, type RegistryKind, type RegistryReport } from './core.js';

export * from './core.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

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
