/**
 * A transaction's queued writes as few statements as possible (issue 18). SQLite prepares every
 * statement it is sent, and preparing dominated a bulkPut of single-row statements; consecutive
 * row writes to one table become multi-row statements instead: one upsert per chunk of rows,
 * then per index one DELETE of their old entries and one INSERT of the new ones.
 *
 * Reordering a run this way is exact only while its rows have distinct keys (a row's old index
 * entries must go before its new ones come, and a later put of the same key must win): a key
 * seen again starts a new run.
 */
import type { InStatement, InValue } from '@libsql/client';

/** One row write: its data upsert and, per index, the index keys that replace its old ones. */
export interface RowWrite {
  kind: 'row';
  /** The SQL table (quoted). */
  table: string;
  k: ArrayBuffer;
  text: string;
  bytes: ArrayBuffer | null;
  /** Per index (its quoted SQL table), the row's index keys. */
  indexes: Array<[string, ArrayBuffer[]]>;
}

export type Queued = InStatement | RowWrite;

/** Rows per statement: 3 arguments each, far under SQLite's limit on arguments. */
const CHUNK = 250;

function isRow(queued: Queued): queued is RowWrite {
  return typeof queued === 'object' && 'kind' in queued;
}

/** A key's bytes as a string, to tell repeated keys apart within a run. */
function bytesId(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let id = '';
  for (let i = 0; i < bytes.length; i++) id += String.fromCharCode(bytes[i]!);
  return id;
}

function placeholders(count: number, width: number): string {
  const one = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: count }, () => one).join(', ');
}

function runStatements(run: RowWrite[], out: InStatement[]): void {
  const table = run[0]!.table;
  for (let start = 0; start < run.length; start += CHUNK) {
    const chunk = run.slice(start, start + CHUNK);
    const args: InValue[] = [];
    for (const row of chunk) args.push(row.k, row.text, row.bytes);
    out.push({
      sql: `INSERT INTO ${table} (k, v, b) VALUES ${placeholders(chunk.length, 3)} ON CONFLICT (k) DO UPDATE SET v = excluded.v, b = excluded.b`,
      args,
    });
  }
  for (let index = 0; index < run[0]!.indexes.length; index++) {
    const sql = run[0]!.indexes[index]![0];
    for (let start = 0; start < run.length; start += CHUNK) {
      const chunk = run.slice(start, start + CHUNK);
      out.push({ sql: `DELETE FROM ${sql} WHERE pk IN (${chunk.map(() => '?').join(', ')})`, args: chunk.map((row) => row.k) });
    }
    const pairs: InValue[] = [];
    for (const row of run) for (const ik of row.indexes[index]![1]) pairs.push(ik, row.k);
    for (let start = 0; start < pairs.length; start += 2 * CHUNK) {
      const chunk = pairs.slice(start, start + 2 * CHUNK);
      // Each entry carries its row's rowid (the upsert above kept or made it), which is how a query reaches the row.
      out.push({
        sql: `INSERT OR IGNORE INTO ${sql} (ik, pk, r) SELECT column1, column2, (SELECT r FROM ${table} WHERE k = column2) FROM (VALUES ${placeholders(chunk.length / 2, 2)})`,
        args: chunk,
      });
    }
  }
}

/** The statements that do what `queued` says, in an order with the same outcome. */
export function toStatements(queued: Queued[]): InStatement[] {
  const out: InStatement[] = [];
  let run: RowWrite[] = [];
  let seen = new Set<string>();
  const end = () => {
    if (run.length > 0) runStatements(run, out);
    run = [];
    seen = new Set();
  };
  for (const item of queued) {
    if (!isRow(item)) {
      end();
      out.push(item);
      continue;
    }
    const id = bytesId(item.k);
    if (run.length > 0 && (run[0]!.table !== item.table || seen.has(id))) end();
    run.push(item);
    seen.add(id);
  }
  end();
  return out;
}
