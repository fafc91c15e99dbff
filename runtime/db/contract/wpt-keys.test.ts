/**
 * web-platform-tests' IndexedDB key and key range cases (key_valid, key_invalid, idb-cmp,
 * keyrange, idbkeyrange_incorrect), written from what they assert, on every provider.
 */
import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';

const cycle: unknown[] = [1];
cycle.push(cycle);

const INVALID: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['an object', {}],
  ['a function', () => 1],
  ['NaN', Number.NaN],
  ['an invalid Date', new Date(Number.NaN)],
  ['a RegExp', /x/],
  ['a boxed number', Object(1)],
  ['a boxed string', Object('a')],
  ['a sparse array', [, 1]],
  ['an array holding undefined', [undefined]],
  ['an array holding null', [1, null]],
  ['an array holding an object', [{}]],
  ['a cyclic array', cycle],
  ['a Proxy of an array', new Proxy([1, 2, 3], {})],
  ['an array holding a Proxy of an array', [1, new Proxy([2], {})]],
  ['a BigInt', 1n],
];

const VALID: Array<[string, unknown]> = [
  ['-Infinity', -Infinity],
  ['Infinity', Infinity],
  ['-0', -0],
  ['a fraction', 0.5],
  ['the empty string', ''],
  ['a lone surrogate', '\uD800'],
  ['a Date', new Date(0)],
  ['the empty array', []],
  ['nested arrays', [[[]], [1, 'a', new Date(1)]]],
  ['binary', new Uint8Array([1, 2]).buffer],
];

contract((t, { open }) => {
  describe(`${t.label}: keys (WPT)`, () => {
    it.each(INVALID)('refuses %s as a key with DataError, storing nothing', async (_name, key) => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.put({ k: key })).rejects.toMatchObject({ name: 'DataError' });
      await expect(keys.get(key as never)).rejects.toMatchObject({ name: 'DataError' });
      expect(await keys.count()).toBe(0);
    });

    it.each(VALID)('stores and finds %s as a key', async (_name, key) => {
      const db = await open();
      const keys = db.table('keys');
      await keys.put({ k: key, v: 'found' });
      expect(await keys.get(key as never)).toMatchObject({ v: 'found' });
      expect(await keys.count({ range: { eq: key as never } })).toBe(1);
    });
  });

  describe(`${t.label}: key ranges (WPT)`, () => {
    it.each([
      [{ gt: 2, lt: 1 }],
      [{ gte: 'b', lte: 'a' }],
      [{ gte: 1, lt: 1 }],
      [{ gt: 1, lte: 1 }],
      [{ gte: [2], lte: [1, 5] }],
      [{ gte: 'a', lte: 1 }],
      [{ gte: 3n, lte: 2 }],
    ])('refuses the inverted or empty-open range %o with DataError', async (range) => {
      const db = await open();
      const keys = db.table('keys');
      await expect(keys.query({ range: range as never })).rejects.toMatchObject({ name: 'DataError' });
      await expect(keys.count({ range: range as never })).rejects.toMatchObject({ name: 'DataError' });
    });

    it('keeps a range that holds no double but is not inverted (BigInt bounds) an empty result', async () => {
      const db = await open();
      const keys = db.table('keys');
      await keys.put({ k: 2 ** 53 });
      await keys.put({ k: 2 ** 53 + 2 });
      expect(await keys.query({ range: { gte: 2n ** 53n + 1n, lte: 2n ** 53n + 1n } })).toEqual([]);
      expect(await keys.count({ range: { gt: 2n ** 53n, lt: 2n ** 53n + 2n } })).toBe(0);
    });

    it('accepts a closed range with equal bounds, and orders types number < date < string < binary < array', async () => {
      const db = await open();
      const keys = db.table('keys');
      for (const k of [[1], new Uint8Array([0]).buffer, 'a', new Date(5), 3]) await keys.put({ k });
      expect(await keys.count({ range: { gte: 3, lte: 3 } })).toBe(1);
      const order = (await keys.query()).map((row) => {
        const k = (row as { k: unknown }).k;
        return k instanceof ArrayBuffer ? 'binary' : k instanceof Date ? 'date' : Array.isArray(k) ? 'array' : typeof k;
      });
      expect(order).toEqual(['number', 'date', 'string', 'binary', 'array']);
    });
  });
});

contract((t, { open }) => {
  describe(`${t.label}: empty key paths (WPT keypath)`, () => {
    it("refuses a table key path of '' when the database opens", async () => {
      await expect(open({ tables: { bad: { key: '' } } })).rejects.toThrow(/key path may not be empty/);
    });

    it("an index path of '' stands for the whole row, which is an object and so never a key: the index stays empty", async () => {
      const db = await open({ tables: { rows: { key: 'id', indexes: { whole: '' } } } });
      await db.table('rows').put({ id: 1 });
      expect(await db.table('rows').count()).toBe(1);
      expect(await db.table('rows').count({ index: 'whole' })).toBe(0);
    });
  });
});
