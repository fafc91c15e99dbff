/**
 * Applies a planned import (plan.ts), in the order least likely to leave half of it behind:
 * databases first, each all or nothing in one readwrite transaction over the tables it rewrites;
 * then webstorage, per namespace (a write that fails, e.g. over quota, puts back what that
 * namespace held); then states, per store in one batch (listeners run once). Every change is
 * labelled `devtools: snapshot import`.
 *
 * Databases cannot share a transaction: when one fails after others committed, the error names
 * those that were restored and says that webstorage and states were left alone.
 */
import type { SnapshotSummary } from '../../protocol/values.js';
import { planImport, type ImportOptions, type Plan, type TableWrite } from './plan.js';
import type { Key } from '../../db/keys.js';
import type { Table } from '../../db/types.js';
import { keyedRows } from '../agent/commands/out-of-line.js';
import { summarize } from './summary.js';

export const IMPORT_LABEL = 'devtools: snapshot import';

export interface ApplyHooks {
  /** Runs a webstorage write under a label (webstorage takes none; the agent's watcher does). */
  label?: <R>(label: string, fn: () => R) => R;
}

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A table whose keys are out of line (localForage's stores): the rows the page keeps (redacted)
 * read by key, the table cleared, and every row put at its key; the rows hold none of them.
 */
async function writeKeyed(table: Table, write: TableWrite, keys: Key[]): Promise<void> {
  const keyed = keyedRows(table);
  const kept = await Promise.all(write.keep.map(async (key) => [key, await table.get(key)] as const));
  await table.clear();
  await Promise.all([
    ...write.rows.map((row, i) => keyed.put(keys[i]!, row)),
    ...kept.filter(([, row]) => row !== undefined).map(([key, row]) => keyed.put(key, row)),
  ]);
}

async function writeDatabase({ db, tables }: Plan['databases'][number]): Promise<void> {
  await db.transaction(
    tables.map((table) => table.name),
    'readwrite',
    async (tx) => {
      for (const write of tables) {
        const table = tx.table(write.name);
        if (write.keys) {
          await writeKeyed(table, write, write.keys);
          continue;
        }
        const kept = (await Promise.all(write.keep.map((key) => table.get(key)))).filter((row) => row !== undefined);
        await table.clear();
        const rows = [...write.rows, ...kept];
        if (rows.length > 0) await table.bulkPut(rows);
      }
    },
    { label: IMPORT_LABEL },
  );
}

function writeWebstorage({ storage, set, remove }: Plan['webstorages'][number]): void {
  const before = new Map(storage.rawEntries().map((entry) => [entry.key, entry.text]));
  try {
    for (const key of remove) storage.remove(key);
    // Texts as stored: set() would rewrite another app's JSON in Stratum's format.
    for (const [key, text] of set) storage.setRaw(key, text);
  } catch (error) {
    // Put back every key this import touched, byte for byte (a raw text, another app's JSON).
    const lost: string[] = [];
    for (const key of [...remove, ...set.map(([key]) => key)]) {
      const text = before.get(key);
      try {
        if (text === undefined) storage.remove(key);
        else storage.setRaw(key, text);
      } catch (undo) {
        lost.push(`${key} (${reason(undo)})`);
      }
    }
    const note = lost.length > 0 ? `; these keys could not be put back: ${lost.join(', ')}` : '';
    throw new Error(`namespace "${storage.namespace}" could not be written (${reason(error)}); it was put back as it was${note}`, { cause: error });
  }
}

/** Writes what `plan` decided. */
export async function applyPlan(plan: Plan, hooks: ApplyHooks = {}): Promise<void> {
  const label = hooks.label ?? (<R>(_label: string, fn: () => R): R => fn());
  const restored: string[] = [];
  const failed = (what: string, error: unknown): Error => {
    const done = restored.length > 0 ? `Already restored: ${restored.join(', ')}. ` : '';
    return new Error(`The snapshot import stopped: ${what} failed and was rolled back (${reason(error)}). ${done}Nothing else was applied.`, { cause: error });
  };
  for (const write of plan.databases) {
    try {
      await writeDatabase(write);
    } catch (error) {
      throw failed(`database "${write.db.name}"`, error);
    }
    restored.push(`database "${write.db.name}"`);
  }
  for (const write of plan.webstorages) {
    try {
      label(IMPORT_LABEL, () => writeWebstorage(write));
    } catch (error) {
      throw failed(`webstorage namespace "${write.storage.namespace}"`, error);
    }
    restored.push(`namespace "${write.storage.namespace}"`);
  }
  for (const { store, states } of plan.stores) {
    if (states.length === 0) continue;
    try {
      store.batch(() => {
        for (const { state, value } of states) state.set(value, { label: IMPORT_LABEL });
      });
    } catch (error) {
      // The values are set: a listener threw while being told so.
      throw new Error(`The snapshot was imported, but a listener of store "${store.name}" threw: ${reason(error)}`, { cause: error });
    }
  }
}

/** What importing `file` would change; nothing is written. Refusals throw a SnapshotError. */
export async function previewSnapshot(file: unknown, options: ImportOptions = {}): Promise<SnapshotSummary> {
  return summarize(await planImport(file, options), false);
}

/** Imports `file` into the page's registered stores, webstorages and databases; answers what changed. */
export async function importSnapshot(file: unknown, options: ImportOptions = {}, hooks: ApplyHooks = {}): Promise<SnapshotSummary> {
  const plan = await planImport(file, options);
  await applyPlan(plan, hooks);
  return summarize(plan, true);
}
