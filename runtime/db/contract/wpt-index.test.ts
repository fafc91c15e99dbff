/**
 * web-platform-tests' IndexedDB index cases (idbindex_get/getAll/count, idbindex-multientry,
 * idbindex_unique, idbindex-compound, index on absent or invalid values), written from what they
 * assert, on every provider.
 */
import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';

contract((t, { open }) => {
  describe(`${t.label}: indexes (WPT)`, () => {
    it('leaves rows whose index value is absent or no key out of the index, not out of the table', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.put({ id: 1, title: 'a', tags: [] });
      await notes.put({ id: 2, tags: [] });
      await notes.put({ id: 3, title: { not: 'a key' }, tags: [] });
      await notes.put({ id: 4, title: null, tags: [] });
      expect(await notes.count()).toBe(4);
      expect(await notes.count({ index: 'byTitle' })).toBe(1);
    });

    it('orders an index by its key, then by primary key; prev reverses both', async () => {
      const db = await open();
      const notes = db.table('notes');
      for (const [id, title] of [[3, 'b'], [1, 'b'], [2, 'a'], [4, 'c']] as const) await notes.put({ id, title, tags: [] });
      const ids = async (direction: 'next' | 'prev') => (await notes.query({ index: 'byTitle', direction })).map((row) => (row as { id: number }).id);
      expect(await ids('next')).toEqual([2, 1, 3, 4]);
      expect(await ids('prev')).toEqual([4, 3, 1, 2]);
      expect((await notes.query({ index: 'byTitle', range: { eq: 'b' } })).map((row) => (row as { id: number }).id)).toEqual([1, 3]);
    });

    it('multiEntry: one entry per distinct valid item; duplicates once, invalid items skipped', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.put({ id: 1, tags: ['x', 'y', 'x', { bad: true }, null] });
      await notes.put({ id: 2, tags: ['y'] });
      await notes.put({ id: 3, tags: 'z' });
      expect(await notes.count({ index: 'byTag' })).toBe(4);
      expect(await notes.count({ index: 'byTag', range: { eq: 'x' } })).toBe(1);
      expect((await notes.query({ index: 'byTag', range: { eq: 'y' } })).map((row) => (row as { id: number }).id)).toEqual([1, 2]);
      expect(await notes.count({ index: 'byTag', range: { eq: 'z' } })).toBe(1);
    });

    it('a compound index orders by each part in turn and is absent when any part is', async () => {
      const db = await open();
      const pairs = db.table('pairs');
      await pairs.put({ a: 1, b: 2 });
      await pairs.put({ a: 2, b: 1 });
      await pairs.put({ a: 0, b: 2 });
      const order = (await pairs.query({ index: 'byBA' })).map((row) => [(row as { a: number }).a, (row as { b: number }).b]);
      expect(order).toEqual([[2, 1], [0, 2], [1, 2]]);
      expect(await pairs.count({ index: 'byBA', range: { gte: [2], lt: [3] } })).toBe(2);
    });

    it('a unique index refuses a second row with the value and keeps the first; an update of the same row is fine', async () => {
      const db = await open();
      const users = db.table('users');
      await users.put({ email: 'a@x', handle: 'h' });
      await expect(users.add({ email: 'b@x', handle: 'h' })).rejects.toMatchObject({ name: 'ConstraintError' });
      await users.put({ email: 'a@x', handle: 'h', note: 'same row' });
      await users.put({ email: 'c@x' });
      await users.put({ email: 'd@x' });
      expect(await users.count()).toBe(3);
      expect(await users.count({ index: 'byHandle' })).toBe(1);
    });
  });
});
