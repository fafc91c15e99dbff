/**
 * A migration rehearsal: a snapshot taken at an older schema version is imported into a throw-away
 * copy of each of its databases (memory provider, a name of its own, never registered with the
 * panel), the app's current declaration and `upgrade` run on it, and the answer is either every
 * difference the upgrade made (the snapshot diff, table by table) or the error, the row it failed
 * on, and whether the upgrade's transaction was rolled back. The app's own database is only read
 * for its declaration: nothing is written to it.
 */
import { encode, type Encoded } from '../../codec/index.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { keyAt, type TableDeclaration } from '../../db/schema.js';
import type { Database, OpenOptions, Table, Transaction } from '../../db/types.js';
import { unregister } from '../../registry/registry.js';
import { diff, type Difference } from '../../snapshot-file/diff.js';
import type { SnapshotDatabase, SnapshotFile } from '../../snapshot-file/format.js';
import { encodeWhole } from '../agent/sparse.js';
import { Collected, exportDatabase, targetsOf, usedRefs } from '../snapshot/export.js';
import { importSnapshot } from '../snapshot/import.js';
import { REHEARSAL_PREFIX } from './recorder.js';

export interface RehearsalRow {
  table: string;
  /** What the upgrade was doing with it: the write that failed, or the row it had read last. */
  op: string;
  key: Encoded | null;
  value: Encoded | null;
}

export interface Rehearsal {
  database: string;
  from: number;
  to: number;
  ok: boolean;
  /** On success: what the upgrade changed (paths `['row', db, table, key, …]`, `['database', db, …]`). */
  differences?: Difference[];
  error?: { name: string; message: string };
  row?: RehearsalRow;
  /** On failure: the copy still holds the snapshot's rows at the old version. */
  rolledBack?: boolean;
}

interface Declared {
  _declaration?: () => OpenOptions;
}

