import { coded } from './errors.js';
import type { PersistAdapter, PersistDatabase, PersistOption } from './types.js';

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
 */
export interface PersistenceLoaders {
  webstorage(): Promise<{ webstoragePersistence<T>(kind: 'local' | 'session', id: string): PersistAdapter<T> }>;
  db(): Promise<{ databasePersistence<T>(db: PersistDatabase, table: string | undefined, id: string): PersistAdapter<T> }>;
}

let loaders: PersistenceLoaders | undefined;

export function setPersistenceLoaders(next: PersistenceLoaders): void {
  loaders = next;
}

/** Loads the adapter for a persisted state. */
export async function loadPersistence<T>(option: PersistOption, id: string): Promise<PersistAdapter<T>> {
  // Only a test importing store.ts directly gets here without loaders; the entries always set them.
  if (option === 'local' || option === 'session') return (await loaders!.webstorage()).webstoragePersistence<T>(option, id);
  if (typeof option !== 'object' || option === null || !('db' in option)) {
    throw new TypeError(
      typeof __STRATUM_NO_AGENT__ === 'undefined' ? `persist must be 'local', 'session' or { db, table? }; got ${String(option)} (state ${id}).` : coded(10, option, id),
    );
  }
  return (await loaders!.db()).databasePersistence<T>(option.db, option.table, id);
}
