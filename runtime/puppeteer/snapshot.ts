import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'puppeteer';
import { diff as diffFiles, type Difference } from '../snapshot-file/diff.js';
import type { SnapshotFile } from '../snapshot-file/format.js';
import { parseSnapshot } from '../snapshot-file/validate.js';
import { Command, MAX_SNAPSHOT_CHUNK, type SnapshotSummary } from '../protocol/messages.js';
import { connect, type StratumClient } from './connect.js';

export type { Difference, SnapshotFile, SnapshotSummary };

/** A snapshot as its file text, a parsed file, or a path to one. */
export type SnapshotSource = string | SnapshotFile | { path: string };

async function withClient<T>(page: Page, run: (client: StratumClient) => Promise<T>): Promise<T> {
  const client = await connect(page);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

async function textOf(source: SnapshotSource): Promise<string> {
  if (typeof source === 'string') return source;
  if ('path' in source && typeof source.path === 'string' && !('format' in source)) return readFile(source.path, 'utf8');
  return JSON.stringify(source);
}

/**
 * The whole app's data — every store's states, every webstorage namespace, every database's
 * rows and blobs — as one snapshot file. Pass `{ path }` to also write it to disk.
 */
export async function snapshot(page: Page, options: { path?: string } = {}): Promise<SnapshotFile> {
  const text = await withClient(page, async (client) => {
    const { transfer, size } = await client.request(Command.snapshotExport, {});
    let out = '';
    while (out.length < size) {
      const piece = await client.request(Command.snapshotRead, { transfer, offset: out.length, length: MAX_SNAPSHOT_CHUNK });
      if (piece.text.length === 0) throw new Error(`snapshot: the page's transfer ended at ${out.length} of ${size} characters.`);
      out += piece.text;
    }
    await client.request(Command.snapshotDiscard, { transfer });
    return out;
  });
  if (options.path) await writeFile(options.path, text);
  return parseSnapshot(text);
}

/**
 * Restores a snapshot into the page: refused with the reason (a newer format, a truncated file,
 * a schema that does not match the page's databases) and nothing applied, or applied — each
 * database in one transaction, then webstorage, then states. Resolves with what changed.
 */
export async function restore(page: Page, source: SnapshotSource, options: { strict?: boolean } = {}): Promise<SnapshotSummary> {
  const text = await textOf(source);
  parseSnapshot(text); // refuse a broken file here, in words, before the page sees a byte
  return withClient(page, async (client) => {
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
    return client.request(Command.snapshotImport, { transfer: transfer!, ...(options.strict !== undefined && { strict: options.strict }) });
  });
}

/** What differs between two snapshots, across every stratum: a path, the value before, after. */
export async function diff(a: SnapshotSource, b: SnapshotSource): Promise<Difference[]> {
  return diffFiles(parseSnapshot(await textOf(a)), parseSnapshot(await textOf(b)));
}
