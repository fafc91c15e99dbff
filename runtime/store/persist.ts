import type { PersistAdapter, PersistOption } from './types.js';

/** The persistence badge text: `local`, `session` or `db:<name>/<table>`. */
export function describePersistence(option: PersistOption): string {
  if (option === 'local' || option === 'session') return option;
  return `db:${option.db.name}/${option.table ?? '$cache'}`;
}

/**
 * Loads the adapter for a persisted state. Adapters live in the webstorage and db folders and
 * are imported only when a state asks for one, so they never count against the store's bytes.
 */
export async function loadPersistence<T>(option: PersistOption, id: string): Promise<PersistAdapter<T>> {
  if (option === 'local' || option === 'session') {
    const { webstoragePersistence } = await import('../webstorage/persist.js');
    return webstoragePersistence<T>(option, id);
  }
  if (typeof option !== 'object' || option === null || !('db' in option)) {
    throw new TypeError(`persist must be 'local', 'session' or { db, table? }; got ${String(option)} (state ${id}).`);
  }
  const { databasePersistence } = await import('../db/persist.js');
  return databasePersistence<T>(option.db, option.table, id);
}
