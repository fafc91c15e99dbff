import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';

contract((t, { open }) => {
  describe(`${t.label}: rows`, () => {
    it('put and add resolve to the key; autoIncrement generates 1, 2, … into a copy', async () => {
      const db = await open();
      const notes = db.table('notes');
      const draft = { title: 'a', tags: [] };
      expect(await notes.add(draft)).toBe(1);
      expect(draft).toEqual({ title: 'a', tags: [] });
      expect(await notes.put({ title: 'b', tags: [] })).toBe(2);
      expect(await notes.put({ id: 10, title: 'c', tags: [] })).toBe(10);
      expect(await notes.add({ title: 'd', tags: [] })).toBe(11);
      expect(await notes.get(11)).toEqual({ id: 11, title: 'd', tags: [] });
      expect(await notes.get(3)).toBeUndefined();
    });

    it('a row whose generated key is there but undefined (a class field) gets a key, as if it were absent', async () => {
      const db = await open();
      const notes = db.table('notes');
      // TypeScript's `id?: number` field is an own property holding undefined once classes define their fields.
      const draft = { id: undefined, title: 'a', tags: [] };
      expect(await notes.put(draft)).toBe(1);
      expect(draft).toEqual({ id: undefined, title: 'a', tags: [] });
      expect(Object.hasOwn(draft, 'id')).toBe(true);
      expect(await notes.add({ id: undefined, title: 'b', tags: [] })).toBe(2);
      expect(await notes.bulkPut([{ id: undefined, title: 'c', tags: [] }, { title: 'd', tags: [] }, { id: undefined, title: 'e', tags: [] }])).toEqual([3, 4, 5]);
      expect(await notes.get(2)).toEqual({ id: 2, title: 'b', tags: [] });
      expect((await notes.query()).map((row) => (row as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);
      // Without a key generator an undefined key is still refused, in words.
      await expect(db.table('users').put({ email: undefined, handle: 'x' })).rejects.toMatchObject({ name: 'DataError', message: expect.stringContaining('"email"') });
    });

    it('a row the generated key cannot be written into is a DataError in words, and nothing is stored', async () => {
      const db = await open({ tables: { notes: { key: 'id', autoIncrement: true }, nested: { key: 'meta.id', autoIncrement: true } } });
      const refused = { name: 'DataError', message: expect.stringMatching(/cannot write the generated key into the row at '(id|meta\.id)'/) };
      await expect(db.table('notes').put('just text')).rejects.toMatchObject(refused);
      await expect(db.table('notes').add(5)).rejects.toMatchObject(refused);
      await expect(db.table('nested').put({ meta: 5 })).rejects.toMatchObject(refused);
      await expect(db.table('nested').bulkPut([{ meta: {} }, { meta: 'text' }])).rejects.toMatchObject(refused);
      expect(await db.table('notes').count()).toBe(0);
      expect(await db.table('nested').count()).toBe(0);
      // An object (or none yet) on the way takes the key.
      expect(await db.table('nested').put({ other: 1 })).toBe(1);
      expect(await db.table('nested').get(1)).toEqual({ other: 1, meta: { id: 1 } });
    });

    it('a duplicate add is a ConstraintError in words and changes nothing', async () => {
      const db = await open();
      const users = db.table('users');
      await users.add({ email: 'a@x', handle: 'a', name: 'first' });
      const error = await users.add({ email: 'a@x', handle: 'other', name: 'second' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'ConstraintError', message: expect.stringMatching(/already exists/) });
      expect(error).toBeInstanceOf(Error);
      expect(await users.get('a@x')).toEqual({ email: 'a@x', handle: 'a', name: 'first' });
    });

    it('a unique index refuses a repeated value, on add and on put', async () => {
      const db = await open();
      const users = db.table('users');
      await users.put({ email: 'a@x', handle: 'same' });
      await expect(users.put({ email: 'b@x', handle: 'same' })).rejects.toMatchObject({ name: 'ConstraintError', message: expect.stringContaining('byHandle') });
      await users.put({ email: 'a@x', handle: 'same', name: 'itself again is fine' });
      expect(await users.count()).toBe(1);
    });

    it('update merges a patch; a missing row is a NotFoundError; the key cannot change', async () => {
      const db = await open();
      const users = db.table('users');
      await users.put({ email: 'a@x', handle: 'a', name: 'Ann' });
      expect(await users.update('a@x', { name: 'Anna' })).toEqual({ email: 'a@x', handle: 'a', name: 'Anna' });
      expect(await users.get('a@x')).toEqual({ email: 'a@x', handle: 'a', name: 'Anna' });
      await expect(users.update('zz@x', { name: 'nobody' })).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining('no row with key "zz@x"') });
      await expect(users.update('a@x', { email: 'b@x' })).rejects.toMatchObject({ name: 'DataError' });
      expect(await users.get('b@x')).toBeUndefined();
    });

    it('delete, clear and count', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([{ k: 1 }, { k: 2 }, { k: 3 }]);
      await keys.delete(2);
      expect(await keys.count()).toBe(2);
      await keys.clear();
      expect(await keys.count()).toBe(0);
    });

    it('bulkPut is all or nothing', async () => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.bulkPut([{ k: 1 }, { k: 2 }, { nokey: true }])).rejects.toMatchObject({ name: 'DataError' });
      expect(await keys.count()).toBe(0);
      // A failure first: the rows queued behind it must not be written after the rollback.
      await expect(keys.bulkPut([{ nokey: true }, { k: 1 }, { k: 2 }])).rejects.toMatchObject({ name: 'DataError' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await keys.count()).toBe(0);
      expect(await keys.bulkPut([{ k: 'a' }, { k: 'b' }])).toEqual(['a', 'b']);
    });

    it("bulkPut returns every row's key as put does, whatever its type or wherever it came from", async () => {
      const db = await open();
      const when = new Date(1_700_000_000_000);
      expect(await db.table('keys').bulkPut([{ k: 3 }, { k: 'x' }, { k: when }, { k: [1, 'a'] }, { k: -Infinity }, { k: 'last' }])).toEqual([3, 'x', when, [1, 'a'], -Infinity, 'last']);
      expect(await db.table('notes').bulkPut([{ title: 'a' }, { id: 10, title: 'b' }, { title: 'c' }])).toEqual([1, 10, 11]);
      expect(await db.table('pairs').bulkPut([{ a: 1, b: 2 }, { a: 'x', b: 'y' }])).toEqual([[1, 2], ['x', 'y']]);
    });

    it('a bulkPut that repeats a unique value fails in words naming the index, and writes nothing', async () => {
      const db = await open();
      const users = db.table('users');
      const rows = [{ email: 'a@x', handle: 'ann' }, { email: 'b@x', handle: 'bob' }, { email: 'c@x', handle: 'ann' }, { email: 'd@x', handle: 'dan' }];
      await expect(users.bulkPut(rows)).rejects.toMatchObject({ name: 'ConstraintError', message: expect.stringContaining("'byHandle'") });
      expect(await users.count()).toBe(0);
    });

    it('values keep their types: Date, Map, Set, BigInt, typed arrays, nested objects', async () => {
      const db = await open();
      const value = {
        k: 'v',
        when: new Date(1_700_000_000_000),
        map: new Map<unknown, unknown>([['a', 1], [2, { deep: [1, 2] }]]),
        set: new Set(['x', 'y']),
        big: 2n ** 80n + 1n,
        bytes: new Uint8Array([0, 1, 255]),
        nested: { list: [1, 'two', null, undefined], flag: false },
        text: 'emoji 😀 and 𝄞',
      };
      await db.table('keys').put(value);
      expect(await db.table('keys').get('v')).toEqual(value);
    });

    it('a value IndexedDB cannot clone (a function) is a DataCloneError, and nothing is stored', async () => {
      const db = await open();
      await expect(db.table('keys').put({ k: 1, run: () => 1 })).rejects.toMatchObject({ name: 'DataCloneError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('a key that is not a key is a DataError in words: BigInt, NaN, object', async () => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.put({ k: 5n })).rejects.toMatchObject({ name: 'DataError' });
      await expect(keys.get(Number.NaN)).rejects.toMatchObject({ name: 'DataError', message: expect.stringContaining('NaN') });
      await expect(keys.get({} as never)).rejects.toMatchObject({ name: 'DataError', message: expect.stringContaining('object') });
      await expect(keys.put({ k: 2n ** 60n })).rejects.toMatchObject({ name: 'DataError' });
    });
  });

});
