/**
 * What the contract suite leaves to the server engines alone: a 20 MB blob byte for byte, and
 * the panel's view of a database on them (the agent lists it with its provider and rows).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { databaseInfo } from '../../runtime/devtools/agent/snapshot.js';
import { openDatabase } from '../../runtime/db/index.js';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, runName } from '../../runtime/db/contract/services.js';
import { open, type Engine } from './engines.js';

const namespace = runName();
const engines: Engine[] = [...((await hasPostgres()) ? (['postgres'] as const) : []), ...((await hasRedis()) ? (['redis'] as const) : [])];

afterAll(async () => {
  if (engines.includes('postgres')) await dropSchema(namespace);
  if (engines.includes('redis')) await dropPrefix(`${namespace}:`);
});

describe.runIf(engines.length > 0).each(engines)('%s', (engine) => {
  it('stores a 20 MB blob and returns it byte for byte', async () => {
    const db = await openDatabase(`blobs-${engine}`, { version: 1, tables: {}, blobs: true, provider: open(engine, namespace) });
    const bytes = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    const id = await db.blobs.put(new Blob([bytes], { type: 'application/octet-stream' }));
    const back = await db.blobs.get(id);
    expect(back?.size).toBe(bytes.length);
    expect(Buffer.from(await (back as Blob).arrayBuffer()).equals(bytes)).toBe(true);
    expect(await db.blobs.usage()).toBe(bytes.length);
    db.close();
  }, 60_000);

  it('rewriting a row moves its index entries: kept ones stay, dropped ones go, new ones come', async () => {
    const db = await openDatabase(`reindex-${engine}`, { version: 1, tables: { notes: { key: 'id', indexes: { byTag: { path: 'tags', multiEntry: true } } } }, provider: open(engine, namespace) });
    const notes = db.table('notes');
    const tagged = async (tag: string) => (await notes.query({ index: 'byTag', range: { eq: tag } })).map((row) => (row as { id: number }).id);
    await notes.put({ id: 1, tags: ['a', 'b'] });
    await notes.put({ id: 2, tags: ['b'] });
    await notes.put({ id: 1, tags: ['b', 'c'] });
    expect(await tagged('a')).toEqual([]);
    expect(await tagged('b')).toEqual([1, 2]);
    expect(await tagged('c')).toEqual([1]);
    expect(await notes.count({ index: 'byTag' })).toBe(3);
    await notes.put({ id: 1, tags: [] });
    expect(await notes.count({ index: 'byTag' })).toBe(1);
    db.close();
  });

  it("the panel's agent lists the database with its provider, tables and rows", async () => {
    const db = await openDatabase(`panel-${engine}`, { version: 2, tables: { notes: { key: 'id', autoIncrement: true } }, cache: true, provider: open(engine, namespace) });
    await db.table('notes').bulkPut([{ text: 'a' }, { text: 'b' }]);
    const info = await databaseInfo(7, db);
    expect(info).toMatchObject({ id: 7, name: `panel-${engine}`, version: 2, provider: engine, persistent: true, closed: false, cache: true });
    expect(info.tables.find((table) => table.name === 'notes')).toMatchObject({ name: 'notes', count: 2 });
    db.close();
  }, 30_000);
});
