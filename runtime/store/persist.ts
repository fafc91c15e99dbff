import { coded } from './scopes.js';
import type { State } from './state.js';
import type { PersistOption } from './types.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

/**
 * The persistence badge text: `local`, `session` or `db:<name>/<table>`. It checks the option
 * too, so that createState refuses a wrong one at once, in words.
 */
export function describePersistence(option: PersistOption, id: string): string {
  if (option === 'local' || option === 'session') return option;
  // An object without a database in db (the database not opened yet, so `{ db: undefined }`) too.
  const db = (option as { db?: unknown } | null)?.db;
  if (typeof db !== 'object' || db === null) {
    throw new TypeError(
      typeof __STRATUM_NO_AGENT__ === 'undefined' ? `persist must be 'local', 'session' or { db, table? }; got ${option && typeof option === 'object' ? `db: ${String(db)}` : String(option)} (state ${id}).` : coded(10, option, id),
    );
  }
  return `db:${option.db.name}/${option.table ?? '$cache'}`;
}

/**
 * Restores a persisted state, then writes it through and follows its storage. The adapters live
 * in runtime/persistence/ (a floor above the strata: they use the store's contract and
 * webstorage or db), so the store never imports them: the entries set this (persistence/hook.ts),
 * and each adapter loads only when a state asks for it, with the code that ties a state to its
 * storage (store/link.ts): a page that persists nothing never ships either.
 */
export type Persister = <T>(state: State<T>, option: PersistOption) => Promise<void>;

let persister: Persister | undefined;

export function setPersister(next: Persister): void {
  persister = next;
}

/** Only a test importing store.ts directly gets here without a persister; it rejects (async), as a failed restore does. */
export async function persistState<T>(state: State<T>, option: PersistOption): Promise<void> {
  return persister!(state, option);
}
