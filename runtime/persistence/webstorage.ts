/**
 * Store persistence in localStorage / sessionStorage (`persist: 'local' | 'session'`), loaded
 * lazily by runtime/store/persist.ts. A state is stored under its id in the `stratum-state`
 * namespace: restored on creation, written through on change, updated from other tabs.
 * Failures never break the state: a storage unusable at load (blocked until the user consents,
 * or failing since) is reported ("keeps working in memory"), and the state links to webstorage's
 * memory fallback, whose writes recheck() moves into the storage once it works; a full one makes
 * save() throw WebStorageQuotaError, reported the same way. In a worker (no window) load()
 * rejects; on a server there is nothing to persist to and nothing to report.
 */
import type { PersistAdapter } from '../store/types.js';
import { linkStorage } from '../store/link.js';
import type { State } from '../store/state.js';
import { webstorage } from '../webstorage/webstorage.js';

export const PERSIST_NAMESPACE = 'stratum-state';

const MISSING: unique symbol = Symbol('missing');

export function webstoragePersistence<T>(kind: 'local' | 'session', id: string, outage?: (error: Error) => void): PersistAdapter<T> {
  const storage = webstorage(kind, { namespace: PERSIST_NAMESPACE });
  // This adapter's last write until its event comes back (a local event carries the very value
  // set): that one event is not followed, every other writer's is (see watch), including one
  // that writes from a listener while this write is told, whose event now comes after it.
  let own: { value: T } | undefined;
  return {
    describe: kind,
    async load() {
      if (!storage.available && storage.reason !== 'server') {
        const unusable = `${kind}Storage is unusable (${storage.reason ?? 'unknown reason'})`;
        // A worker has no window, for good: there is no storage to come back.
        if (storage.reason === 'no window' || !outage) throw new Error(unusable);
        // An outage may end (consent given, Storage Access granted): loaded from the memory
        // fallback and linked, the state's writes are journaled there and recheck() moves them
        // into the storage (never over another tab's newer value). Rejecting left it unlinked,
        // so nothing it set reached the storage even after recheck().
        outage(new Error(`${unusable}; what it sets goes there once recheck() finds it working`));
      }
      // An undecodable stored copy reads as missing (webstorage reported it and left it in
      // place); the state keeps its initial value until its next change overwrites the copy.
      const value = storage.get<T | typeof MISSING>(id, MISSING);
      return value === MISSING ? { found: false } : { found: true, value };
    },
    save(value) {
      const token = { value };
      own = token;
      try {
        storage.set(id, value);
      } catch (error) {
        // Not written (quota): no event of it will come.
        if (own === token) own = undefined;
        throw error;
      }
    },
    watch(listener) {
      return storage.subscribe((event) => {
        // Another tab's write, and this page's other writers of the same stored copy: the panel
        // editing it in the Storage tab, another store's state of the same scope and key (which
        // share one stored copy). A removal or clear leaves the state as it is; only a stored
        // value is followed, and not a superseded one (the write that replaced it is followed).
        if (event.key !== id) return;
        if (own && event.origin === 'local' && 'value' in event && event.value === own.value) {
          own = undefined;
          return;
        }
        if (!event.error && !event.superseded && 'value' in event) listener(event.value as T);
      });
    },
  };
}

/** `persist: 'local' | 'session'`: the state restored from here, written through, following other tabs. */
export function persistToWebstorage<T>(state: State<T>, kind: 'local' | 'session'): Promise<void> {
  return linkStorage(state, webstoragePersistence<T>(kind, state.id, (error) => state._host._persistFailed(state as State<unknown>, 'restore', error)));
}
