/**
 * A table whose keys are out of line (an IndexedDB object store localForage or a hand-written
 * upgrade made without a key path) in a database Stratum opens: the panel lists it, reads its
 * rows with their primary keys (from the cursor), counts, searches, edits and deletes them by key,
 * refuses a write that cannot name its key, and a snapshot export carries its rows with their keys.
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { LEGACY_ROWS, makeLegacyDatabase } from '../../../../test/helpers/out-of-line-idb.js';
import { decode, encode } from '../../../codec/index.js';
import { openDatabase } from '../../../db/database.js';
import { Command, Event, MAX_SNAPSHOT_CHUNK } from '../../../protocol/messages.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';
import { parseSnapshot } from '../../../snapshot-file/validate.js';
import { parseRecording } from '../../../snapshot-file/recording.js';
import { exportSnapshot, readTransfer, writeTransfer } from '../../../../test/helpers/snapshot-transfer.js';

const real = globalThis.indexedDB;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  globalThis.indexedDB = real;
  configureDevtools({ redact: () => false });
});

async function setup(name: string, rows = LEGACY_ROWS) {
  await makeLegacyDatabase(globalThis.indexedDB, name, rows);
  const db = await openDatabase(name, { version: 1, tables: { notes: { key: 'id' } } });
  const t = kit();
  await t.hello();
  return { t, db, id: registryId(db)! };
}

describe('a table with out-of-line keys in the panel', () => {
  it('is listed as out of line, with its count', async () => {
    const { t, db, id } = await setup('ool-snapshot');
    const info = t.events(Event.snapshot)[0]!.databases.find((candidate) => candidate.id === id)!;
    // '' is what the panel shows as "(out of line)", as the page-storage inspector sends it.
    expect(info.tables.find((table) => table.name === 'legacy')).toMatchObject({ keyPath: '', autoIncrement: false, count: 3 });
    db.close();
  });

  it('pages its rows with their primary keys, by key and by index, with the total', async () => {
    const { t, db, id } = await setup('ool-query');
    const all = await t.call(Command.dbQuery, { database: id, table: 'legacy' });
    expect(all.total).toBe(3);
    expect(all.rows.map((row) => [row.key, decode(row.value)])).toEqual(LEGACY_ROWS);
    const second = await t.call(Command.dbQuery, { database: id, table: 'legacy', offset: 1, limit: 1 });
    expect(second.rows.map((row) => row.key)).toEqual(['k2']);
    const backwards = await t.call(Command.dbQuery, { database: id, table: 'legacy', range: { lte: 'k2' }, direction: 'prev' });
    expect(backwards.rows.map((row) => row.key)).toEqual(['k2', 'k1']);
    expect(backwards.total).toBe(2);
    const byTag = await t.call(Command.dbQuery, { database: id, table: 'legacy', index: 'byTag', range: { eq: 'b' } });
    expect(byTag.rows.map((row) => row.key)).toEqual(['k2']);
    db.close();
  });

  it('edits a field and deletes a row by key, checking the hash the panel saw', async () => {
    const { t, db, id } = await setup('ool-edit');
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'legacy' });
    const target = { kind: 'row' as const, database: id, table: 'legacy', key: 'k1' };
    await t.call(Command.edit, { target, baseVersion: rows[0]!.hash, path: ['text'], op: 'set', value: 'edited' });
    expect(await db.table('legacy').get('k1')).toEqual({ tag: 'a', text: 'edited' });
    // The hash of the row before the edit: a conflict, nothing written.
    await expect(t.call(Command.edit, { target, baseVersion: rows[0]!.hash, path: ['text'], op: 'set', value: 'lost' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await db.table('legacy').get('k1')).toEqual({ tag: 'a', text: 'edited' });
    await t.call(Command.dbDelete, { database: id, table: 'legacy', key: 'k3', baseVersion: rows[2]!.hash });
    expect(await db.table('legacy').count()).toBe(2);
    db.close();
  });

  it('writes a whole row at the key the panel saw, and refuses one that names no key, or an add, in words', async () => {
    const { t, db, id } = await setup('ool-put');
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'legacy' });
    const written = await t.call(Command.dbPut, { database: id, table: 'legacy', value: encode({ tag: 'z' }), baseVersion: rows[1]!.hash, key: 'k2' });
    expect(written.key).toBe('k2');
    expect(await db.table('legacy').get('k2')).toEqual({ tag: 'z' });
    await expect(t.call(Command.dbPut, { database: id, table: 'legacy', value: encode({ tag: 'y' }), baseVersion: null })).rejects.toMatchObject({
      code: 'not-editable',
      message: expect.stringMatching(/"legacy".*out of line/),
    });
    await expect(t.call(Command.dbAdd, { database: id, table: 'legacy', value: encode({ tag: 'y' }) })).rejects.toMatchObject({
      code: 'not-editable',
      message: expect.stringMatching(/"legacy".*out of line/),
    });
    expect(await db.table('legacy').count()).toBe(3);
    db.close();
  });

  it("adds a row at a key the panel's Add row names, only where no row is", async () => {
    const { t, db, id } = await setup('ool-add-at');
    const written = await t.call(Command.dbPut, { database: id, table: 'legacy', value: encode('a plain string'), baseVersion: null, key: 'k9' });
    expect(written.key).toBe('k9');
    expect(await db.table('legacy').get('k9')).toBe('a plain string');
    await expect(t.call(Command.dbPut, { database: id, table: 'legacy', value: encode({ tag: 'lost' }), baseVersion: null, key: 'k1' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await db.table('legacy').get('k1')).toEqual(LEGACY_ROWS[0]![1]);
    expect(await db.table('legacy').count()).toBe(4);
    db.close();
  });

  it('search finds its rows under their keys', async () => {
    const { t, db, id } = await setup('ool-search');
    const result = await t.call(Command.search, { query: 'zebra', mode: 'text', room: 10 });
    const hit = result.matches.find((match) => match.target.kind === 'row');
    expect(hit?.target).toMatchObject({ kind: 'row', database: id, table: 'legacy', key: 'k1' });
    db.close();
  });

  it('a snapshot export carries its rows with their keys', async () => {
    const { t, db } = await setup('ool-export');
    const { transfer, size } = await t.call(Command.snapshotExport, {});
    let text = '';
    while (text.length < size) text += (await t.call(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK })).text;
    await t.call(Command.snapshotDiscard, { transfer });
    const file = parseSnapshot(text);
    const legacy = file.databases.find((candidate) => candidate.name === 'ool-export')!.tables.find((table) => table.name === 'legacy')!;
    expect(legacy.schema.keyPath).toBeNull();
    expect(legacy.rows.map((row) => [row.key, decode(row.value)])).toEqual(LEGACY_ROWS);
    db.close();
  });

  it('with redact, a key it hides goes as a handle, and the handle deletes its row', async () => {
    configureDevtools({ redact: (_path, value) => value === 'k2' });
    const { t, db, id } = await setup('ool-redact');
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'legacy' });
    const hidden = rows[1]!.key as { $t: string; handle: string };
    expect(hidden).toMatchObject({ $t: 'redacted' });
    await expect(t.call(Command.dbDelete, { database: id, table: 'legacy', key: 'k2', baseVersion: rows[1]!.hash })).rejects.toMatchObject({ code: 'redacted' });
    await t.call(Command.dbDelete, { database: id, table: 'legacy', key: hidden, baseVersion: rows[1]!.hash });
    expect(await db.table('legacy').get('k2')).toBeUndefined();
    db.close();
  });

  it('an import of the exported file writes its rows back at their keys', async () => {
    const { t, db } = await setup('ool-import');
    const text = await exportSnapshot(t);
    const legacy = db.table('legacy');
    await legacy.update('k1', { text: 'moved on' });
    await legacy.delete('k3');
    const transfer = await writeTransfer(t, text);
    await t.call(Command.snapshotImport, { transfer });
    await t.call(Command.snapshotDiscard, { transfer });
    const rows = await db.transaction(['legacy'], 'readonly', async (tx) => Promise.all(LEGACY_ROWS.map(([key]) => tx.table('legacy').get(key))));
    expect(rows).toEqual(LEGACY_ROWS.map(([, value]) => value));
    expect(await legacy.count()).toBe(3);
    db.close();
  });

  it('a recording carries its rows with their keys, and a replay writes them back at those keys', async () => {
    const { t, db } = await setup('ool-record');
    const legacy = db.table('legacy');
    await t.call(Command.recordStart, {});
    await legacy.update('k1', { text: 'recorded' });
    const { transfer: out, size } = await t.call(Command.recordStop, {});
    const recording = parseRecording(await readTransfer(t, out, size));
    const change = recording.changes.find((candidate) => candidate.kind === 'db');
    expect(change).toMatchObject({ kind: 'db', ops: [{ table: 'legacy', op: 'put', rows: [{ key: 'k1', value: { tag: 'a', text: 'recorded' } }] }] });
    await legacy.update('k1', { text: 'later' });
    const transfer = await writeTransfer(t, JSON.stringify(recording));
    await t.call(Command.replayApply, { transfer, from: 0, to: recording.changes.length });
    await t.call(Command.snapshotDiscard, { transfer });
    expect(await legacy.get('k1')).toEqual({ tag: 'a', text: 'recorded' });
    expect(await legacy.count()).toBe(3);
    db.close();
  });

  it('a migration rehearsal refuses such a table in words, having run nothing', async () => {
    const { t, db } = await setup('ool-rehearse');
    const text = await exportSnapshot(t);
    const transfer = await writeTransfer(t, text);
    const answer = await t.call(Command.rehearseUpgrade, { transfer, database: 'ool-rehearse' });
    await t.call(Command.snapshotDiscard, { transfer });
    const [rehearsal] = (JSON.parse(await readTransfer(t, answer.transfer, answer.size)) as { rehearsals: { ok: boolean; error?: { message: string } }[] }).rehearsals;
    expect(rehearsal).toMatchObject({ ok: false, error: { message: expect.stringMatching(/"legacy" keeps its keys out of line/) } });
    expect(await db.table('legacy').count()).toBe(3);
    db.close();
  });

  it('the storage budget measures its rows and lists them by key, less a key redact() hides', async () => {
    configureDevtools({ redact: (_path, value) => value === 'k2' });
    const { t, db, id } = await setup('ool-budget');
    const budget = await t.call(Command.storageBudget, { top: 5 });
    const legacy = budget.databases.find((candidate) => candidate.id === id)!.tables.find((table) => table.name === 'legacy')!;
    expect(legacy).toMatchObject({ rows: 3, measured: 3 });
    expect(legacy.bytes).toBeGreaterThan(0);
    expect(legacy.top.map((item) => item.key).sort()).toEqual(['k1', 'k3']);
    db.close();
  });

  it('a key redact() hides never leaves the page: rows, search, deltas, the budget and the file carry a handle or [redacted]', async () => {
    configureDevtools({ redact: (_path, value) => typeof value === 'string' && value.startsWith('secret-') });
    const { t, db, id } = await setup('ool-wire', [...LEGACY_ROWS, ['secret-alice', { tag: 'c', text: 'row of alice' }]]);
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'legacy' });
    const alice = rows.find((row) => (decode(row.value) as { text?: string }).text === 'row of alice')!;
    expect(alice.key).toMatchObject({ $t: 'redacted' });
    const found = await t.call(Command.search, { query: 'alice', mode: 'text', room: 10 });
    expect(found.matches[0]!.target).toMatchObject({ key: alice.key });
    await t.call(Command.storageBudget, { top: 10 });
    await db.table('legacy').update('secret-alice', { text: 'changed' });
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    expect(t.events(Event.dbChanged).at(-1)!.keys).toEqual([alice.key]);
    const file = parseSnapshot(await exportSnapshot(t));
    const legacy = file.databases.find((candidate) => candidate.name === 'ool-wire')!.tables.find((table) => table.name === 'legacy')!;
    expect(legacy.rows.map((row) => row.key)).toContainEqual({ $t: 'redacted' });
    expect(JSON.stringify(t.envelopes)).not.toContain('secret-alice');
    db.close();
  });
});
