import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { asIfFromAnotherRealm } from '../../../test/helpers/other-realm.js';
import { contract } from './harness.js';

contract((t, { open }) => {
  describe(`${t.label}: key order and queries`, () => {
    it('orders keys as IndexedDB does: numbers (mixed signs) < dates < strings (UTF-16 units) < binary < arrays', async () => {
      const db = await open();
      const keys = db.table('keys');
      const ordered = [
        -Infinity,
        -1e300,
        -(2 ** 60),
        -2.5,
        -1,
        0,
        Number.MIN_VALUE,
        1,
        2.5,
        2 ** 53,
        2 ** 53 + 2,
        2 ** 60,
        Infinity,
        new Date(-1),
        new Date(0),
        new Date(1e12),
        '',
        'A',
        'B',
        'a',
        'ab',
        'é',
        '😀', // U+1F600 is the surrogate pair D83D DE00: before U+FFFF by code unit
        '\uffff',
        // (An empty ArrayBuffer is a key in browsers, but fake-indexeddb refuses it.)
        new Uint8Array([0]).buffer,
        new Uint8Array([0, 0]).buffer,
        new Uint8Array([1]).buffer,
        new Uint8Array([255, 255]).buffer,
        [],
        [-1],
        [1],
        [1, 'a'],
        ['a'],
        [[]],
      ];
      const shuffled = [...ordered].sort(() => Math.random() - 0.5);
      for (const k of shuffled) await keys.put({ k });
      const read = (await keys.query()).map((row) => (row as { k: unknown }).k);
      expect(read).toEqual(ordered);
      const back = (await keys.query({ direction: 'prev' })).map((row) => (row as { k: unknown }).k);
      expect(back).toEqual([...ordered].reverse());
      expect(await keys.get(-0)).toEqual({ k: 0 });
    });

    it('ranges: eq, gt, gte, lt, lte, offset, limit and direction, over mixed signs', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3].map((k) => ({ k })));
      const ks = async (query: Parameters<typeof keys.query>[0]) => (await keys.query(query)).map((row) => (row as { k: number }).k);
      expect(await ks({ range: { gt: -1, lte: 1 } })).toEqual([-0.5, 0, 0.5, 1]);
      expect(await ks({ range: { gte: -1, lt: 1 } })).toEqual([-1, -0.5, 0, 0.5]);
      expect(await ks({ range: { eq: -0.5 } })).toEqual([-0.5]);
      expect(await ks({ range: { lt: -1 } })).toEqual([-3, -2]);
      expect(await ks({ range: { gte: 2 }, direction: 'prev' })).toEqual([3, 2]);
      expect(await ks({ offset: 2, limit: 3 })).toEqual([-1, -0.5, 0]);
      expect(await ks({ direction: 'prev', offset: 1, limit: 2 })).toEqual([2, 1]);
      // As IndexedDB: a range that can hold no key is a DataError (issue 14.10), not [].
      await expect(ks({ range: { gt: 1, lt: 1 } })).rejects.toMatchObject({ name: 'DataError' });
      await expect(ks({ range: { gt: 5, lt: 1 } })).rejects.toMatchObject({ name: 'DataError' });
      expect(await keys.count({ range: { gte: 0 } })).toBe(5);
      await expect(ks({ range: { gt: 1, gte: 2 } })).rejects.toThrow(/both gt and gte/);
    });

    it('a limit past 2^32 - 1 (Number.MAX_SAFE_INTEGER for "no limit") returns every row, as any larger limit does', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([1, 2, 3].map((k) => ({ k })));
      const ks = async (query: Parameters<typeof keys.query>[0]) => (await keys.query(query)).map((row) => (row as { k: number }).k);
      expect(await ks({ limit: Number.MAX_SAFE_INTEGER })).toEqual([1, 2, 3]);
      expect(await ks({ limit: 2 ** 32 })).toEqual([1, 2, 3]);
      expect(await ks({ limit: 2 ** 32 - 1, range: { gte: 2 } })).toEqual([2, 3]);
      expect(await ks({ limit: 2 ** 40, direction: 'prev' })).toEqual([3, 2, 1]);
      const notes = db.table('notes');
      await notes.bulkPut([{ title: 'b', tags: ['x'] }, { title: 'a', tags: ['x', 'y'] }]);
      expect((await notes.query({ index: 'byTitle', limit: Number.MAX_SAFE_INTEGER })).map((row) => (row as { title: string }).title)).toEqual(['a', 'b']);
    });

    it('a whole-number limit or offset past 2^53 (2^63, 1e21, Number.MAX_VALUE) answers as a smaller huge one does, never a driver error', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.bulkPut([1, 2, 3].map((k) => ({ k })));
      const ks = async (query: Parameters<typeof keys.query>[0]) => (await keys.query(query)).map((row) => (row as { k: number }).k);
      expect(await ks({ limit: 2 ** 63 })).toEqual([1, 2, 3]);
      expect(await ks({ limit: 1e21, offset: 1 })).toEqual([2, 3]);
      expect(await ks({ limit: Number.MAX_VALUE, direction: 'prev' })).toEqual([3, 2, 1]);
      expect(await ks({ offset: 2 ** 63 })).toEqual([]);
      expect(await ks({ offset: 1e21, limit: 1, direction: 'prev' })).toEqual([]);
      expect((await db.table('notes').query({ index: 'byTag', limit: 2 ** 64 })).length).toBe(0);
    });

    it('integers beyond 2^53 stay exact in ranges, bounded by BigInt', async () => {
      const db = await open();
      const keys = db.table('keys');
      const big = [2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 53 + 4, 2 ** 64, -(2 ** 53), -(2 ** 53 + 2)];
      await keys.bulkPut(big.map((k) => ({ k })));
      const ks = async (range: object) => (await keys.query({ range })).map((row) => (row as { k: number }).k);
      expect(await ks({ gt: 2n ** 53n + 1n, lt: 2n ** 64n })).toEqual([2 ** 53 + 2, 2 ** 53 + 4]);
      expect(await ks({ gte: 2n ** 53n + 1n })).toEqual([2 ** 53 + 2, 2 ** 53 + 4, 2 ** 64]);
      expect(await ks({ lte: 2n ** 53n + 1n, gt: 0n })).toEqual([2 ** 53 - 1, 2 ** 53]);
      expect(await ks({ lt: -(2n ** 53n) - 1n })).toEqual([-(2 ** 53 + 2)]);
      expect(await ks({ eq: 2n ** 53n + 1n })).toEqual([]);
      expect(await ks({ eq: 2n ** 64n })).toEqual([2 ** 64]);
    });

    it('queries an index in index order, then primary key; multiEntry per element; compound paths', async () => {
      const db = await open();
      const notes = db.table('notes');
      await notes.bulkPut([
        { title: 'b', tags: ['x', 'y', 'x'] },
        { title: 'a', tags: ['y'] },
        { title: 'b', tags: [] },
        { title: 'c', tags: 'z' },
      ]);
      const ids = (rows: unknown[]) => rows.map((row) => (row as { id: number }).id);
      expect(ids(await notes.query({ index: 'byTitle' }))).toEqual([2, 1, 3, 4]);
      expect(ids(await notes.query({ index: 'byTitle', direction: 'prev' }))).toEqual([4, 3, 1, 2]);
      expect(ids(await notes.query({ index: 'byTitle', range: { eq: 'b' } }))).toEqual([1, 3]);
      expect(ids(await notes.query({ index: 'byTag', range: { eq: 'y' } }))).toEqual([1, 2]);
      expect(ids(await notes.query({ index: 'byTag' }))).toEqual([1, 1, 2, 4]);
      expect(await notes.count({ index: 'byTag', range: { eq: 'x' } })).toBe(1);
      await expect(notes.query({ index: 'nope' })).rejects.toMatchObject({ name: 'NotFoundError' });
      const pairs = db.table('pairs');
      await pairs.bulkPut([{ a: 1, b: 'z' }, { a: 2, b: 'y' }, { a: 1, b: 'y' }]);
      expect(await pairs.get([1, 'y'])).toEqual({ a: 1, b: 'y' });
      const ab = (rows: unknown[]) => rows.map((row) => [(row as { a: number }).a, (row as { b: string }).b]);
      expect(ab(await pairs.query())).toEqual([[1, 'y'], [1, 'z'], [2, 'y']]);
      expect(ab(await pairs.query({ index: 'byBA', range: { gte: ['y', 2] } }))).toEqual([[2, 'y'], [1, 'z']]);
    });

    it("key paths read a Blob's size and type and a File's name and lastModified, as IndexedDB evaluates them", async () => {
      const db = await open({
        tables: {
          notes: { key: 'id', indexes: { bySize: 'blob.size', byType: 'blob.type', bySizes: { path: 'blob.size', multiEntry: true } } },
          files: { key: 'file.name', indexes: { byDate: 'file.lastModified' } },
        },
      });
      const notes = db.table('notes');
      await notes.bulkPut([
        { id: 1, blob: new Blob(['hello'], { type: 'text/plain' }) },
        { id: 2, blob: new Blob(['{}'], { type: 'application/json' }) },
        { id: 3, blob: 'no blob' },
      ]);
      const ids = (rows: unknown[]) => rows.map((row) => (row as { id: number }).id);
      expect(ids(await notes.query({ index: 'bySize' }))).toEqual([2, 1]);
      expect(ids(await notes.query({ index: 'bySize', range: { gte: 3 } }))).toEqual([1]);
      expect(ids(await notes.query({ index: 'byType', range: { eq: 'application/json' } }))).toEqual([2]);
      expect(await notes.count({ index: 'bySizes' })).toBe(2);
      // Node's structured clone turns a File into a Blob (browsers keep it): there fake-indexeddb,
      // which clones before it reads the key, finds no name.
      if (t.kind === 'indexeddb' && !(structuredClone(new File([], 'x')) instanceof File)) return;
      const files = db.table('files');
      await files.bulkPut([
        { file: new File(['hello'], 'b.txt', { lastModified: 10 }) },
        { file: new File(['{}'], 'a.json', { lastModified: 20 }) },
      ]);
      expect(await files.count({ range: { eq: 'b.txt' } })).toBe(1);
      expect(await files.count({ index: 'byDate', range: { gte: 15 } })).toBe(1);
      expect(((await files.query({ index: 'byDate', direction: 'prev' })) as Array<{ file: Blob }>).map((row) => row.file.size)).toEqual([2, 5]);
    });

    it("takes another realm's Date and ArrayBuffer (an iframe's) as keys, as this realm's", async () => {
      const db = await open({ tables: { events: { key: 'at', indexes: { byHash: 'hash' } } } });
      const events = db.table('events');
      const made = vm.runInNewContext('[new Date(20), new Date(10)].map((at, i) => ({ at, hash: new Uint8Array([9 - i]).buffer }))') as object[];
      // Before: memory and SQLite found no key in them (instanceof Date) and refused both rows with a DataError.
      await events.bulkPut(made);
      expect(((await events.query()) as Array<{ at: Date }>).map((row) => row.at.getTime())).toEqual([10, 20]);
      expect(await events.count({ index: 'byHash', range: { eq: new Uint8Array([8]).buffer } })).toBe(1);
      expect(((await events.get(new Date(20))) as { at: Date } | undefined)?.at.getTime()).toBe(20);
    });

    it("key paths read another realm's Blob (an iframe's) as this realm's", async () => {
      const db = await open({ tables: { notes: { key: 'id', indexes: { bySize: 'blob.size', byType: 'blob.type' } } } });
      const notes = db.table('notes');
      await notes.bulkPut([
        { id: 1, blob: asIfFromAnotherRealm(new Blob(['hello'], { type: 'text/plain' })) },
        { id: 2, blob: asIfFromAnotherRealm(new Blob(['{}'], { type: 'application/json' })) },
      ]);
      const ids = (rows: unknown[]) => rows.map((row) => (row as { id: number }).id);
      // Before: memory and SQLite read no size or type from it (instanceof Blob), so neither index held the rows.
      expect(ids(await notes.query({ index: 'bySize' }))).toEqual([2, 1]);
      expect(ids(await notes.query({ index: 'byType', range: { eq: 'text/plain' } }))).toEqual([1]);
    });
  });

});
