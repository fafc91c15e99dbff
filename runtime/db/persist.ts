// PLACEHOLDER owned by the database work (issue 4): replace this whole file.
import type { PersistAdapter, PersistDatabase } from '../store/types.js';

export function databasePersistence<T>(db: PersistDatabase, table: string | undefined, id: string): PersistAdapter<T> {
  throw new Error(`persist: db ${db.name}/${table ?? '$cache'} is not built yet (state ${id}).`);
}
