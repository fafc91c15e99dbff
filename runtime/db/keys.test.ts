import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asKey, compareBytes, compareKeys, numberBound, toKey, type Key } from './keys.js';
import { decodeKey, encodeKey } from './sort-key.js';

const binary = fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => bytes.buffer as ArrayBuffer);
const leaf: fc.Arbitrary<Key> = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -5, max: 5 }),
  fc.date({ noInvalidDate: true }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u007e', '\u007f', '\u407e', '\u407f', '\uffff', '\ud83d'), maxLength: 4 }),
  binary,
);
const key: fc.Arbitrary<Key> = fc.letrec<{ key: Key }>((tie) => ({
  key: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('key'), { maxLength: 3 })),
})).key;

describe('keys', () => {
  it('compareKeys agrees with indexedDB.cmp (fake-indexeddb)', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(compareKeys(a, b)).toBe(indexedDB.cmp(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('sort-key bytes order exactly as the keys do, and decode back', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(Math.sign(compareBytes(encodeKey(a), encodeKey(b)))).toBe(compareKeys(a, b));
        expect(compareKeys(decodeKey(encodeKey(a)), a)).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('long strings and strings outside the BMP survive the sort key', () => {
    const long = '😀a\u0000\uffff'.repeat(5000);
    expect(decodeKey(encodeKey(long))).toBe(long);
    expect(decodeKey(encodeKey(-0))).toBe(0);
  });

  it('a BigInt bound selects exactly the doubles on its side', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.constantFrom<'lower' | 'upper'>('lower', 'upper'), fc.boolean(), (bound, side, open) => {
        const { value, open: converted } = numberBound(bound, side, open);
        // The converted bound admits a double d exactly when the BigInt bound admits d.
        for (const d of [value, nextUp(value), nextDown(value), 0.5, -0.5]) {
          if (!Number.isFinite(d)) continue;
          const order = exactOrder(d, bound);
          const wanted = side === 'lower' ? (open ? order > 0 : order >= 0) : open ? order < 0 : order <= 0;
          const got = side === 'lower' ? (converted ? d > value : d >= value) : converted ? d < value : d <= value;
          expect(got).toBe(wanted);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names what is not a key', () => {
    expect(asKey([1, [2, 'x']])).toEqual([1, [2, 'x']]);
    expect(asKey([1, , 2])).toBeUndefined(); // eslint-disable-line no-sparse-arrays
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(asKey(cycle)).toBeUndefined();
    expect(() => toKey(1n, 'k')).toThrow(/BigInt/);
    expect(() => toKey(new Date(Number.NaN), 'k')).toThrow(/invalid Date/);
    expect(() => toKey(null, 'k')).toThrow(/null/);
    expect(() => toKey(undefined, 'k')).toThrow(/missing/);
  });
});

/** The sign of d - b, exactly. */
function exactOrder(d: number, b: bigint): number {
  if (Number.isInteger(d)) return BigInt(d) === b ? 0 : BigInt(d) < b ? -1 : 1;
  return BigInt(Math.floor(d)) < b ? -1 : 1;
}

function nextUp(value: number): number {
  const view = new DataView(new ArrayBuffer(8));
  if (value === 0) return Number.MIN_VALUE;
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, value > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

function nextDown(value: number): number {
  return -nextUp(-value);
}

describe('compareKeys refuses what is not a key (issue 14.9)', () => {
  it.each([null, undefined, Number.NaN, {}, true, new Date(Number.NaN), [Number.NaN], [null]])('compareKeys(%o, 1) and (1, %o) are DataErrors', (bad) => {
    expect(() => compareKeys(bad as never, 1)).toThrow(expect.objectContaining({ name: 'DataError' }));
    expect(() => compareKeys(1, bad as never)).toThrow(expect.objectContaining({ name: 'DataError' }));
    expect(() => compareKeys(bad as never, bad as never)).toThrow(expect.objectContaining({ name: 'DataError' }));
  });

  it('still orders valid keys as indexedDB.cmp does', () => {
    expect(compareKeys(-0, 0)).toBe(0);
    expect(compareKeys(-Infinity, Infinity)).toBe(-1);
    expect(compareKeys([], 'z')).toBe(1);
    expect(compareKeys(new Date(0), 0)).toBe(1);
  });
});
