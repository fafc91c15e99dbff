/**
 * web-platform-tests' IndexedDB key generator cases (keygenerator*.any.js, keygenerator-explicit,
 * keygenerator-overflow), written from what they assert, on every provider.
 */
import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';

const TOP = 2 ** 53;

contract((t, { open }) => {
  describe(`${t.label}: key generator (WPT)`, () => {
    it.each([
      ['starts at 1 and counts by one', [null, null, null], [1, 2, 3]],
      ['goes on from the largest explicit key', [2, null, 5, null, 6.66, 10, null], [2, 3, 5, 6, 6.66, 10, 11]],
      ['does not move for smaller, negative or non-number keys', [-10, null, '6', 6.3, [10], -2, 4, null], [-10, -2, 1, 4, 6.3, 7, '6', [10]]],
      ['after a fraction goes on from its floor + 1', [1.5, null], [1.5, 2]],
    ] as const)('%s', async (_name, ids, sorted) => {
      const db = await open();
      const notes = db.table('notes');
      for (const id of ids) await notes.add(id === null ? { tags: [] } : { id, tags: [] });
      expect((await notes.query()).map((row) => (row as { id: unknown }).id)).toEqual(sorted);
    });

    it('generates 2^53 after an explicit 2^53 - 1, then refuses with ConstraintError', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.put({ id: TOP - 1, tags: [] });
      expect(await notes.put({ tags: [] })).toBe(TOP);
      await expect(notes.put({ tags: ['lost?'] })).rejects.toMatchObject({ name: 'ConstraintError', message: expect.stringContaining("the key generator of 'notes' is exhausted") });
      expect(await notes.get(TOP)).toEqual({ id: TOP, tags: [] });
    });

    it.each([TOP, TOP + 2, 2 ** 60, Infinity])('after an explicit key %s the next generated put is a ConstraintError and overwrites nothing', async (big) => {
      const db = await open();
      const notes = db.table('notes');
      await notes.put({ id: big, tags: ['explicit'] });
      // In words on every provider: IndexedDB's bare ConstraintError read as a unique index clash.
      const exhausted = { name: 'ConstraintError', message: expect.stringContaining("the key generator of 'notes' is exhausted (it stops at 2^53)") };
      await expect(notes.put({ tags: ['generated'] })).rejects.toMatchObject(exhausted);
      await expect(notes.add({ tags: ['generated'] })).rejects.toMatchObject(exhausted);
      expect(await notes.query()).toEqual([{ id: big, tags: ['explicit'] }]);
      // An explicit key still works: only generation is exhausted.
      await notes.put({ id: 5, tags: [] });
      expect(await notes.count()).toBe(2);
    });

    it.each([-TOP, -Infinity, -1])('an explicit negative key %s leaves the generator at 1', async (small) => {
      const db = await open();
      const notes = db.table('notes');
      await notes.put({ id: small, tags: [] });
      expect(await notes.put({ tags: [] })).toBe(1);
    });

    it('a failed transaction rolls the generator back with its rows', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.add({ tags: [] });
      await db
        .transaction(['notes'], 'readwrite', async (tx) => {
          await tx.table('notes').add({ tags: [] });
          throw new Error('abort');
        })
        .catch(() => undefined);
      // IndexedDB restores the generator on abort (its current number is part of the store).
      expect(await notes.add({ tags: [] })).toBe(2);
    });
  });
});
