/**
 * A far sparse array (`a[2 ** 32 - 2] = 1`: over a million holes, more holes than items) in a row
 * of the app's own IndexedDB. The agent shows one since issue 18's seventeenth pass; the page
 * storage inspector hashed such a row hole by hole and ran the page out of memory. Each case
 * runs in a process of its own with a heap cap (test/helpers/guarded.ts), so a regression fails
 * the test instead of aborting the test worker.
 */
import { describe, expect, it } from 'vitest';
import { runGuarded } from '../../test/helpers/guarded.js';

// Under vitest's 20 s per test, so the guard (which kills the process) fires first.
const LIMITS = { heapMb: 256, timeoutMs: 15_000 };

const APP_DB = `
import 'fake-indexeddb/auto';
import { decode } from './runtime/codec/index.ts';
import { PageDatabases } from './extension/inspector/idb.ts';
const far = (...items: [number, unknown][]): unknown[] => {
  const list: unknown[] = [];
  list[2 ** 32 - 2] = 'last';
  for (const [at, item] of items) list[at] = item;
  return list;
};
const db: IDBDatabase = await new Promise((resolve, reject) => {
  const req = indexedDB.open('app-far', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('rows', { keyPath: 'id' });
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});
await new Promise<void>((resolve, reject) => {
  const tx = db.transaction('rows', 'readwrite');
  tx.objectStore('rows').put({ id: 1, list: far([3, { n: 1 }]) });
  tx.objectStore('rows').put({ id: 2, list: [1, 2] });
  tx.oncomplete = () => resolve();
  tx.onerror = () => reject(tx.error);
});
const inspector = new PageDatabases(indexedDB);
const { id } = await inspector.describe('app-far');
`;

async function run(source: string): Promise<unknown> {
  const outcome = await runGuarded(APP_DB + source, LIMITS);
  expect(outcome.failure).toBeUndefined();
  return outcome.result;
}

describe('the page storage inspector and a far sparse array in an app database', () => {
  it('lists the row with its length and items by index, and a hash that tells two such rows apart', async () => {
    const result = (await run(`
      const first = await inspector.query({ database: id, table: 'rows' });
      const tx = db.transaction('rows', 'readwrite');
      tx.objectStore('rows').put({ id: 1, list: far([3, { n: 2 }]) });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      const second = await inspector.query({ database: id, table: 'rows' });
      console.log(JSON.stringify({ rows: first.rows.map((row) => ({ key: decode(row.key), value: row.value, hash: row.hash })), changed: second.rows[0].hash }));
    `)) as { rows: { key: unknown; value: unknown; hash: string }[]; changed: string };
    expect(result.rows.map((row) => row.key)).toEqual([1, 2]);
    expect(result.rows[0]!.value).toEqual({ id: 1, list: { $t: 'sparse', length: 2 ** 32 - 1, v: [[3, { n: 1 }], [2 ** 32 - 2, 'last']] } });
    expect(result.rows[0]!.hash).toMatch(/^h[0-9a-z]+$/);
    expect(result.changed).not.toBe(result.rows[0]!.hash);
    // A row without one hashes and shows as before.
    expect(result.rows[1]!.value).toEqual({ id: 2, list: [1, 2] });
  });

  it('edits another field of the row against the hash the panel saw, keeping the far array', async () => {
    const result = await run(`
      const [row] = (await inspector.query({ database: id, table: 'rows', limit: 1 })).rows;
      await inspector.edit(id, 'rows', row.key, { path: ['name'], op: 'set', value: 'renamed', baseVersion: row.hash });
      const stored: { name: string; list: unknown[] } = await new Promise((resolve) => {
        const req = db.transaction('rows').objectStore('rows').get(1);
        req.onsuccess = () => resolve(req.result);
      });
      console.log(JSON.stringify({ name: stored.name, length: stored.list.length, items: Object.keys(stored.list) }));
    `);
    expect(result).toEqual({ name: 'renamed', length: 2 ** 32 - 1, items: ['3', String(2 ** 32 - 2)] });
  });

  it('expands the far array from the row: the same sparse node, its items at their own paths', async () => {
    const result = await run(`
      import { PanelBridge } from './runtime/protocol/bridge.ts';
      import { memoryWalls } from './runtime/protocol/memory-wall.ts';
      import { ANY_SESSION, Command, PROTOCOL_VERSION, type EventMessage, type RuntimeEnvelope } from './runtime/protocol/messages.ts';
      import { Inspector } from './extension/inspector/inspector.ts';
      const storage = { length: 0, key: () => null, getItem: () => null, setItem() {}, removeItem() {}, clear() {} };
      const window = { localStorage: storage, sessionStorage: storage, location: { href: 'https://app.example/' }, document: { title: 'App' }, navigator: {}, addEventListener() {}, removeEventListener() {} };
      const [contentWall, panelWall] = memoryWalls();
      const schedule = (flush: () => void) => (queueMicrotask(flush), () => {});
      const shown = new Inspector({ send: (envelope) => contentWall.send(envelope), window: window as unknown as Window, indexedDB, top: true, schedule });
      contentWall.listen((data) => shown.receive(data));
      const events: EventMessage[] = [];
      panelWall.listen((data) => events.push(...(data as RuntimeEnvelope).batch));
      const panel = new PanelBridge({ wall: panelWall, client: 'panel-1', schedule });
      await panel.request(Command.hello, { protocol: PROTOCOL_VERSION, client: 'panel-1' }, ANY_SESSION);
      panel.target = shown.session;
      await new Promise((resolve) => setTimeout(resolve, 10));
      const snapshot = events.find((message) => message.event === 'snapshot')!.payload as { databases: { id: number; name: string }[] };
      const database = snapshot.databases.find((db) => db.name === 'app-far')!.id;
      const { rows } = await panel.request(Command.dbQuery, { database, table: 'rows', limit: 1 });
      const part = await panel.request(Command.expand, { target: { kind: 'row', database, table: 'rows', key: rows[0]!.key }, path: ['list'] });
      console.log(JSON.stringify({ value: part.value }));
    `);
    expect((result as { value: unknown }).value).toEqual({ $t: 'sparse', length: 2 ** 32 - 1, v: [[3, { n: 1 }], [2 ** 32 - 2, 'last']] });
  });
});
