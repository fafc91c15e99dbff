import { coded } from './scopes.js';
import type { State } from './state.js';
import type { PersistAdapter } from './types.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

/**
 * Ties a persisted state to its storage: loads the stored value, writes every change through
 * and follows the storage's other writers (tabs, processes). The persistence adapters
 * (runtime/persistence/) import this, so it comes in their lazy chunk: a page that persists
 * nothing never ships it (issue 18, fourth pass). Resolves once the stored value was applied;
 * rejects when it could not load (the state then reports it and keeps working in memory).
 */
export async function linkStorage<T>(state: State<T>, adapter: PersistAdapter<T>): Promise<void> {
  // Deleted while the adapter loaded: no value to apply, no storage to follow.
  if (state._detached) return;
  let attached = false;
  let restoring: Promise<void> | undefined;
  const failed = (error: unknown): void => state._host._persistFailed(state as State<unknown>, 'save', error);
  const write = (value: T): void => {
    try {
      const done = adapter.save(value);
      if (done) done.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
  /** Loads the stored value and follows the storage from then on. */
  const attach = async (): Promise<void> => {
    const stored = await adapter.load();
    // Deleted while the stored value loaded: no value to apply, no storage to follow.
    if (state._detached) return;
    attached = true;
    // A set made before the stored value loaded wins over it.
    if (state._touched) write(state._value);
    else if (stored.found) state._apply(stored.value, 'restore', false);
    state._stop = adapter.watch?.((value) => {
      try {
        state._apply(value, 'remote', false);
      } catch (error) {
        // The value is applied; a listener threw on it. The change came from another tab, so no
        // caller is there to hand the error to, and thrown into a storage event it would only
        // surface as an uncaught error (stopping the rest of that event's listeners).
        console.error(typeof __STRATUM_NO_AGENT__ === 'undefined' ? `stratum: a listener of state ${state.id} threw on a change from another tab:` : coded(12, state.id), error);
      }
    });
  };
  /** One load at a time: the first, or one again after it failed (the engine away). */
  const load = (): Promise<void> =>
    (restoring ??= attach().finally(() => {
      restoring = undefined;
    }));
  const transact = adapter.transact?.bind(adapter);
  // Local sets, counted: one made while a transact was under way is written after it, so it is
  // the stored value, and the transact's result must not replace it in memory.
  let saves = 0;
  state._link = {
    _save(value) {
      saves++;
      if (attached) return write(value);
      // Written once the stored value loaded (attach writes a touched state's value).
      state._touched = true;
      // A storage that transacts (a database) whose stored value failed to load, the engine
      // restarting: load again, so what is set reaches it once it is back instead of staying in
      // memory until a transact (a reload lost every set). A load under way writes it already;
      // a deleted state's load applies and writes nothing (attach checks).
      if (transact && !restoring) load().catch(failed);
    },
    get _attached() {
      return attached;
    },
    _transact: transact && (async (fn) => {
      // A storage that transacts but whose stored value failed to load (the engine restarting):
      // running `fn` in memory would acknowledge a change that no other instance sees and no
      // reload restores. So load again first, and reject (the engine's error) while that fails.
      if (!attached && !state._detached) await load();
      if (!attached) return undefined;
      // The state's value stands in for a stored value that does not exist yet.
      const before = saves;
      const next = await transact(fn, state._value);
      if (saves === before) state._apply(next, 'transact', false);
      return [next];
    }),
  };
  await load();
}
