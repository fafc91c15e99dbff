/**
 * The snapshot commands over the protocol (in-memory walls: every envelope structured-cloned and
 * validated on both sides): a page with a 20 MB blob is exported and pulled in pieces no message
 * limit refuses, sent back in pieces, previewed, imported; refusals answer `invalid` in words.
 */
import { describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { bytes } from '../../../test/helpers/snapshot-app.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command, Event, LIMITS, MAX_SNAPSHOT_CHUNK } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';
import { parseSnapshot } from '../../snapshot-file/validate.js';

type Kit = ReturnType<typeof kit>;

async function pull(t: Kit): Promise<string> {
  const { transfer, size } = await t.call(Command.snapshotExport, {});
  let text = '';
  while (text.length < size) {
    const piece = await t.call(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK });
    expect(piece.text.length).toBeLessThanOrEqual(MAX_SNAPSHOT_CHUNK);
    text += piece.text;
  }
  await t.call(Command.snapshotDiscard, { transfer });
  return text;
}

async function push(t: Kit, text: string, piece = MAX_SNAPSHOT_CHUNK): Promise<string> {
  let transfer: string | null = null;
  for (let offset = 0; offset < text.length || transfer === null; offset += piece) {
    ({ transfer } = await t.call(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, offset + piece), size: text.length }));
  }
  return transfer;
}

describe('snapshot commands', () => {
  it('export a 20 MB blob in pieces, then restore the page from the file, labelled', async () => {
    const t = kit({ timeout: 60_000 });
    await t.hello();
    const store = new Store({ name: 'cmd-app' });
    const count = store.createState(1, { key: 'count', scope: 'app' });
    const prefs = webstorage('memory', { namespace: 'cmd' });
    prefs.set('theme', 'dark');
    const db = await openDatabase('cmd-db', { version: 1, tables: { notes: { key: 'id' } }, blobs: true, provider: memory() });
    await db.table('notes').put({ id: 1, text: 'first' });
    const big = bytes(20 * 1024 * 1024);
    const id = await db.blobs.put(new Blob([big], { type: 'application/octet-stream' }));

    const text = await pull(t);
    expect(text.length).toBeGreaterThan(LIMITS.string);
    const file = parseSnapshot(text);
    expect(file.databases.find((candidate) => candidate.name === 'cmd-db')!.blobs).toMatchObject([{ id, size: big.length }]);

    count.set(2);
    prefs.set('theme', 'light');
    prefs.set('extra', true);
    await db.table('notes').put({ id: 1, text: 'changed' });
    await db.blobs.delete(id);

    const transfer = await push(t, text);
    const preview = await t.call(Command.snapshotPreview, { transfer });
    expect(preview).toMatchObject({
      applied: false,
      counts: { state: { changed: 1 }, webstorage: { changed: 1, removed: 1 }, row: { changed: 1 }, blob: { added: 1 } },
    });
    expect(count.value).toBe(2);

    const before = t.events().length;
    const summary = await t.call(Command.snapshotImport, { transfer });
    expect(summary.applied).toBe(true);
    expect(count.value).toBe(1);
    expect(prefs.get('theme')).toBe('dark');
    expect(prefs.has('extra')).toBe(false);
    expect(await db.table('notes').get(1)).toEqual({ id: 1, text: 'first' });
    const restored = await db.blobs.get(id);
    expect(restored && Buffer.from(await restored.arrayBuffer()).equals(Buffer.from(big))).toBe(true);
    t.frame();
    const labels = t.events().slice(before).flatMap((message) => ('label' in message.payload ? [message.payload.label] : []));
    expect(new Set(labels)).toEqual(new Set(['devtools: snapshot import']));
    expect(t.events(Event.stateChanged).at(-1)).toMatchObject({ state: count.id, label: 'devtools: snapshot import' });
  }, 60_000);

  it('refuse a newer file in words, applying nothing', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'cmd-refuse' });
    const count = store.createState(1, { key: 'count', scope: 'app' });
    const file = parseSnapshot(await pull(t));
    count.set(5);
    const transfer = await push(t, JSON.stringify({ ...file, version: 99 }));
    await expect(t.call(Command.snapshotImport, { transfer })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/format version 99/),
    });
    await expect(t.call(Command.snapshotPreview, { transfer: await push(t, '{"format":"stratum-snap') })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/truncated/),
    });
    expect(count.value).toBe(5);
  });

  it('take pieces in order only, never split a surrogate pair, and forget a discarded transfer', async () => {
    const t = kit();
    await t.hello();
    const { transfer } = await t.call(Command.snapshotWrite, { transfer: null, offset: 0, text: 'ab', size: 5 });
    await expect(t.call(Command.snapshotWrite, { transfer, offset: 3, text: 'x', size: 5 })).rejects.toMatchObject({ code: 'invalid' });
    await expect(t.call(Command.snapshotPreview, { transfer })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/2 of 5/) });
    await t.call(Command.snapshotWrite, { transfer, offset: 2, text: 'c😀', size: 5 });
    const first = await t.call(Command.snapshotRead, { transfer, offset: 0, length: 4 });
    expect(first.text).toBe('abc');
    const rest = await t.call(Command.snapshotRead, { transfer, offset: 3, length: 4 });
    expect(first.text + rest.text).toBe('abc😀');
    expect(await t.call(Command.snapshotDiscard, { transfer })).toEqual({ discarded: true });
    await expect(t.call(Command.snapshotRead, { transfer, offset: 0, length: 1 })).rejects.toMatchObject({ code: 'not-found' });
  });
});
