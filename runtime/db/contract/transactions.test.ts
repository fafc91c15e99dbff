import { describe, expect, it } from 'vitest';
import { type DbEvent, type Database } from '../index.js';
import { contract } from './harness.js';

contract((t, { open }) => {
  describe(`${t.label}: transactions`, () => {
    it('commits everything together and resolves to the function’s result', async () => {
      const db = await open();
      const result = await db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        void tx.table('keys').put({ k: 2 }); // not awaited: still part of the transaction
        await tx.table('users').put({ email: 'a@x', handle: 'a' });
        return (await tx.table('keys').count()) as number;
      });
      expect(result).toBe(2);
      expect(await db.table('keys').count()).toBe(2);
      expect(await db.table('users').count()).toBe(1);
    });

    it('an error thrown mid-transaction leaves nothing written', async () => {
      const db = await open();
      await db.table('keys').put({ k: 'before' });
      const failure = db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 'x' });
        await tx.table('keys').delete('before');
        await tx.table('users').put({ email: 'a@x', handle: 'a' });
        throw new Error('changed my mind');
      });
      await expect(failure).rejects.toThrow('changed my mind');
      expect((await db.table('keys').query()).map((row) => (row as { k: string }).k)).toEqual(['before']);
      expect(await db.table('users').count()).toBe(0);
    });

    it('a failed request rolls back everything, even when the function catches it', async () => {
      const db = await open();
      await db.table('users').put({ email: 'a@x', handle: 'a' });
      const failure = db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await tx.table('users').add({ email: 'a@x', handle: 'b' }).catch(() => 'ignored');
        return 'done';
      });
      await expect(failure).rejects.toMatchObject({ name: 'ConstraintError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('writes issued without awaiting behind one that fails are rolled back with it, never left behind', async () => {
      const db = await open();
      const failure = db.transaction(['keys', 'notes'], 'readwrite', async (tx) => {
        void tx.table('keys').put({ k: 1 });
        void tx.table('keys').add({ k: 1 }).catch(() => 'ignored');
        // Already queued when the add fails: each either runs inside the transaction (and is rolled
        // back with it) or is refused, but none may land after the rollback.
        for (let k = 2; k <= 5; k++) void tx.table('keys').put({ k }).catch(() => 'refused');
        void tx.table('notes').bulkPut([{ title: 'x', tags: ['a'] }, { title: 'y', tags: [] }]).catch(() => 'refused');
      });
      await expect(failure).rejects.toMatchObject({ name: 'ConstraintError' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await db.table('keys').query()).toEqual([]);
      expect(await db.table('notes').count()).toBe(0);
      expect(await db.table('notes').count({ index: 'byTag' })).toBe(0);
      // The key generator went back too.
      expect(await db.table('notes').add({ title: 'z', tags: [] })).toBe(1);
    });

    it('awaiting something else inside is a TransactionInactiveError in words, with nothing written', async () => {
      const db = await open();
      let later: unknown;
      const failure = db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await new Promise((resolve) => setTimeout(resolve, 20));
        later = await tx.table('keys').put({ k: 2 }).catch((error: unknown) => error);
      });
      await expect(failure).rejects.toMatchObject({
        name: 'TransactionInactiveError',
        message: expect.stringContaining('awaited something other than its own operations'),
      });
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(later).toMatchObject({ name: 'TransactionInactiveError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('plain promises and microtasks inside are fine', async () => {
      const db = await open();
      await db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 1 });
        await Promise.resolve();
        await (async () => undefined)();
        await tx.table('keys').put({ k: 2 });
      });
      expect(await db.table('keys').count()).toBe(2);
    });

    it('refuses writes in readonly and tables outside its scope', async () => {
      const db = await open();
      await expect(db.transaction(['keys'], 'readonly', (tx) => tx.table('keys').put({ k: 1 }))).rejects.toMatchObject({ name: 'ReadOnlyError' });
      await expect(db.transaction(['keys'], 'readonly', async (tx) => tx.table('users').count())).rejects.toMatchObject({ name: 'NotFoundError' });
      expect(await db.table('keys').count()).toBe(0);
    });

    it('two connections incrementing one counter concurrently lose no update', async () => {
      const a = await open();
      const b = await open();
      const increment = (db: Database) =>
        db.transaction(['keys'], 'readwrite', async (tx) => {
          const row = (await tx.table('keys').get('counter')) as { n: number } | undefined;
          await tx.table('keys').put({ k: 'counter', n: (row?.n ?? 0) + 1 });
        });
      await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 ? a : b)));
      expect(await a.table('keys').get('counter')).toEqual({ k: 'counter', n: 40 });
    });
  });


  describe(`${t.label}: change events`, () => {
    it('reports put, delete and clear per table with keys, after commit, and nothing for a rollback', async () => {
      const db = await open();
      const events: DbEvent[] = [];
      db.subscribe((event) => events.push(event));
      await db.table('keys').bulkPut([{ k: 1 }, { k: 2 }]);
      await db.table('keys').delete(1);
      await db.table('keys').clear();
      await db.transaction(['keys'], 'readwrite', async (tx) => {
        await tx.table('keys').put({ k: 9 });
        throw new Error('no');
      }).catch(() => undefined);
      expect(events).toEqual([
        { type: 'put', table: 'keys', keys: [1, 2], origin: 'local', label: 'bulkPut' },
        { type: 'delete', table: 'keys', keys: [1], origin: 'local', label: 'delete' },
        { type: 'clear', table: 'keys', origin: 'local', label: 'clear' },
      ]);
    });

    it('a read issued after a write that was not awaited reads what the write wrote', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.put({ k: 0, v: 0 });
      const put = keys.put({ k: 0, v: 1 });
      expect(await keys.get(0)).toEqual({ k: 0, v: 1 });
      await put;
      const written = db.transaction(['keys', 'users'], 'readwrite', async (tx) => {
        await tx.table('users').put({ email: 'a@x', handle: 'a' });
        await tx.table('keys').put({ k: 1, v: 2 });
      });
      const [count, rows, inTransaction] = [keys.count(), keys.query(), db.transaction(['keys'], 'readonly', (tx) => tx.table('keys').query())];
      expect(await count).toBe(2);
      const expected = [
        { k: 0, v: 1 },
        { k: 1, v: 2 },
      ];
      expect(await rows).toEqual(expected);
      expect(await inTransaction).toEqual(expected);
      await written;
    });

    it('another connection to the same database hears them as remote', async () => {
      const a = await open();
      const b = await open();
      const heard = new Promise<DbEvent>((resolve) => b.subscribe(resolve));
      await a.table('keys').put({ k: 'x' });
      expect(await heard).toEqual({ type: 'put', table: 'keys', keys: ['x'], origin: 'remote', label: 'put' });
    });
  });

});
