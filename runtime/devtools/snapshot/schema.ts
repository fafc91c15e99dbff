/**
 * A snapshot's database must have the page's schema: the same version, tables, key paths,
 * autoIncrement, indexes (name, key path, unique, multiEntry) and Stratum layouts (cache, blobs).
 * Rows written into another schema could break the app's queries, so any difference refuses the
 * import before anything is written, naming the first differences found.
 */
import type { Database } from '../../db/types.js';
import { SnapshotError, type SnapshotDatabase, type SnapshotSchema } from '../../snapshot-file/format.js';

function schemaText(schema: SnapshotSchema): string {
  const indexes = [...schema.indexes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify({ keyPath: schema.keyPath, autoIncrement: schema.autoIncrement, indexes });
}

/** Throws SnapshotError('schema') when `file` does not fit `db`. */
export function checkSchema(db: Database, file: SnapshotDatabase): void {
  const problems: string[] = [];
  if (db.version !== file.version) problems.push(`it is at version ${db.version} on this page, version ${file.version} in the snapshot`);
  const infos = db.tables();
  const page = new Map(
    infos
      .filter((info) => !info.internal)
      .map((info) => [
        info.name,
        {
          keyPath: info.key,
          autoIncrement: info.autoIncrement,
          indexes: info.indexes.map((index) => ({ name: index.name, keyPath: index.path, unique: index.unique, multiEntry: index.multiEntry })),
        } satisfies SnapshotSchema,
      ]),
  );
  const snapshot = new Map(file.tables.map((table) => [table.name, table.schema]));
  for (const name of page.keys()) if (!snapshot.has(name)) problems.push(`table "${name}" is missing from the snapshot`);
  for (const [name, schema] of snapshot) {
    const mine = page.get(name);
    if (!mine) problems.push(`table "${name}" does not exist on this page`);
    else if (schemaText(mine) !== schemaText(schema)) problems.push(`table "${name}" is ${schemaText(mine)} on this page, ${schemaText(schema)} in the snapshot`);
  }
  const has = (name: string) => infos.some((info) => info.name === name);
  if (has('$cache') !== (file.cache !== undefined)) problems.push(`the Cache layout is ${has('$cache') ? 'on' : 'off'} on this page, ${file.cache ? 'on' : 'off'} in the snapshot`);
  if (has('$blobs') !== (file.blobs !== undefined)) problems.push(`blob storage is ${has('$blobs') ? 'on' : 'off'} on this page, ${file.blobs ? 'on' : 'off'} in the snapshot`);
  if (problems.length > 0) {
    throw new SnapshotError('schema', `database "${db.name}" does not match the snapshot: ${problems.slice(0, 5).join('; ')}. Nothing was imported.`);
  }
}
