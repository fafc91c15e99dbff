import { faults } from '../registry/faults.js';
import { describeError, isQuotaError } from './errors.js';

/** build.mjs defines it in production builds: the fault hook below folds away (registry/faults.ts). */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

/** Never a namespaced key (those all contain `:`), so no namespace ever sees it. */
export const PROBE_KEY = '__stratum_probe__';

export type StorageKind = 'local' | 'session';

export interface ProbeResult {
  storage: Storage | undefined;
  /** Why the storage is unusable; undefined when it works. */
  reason: string | undefined;
}

/** True in Node, Deno and Bun: a server, where WebStorage never exists. */
export function isServer(): boolean {
  // `process` is undefined in browsers and unbundled ESM; typeof keeps this from throwing.
  return typeof window === 'undefined' && typeof process === 'object' && typeof process?.versions?.node === 'string';
}

/**
 * Probes a storage the way it will be used: access, write, read back, remove, each guarded.
 * Blocked cookies make the `localStorage` getter throw SecurityError; Safari's private mode
 * has a zero quota (every setItem throws QuotaExceededError); sandboxed frames and workers
 * have none. A storage that is merely full still reads, so it counts as usable: writes then
 * fail one by one with WebStorageQuotaError.
 */
export function probe(kind: StorageKind): ProbeResult {
  if (typeof window === 'undefined') return unusable(isServer() ? 'server' : 'no window');
  let storage: Storage | null | undefined;
  try {
    if (typeof __STRATUM_NO_AGENT__ === 'undefined' && faults.storage) faults.storage(kind, 'probe');
    storage = window[`${kind}Storage`];
  } catch (error) {
    return unusable(describeError(error));
  }
  if (!storage) return unusable(`${kind}Storage is not available`);
  try {
    storage.setItem(PROBE_KEY, PROBE_KEY);
  } catch (error) {
    if (!isQuotaError(error)) return unusable(describeError(error));
    const empty = lengthOf(storage) === 0;
    return empty ? unusable(`${(error as Error).name}: zero quota`) : { storage, reason: undefined };
  }
  try {
    if (storage.getItem(PROBE_KEY) !== PROBE_KEY) return unusable('a probe value written to the storage did not read back');
    storage.removeItem(PROBE_KEY);
  } catch (error) {
    return unusable(describeError(error));
  }
  return { storage, reason: undefined };
}

function unusable(reason: string): ProbeResult {
  return { storage: undefined, reason };
}

function lengthOf(storage: Storage): number {
  try {
    return storage.length;
  } catch {
    // A storage that cannot even count its keys is of no use: treat it as empty (unusable).
    return 0;
  }
}
