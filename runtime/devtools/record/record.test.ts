/**
 * Issue 23 over the protocol (in-memory walls): a session recorded across every stratum replays
 * from its start to an end no diff tells apart from the recording's own; the byte budget stops a
 * recording with a banner-worthy status and a whole file; broken, newer and ill-fitting recordings
 * are refused in words; a migration rehearsal shows an upgrade's differences, or its error, the
 * row it failed on and the rollback — and never touches the app's own database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configureDevtools } from '../../registry/registry.js';
import { kit } from '../../../test/helpers/agent-kit.js';
import { readTransfer as pull, writeTransfer as push } from '../../../test/helpers/snapshot-transfer.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command } from '../../protocol/messages.js';
import { Scopes, Store } from '../../store/index.js';
import { webstorage } from '../../webstorage/index.js';
import { diff } from '../../snapshot-file/diff.js';
import { parseRecording, RECORDING_VERSION, type RecordingFile } from '../../snapshot-file/recording.js';
import { endState } from '../../snapshot-file/end-state.js';
import { parseSnapshot } from '../../snapshot-file/validate.js';
import type { Rehearsal } from './rehearse.js';

type Kit = ReturnType<typeof kit>;

async function exported(t: Kit) {
  const { transfer, size } = await t.call(Command.snapshotExport, {});
  return parseSnapshot(await pull(t, transfer, size));
}

async function stop(t: Kit): Promise<RecordingFile> {
  const { transfer, size } = await t.call(Command.recordStop, {});
  return parseRecording(await pull(t, transfer, size));
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('record and replay', () => {
  it('records every stratum, then replays from the start to an end the diff cannot tell apart', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'rec-app', clientId: 'tab-a' });
    const count = store.createState(0, { key: 'count', scope: 'app' });
    const picked = store.createState<number | null>(null, { key: 'picked', scope: Scopes.Client });
    const prefs = webstorage('memory', { namespace: 'rec' });
    prefs.set('theme', 'light');
    const db = await openDatabase('rec-db', { version: 1, tables: { notes: { key: 'id', autoIncrement: true } }, blobs: true, cache: true, provider: memory() });
    await db.table('notes').put({ id: 1, title: 'one' });

    await t.call(Command.recordStart, {});
    count.set(1, { label: 'click' });
    count.set(2, { label: 'click' });
    picked.set(1, { label: 'pick' });
    prefs.set('theme', 'dark');
    prefs.set('gone', 1);
    prefs.remove('gone');
    await db.transaction(['notes'], 'readwrite', async (tx) => {
      await tx.table('notes').put({ id: 2, title: 'two' });
      await tx.table('notes').delete(1);
    });
    const blob = await db.blobs.put(new Blob(['hello, replay'], { type: 'text/plain' }), { name: 'hello.txt' });
    await db.cache.set('quote', 'data outlives code');
    const status = await t.call(Command.recordStatus, {});
    expect(status).toMatchObject({ recording: true, stopped: null });
    expect(status.changes).toBeGreaterThanOrEqual(8);
    const recording = await stop(t);

    expect(recording.version).toBe(RECORDING_VERSION);
    expect(recording.stopped).toBe('user');
    const kinds = recording.changes.map((change) => `${change.kind}:${change.label}`);
    expect(kinds.slice(0, 6)).toEqual(['state:click', 'state:click', 'state:pick', 'webstorage:set', 'webstorage:set', 'webstorage:remove']);
    const tx = recording.changes.find((change) => change.kind === 'db' && change.ops.some((op) => op.table === 'notes'));
    expect(tx).toMatchObject({ kind: 'db', database: 'rec-db', ops: [{ table: 'notes', op: 'put', rows: [{ key: 2, value: { id: 2, title: 'two' } }] }, { table: 'notes', op: 'delete', keys: [1] }] });
    // The client scope reads `$client`, so another tab replays into its own client.
    expect(recording.changes[2]).toMatchObject({ kind: 'state', scope: '$client', key: 'picked' });
    // Blobs by content hash.
    expect(Object.keys(recording.bytes)).toEqual([expect.stringMatching(/^fnv1a64:[0-9a-f]{16}$/)]);
    expect(recording.changes.every((change, i) => i === 0 || change.at >= recording.changes[i - 1]!.at)).toBe(true);

    // Another session moves everything on; the replay brings it back to the recording's end.
    count.set(99);
    picked.set(null);
    prefs.clear();
    await db.table('notes').clear();
    await db.blobs.delete(blob);
    const transfer = await push(t, JSON.stringify(recording));
    const halfway = await t.call(Command.replayApply, { transfer, from: 0, to: 2 });
    expect(halfway).toEqual({ position: 2, total: recording.changes.length, skipped: 0 });
    expect(count.get()).toBe(2);
    expect(picked.get()).toBe(null);
    const done = await t.call(Command.replayApply, { transfer, from: 2, to: recording.changes.length });
    expect(done.position).toBe(recording.changes.length);
    expect(diff(recording.end, await exported(t))).toEqual([]);
    expect(endState(recording.end)).toEqual(endState(await exported(t)));
    expect(await (await db.blobs.get(blob))!.text()).toBe('hello, replay');
    // Going back to change 1 restores the start first.
    await t.call(Command.replayApply, { transfer, from: done.position, to: 1 });
    expect(count.get()).toBe(1);
    expect(prefs.get('theme')).toBe('light');
    await t.call(Command.snapshotDiscard, { transfer });
  });

  it('carries call sites when traces are on, none when off', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'traced-app' });
    const clicks = store.createState(0, { key: 'clicks', scope: 'app' });
    const db = await openDatabase('traced-db', { version: 1, tables: { hits: { key: 'id' } }, provider: memory() });
    await t.call(Command.trace, { enabled: true });
    await t.call(Command.recordStart, { trace: true });
    function appClicks() {
      clicks.set(clicks.get() + 1, { label: 'click' });
    }
    async function appSaves() {
      await db.table('hits').put({ id: 1 });
    }
    appClicks();
    await appSaves();
    const traced = await stop(t);
    expect(traced.changes[0]!.stack![0]).toMatch(/^appClicks \(.*record\.test\.ts:\d+:\d+\)$/);
    expect(traced.changes[1]!.stack!.some((frame) => frame.startsWith('appSaves '))).toBe(true);

    await t.call(Command.trace, { enabled: false });
    await t.call(Command.recordStart, {});
    appClicks();
    const plain = await stop(t);
    expect(plain.changes).toHaveLength(1);
    expect(plain.changes[0]!.stack).toBeUndefined();
  });

  it('stops at the byte budget: the status says so, the file is whole up to there and replays to its end', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'budget-app' });
    const text = store.createState('', { key: 'text', scope: 'app' });
    await t.call(Command.recordStart, { budget: 2_000 });
    for (let i = 0; i < 50; i++) text.set('x'.repeat(100) + i, { label: 'type' });
    const status = await t.call(Command.recordStatus, {});
    expect(status).toMatchObject({ recording: false, stopped: 'budget', budget: 2_000 });
    expect(status.changes).toBeLessThan(50);
    const recording = await stop(t);
    expect(recording.stopped).toBe('budget');
    expect(recording.changes.length).toBe(status.changes);
    // The end is the moment it stopped, so replay still arrives there.
    text.set('later');
    const transfer = await push(t, JSON.stringify(recording));
    await t.call(Command.replayApply, { transfer, from: 0, to: recording.changes.length });
    await t.call(Command.snapshotDiscard, { transfer });
    expect(text.get()).toBe(`${'x'.repeat(100)}${status.changes - 1}`);
    expect(diff(recording.end, await exported(t))).toEqual([]);
  });

  it('lets go of every database when the end cannot be read, so later writes are not kept by a recording nobody holds', async () => {
    const t = kit();
    await t.hello();
    const kept = await openDatabase('rec-kept', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const failing = await openDatabase('rec-failing', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const listening = new Set<unknown>();
    const subscribe = kept.subscribe.bind(kept);
    kept.subscribe = (listener) => {
      listening.add(listener);
      const stop = subscribe(listener);
      return () => {
        listening.delete(listener);
        stop();
      };
    };
    await t.call(Command.recordStart, {});
    expect(listening.size).toBe(1);
    await kept.table('notes').put({ id: 1 });
    // A server database whose connection drops as the recording stops: its end cannot be read.
    const transaction = failing.transaction.bind(failing);
    failing.transaction = (() => Promise.reject(new Error('connection to rec-failing lost'))) as typeof failing.transaction;
    expect(await refusal(t.call(Command.recordStop, {}))).toMatch(/rec-failing lost/);
    expect(listening.size).toBe(0);
    // Back: a new recording starts and ends as usual.
    failing.transaction = transaction;
    await t.call(Command.recordStart, {});
    await kept.table('notes').put({ id: 2 });
    expect(listening.size).toBe(1);
    expect((await stop(t)).changes).toHaveLength(1);
    expect(listening.size).toBe(0);
    kept.close();
    failing.close();
  });

  it('replays a stored text as it was stored: a text that is not JSON, and JSON that is not the codec\'s', async () => {
    const t = kit();
    await t.hello();
    const prefs = webstorage('memory', { namespace: 'raw' });
    prefs.set('theme', 'light');
    await t.call(Command.recordStart, {});
    prefs.setRaw('theme', 'dark');
    prefs.setRaw('size', '{"w":1}');
    const recording = await stop(t);
    expect(recording.changes).toMatchObject([{ kind: 'webstorage', key: 'theme', text: 'dark' }, { kind: 'webstorage', key: 'size', text: '{"w":1}' }]);
    prefs.clear();
    const transfer = await push(t, JSON.stringify(recording));
    await t.call(Command.replayApply, { transfer, from: 0, to: recording.changes.length });
    await t.call(Command.snapshotDiscard, { transfer });
    expect(prefs.rawEntries()).toMatchObject([{ key: 'theme', text: 'dark' }, { key: 'size', text: '{"w":1}' }]);
    expect(diff(recording.end, await exported(t))).toEqual([]);
  });

  it('refuses a newer, truncated or ill-fitting recording in words, applying nothing', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'refuse-app' });
    const value = store.createState(1, { key: 'value', scope: 'app' });
    const db = await openDatabase('refuse-db', { version: 1, tables: { items: { key: 'id' } }, provider: memory() });
    await t.call(Command.recordStart, {});
    value.set(2);
    await db.table('items').put({ id: 1 });
    const recording = await stop(t);
    const text = JSON.stringify(recording);
    value.set(5);

    const newer = await push(t, JSON.stringify({ ...recording, version: RECORDING_VERSION + 1 }));
    expect(await refusal(t.call(Command.replayApply, { transfer: newer, from: 0, to: 1 }))).toMatch(/format version 2; this stratum reads up to 1/);
    const cut = await push(t, text.slice(0, text.length - 40));
    expect(await refusal(t.call(Command.replayApply, { transfer: cut, from: 0, to: 1 }))).toMatch(/truncated/);
    const other = structuredClone(recording);
    other.start.databases.find((db) => db.name === 'refuse-db')!.tables[0]!.schema.keyPath = 'key';
    const misfit = await push(t, JSON.stringify(other));
    expect(await refusal(t.call(Command.replayApply, { transfer: misfit, from: 0, to: 1 }))).toMatch(/refuse-db.*key/);
    for (const transfer of [newer, cut, misfit]) await t.call(Command.snapshotDiscard, { transfer });
    expect(value.get()).toBe(5);
  });
});

describe('migration rehearsal', () => {
  async function oldSnapshot(t: Kit, name: string, rows: object[]) {
    // The same app at version 1, under another name so the page's own database stays at version 2.
    const old = await openDatabase(`${name}-v1`, { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    await old.table('notes').bulkPut(rows);
    const file = await exported(t);
    old.close();
    file.databases = file.databases.filter((db) => db.name === `${name}-v1`).map((db) => ({ ...db, name }));
    file.stores = [];
    file.webstorages = [];
    return file;
  }

  async function rehearse(t: Kit, file: object, database: string): Promise<Rehearsal> {
    const transfer = await push(t, JSON.stringify(file));
    const answer = await t.call(Command.rehearseUpgrade, { transfer, database });
    await t.call(Command.snapshotDiscard, { transfer });
    return (JSON.parse(await pull(t, answer.transfer, answer.size)) as { rehearsals: Rehearsal[] }).rehearsals[0]!;
  }

  const v2 = {
    version: 2,
    tables: { notes: { key: 'id', indexes: { slug: 'slug' } } },
    upgrade: async ({ oldVersion, tx }: { oldVersion: number; tx: import('../../db/types.js').Transaction }) => {
      if (oldVersion >= 2) return;
      const notes = tx.table('notes') as unknown as import('../../db/types.js').Table<{ id: number; title: unknown; slug?: string }, number>;
      for (const note of await notes.query()) {
        if (typeof note.title !== 'string') throw new TypeError(`note ${note.id} has no title to make a slug of`);
        await notes.put({ ...note, slug: note.title.toLowerCase().replace(/\W+/g, '-') });
      }
    },
  };

  it('shows every difference a successful upgrade makes, and leaves the app database alone', async () => {
    const t = kit();
    await t.hello();
    const app = await openDatabase('reh-ok', { ...v2, provider: memory() });
    await app.table('notes').put({ id: 7, title: 'Mine', slug: 'mine' });
    let events = 0;
    app.subscribe(() => events++);
    const file = await oldSnapshot(t, 'reh-ok', [{ id: 1, title: 'Hello World' }, { id: 2, title: 'Second' }]);

    const result = await rehearse(t, file, 'reh-ok');
    expect(result).toMatchObject({ database: 'reh-ok', from: 1, to: 2, ok: true });
    expect(result.differences).toEqual(
      expect.arrayContaining([
        { path: ['database', 'reh-ok', 'version'], kind: 'changed', before: 1, after: 2 },
        { path: ['row', 'reh-ok', 'notes', 1, 'slug'], kind: 'added', after: 'hello-world' },
        { path: ['row', 'reh-ok', 'notes', 2, 'slug'], kind: 'added', after: 'second' },
      ]),
    );
    expect(await app.table('notes').query()).toEqual([{ id: 7, title: 'Mine', slug: 'mine' }]);
    expect(app.version).toBe(2);
    expect(events).toBe(0);
    expect((await exported(t)).databases.map((db) => db.name).filter((name) => name.startsWith('stratum-rehearsal'))).toEqual([]);
  });

  it('shows the error, the row it failed on, and the rollback of a failing upgrade', async () => {
    const t = kit();
    await t.hello();
    const app = await openDatabase('reh-bad', { ...v2, provider: memory() });
    const file = await oldSnapshot(t, 'reh-bad', [{ id: 1, title: 'Fine' }, { id: 2, title: null }, { id: 3, title: 'Never reached' }]);
    const result = await rehearse(t, file, 'reh-bad');
    expect(result).toMatchObject({
      ok: false,
      error: { name: 'TypeError', message: 'note 2 has no title to make a slug of' },
      row: { table: 'notes', key: 2, value: { id: 2, title: null } },
      rolledBack: true,
    });
    expect(await app.table('notes').query()).toEqual([]);
  });
});

describe('record with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('keeps what redact() hides out of every recorded change, and a replay leaves the page its own hidden values', async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'rec-redact' });
    const user = store.createState({ name: 'ann', password: 'first' }, { key: 'user', scope: 'app' });
    const prefs = webstorage('memory', { namespace: 'rec-redact' });
    prefs.set('login', { name: 'ann', password: 'first-storage' });
    const db = await openDatabase('rec-redact-db', { version: 1, tables: { users: { key: 'id' } }, provider: memory() });
    await db.table('users').put({ id: 1, name: 'ann', password: 'first-row' });

    await t.call(Command.recordStart, {});
    user.set({ name: 'bob', password: 'hunter2-state' });
    prefs.set('login', { name: 'bob', password: 'hunter2-storage' });
    await db.table('users').put({ id: 1, name: 'bob', password: 'hunter2-row' });
    const recording = await stop(t);
    const text = JSON.stringify(recording);
    expect(text).not.toContain('hunter2');
    expect(recording.changes.map((change) => change.kind)).toEqual(['state', 'webstorage', 'db']);

    // The page moved on; a replay writes the recorded parts and keeps the page's own secrets.
    user.set({ name: 'zed', password: 'mine' });
    prefs.set('login', { name: 'zed', password: 'mine-storage' });
    await db.table('users').put({ id: 1, name: 'zed', password: 'mine-row' });
    const transfer = await push(t, text);
    const replayed = await t.call(Command.replayApply, { transfer, from: 0, to: recording.changes.length });
    // Each recorded entry has a hidden part: none is written (no placeholder lands in the page).
    expect(replayed.skipped).toBe(3);
    expect(user.get()).toEqual({ name: 'zed', password: 'mine' });
    expect(prefs.get('login')).toEqual({ name: 'zed', password: 'mine-storage' });
    expect(await db.table('users').get(1)).toEqual({ id: 1, name: 'zed', password: 'mine-row' });
  });

  it('keeps out a cache entry or blob meta redact() hides at the cache and blob paths, recorded as rows of $cache and $blobs', async () => {
    configureDevtools({ redact: (path) => (path[0] === 'cache' && path[2] === 'token') || (path[2] === '$blobs' && path[4] === 'meta' && path[5] === 'owner') });
    const t = kit();
    await t.hello();
    const db = await openDatabase('rec-redact-layouts', { version: 1, tables: {}, cache: true, blobs: true, provider: memory() });
    await t.call(Command.recordStart, {});
    await db.cache.set('token', 'tok-secret-123');
    await db.blobs.put(new Blob(['x']), { meta: { owner: 'blob-secret-456' } });
    const recording = await stop(t);
    const text = JSON.stringify(recording);
    expect(text).toContain('token');
    expect(text).not.toContain('tok-secret');
    expect(text).not.toContain('blob-secret');
    // Later tests record the whole page under other redact rules.
    await db.delete();
  });

  it('keeps a primary key redact() hides out of the recording and its answers; a replay leaves those rows as the page holds them', async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'email' });
    const t = kit();
    await t.hello();
    const db = await openDatabase('rec-redact-key', { version: 1, tables: { users: { key: 'email' } }, provider: memory() });
    await db.table('users').put({ email: 'ann-secret@x', name: 'ann' });
    await t.call(Command.recordStart, {});
    await db.table('users').put({ email: 'bob-secret@x', name: 'bob' });
    await db.table('users').delete('ann-secret@x');
    const recording = await stop(t);
    const text = JSON.stringify(recording);
    expect(text).not.toContain('-secret');

    await db.table('users').put({ email: 'ann-secret@x', name: 'ann again' });
    const transfer = await push(t, text);
    await t.call(Command.replayApply, { transfer, from: 0, to: recording.changes.length });
    // Neither the put nor the delete of a hidden key is replayed: the page keeps both rows.
    expect(await db.table('users').get('ann-secret@x')).toEqual({ email: 'ann-secret@x', name: 'ann again' });
    expect(await db.table('users').get('bob-secret@x')).toEqual({ email: 'bob-secret@x', name: 'bob' });
    expect(JSON.stringify(t.envelopes)).not.toContain('-secret');
  });
});
