import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode, encode } from '../../../codec/index.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import { Command, Event } from '../../../protocol/messages.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';

interface Note {
  id?: number;
  tag: string;
  text: string;
}

async function setup(name: string) {
  const db = await openDatabase(name, {
    version: 2,
    tables: { notes: { key: 'id', autoIncrement: true, indexes: { byTag: 'tag' } } },
    cache: true,
    blobs: true,
    provider: memory(),
  });
  const notes = db.table('notes');
  for (let i = 0; i < 30; i++) await notes.put({ tag: i % 2 ? 'odd' : 'even', text: `note ${i}` } satisfies Note);
  const t = kit();
  await t.hello();
  return { t, db, notes, id: registryId(db)! };
}

describe('databases in the snapshot', () => {
  it('describe schema, counts, provider and persistence', async () => {
    const { t, id } = await setup('db-snap');
    const info = t.events(Event.snapshot)[0]!.databases.find((candidate) => candidate.id === id)!;
    expect(info).toMatchObject({ name: 'db-snap', version: 2, provider: 'memory', persistent: false, cache: true, blobs: true, closed: false });
    const notes = info.tables.find((table) => table.name === 'notes')!;
    expect(notes).toMatchObject({ keyPath: 'id', autoIncrement: true, count: 30, internal: false });
    expect(notes.indexes).toEqual([{ name: 'byTag', keyPath: 'tag', unique: false, multiEntry: false }]);
    expect(info.tables.find((table) => table.name === '$cache')!.internal).toBe(true);
  });

  it('leaves out a database the page deleted (the panel is told it is gone), and keeps one it only closed, saying so', async () => {
    const { t, db, id } = await setup('db-deleted');
    const kept = await openDatabase('db-closed', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    const keptId = registryId(kept)!;
    kept.close();
    await db.delete();
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    // As Chrome's Application panel drops a deleted database; a closed one still holds its data.
    expect(t.events(Event.unregistered)).toContainEqual({ kind: 'database', id });
    const again = kit();
    await again.hello();
    const listed = again.events(Event.snapshot)[0]!.databases;
    expect(listed.map((info) => info.id)).not.toContain(id);
    expect(listed.find((info) => info.id === keptId)).toMatchObject({ name: 'db-closed', closed: true });
  });
});

describe('dbQuery', () => {
  it('pages rows by index and range, with keys, hashes and the total', async () => {
    const { t, id } = await setup('db-query');
    const page = await t.call(Command.dbQuery, { database: id, table: 'notes', index: 'byTag', range: { eq: 'odd' }, offset: 2, limit: 5 });
    expect(page.total).toBe(15);
    expect(page.rows).toHaveLength(5);
    expect(page.rows.map((row) => (decode(row.value) as Note).tag)).toEqual(['odd', 'odd', 'odd', 'odd', 'odd']);
    expect(page.rows[0]!.key).toBe((decode(page.rows[0]!.value) as Note).id!);
    const backwards = await t.call(Command.dbQuery, { database: id, table: 'notes', range: { gte: 28 }, direction: 'prev' });
    expect(backwards.rows.map((row) => row.key)).toEqual([30, 29, 28]);
  });

  it('explains a missing table or index', async () => {
    const { t, id } = await setup('db-missing');
    await expect(t.call(Command.dbQuery, { database: id, table: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(t.call(Command.dbQuery, { database: id, table: 'notes', index: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('dbQuery with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('does not read through an index on a field redact() hides: the count and order of matches would give the secret away', async () => {
    const db = await openDatabase('db-query-redact', { version: 1, tables: { users: { key: 'id', indexes: { byPassword: 'password', byName: 'name' } } }, provider: memory() });
    await db.table('users').bulkPut([
      { id: 1, name: 'ann', password: 'hunter2' },
      { id: 2, name: 'bob', password: 'swordfish' },
    ]);
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    // A range on the secret, narrowed step by step, would read it out one character at a time.
    await expect(t.call(Command.dbQuery, { database, table: 'users', index: 'byPassword', range: { eq: 'hunter2' } })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbQuery, { database, table: 'users', index: 'byPassword' })).rejects.toMatchObject({ code: 'redacted' });
    // An index on a field not hidden still reads.
    const named = await t.call(Command.dbQuery, { database, table: 'users', index: 'byName', range: { eq: 'bob' } });
    expect(named.total).toBe(1);
  });

  it('where redact() hides by value, a row whose indexed value or key it hides is neither matched nor counted by a range on it', async () => {
    const tables = { users: { key: 'id', indexes: { byEmail: 'email' } }, accounts: { key: 'email' } };
    const db = await openDatabase('db-query-redact-value', { version: 1, tables, provider: memory() });
    await db.table('users').bulkPut([
      { id: 1, email: 'alice-secret@example.com' },
      { id: 2, email: 'no address' },
    ]);
    await db.table('accounts').bulkPut([{ email: 'alice-secret@example.com' }, { email: 'nobody' }]);
    // Asked with the value: no path says "email" is hidden, so no index or bound is refused up front.
    configureDevtools({ redact: (_path, value) => typeof value === 'string' && value.includes('@') });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const total = async (table: string, range: Record<string, string>, index?: string) =>
      (await t.call(Command.dbQuery, { database, table, ...(index && { index }), range, limit: 0 })).total;
    // A range around a guess, narrowed step by step, would read the secret out by its count.
    expect(await total('users', { gte: 'alice', lt: 'alicf' }, 'byEmail')).toBe(0);
    expect(await total('accounts', { gte: 'alice', lt: 'alicf' })).toBe(0);
    const [hit] = (await t.call(Command.dbQuery, { database, table: 'users', index: 'byEmail', range: { eq: 'alice-secret@example.com' } })).rows;
    expect(hit).toBeUndefined();
    // The index still lists the rows it may show, and only those (their order would place the secret).
    const listed = await t.call(Command.dbQuery, { database, table: 'users', index: 'byEmail' });
    expect(listed.rows.map((row) => row.key)).toEqual([2]);
    expect(listed.total).toBe(1);
    expect(await total('accounts', { gte: 'n', lt: 'o' })).toBe(1);
    expect(JSON.stringify(t.envelopes)).not.toContain('alice-secret');
  });

  it('sends no hash of a row or cache entry a redacted part could be guessed from, and still checks edits', async () => {
    const tables = { users: { key: 'id' }, copies: { key: 'id' } };
    const db = await openDatabase('db-hash-redact', { version: 1, tables, cache: true, provider: memory() });
    // `copies` and the cache key `plain` hold the same values unredacted: their hashes are what anyone computes for a guess.
    for (const table of ['users', 'copies']) await db.table(table).put({ id: 1, name: 'ann', pin: '1234' });
    await db.cache.set('secret', '1234');
    await db.cache.set('plain', '1234');
    configureDevtools({ redact: (path) => (path[2] === 'users' && path.at(-1) === 'pin') || (path[0] === 'cache' && path[2] === 'secret') });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const row = async (table: string) => (await t.call(Command.dbQuery, { database, table })).rows[0]!;
    const users = await row('users');
    expect(users.redacted).toEqual([['pin']]);
    expect(users.hash).not.toBe((await row('copies')).hash);
    const entries = (await t.call(Command.cacheList, { database })).entries;
    const entry = (key: string) => entries.find((candidate) => candidate.key === key)!;
    expect(entry('secret').hash).not.toBe(entry('plain').hash);
    // The version still moves with the hidden part: an edit over the older one is refused.
    const target = { kind: 'row' as const, database, table: 'users', key: 1 };
    await db.table('users').put({ id: 1, name: 'ann', pin: '9999' });
    await expect(t.call(Command.edit, { target, baseVersion: users.hash, path: ['name'], op: 'set', value: 'bea' })).rejects.toMatchObject({ code: 'conflict' });
    const now = await row('users');
    await t.call(Command.edit, { target, baseVersion: now.hash, path: ['name'], op: 'set', value: 'bea' });
    expect(await db.table('users').get(1)).toEqual({ id: 1, name: 'bea', pin: '9999' });
    await db.cache.set('secret', '5678');
    await expect(t.call(Command.cacheDelete, { database, key: 'secret', baseVersion: entry('secret').hash })).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('the Cache and blob layouts read as tables, with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('hide in $cache and $blobs rows what the cache and blob views hide: grid, console, search and expand', async () => {
    const db = await openDatabase('db-layout-redact', { version: 1, tables: {}, cache: true, blobs: true, provider: memory() });
    await db.cache.set('token', 'tok-secret-123');
    await db.cache.set('plain', 'visible');
    await db.blobs.put(new Blob(['x']), { meta: { owner: 'blob-secret-456', pages: 1 } });
    // Written as the docs say cache entries and blob meta are seen: at their own paths, not as rows.
    configureDevtools({ redact: (path) => (path[0] === 'cache' && path[2] === 'token') || (path[2] === '$blobs' && path[4] === 'meta' && path[5] === 'owner') });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const cache = await t.call(Command.dbQuery, { database, table: '$cache' });
    const token = cache.rows.find((row) => row.key === 'token')!;
    expect(token.value).toEqual({ key: 'token', value: '[redacted]', expires: null });
    expect(token.redacted).toEqual([['value']]);
    expect(cache.rows.find((row) => row.key === 'plain')!.value).toMatchObject({ value: 'visible' });
    const [blob] = (await t.call(Command.dbQuery, { database, table: '$blobs' })).rows;
    expect(blob!.value).toMatchObject({ meta: { owner: '[redacted]', pages: 1 } });
    await expect(t.call(Command.dbConsole, { database, table: '$cache', filter: [{ field: 'value', op: 'eq', value: 'tok-secret-123' }] })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.expand, { target: { kind: 'row', database, table: '$cache', key: 'token' }, path: ['value'] })).rejects.toMatchObject({ code: 'redacted' });
    // Other tests' databases are registered too: only this one's matches count.
    const search = async (query: string) =>
      (await t.call(Command.search, { query, mode: 'text', room: 100 })).matches.filter((match) => match.target.kind === 'row' && match.target.database === database);
    expect(await search('secret')).toEqual([]);
    expect(await search('visible')).toHaveLength(1);
    const text = JSON.stringify(t.envelopes);
    expect(text).not.toContain('tok-secret');
    expect(text).not.toContain('blob-secret');
  });
});

describe('row edits', () => {
  it('puts over the row hash it saw; a stale hash is a conflict and writes nothing', async () => {
    const { t, notes, id } = await setup('db-put');
    const [row] = (await t.call(Command.dbQuery, { database: id, table: 'notes', limit: 1 })).rows;
    const edited = { ...(decode(row!.value) as Note), text: 'edited' };
    const put = await t.call(Command.dbPut, { database: id, table: 'notes', value: encode(edited), baseVersion: row!.hash });
    expect(put.key).toBe(1);
    expect(await notes.get(1)).toEqual(edited);
    await notes.put({ ...edited, text: 'someone else' });
    await expect(
      t.call(Command.dbPut, { database: id, table: 'notes', value: encode({ ...edited, text: 'stale' }), baseVersion: put.hash }),
    ).rejects.toMatchObject({ code: 'conflict', current: { value: { id: 1, text: 'someone else' } } });
    expect(((await notes.get(1)) as Note).text).toBe('someone else');
  });

  // Issue 18: a row's hash comes from its display encoding when nothing was cut. Each case
  // below changes the row where the grid could not see it (past a cut string, past the 200
  // entries shown, inside a blob); the hash the grid got must still be refused.
  it('a change the grid cannot see (past a cut, in a blob) is still a conflict for the hash it got', async () => {
    const { t, notes, id } = await setup('db-cut');
    const long = 'x'.repeat(20_000);
    const many = Array.from({ length: 300 }, (_, i) => i);
    await notes.put({ id: 1, tag: 'long', text: long });
    await notes.put({ id: 2, tag: 'many', text: 'many', list: many });
    await notes.put({ id: 3, tag: 'blob', text: 'blob', file: new Blob(['abc'], { type: 'text/plain' }) });
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'notes', limit: 3 });
    const changes = [
      { id: 1, tag: 'long', text: `${long.slice(0, -1)}y` },
      { id: 2, tag: 'many', text: 'many', list: [...many.slice(0, -1), -1] },
      // Blobs hash by type and size (show.ts: fingerprint), so the change is one of size.
      { id: 3, tag: 'blob', text: 'blob', file: new Blob(['abcd'], { type: 'text/plain' }) },
    ];
    for (const [i, change] of changes.entries()) {
      await notes.put(change);
      await expect(
        t.call(Command.dbPut, { database: id, table: 'notes', value: encode({ id: i + 1, tag: 'mine', text: 'mine' }), baseVersion: rows[i]!.hash }),
      ).rejects.toMatchObject({ code: 'conflict' });
      await expect(t.call(Command.dbDelete, { database: id, table: 'notes', key: i + 1, baseVersion: rows[i]!.hash })).rejects.toMatchObject({ code: 'conflict' });
    }
    expect(((await notes.get(1)) as Note).text).toBe(`${long.slice(0, -1)}y`);
  });

  it('the hash a page shows is the one an edit is checked against, cut or not', async () => {
    const { t, notes, id } = await setup('db-same-hash');
    const long = { id: 1, tag: 'long', text: 'x'.repeat(20_000) };
    await notes.put(long);
    await notes.put({ id: 2, tag: 'nested', text: 'n', deep: { a: [1, { b: new Date(0), c: new Map([[1, 2n]]) }] } });
    const { rows } = await t.call(Command.dbQuery, { database: id, table: 'notes', limit: 3 });
    for (const row of rows) {
      // The cut row goes back whole (a cut value is refused as a write).
      const value = row.key === 1 ? encode(long) : row.value;
      const put = await t.call(Command.dbPut, { database: id, table: 'notes', value, baseVersion: row.hash });
      // Nothing changed in between: no conflict, and a row written back as the grid showed it.
      expect(put.key).toBe(row.key);
    }
  });

  it('a page larger than one encoding slice comes whole and in order', async () => {
    const { t, notes, id } = await setup('db-slices');
    for (let i = 31; i <= 450; i++) await notes.put({ tag: 'bulk', text: `note ${i}` });
    const page = await t.call(Command.dbQuery, { database: id, table: 'notes', limit: 1000 });
    expect(page.rows.map((row) => row.key)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(new Set(page.rows.map((row) => row.hash)).size).toBe(450);
    // Read 200 at a time after the last key: the range's own bounds still hold.
    const ranged = await t.call(Command.dbQuery, { database: id, table: 'notes', range: { gte: 100, lt: 350 }, limit: 1000 });
    expect(ranged.rows.map((row) => row.key)).toEqual(Array.from({ length: 250 }, (_, i) => i + 100));
    expect(ranged.total).toBe(250);
    const exact = await t.call(Command.dbQuery, { database: id, table: 'notes', range: { gt: 10 }, limit: 400 });
    expect(exact.rows.map((row) => row.key)).toEqual(Array.from({ length: 400 }, (_, i) => i + 11));
    const backwards = await t.call(Command.dbQuery, { database: id, table: 'notes', direction: 'prev', limit: 300 });
    expect(backwards.rows.map((row) => row.key)).toEqual(Array.from({ length: 300 }, (_, i) => 450 - i));
  });

  it('a page larger than one encoding slice whose range ends on the last key of a slice comes whole', async () => {
    const { t, notes, id } = await setup('db-slices-end');
    for (let i = 31; i <= 450; i++) await notes.put({ tag: 'bulk', text: `note ${i}` });
    // 200 rows end at key 200, the range's own end: the next slice would be (200, 200], no range at all.
    const closed = await t.call(Command.dbQuery, { database: id, table: 'notes', range: { lte: 200 }, limit: 1000 });
    expect(closed.rows.map((row) => row.key)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const open = await t.call(Command.dbQuery, { database: id, table: 'notes', range: { gte: 1, lt: 401 }, limit: 1000 });
    expect(open.rows.map((row) => row.key)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });

  it('adds rows (generated keys), refuses a duplicate, deletes over a hash', async () => {
    const { t, notes, id } = await setup('db-add');
    const added = await t.call(Command.dbAdd, { database: id, table: 'notes', value: encode({ tag: 'new', text: 'x' }) });
    expect(added.key).toBe(31);
    await expect(t.call(Command.dbAdd, { database: id, table: 'notes', value: encode({ id: 31, tag: 'dup', text: 'y' }) })).rejects.toMatchObject({
      code: 'constraint',
    });
    await expect(t.call(Command.dbDelete, { database: id, table: 'notes', key: 31, baseVersion: 'hbad' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await t.call(Command.dbDelete, { database: id, table: 'notes', key: 31, baseVersion: added.hash })).toEqual({ deleted: true });
    expect(await notes.get(31)).toBeUndefined();
  });

  it('clears a table and deletes the database', async () => {
    const { t, db, notes, id } = await setup('db-clear');
    await t.call(Command.dbClear, { database: id, table: 'notes' });
    expect(await notes.count()).toBe(0);
    await t.call(Command.dbDeleteDatabase, { database: id });
    expect(db.closed).toBe(true);
  });

  it('sends one delta per table and change type per frame, listing keys', async () => {
    const { t, notes, id } = await setup('db-delta');
    for (let i = 1; i <= 5; i++) await notes.put({ id: i, tag: 'x', text: 'y' });
    await notes.delete(1);
    t.frame();
    const deltas = t.events(Event.dbChanged).filter((delta) => delta.database === id);
    expect(deltas.map((delta) => [delta.change, delta.changes, delta.keys])).toEqual([
      ['put', 5, [1, 2, 3, 4, 5]],
      ['delete', 1, [1]],
    ]);
  });
});

describe('cache and blobs', () => {
  it('lists cache entries with expiry, sets, deletes and prunes', async () => {
    const { t, db, id } = await setup('db-cache');
    await db.cache.set('fresh', { a: 1 }, { ttl: 60_000 });
    await db.cache.set('forever', 'x');
    await t.call(Command.cacheSet, { database: id, key: 'panel', value: encode(new Date(0)), ttl: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const listing = await t.call(Command.cacheList, { database: id });
    const byKey = Object.fromEntries(listing.entries.map((entry) => [entry.key as string, entry]));
    expect(listing.total).toBe(3);
    expect(byKey['forever']).toMatchObject({ expires: null, expired: false, value: 'x' });
    expect(byKey['fresh']!.expired).toBe(false);
    expect(byKey['panel']!.expired).toBe(true);
    expect(await t.call(Command.cachePrune, { database: id })).toEqual({ removed: 1 });
    await t.call(Command.cacheDelete, { database: id, key: 'fresh' });
    expect(await db.cache.keys()).toEqual(['forever']);
  });

  it('deletes a cache entry only as the panel listed it: one the app set since is a conflict with its value, kept', async () => {
    const { t, db, id } = await setup('db-cache-conflict');
    await db.cache.set('session', { user: 'ada' });
    const listed = (await t.call(Command.cacheList, { database: id })).entries.find((entry) => entry.key === 'session')!;
    await db.cache.set('session', { user: 'grace' });
    await expect(t.call(Command.cacheDelete, { database: id, key: 'session', baseVersion: listed.hash })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('cache entry "session"'),
      current: { value: { user: 'grace' } },
    });
    expect(await db.cache.get('session')).toEqual({ user: 'grace' });
    const now = (await t.call(Command.cacheList, { database: id })).entries.find((entry) => entry.key === 'session')!;
    expect(await t.call(Command.cacheDelete, { database: id, key: 'session', baseVersion: now.hash })).toEqual({ deleted: true });
    expect(await db.cache.keys()).toEqual([]);
  });

  it('sets a cache entry only over the value the panel listed: one the app set since is a conflict with its value, kept', async () => {
    const { t, db, id } = await setup('db-cache-set-conflict');
    await db.cache.set('session', { user: 'ada' });
    const listed = (await t.call(Command.cacheList, { database: id })).entries.find((entry) => entry.key === 'session')!;
    await db.cache.set('session', { user: 'grace' });
    await expect(t.call(Command.cacheSet, { database: id, key: 'session', value: encode({ user: 'panel' }), baseVersion: listed.hash })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('cache entry "session"'),
      current: { value: { user: 'grace' } },
    });
    expect(await db.cache.get('session')).toEqual({ user: 'grace' });
    // null: the panel expects no such entry, so one the app added meanwhile is not overwritten.
    await db.cache.set('fresh', 1);
    await expect(t.call(Command.cacheSet, { database: id, key: 'fresh', value: 2, baseVersion: null })).rejects.toMatchObject({ code: 'conflict', current: { value: 1 } });
    expect(await db.cache.get('fresh')).toBe(1);
    const now = (await t.call(Command.cacheList, { database: id })).entries.find((entry) => entry.key === 'session')!;
    const { hash } = await t.call(Command.cacheSet, { database: id, key: 'session', value: encode({ user: 'panel' }), baseVersion: now.hash });
    expect(await db.cache.get('session')).toEqual({ user: 'panel' });
    expect((await t.call(Command.cacheList, { database: id })).entries.find((entry) => entry.key === 'session')!.hash).toBe(hash);
    expect(await t.call(Command.cacheSet, { database: id, key: 'new', value: 3, baseVersion: null })).toHaveProperty('hash');
    expect(await db.cache.get('new')).toBe(3);
  });

  it('reads blob bytes by range and uploads in chunks, replacing a blob', async () => {
    const { t, db, id } = await setup('db-blobs');
    const original = await db.blobs.put(new Blob(['hello world'], { type: 'text/plain' }), { name: 'a.txt' });
    const listing = await t.call(Command.blobList, { database: id });
    expect(listing.blobs).toMatchObject([{ id: original, name: 'a.txt', type: 'text/plain', size: 11 }]);
    const chunk = await t.call(Command.blobRead, { database: id, id: original, offset: 6, length: 100 });
    expect(chunk).toMatchObject({ offset: 6, size: 11, type: 'text/plain' });
    expect(Buffer.from(chunk.bytes, 'base64').toString()).toBe('world');

    const { upload } = await t.call(Command.blobPutStart, { database: id, size: 6, type: 'text/plain', name: 'b.txt', replace: original });
    await expect(t.call(Command.blobPutChunk, { upload, offset: 3, bytes: 'YWJj' })).rejects.toMatchObject({ code: 'invalid' });
    expect(await t.call(Command.blobPutChunk, { upload, offset: 0, bytes: Buffer.from('abc').toString('base64') })).toEqual({ received: 3 });
    await expect(t.call(Command.blobPutEnd, { upload })).rejects.toMatchObject({ code: 'invalid' });
    await t.call(Command.blobPutChunk, { upload, offset: 3, bytes: Buffer.from('def').toString('base64') });
    const { id: stored } = await t.call(Command.blobPutEnd, { upload });
    expect(await (await db.blobs.get(stored))!.text()).toBe('abcdef');
    expect(await db.blobs.get(original)).toBeUndefined();
    await t.call(Command.blobDelete, { database: id, id: stored });
    expect(await db.blobs.list()).toEqual([]);
    await expect(t.call(Command.blobRead, { database: id, id: stored, offset: 0, length: 1 })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('aborts an upload, refuses one over its announced size, and explains a database without cache or blobs', async () => {
    const { t, id } = await setup('db-upload-errors');
    const { upload } = await t.call(Command.blobPutStart, { database: id, size: 2, type: '' });
    expect(await t.call(Command.blobPutAbort, { upload })).toEqual({ aborted: true });
    await expect(t.call(Command.blobPutChunk, { upload, offset: 0, bytes: 'YQ==' })).rejects.toMatchObject({ code: 'not-found' });
    const second = await t.call(Command.blobPutStart, { database: id, size: 1, type: '' });
    await expect(t.call(Command.blobPutChunk, { upload: second.upload, offset: 0, bytes: 'YWJj' })).rejects.toMatchObject({ code: 'too-large' });
    await expect(t.call(Command.blobPutStart, { database: id, size: 2 ** 40, type: '' })).rejects.toMatchObject({ code: 'too-large' });

    const plain = await openDatabase('db-plain', { version: 1, tables: { t: { key: 'id' } }, provider: memory() });
    const plainId = registryId(plain)!;
    await expect(t.call(Command.cacheList, { database: plainId })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/cache: true/) });
    await expect(t.call(Command.blobList, { database: plainId })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/blobs: true/) });
    await expect(t.call(Command.dbQuery, { database: 999_999, table: 't' })).rejects.toMatchObject({ code: 'not-found' });
  });
});
