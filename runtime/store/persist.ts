import { coded } from './scopes.js';
import type { State } from './state.js';
import type { PersistDatabase, PersistOption } from './types.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

/** The persistence badge text: `local`, `session` or `db:<name>/<table>`. */
export function describePersistence(option: PersistOption): string {
  if (option === 'local' || option === 'session') return option;
  return `db:${option.db.name}/${option.table ?? '$cache'}`;
}

/**
 * How the adapters load. They live in runtime/persistence/ (a floor above the strata: they use
 * the store's contract and webstorage or db), so the store never imports them: the entries pass
 * the loaders in (persistence/hook.ts), and each adapter loads only when a state asks for it.
 * Each ties the state to its storage (store/link.ts) in its own lazy chunk: restoring, writing
 * through and following other tabs are code a page that persists nothing never ships.
 */
export interface PersistenceLoaders {
  webstorage(): Promise<{ persistToWebstorage<T>(state: State<T>, kind: 'local' | 'session'): Promise<void> }>;
  db(): Promise<{ persistToDatabase<T>(state: State<T>, db: PersistDatabase, table: string | undefined): Promise<void> }>;
}

let loaders: PersistenceLoaders | undefined;

export function setPersistenceLoaders(next: PersistenceLoaders): void {
  loaders = next;
}

/** Restores a persisted state, then writes it through and follows its storage. */
export async function persistState<T>(state: State<T>, option: PersistOption): Promise<void> {
  // Only a test importing store.ts directly gets here without loaders; the entries always set them.
  if (option === 'local' || option === 'session') return (await loaders!.webstorage()).persistToWebstorage(state, option);
  if (typeof option !== 'object' || option === null || !('db' in option)) {
    throw new TypeError(
      typeof __STRATUM_NO_AGENT__ === 'undefined' ? `persist must be 'local', 'session' or { db, table? }; got ${String(option)} (state ${state.id}).` : coded(10, option, state.id),
    );
  }
  return (await loaders!.db()).persistToDatabase(state, option.db, option.table);
}
