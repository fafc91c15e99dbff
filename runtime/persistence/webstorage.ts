/**
 * Store persistence in localStorage / sessionStorage (`persist: 'local' | 'session'`), loaded
 * lazily by runtime/store/persist.ts. A state is stored under its id in the `stratum-state`
 * namespace: restored on creation, written through on change, updated from other tabs.
 * Failures never break the state: an unusable storage makes load() reject, which the store
 * reports ("keeps working in memory"); a full one makes save() throw WebStorageQuotaError,
 * reported the same way. On a server there is nothing to persist to and nothing to report.
 */
import type { PersistAdapter } from '../store/types.js';
import { linkStorage } from '../store/link.js';
import type { State } from '../store/state.js';
import { webstorage } from '../webstorage/webstorage.js';

export const PERSIST_NAMESPACE = 'stratum-state';

const MISSING: unique symbol = Symbol('missing');

export function webstoragePersistence<T>(kind: 'local' | 'session', id: string): PersistAdapter<T> {
  const storage = webstorage(kind, { namespace: PERSIST_NAMESPACE });
  return {
    describe: kind,
    async load() {
      if (!storage.available && storage.reason !== 'server') {
        throw new Error(`${kind}Storage is unusable (${storage.reason ?? 'unknown reason'})`);
      }
      // An undecodable stored copy reads as missing (webstorage reported it and left it in
      // place); the state keeps its initial value until its next change overwrites the copy.
      const value = storage.get<T | typeof MISSING>(id, MISSING);
      return value === MISSING ? { found: false } : { found: true, value };
    },
    save(value) {
      storage.set(id, value);
    },
    watch(listener) {
      return storage.subscribe((event) => {
        // A removal or clear elsewhere leaves the state as it is; only a stored value is followed.
        if (event.origin === 'remote' && event.key === id && !event.error && 'value' in event) listener(event.value as T);
      });
    },
  };
}

/** `persist: 'local' | 'session'`: the state restored from here, written through, following other tabs. */
export function persistToWebstorage<T>(state: State<T>, kind: 'local' | 'session'): Promise<void> {
  return linkStorage(state, webstoragePersistence<T>(kind, state.id));
}
