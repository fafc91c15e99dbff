/**
 * Files made before index entries carried their row's rowid (issue 18, third pass): rows tables
 * were `(k BLOB PRIMARY KEY, v, b)` and index tables `(ik, pk)`, so a query reached each row
 * through the key's autoindex and then the table, two b-tree seeks per row. At open, such
 * tables move to the current layout (libsql-rows.ts) inside the open's write transaction:
 * every row and index entry is kept, and a failure leaves the file as it was.
 *
 * An older Stratum can still work on a moved file: its SQL names only k, v, b, ik and pk, the
 * upsert's `ON CONFLICT (k)` has k's unique index, and its index entries get their rowid from
 * the trigger that `rowidTriggerSql` makes. Tables it creates (an upgrade it runs) change the
 * version, so this runtime opens again and moves them then.
 */
import type { Transaction as SqlTransaction } from '@libsql/client';
import type { TableInfo } from '../schema.js';
import { indexName, indexSql, quote, rowidTrigger, rowidTriggerSql, rowsTableSql, tableName, tableSql } from './libsql-rows.js';

/** The tables and index tables of `tables` that already have the rowid column `r`. */
async function withRowids(tx: SqlTransaction, names: string[]): Promise<Set<string>> {
  const { rows } = await tx.execute({
    sql: `SELECT m.name FROM sqlite_master AS m, pragma_table_info(m.name) AS c WHERE m.type = 'table' AND c.name = 'r' AND m.name IN (${names.map(() => '?').join(', ')})`,
    args: names,
  });
  return new Set(rows.map((row) => row[0] as string));
}

/**
 * A rows table made again with an INTEGER PRIMARY KEY `r` (a rowid VACUUM keeps), the rows in
 * key order. Dropping the old table drops its count triggers: ensureCounts, later in the same
 * open, finds them missing and counts again.
 */
async function rebuildRows(tx: SqlTransaction, db: string, table: TableInfo): Promise<void> {
  const sql = tableSql(db, table.name);
  const moving = quote(`${tableName(db, table.name)}~`);
  // Triggers that name the rows table would make the rename's schema check fail while it is gone.
  for (const index of table.indexes) await tx.execute(`DROP TRIGGER IF EXISTS ${rowidTrigger(db, table.name, index.name)}`);
  await tx.execute(`DROP TABLE IF EXISTS ${moving}`);
  await tx.execute(rowsTableSql(moving));
  await tx.execute(`INSERT INTO ${moving} (k, v, b) SELECT k, v, b FROM ${sql} ORDER BY k`);
  await tx.execute(`DROP TABLE ${sql}`);
  await tx.execute(`ALTER TABLE ${moving} RENAME TO ${sql}`);
}

export async function ensureLayout(tx: SqlTransaction, db: string, tables: TableInfo[]): Promise<void> {
  if (tables.length === 0) return;
  const names = tables.flatMap((table) => [tableName(db, table.name), ...table.indexes.map((index) => indexName(db, table.name, index.name))]);
  const current = await withRowids(tx, names);
  if (names.every((name) => current.has(name))) return;
  for (const table of tables) {
    const rowsMoved = !current.has(tableName(db, table.name));
    if (rowsMoved) await rebuildRows(tx, db, table);
    for (const index of table.indexes) {
      const had = current.has(indexName(db, table.name, index.name));
      if (had && !rowsMoved) continue;
      const sql = indexSql(db, table.name, index.name);
      if (!had) await tx.execute(`ALTER TABLE ${sql} ADD COLUMN r INTEGER`);
      // The rows' rowids are new after a rebuild: every entry points again.
      await tx.execute(`UPDATE ${sql} SET r = (SELECT t.r FROM ${tableSql(db, table.name)} AS t WHERE t.k = ${sql}.pk)`);
      await tx.execute(rowidTriggerSql(db, table.name, index.name));
    }
  }
}
