/**
 * Change events name the operation that made them (the timeline's "who changed it"), in memory
 * and in IndexedDB (fake-indexeddb).
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../registry/registry.js';
import { openDatabase, type DbEvent, type Provider } from './index.js';
import { indexeddb } from './providers/indexeddb.js';
import { memory } from './providers/memory.js';

const providers: [string, () => Provider][] = [
  ['memory', () => memory()],
  [
    'indexeddb',
    () => {
      globalThis.indexedDB = new IDBFactory();
      return indexeddb();
    },
  ],
];

let names = 0;

afterEach(() => {
  config.trace = undefined;
});

describe.each(providers)('%s', (_name, provider) => {
  async function open() {
    const db = await openDatabase(`labels-${++names}`, {
      version: 1,
      tables: { notes: { key: 'id', autoIncrement: true } },
      cache: true,
      blobs: true,
      provider: provider(),
    });
    const events: DbEvent[] = [];
    db.subscribe((event) => events.push(event));
    const labels = () => events.map((event) => ('label' in event ? `${event.table}:${event.type}:${event.label}` : event.type));
    return { db, notes: db.table('notes'), events, labels };
  }

  it('names every table operation', async () => {
    const { notes, labels } = await open();
    await notes.put({ text: 'a' });
    await notes.add({ text: 'b' });
    await notes.update(1, { text: 'a2' });
    await notes.bulkPut([{ id: 5, text: 'c' }, { id: 6, text: 'd' }]);
    await notes.delete(2);
    await notes.clear();
    expect(labels()).toEqual(['notes:put:put', 'notes:put:add', 'notes:put:update', 'notes:put:bulkPut', 'notes:delete:delete', 'notes:clear:clear']);
  });

  it('names cache and blob operations', async () => {
    const { db, labels } = await open();
    await db.cache.set('k', 1, { ttl: 1 });
    await db.cache.delete('k');
    await db.cache.set('old', 1, { ttl: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await db.cache.prune();
    await db.cache.clear();
    const id = await db.blobs.put(new Blob(['x']));
    await db.blobs.delete(id);
    expect(labels()).toEqual([
      '$cache:put:cache.set',
      '$cache:delete:cache.delete',
      '$cache:put:cache.set',
      '$cache:delete:cache.prune',
      '$cache:clear:cache.clear',
      '$blobs:put:blobs.put',
      '$blobs:delete:blobs.delete',
    ]);
  });

  it('names a transaction by its operations, or by the label it was given', async () => {
    const { db, events, labels } = await open();
    await db.transaction(['notes'], 'readwrite', async (tx) => {
      await tx.table('notes').put({ id: 1, text: 'a' });
      await tx.table('notes').put({ id: 2, text: 'b' });
      await tx.table('notes').add({ id: 3, text: 'c' });
    });
    expect(labels()).toEqual(['notes:put:put', 'notes:put:add']);
    expect(events[0]).toMatchObject({ keys: [1, 2] });
    await db.transaction(['notes'], 'readwrite', async (tx) => {
      await tx.table('notes').delete(1);
      await tx.table('notes').put({ id: 4, text: 'd' });
    }, { label: 'checkout' });
    expect(labels().slice(2)).toEqual(['notes:delete:checkout', 'notes:put:checkout']);
  });

  it('captures a call site only while the devtools ask for one (config.trace), never for reads', async () => {
    const { notes, events } = await open();
    await notes.put({ text: 'untraced' });
    const boundaries: string[] = [];
    config.trace = (boundary) => (boundaries.push(boundary.name), { stack: `above ${boundary.name}` });
    await notes.put({ text: 'traced' });
    await notes.get(1);
    await notes.query();
    expect(boundaries).toEqual(['put']);
    expect(events.map((event) => ('trace' in event ? event.trace : undefined))).toEqual([undefined, { stack: 'above put' }]);
  });
});

it('another connection hears the label, never the call site', async () => {
  globalThis.indexedDB = new IDBFactory();
  const options = { version: 1, tables: { notes: { key: 'id' } }, provider: indexeddb() };
  const a = await openDatabase('labels-remote', options);
  const b = await openDatabase('labels-remote', options);
  const heard = new Promise<DbEvent>((resolve) => b.subscribe(resolve));
  config.trace = () => ({ stack: 'here' });
  await a.table('notes').add({ id: 1 });
  expect(await heard).toEqual({ type: 'put', table: 'notes', keys: [1], origin: 'remote', label: 'add' });
});