function declarationOf(snapshot: SnapshotDatabase): Record<string, TableDeclaration> {
  const tables: Record<string, TableDeclaration> = {};
  for (const table of snapshot.tables) {
    const indexes: NonNullable<TableDeclaration['indexes']> = {};
    for (const index of table.schema.indexes) indexes[index.name] = { path: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
    // rehearseOne refuses a snapshot with a table whose keys are out of line before this.
    if (table.schema.keyPath !== null) tables[table.name] = { key: table.schema.keyPath, autoIncrement: table.schema.autoIncrement, indexes };
  }
  return tables;
}

function asFile(db: SnapshotDatabase, bytes: Record<string, string>, like: SnapshotFile): SnapshotFile {
  return { ...like, stores: [], webstorages: [], databases: [db], bytes };
}

/** The copy's data as a one-database snapshot under the original's name (so diff paths read as the app's). */
async function read(copy: Database, name: string, like: SnapshotFile): Promise<SnapshotFile> {
  const collected = new Collected();
  const db = { ...(await exportDatabase(copy, collected)), name };
  const file = asFile(db, {}, like);
  return { ...file, bytes: await collected.bytes(usedRefs(file)) };
}

/** Watches what an upgrade does, to name the row it failed on. */
class Tracker {
  failed: RehearsalRow | undefined;
  lastRead: { table: string; rows: unknown[] } | undefined;
  readonly written = new Map<string, Set<string>>();

  constructor(private readonly _keyPath: (table: string) => string | string[] | undefined) {}

  private _key(table: string, row: unknown): Encoded | null {
    const path = this._keyPath(table);
    if (path === undefined || row === null || typeof row !== 'object') return null;
    return encode(keyAt(row as Record<string, unknown>, path) ?? null);
  }

  table(name: string, table: Table): Table {
    const tracker = this;
    return new Proxy(table, {
      get(target, property, receiver) {
        const member: unknown = Reflect.get(target, property, receiver);
        if (typeof member !== 'function') return member;
        const op = String(property);
        return (...args: unknown[]) => {
          const result = (member as (...a: unknown[]) => unknown).apply(target, args);
          if (!(result instanceof Promise)) return result;
          const writes = op === 'put' || op === 'add' || op === 'update' || op === 'delete' || op === 'bulkPut';
          return result.then(
            (answer: unknown) => {
              if (op === 'query' && Array.isArray(answer)) tracker.lastRead = { table: name, rows: answer };
              if (op === 'get' && answer !== undefined) tracker.lastRead = { table: name, rows: [answer] };
              if (writes && (op === 'put' || op === 'add')) tracker._wrote(name, tracker._key(name, args[0]));
              if (op === 'update' || op === 'delete') tracker._wrote(name, encode(args[0]));
              return answer;
            },
            (error: unknown) => {
              if (writes && !tracker.failed) {
                // encodeWhole: a far sparse array as its items (hole by hole it ran the page out of memory).
                const value = op === 'bulkPut' ? null : op === 'update' ? encodeWhole(args[1]) : op === 'delete' ? null : encodeWhole(args[0]);
                const key = op === 'update' || op === 'delete' ? encode(args[0]) : op === 'bulkPut' ? null : tracker._key(name, args[0]);
                tracker.failed = { table: name, op, key, value };
              }
              throw error;
            },
          );
        };
      },
    });
  }

  private _wrote(table: string, key: Encoded | null): void {
    if (key === null) return;
    let keys = this.written.get(table);
    if (!keys) this.written.set(table, (keys = new Set()));
    keys.add(JSON.stringify(key));
  }

  /** The row it failed on: the write that failed, else the first row of its last read it had not yet written back. */
  row(): RehearsalRow | undefined {
    if (this.failed) return this.failed;
    if (!this.lastRead) return undefined;
    const { table, rows } = this.lastRead;
    const written = this.written.get(table) ?? new Set<string>();
    const row = rows.find((candidate) => !written.has(JSON.stringify(this._key(table, candidate)))) ?? rows[rows.length - 1];
    return row === undefined ? undefined : { table, op: 'read', key: this._key(table, row), value: encodeWhole(row) };
  }
}

async function rehearseOne(snapshot: SnapshotDatabase, file: SnapshotFile): Promise<Rehearsal> {
  const app = targetsOf().databases.find((db) => db.name === snapshot.name) as (Database & Declared) | undefined;
  const declared = app?._declaration?.();
  const result: Rehearsal = { database: snapshot.name, from: snapshot.version, to: declared?.version ?? 0, ok: false };
  if (!declared) {
    result.error = { name: 'NotFoundError', message: `the page has no open database "${snapshot.name}" to take the current schema and upgrade from` };
    return result;
  }
  if (snapshot.version > declared.version) {
    result.error = { name: 'VersionError', message: `the snapshot is at version ${snapshot.version}, newer than the app's ${declared.version}: nothing to rehearse` };
    return result;
  }
  const keyless = snapshot.tables.find((table) => table.schema.keyPath === null);
  if (keyless) {
    // The copy lives in memory, whose tables all have a key path; a Stratum upgrade never makes such a store.
    result.error = { name: 'NotSupportedError', message: `table "${keyless.name}" keeps its keys out of line (an object store another library made): the rehearsal's copy in memory cannot hold it` };
    return result;
  }
  const name = `${REHEARSAL_PREFIX}${snapshot.name}:${Math.random().toString(36).slice(2)}`;
  const provider = memory();
  const old: OpenOptions = {
    version: snapshot.version,
    tables: declarationOf(snapshot),
    cache: snapshot.cache !== undefined,
    blobs: snapshot.blobs !== undefined,
    provider,
  };
  const open = async (options: OpenOptions): Promise<Database> => {
    const db = await openDatabase(name, options);
    // A throw-away copy: the panel never lists it, a recording never hears it.
    unregister(db);
    return db;
  };
  let copy = await open(old);
  try {
    await importSnapshot(asFile({ ...snapshot, name }, file.bytes, file), { targets: { stores: [], webstorages: [], databases: [copy] } });
    const before = await read(copy, snapshot.name, file);
    copy.close();
    const tracker = new Tracker((table) => (declared.tables as Record<string, TableDeclaration>)[table]?.key);
    const upgrade = declared.upgrade;
    const next: OpenOptions = {
      version: declared.version,
      tables: declared.tables,
      ...(declared.cache !== undefined && { cache: declared.cache }),
      ...(declared.blobs !== undefined && { blobs: declared.blobs }),
      provider,
      ...(upgrade && {
        upgrade: (context: { oldVersion: number; newVersion: number; tx: Transaction }) => {
          const tx = new Proxy(context.tx, {
            get(target, property, receiver) {
              const member: unknown = Reflect.get(target, property, receiver);
              if (property !== 'table' || typeof member !== 'function') return member;
              return (table: string) => tracker.table(table, (member as (t: string) => Table).call(target, table));
            },
          });
          return upgrade({ ...context, tx });
        },
      }),
    };
    try {
      copy = await open(next);
    } catch (error) {
      result.error = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
      const row = tracker.row();
      if (row) result.row = row;
      copy = await open(old);
      result.rolledBack = copy.version === snapshot.version && diff(before, await read(copy, snapshot.name, file)).length === 0;
      return result;
    }
    result.ok = true;
    result.differences = diff(before, await read(copy, snapshot.name, file));
    return result;
  } finally {
    await copy.delete().catch((error: unknown) => console.warn('stratum devtools: the rehearsal copy could not be deleted', error));
  }
}

/** Rehearses the upgrade of every database in `file` (or only `database`). */
export async function rehearseUpgrade(file: SnapshotFile, database?: string): Promise<{ rehearsals: Rehearsal[] }> {
  const rehearsals: Rehearsal[] = [];
  for (const snapshot of file.databases) if (database === undefined || snapshot.name === database) rehearsals.push(await rehearseOne(snapshot, file));
  return { rehearsals };
}
