/**
 * Issue 23 in the kit: record a session, replay it into a page, rehearse a migration.
 *
 *   const recording = await record(page);  …drive the app…;  const file = await recording.stop();
 *   const { differences } = await replay(freshPage, file);   // [] when it arrived where it ended
 *   const { rehearsals } = await rehearseUpgrade(page, oldSnapshot);
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'puppeteer';
import { Command, MAX_SNAPSHOT_CHUNK, type RecordStatus } from '../protocol/messages.js';
import { parseRecording, type RecordingFile } from '../snapshot-file/recording.js';
import { diff as diffFiles, type Difference } from '../snapshot-file/diff.js';
import type { SnapshotFile } from '../snapshot-file/format.js';
import { parseSnapshot } from '../snapshot-file/validate.js';
import { connect, type StratumClient } from './connect.js';
import { snapshot } from './snapshot.js';

export type { RecordingFile, RecordStatus };

/** A recording as its text, a parsed file, or a path to one. */
export type RecordingSource = string | RecordingFile | { path: string };

export interface Rehearsal {
  database: string;
  from: number;
  to: number;
  ok: boolean;
  differences?: Difference[];
  error?: { name: string; message: string };
  row?: { table: string; op: string; key: unknown; value: unknown };
  rolledBack?: boolean;
}

async function pull(client: StratumClient, transfer: string, size: number): Promise<string> {
  let out = '';
  while (out.length < size) {
    const piece = await client.request(Command.snapshotRead, { transfer, offset: out.length, length: MAX_SNAPSHOT_CHUNK });
    if (piece.text.length === 0) throw new Error(`the page's transfer ended at ${out.length} of ${size} characters.`);
    out += piece.text;
  }
  await client.request(Command.snapshotDiscard, { transfer });
  return out;
}

async function push(client: StratumClient, text: string): Promise<string> {
  let transfer: string | null = null;
  for (let offset = 0; offset < text.length || transfer === null; ) {
    let end = Math.min(text.length, offset + MAX_SNAPSHOT_CHUNK);
    // Never cut between the two halves of a surrogate pair.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    const piece: { transfer: string } = await client.request(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, end), size: text.length });
    transfer = piece.transfer;
    offset = end;
    if (text.length === 0) break;
  }
  return transfer!;
}

async function textOf(source: string | object | { path: string }): Promise<string> {
  if (typeof source === 'string') return source;
  if ('path' in source && typeof source.path === 'string' && !('format' in source)) return readFile(source.path, 'utf8');
  return JSON.stringify(source);
}

export interface Recording {
  /** How many changes so far, and whether the byte budget stopped it (the panel shows it as a banner). */
  status(): Promise<RecordStatus>;
  /** Stops and answers the file (also written to `path` when given). */
  stop(options?: { path?: string }): Promise<RecordingFile>;
}

/**
 * Starts recording the page: a snapshot now, then every change of every stratum (states,
 * webstorage, database transactions, blobs by content hash) with its label and time, and with
 * `trace` its call site; `budget` (characters, default 16 MiB) bounds the changes — at the limit
 * recording stops and `stopped` says 'budget'.
 */
export async function record(page: Page, options: { budget?: number; trace?: boolean } = {}): Promise<Recording> {
  const client = await connect(page);
  try {
    await client.request(Command.recordStart, { ...(options.budget !== undefined && { budget: options.budget }), ...(options.trace !== undefined && { trace: options.trace }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  return {
    status: () => client.request(Command.recordStatus, {}),
    async stop(stopOptions = {}) {
      try {
        const { transfer, size } = await client.request(Command.recordStop, {});
        const text = await pull(client, transfer, size);
        if (stopOptions.path) await writeFile(stopOptions.path, text);
        return parseRecording(text);
      } finally {
        await client.close();
      }
    },
  };
}

/**
 * Applies a recording to the page (best a fresh profile with the app loaded): its starting
 * snapshot restored, then changes up to `to` (default all). Refused in words, nothing applied,
 * when the recording is newer, truncated, or does not fit the page's schema. `differences` is
 * the diff of the page's end state against the recording's own end (with `to` short of the end,
 * against that end still).
 */
export async function replay(
  page: Page,
  recording: RecordingSource,
  options: { to?: number } = {},
): Promise<{ position: number; total: number; skipped: number; differences: Difference[] }> {
  const text = await textOf(recording);
  const file = parseRecording(text); // a broken file is refused here, before the page sees a byte
  const client = await connect(page);
  let result: { position: number; total: number; skipped: number };
  try {
    const transfer = await push(client, text);
    try {
      result = await client.request(Command.replayApply, { transfer, from: 0, to: options.to ?? file.changes.length });
    } finally {
      await client.request(Command.snapshotDiscard, { transfer });
    }
  } finally {
    await client.close();
  }
  return { ...result, differences: diffFiles(file.end, await snapshot(page)) };
}

/**
 * A migration rehearsal: the snapshot (taken at an older schema version) goes into a throw-away
 * memory copy of each of its databases, the app's current `upgrade` runs on it, and each answer
 * is the differences it made, or the error with the row it failed on and whether it rolled back.
 * The app's own databases are never written.
 */
export async function rehearseUpgrade(page: Page, source: string | SnapshotFile | { path: string }, options: { database?: string } = {}): Promise<{ rehearsals: Rehearsal[] }> {
  const text = await textOf(source);
  parseSnapshot(text);
  const client = await connect(page);
  try {
    const transfer = await push(client, text);
    try {
      const answer = await client.request(Command.rehearseUpgrade, { transfer, ...(options.database !== undefined && { database: options.database }) });
      return JSON.parse(await pull(client, answer.transfer, answer.size)) as { rehearsals: Rehearsal[] };
    } finally {
      await client.request(Command.snapshotDiscard, { transfer });
    }
  } finally {
    await client.close();
  }
}
