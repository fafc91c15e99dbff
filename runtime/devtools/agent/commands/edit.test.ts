import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { encode } from '../../../codec/index.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import { Command, Event, type ValueRef } from '../../../protocol/messages.js';
import { webstorage } from '../../../webstorage/index.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';
import { Store } from '../../../store/store.js';
import { pathLabel } from './edit.js';

const body = 'b'.repeat(15_000);
const items = Array.from({ length: 500 }, (_, i) => i);

async function setup(name: string) {
  const db = await openDatabase(name, { version: 1, tables: { posts: { key: 'id' } }, cache: true, provider: memory() });
  await db.table('posts').put({ id: 1, title: 'old', body, items });
  await db.cache.set('feed', { title: 'old', body, items }, { ttl: 60_000 });
  const storage = webstorage('memory', { namespace: name });
  storage.set('post', { title: 'old', body, items });
  const t = kit();
  await t.hello();
  const database = registryId(db)!;
  const refs: Record<'row' | 'cache' | 'webstorage', ValueRef> = {
    row: { kind: 'row', database, table: 'posts', key: 1 },
    cache: { kind: 'cache', database, key: encode('feed') },
    webstorage: { kind: 'webstorage', storage: registryId(storage)!, key: 'post' },
  };
  const read = {
    row: async () => (await db.table('posts').get(1)) as { title: string; body: string; items: number[] },
    cache: async () => (await db.cache.get('feed')) as { title: string; body: string; items: number[] },
    webstorage: async () => storage.get('post') as { title: string; body: string; items: number[] },
  };
  return { db, storage, t, refs, read };
}

describe('edit', () => {
  it('edits a field of a row, a cache entry and a webstorage key whose other parts are cut for display', async () => {
    const { t, refs, read } = await setup('edit-all');
    for (const kind of ['row', 'cache', 'webstorage'] as const) {
      const { version } = await t.call(Command.edit, { target: refs[kind], path: ['title'], op: 'set', value: 'new' });
      expect(typeof version).toBe('string');
      await t.call(Command.edit, { target: refs[kind], baseVersion: version, path: ['items', 499], op: 'set', value: -1 });
      const now = await read[kind]();
      expect(now.title).toBe('new');
      expect(now.body).toBe(body);
      expect(now.items).toHaveLength(500);
      expect(now.items[499]).toBe(-1);
    }
  });

  it('refuses a stale base with conflict and changes nothing', async () => {
    const { t, refs, read, db, storage } = await setup('edit-stale');
    const { rows } = await t.call(Command.dbQuery, { database: refs.row.kind === 'row' ? refs.row.database : 0, table: 'posts' });
    const seen = rows[0]!.hash;
    await db.table('posts').put({ id: 1, title: 'moved on', body, items });
    storage.set('post', { title: 'moved on' });
    await expect(t.call(Command.edit, { target: refs.row, baseVersion: seen, path: ['title'], op: 'set', value: 'x' })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/changed since/),
    });
    await expect(t.call(Command.edit, { target: refs.webstorage, baseVersion: seen, path: ['title'], op: 'set', value: 'x' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.call(Command.edit, { target: refs.cache, baseVersion: seen, path: ['title'], op: 'delete' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await read.row()).title).toBe('moved on');
    expect((await read.webstorage()).title).toBe('moved on');
    expect((await read.cache()).title).toBe('old');
  });

  it('labels the change with the path, so the timeline names it', async () => {
    const { t, refs } = await setup('edit-label');
    await t.call(Command.edit, { target: refs.row, path: ['items', 3], op: 'delete' });
    await t.call(Command.edit, { target: refs.webstorage, path: ['title'], op: 'rename', to: 'heading' });
    t.frame();
    expect(t.events(Event.dbChanged).map((delta) => delta.label)).toContain('devtools: edit items[3]');
    expect(t.events(Event.webstorageChanged).map((delta) => delta.label)).toContain('devtools: edit title');
  });

  it('keeps a cache entry’s expiry and refuses to change a row’s key', async () => {
    const { t, refs, db } = await setup('edit-cache');
    const before = (await t.call(Command.cacheList, { database: refs.row.kind === 'row' ? refs.row.database : 0 })).entries[0]!.expires;
    await t.call(Command.edit, { target: refs.cache, path: ['title'], op: 'set', value: 'kept' });
    expect((await t.call(Command.cacheList, { database: refs.row.kind === 'row' ? refs.row.database : 0 })).entries[0]!.expires).toBe(before);
    await expect(t.call(Command.edit, { target: refs.row, path: ['id'], op: 'set', value: 2 })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/change the row's key/),
    });
    expect(await db.table('posts').count()).toBe(1);
  });

  it('says what is missing', async () => {
    const { t, refs } = await setup('edit-missing');
    await expect(t.call(Command.edit, { target: { ...refs.row, key: 9 } as ValueRef, path: ['title'], op: 'set', value: 1 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.edit, { target: { ...refs.webstorage, key: 'nope' } as ValueRef, path: ['a'], op: 'set', value: 1 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.edit, { target: refs.row, path: ['title'], op: 'set' })).rejects.toMatchObject({ code: 'invalid', message: 'set needs a value' });
  });

  it('reads paths in labels as people write them', () => {
    expect(pathLabel(['user', 'tags', 0, 'odd key'])).toBe('user.tags[0]["odd key"]');
    expect(pathLabel([])).toBe('(whole value)');
  });
});

describe('edit with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('refuses a rename that would write a value under a name redact() hides', async () => {
    const store = new Store({ name: `edit-redact-${Math.random()}` });
    const user = store.createState<Record<string, string>>({ name: 'Ada', draft: 'chosen-by-panel' }, { key: 'user', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const t = kit();
    await t.hello();
    const target: ValueRef = { kind: 'state', store: registryId(store)!, state: user.id };
    await expect(t.call(Command.edit, { target, baseVersion: 0, path: ['draft'], op: 'rename', to: 'password' })).rejects.toMatchObject({ code: 'redacted' });
    expect(user.value).toEqual({ name: 'Ada', draft: 'chosen-by-panel' });
  });

  it('names a redacted part 2,000 levels down by a path cut to its ends, not a 10 KB one', async () => {
    let deep: unknown = { password: 'hunter2' };
    // applyRedaction recurses and runs out of stack a few thousand levels down; this stays inside it.
    for (let i = 0; i < 2_000; i++) deep = { v: deep };
    const store = new Store({ name: `edit-redact-deep-${Math.random()}` });
    const vault = store.createState<unknown>(deep, { key: 'vault', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const t = kit();
    await t.hello();
    const attempt = t.call(Command.stateSet, { store: registryId(store)!, state: vault.id, value: encode({ v: 'flat' }), baseVersion: 0 });
    await expect(attempt).rejects.toMatchObject({ code: 'redacted', message: expect.stringMatching(/^\["v"\]\["v"\]\["v"\]\["v"\]…\(2001 levels\)…\["v"\]\["v"\]\["v"\]\["password"\] is redacted by configureDevtools/) });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringMatching(/^.{0,300}$/) });
    expect(vault.value).toBe(deep);
  });
});
