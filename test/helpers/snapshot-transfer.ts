/**
 * A snapshot file through the agent's chunked transfer commands, as the panel moves one:
 * export and read it whole, or write one in and get the transfer to preview or import.
 */
import { Command, MAX_SNAPSHOT_CHUNK } from '../../runtime/protocol/messages.js';
import type { kit } from './agent-kit.js';

type Kit = ReturnType<typeof kit>;

/** Reads an exported transfer whole, then lets the agent drop it. */
export async function readTransfer(t: Kit, transfer: string, size: number): Promise<string> {
  let text = '';
  while (text.length < size) text += (await t.call(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK })).text;
  await t.call(Command.snapshotDiscard, { transfer });
  return text;
}

/** The page's snapshot file, exported and read whole. */
export async function exportSnapshot(t: Kit): Promise<string> {
  const { transfer, size } = await t.call(Command.snapshotExport, {});
  return readTransfer(t, transfer, size);
}

/** Writes a snapshot file to the agent in chunks; the transfer names it for preview and import. */
export async function writeTransfer(t: Kit, text: string): Promise<string> {
  let transfer: string | null = null;
  for (let offset = 0; offset < text.length || transfer === null; offset += MAX_SNAPSHOT_CHUNK) {
    ({ transfer } = await t.call(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, offset + MAX_SNAPSHOT_CHUNK), size: text.length }));
  }
  return transfer;
}
