/**
 * History as the panel sees it: every delta names what made it, and an earlier value from the
 * timeline is restored as an ordinary versioned edit — refused with `conflict` (nothing written)
 * when the current value moved on — for states, webstorage keys and database rows.
 */
import { describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { decode, encode } from '../../codec/index.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command, Event } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';
import { registryId } from '../../registry/registry.js';

const RESTORE = 'devtools: restore';
let n = 0;

async function page() {
  const t = kit();
  await t.hello();
  const suffix = `${++n}`;
  const store = new Store({ name: `history-${suffix}` });
  const storage = webstorage('memory', { namespace: `history${suffix}` });
  const db = await openDatabase(`history-${suffix}`, {
    version: 1,
    tables: { notes: { key: 'id' } },
    cache: true,
    provider: memory(),
  });
  return { t, store, storage, db, notes: db.table('notes') };
}

describe('labels on deltas', () => {
  it('states carry the label given to set, reset and transact', async () => {
    const { t, store } = await page();
    const count = store.createState(0, { key: 'count', scope: 'app' });
    count.set(1, { label: 'increment' });
    t.frame();
    count.reset();
    t.frame();
    await count.transact((value) => value + 5);
    t.frame();
    expect(t.events(Event.stateChanged).filter((delta) => delta.state === count.id).map((delta) => delta.label)).toEqual(['increment', 'reset', 'transact']);
  });

  it('webstorage changes are named set, remove and clear', async () => {
    const { t, storage } = await page();
    storage.set('a', 1);
    t.frame();
    storage.remove('a');
    t.frame();
    storage.set('b', 2);
    storage.clear();
    t.frame();
    expect(t.events(Event.webstorageChanged).map((delta) => [delta.key, delta.label])).toEqual([
      ['a', 'set'],
      ['a', 'remove'],
      ['b', 'set'],
      [null, 'clear'],
    ]);
  });

  it('database changes are named by their operation; different operations are not merged', async () => {
    const { t, db, notes } = await page();
    await notes.put({ id: 1 });
    await notes.add({ id: 2 });
    await notes.update(2, { text: 'x' });
    await notes.bulkPut([{ id: 3 }, { id: 4 }]);
    await db.transaction(['notes'], 'readwrite', (tx) => tx.table('notes').delete(1), { label: 'archive' });
    await db.cache.set('k', 'v');
    t.frame();
    expect(t.events(Event.dbChanged).map((delta) => [delta.table, delta.change, delta.label, delta.changes])).toEqual([
      ['notes', 'put', 'put', 1],
      ['notes', 'put', 'add', 1],
      ['notes', 'put', 'update', 1],
      ['notes', 'put', 'bulkPut', 2],
      ['notes', 'delete', 'archive', 1],
      ['$cache', 'put', 'cache.set', 1],
    ]);
  });
});

describe('going back: restore an earlier value as a versioned edit', () => {
  it('a state: applied over the version the panel saw, refused once it moved on', async () => {
    const { t, store } = await page();
    const when = store.createState({ at: new Date(0), tags: new Set(['a']) }, { key: 'when', scope: 'app' });
    const id = { store: registryId(store)!, state: when.id };
    when.set({ at: new Date(1000), tags: new Set(['a', 'b']) });
    t.frame();
    const earlier = t.events(Event.stateChanged).at(-1)!;
    when.set({ at: new Date(2000), tags: new Set() });
    t.frame();
    const seen = t.events(Event.stateChanged).at(-1)!.versions.to;

    const { version } = await t.call(Command.stateSet, { ...id, value: earlier.value, baseVersion: seen, label: RESTORE });
    expect(version).toBe(seen + 1);
    expect(when.value).toEqual({ at: new Date(1000), tags: new Set(['a', 'b']) });
    expect(when.value.at).toBeInstanceOf(Date);
    t.frame();
    expect(t.events(Event.stateChanged).at(-1)).toMatchObject({ label: RESTORE, versions: { to: version } });

    when.set({ at: new Date(3000), tags: new Set(['c']) });
    await expect(t.call(Command.stateSet, { ...id, value: earlier.value, baseVersion: version, label: RESTORE })).rejects.toMatchObject({
      code: 'conflict',
      current: { version: version + 1 },
    });
    expect(when.value.at).toEqual(new Date(3000));
  });

  it('a webstorage key: over the hash the panel saw; a removed key comes back over null', async () => {
    const { t, storage } = await page();
    const id = registryId(storage)!;
    storage.set('theme', { name: 'dark', since: new Date(5) });
    t.frame();
    const earlier = t.events(Event.webstorageChanged).at(-1)!;
    storage.set('theme', { name: 'light', since: new Date(6) });
    t.frame();
    const seen = t.events(Event.webstorageChanged).at(-1)!.hash!;

    const { hash } = await t.call(Command.webstorageSet, { storage: id, key: 'theme', value: earlier.value!, baseVersion: seen, label: RESTORE });
    expect(hash).toBe(earlier.hash);
    expect(storage.get('theme')).toEqual({ name: 'dark', since: new Date(5) });
    t.frame();
    expect(t.events(Event.webstorageChanged).at(-1)).toMatchObject({ key: 'theme', label: RESTORE });

    storage.set('theme', 'blue');
    await expect(t.call(Command.webstorageSet, { storage: id, key: 'theme', value: earlier.value!, baseVersion: hash, label: RESTORE })).rejects.toMatchObject({
      code: 'conflict',
      current: { value: 'blue' },
    });
    expect(storage.get('theme')).toBe('blue');

    storage.remove('theme');
    await t.call(Command.webstorageSet, { storage: id, key: 'theme', value: earlier.value!, baseVersion: null, label: RESTORE });
    expect(storage.get('theme')).toEqual({ name: 'dark', since: new Date(5) });
    await expect(t.call(Command.webstorageSet, { storage: id, key: 'theme', value: encode('x'), baseVersion: null })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a database row: over the hash the panel saw; a deleted row comes back over null', async () => {
    const { t, db, notes } = await page();
    const target = { database: registryId(db)!, table: 'notes' };
    await notes.put({ id: 1, text: 'first', at: new Date(1) });
    const [earlier] = (await t.call(Command.dbQuery, target)).rows;
    await notes.put({ id: 1, text: 'second', at: new Date(2) });
    const [seen] = (await t.call(Command.dbQuery, target)).rows;

    const put = await t.call(Command.dbPut, { ...target, value: earlier!.value, baseVersion: seen!.hash, label: RESTORE });
    expect(put).toEqual({ key: 1, hash: earlier!.hash });
    expect(await notes.get(1)).toEqual({ id: 1, text: 'first', at: new Date(1) });
    t.frame();
    expect(t.events(Event.dbChanged).at(-1)).toMatchObject({ label: RESTORE, keys: [1] });

    await notes.put({ id: 1, text: 'third' });
    await expect(t.call(Command.dbPut, { ...target, value: seen!.value, baseVersion: put.hash, label: RESTORE })).rejects.toMatchObject({
      code: 'conflict',
      current: { value: { id: 1, text: 'third' } },
    });
    expect(await notes.get(1)).toEqual({ id: 1, text: 'third' });

    await notes.delete(1);
    await t.call(Command.dbPut, { ...target, value: earlier!.value, baseVersion: null, label: RESTORE });
    expect(decode(encode(await notes.get(1)))).toEqual({ id: 1, text: 'first', at: new Date(1) });
    await expect(t.call(Command.dbPut, { ...target, value: seen!.value, baseVersion: null })).rejects.toMatchObject({ code: 'conflict' });
  });
});
