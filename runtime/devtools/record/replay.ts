/**
 * Replays a recording into the page: the starting snapshot restored (the snapshot import's rules
 * and refusals: a schema that does not fit is refused in words, nothing applied), then changes
 * [from, to) applied in order through each stratum's public API, labelled `devtools: replay`.
 * A change whose state, namespace or database the page lacks is skipped and counted.
 */
import { decode } from '../../codec/index.js';
import type { Key } from '../../db/keys.js';
import type { RecordedChange, RecordingFile } from '../../snapshot-file/recording.js';
import { isHandle } from '../agent/key-handles.js';
import { keyedRows } from '../agent/commands/out-of-line.js';
import { targetsOf } from '../snapshot/export.js';
import { importSnapshot, type ApplyHooks } from '../snapshot/import.js';
import { Rebuilder } from '../snapshot/rebuild.js';
import { REPLAY_LABEL, replaying } from './recorder.js';

export interface ReplayResult {
  /** How many changes have been applied from the start: the replay's position. */
  position: number;
  total: number;
  /** Changes whose state, namespace or database the page does not have, or with parts redact() hid (the page keeps its own). */
  skipped: number;
}

async function apply(change: RecordedChange, rebuild: Rebuilder, hooks: Required<ApplyHooks>): Promise<boolean> {
  const targets = targetsOf();
  if (change.kind === 'state') {
    const store = targets.stores.find((candidate) => candidate.name === change.store);
    if (!store) return false;
    const scope = change.scope === '$client' ? `$client:${store.clientId}` : change.scope === '$user' ? `$user:${store.userId}` : change.scope;
    const state = store.getScope(scope).get(change.key);
    if (!state || change.redacted) return false;
    state.set(rebuild.value(change.value, `state "${change.key}"`), { label: REPLAY_LABEL });
    return true;
  }
  if (change.kind === 'webstorage') {
    const storage = targets.webstorages.find((candidate) => candidate.kind === change.storage && candidate.namespace === change.namespace);
    if (!storage || change.redacted) return false;
    replaying.webstorage = true;
    try {
      hooks.label(REPLAY_LABEL, () => {
        if (change.key === null) storage.clear();
        else if (change.text === undefined) storage.remove(change.key);
        // The text as it was stored: another app's JSON stays that text, and a text that is not JSON is no error.
        else storage.setRaw(change.key, change.text);
      });
    } finally {
      replaying.webstorage = false;
    }
    return true;
  }
  const db = targets.databases.find((candidate) => candidate.name === change.database);
  if (!db) return false;
  const tables = [...new Set(change.ops.map((op) => op.table))];
  // A row with parts redact() hid holds `[redacted]` in their place: the page keeps its own row.
  let whole = true;
  await db.transaction(
    tables,
    'readwrite',
    async (tx) => {
      for (const op of change.ops) {
        const table = tx.table(op.table);
        if (op.op === 'clear') await table.clear();
        else if (op.op === 'delete') {
          // A key redact() hid when recorded (fileKey): which row it was is not in the file.
          const keys = op.keys.filter((key) => !isHandle(key));
          if (keys.length < op.keys.length) whole = false;
          for (const key of keys) await table.delete(decode(key) as Key);
        }
        else {
          const rows = op.rows.filter((row) => !row.redacted);
          if (rows.length < op.rows.length) whole = false;
          const where = `a row of "${change.database}"/"${op.table}"`;
          if (db.tables().find((info) => info.name === op.table)?.key === null) {
            // Out-of-line keys (localForage's stores): each row at the key it was recorded under; a
            // key redact() hid names no row, so that row is left as the page holds it.
            const keyed = rows.filter((row) => row.key !== null && !isHandle(row.key));
            if (keyed.length < rows.length) whole = false;
            await Promise.all(keyed.map((row) => keyedRows(table).put(decode(row.key) as Key, rebuild.value(row.value, where))));
          } else if (rows.length > 0) await table.bulkPut(rows.map((row) => rebuild.value(row.value, where)));
        }
      }
    },
    { label: REPLAY_LABEL },
  );
  return whole;
}

/**
 * Brings the page to change `to` of the recording: from `from` when `to` lies ahead of it (the
 * page is at `from` already), else from the start (restored first). `from` 0 restores too.
 */
export async function replayTo(recording: RecordingFile, from: number, to: number, hooks: ApplyHooks = {}): Promise<ReplayResult> {
  const total = recording.changes.length;
  const target = Math.max(0, Math.min(to, total));
  const label = hooks.label ?? (<R>(_label: string, fn: () => R): R => fn());
  let position = from;
  if (from <= 0 || target < from || from > total) {
    await importSnapshot(recording.start, {}, { label });
    position = 0;
  }
  const rebuild = new Rebuilder({ ...recording.start, bytes: recording.bytes });
  let skipped = 0;
  for (; position < target; position++) if (!(await apply(recording.changes[position]!, rebuild, { label }))) skipped++;
  return { position, total, skipped };
}
