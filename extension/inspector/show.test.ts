/**
 * Rows JSON.stringify runs out of stack on: the inspector must still hash them (a row without a
 * hash cannot be shown or edited).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Blobs, guardStandIns, hashOf, standIn } from './show.js';
import { tooMuchRecursion } from '../../test/helpers/firefox-stack.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hashOf a row JSON.stringify runs out of stack on', () => {
  it('hashes it in Firefox too, where running out of stack is an InternalError', () => {
    // Firefox's JSON.stringify gives up at its own depth; here it does so on the row's encoding.
    const row = [[{ at: new Date(0), tags: ['a', 'b'] }]];
    const expected = hashOf(row);
    vi.spyOn(JSON, 'stringify').mockImplementationOnce(() => {
      throw tooMuchRecursion();
    });
    expect(hashOf(row)).toBe(expected);
  });
});

/** A platform-like object: what it holds shows only through its prototype's getters (as a CryptoKey's). */
class Sealed {
  readonly #value: number;
  constructor(value: number) {
    this.#value = value;
  }
  get value(): number {
    return this.#value;
  }
  get broken(): number {
    throw new Error('no');
  }
}

/** `leaf` under `levels` containers, arrays and objects by turns. */
function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { v: value };
  return value;
}

describe('hashOf a row nested thousands of levels deep', () => {
  it('hashes a row 20,000 levels deep instead of running out of stack, and tells two such rows apart', () => {
    // Before: platformFacts walked the row recursively and threw RangeError (InternalError in Firefox).
    const row = nested(20_000, { key: new Sealed(1) });
    expect(hashOf(row)).toMatch(/^h[0-9a-z]+$/);
    // What differs lies only behind a getter at the bottom: the hash still sees it, so a stale edit is refused.
    expect(hashOf(nested(20_000, { key: new Sealed(2) }))).not.toBe(hashOf(row));
    expect(hashOf(nested(20_000, { key: new Sealed(1) }))).toBe(hashOf(row));
  });

  it('finds the place of a Blob 20,000 levels down (rows are placed before they are hashed)', () => {
    const blob = new Blob(['deep']);
    const blobs = new Blobs();
    blobs.place(nested(20_000, { blob }), { database: 1, table: 't', key: 1 });
    const place = blobs.placeOf(blob);
    expect(place?.path).toHaveLength(20_001);
    expect(place?.path.slice(0, 3)).toEqual([0, 'v', 0]);
    expect(place?.path.at(-1)).toBe('blob');
  });

  it('keeps the hash of every value that hashed before (recorded from the recursive walk)', () => {
    // Hashes are compared with the panel's copy of a row: one that moved would refuse every edit
    // of rows the panel read from an inspector of the previous version.
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const sparse: unknown[] = [1];
    sparse[5] = new Sealed(1);
    const values: Record<string, unknown> = {
      primitive: 42,
      string: 'héllo',
      undef: undefined,
      row: { id: 7, name: 'Ada', tags: ['a', 'b'], at: new Date(0), big: 10n },
      collections: { map: new Map<unknown, unknown>([[1, { one: 1 }], ['k', [2, 3]]]), set: new Set(['x', { y: 1 }]) },
      shared: [shared, shared, { again: shared }],
      cyclic,
      platform: { p: new Sealed(3), list: [new Sealed(4)], m: new Map([['q', new Sealed(5)]]), again: [new Sealed(3)] },
      bytes: { u8: new Uint8Array([1, 2, 3]), buf: new Uint8Array([9]).buffer, blob: new Blob(['hi'], { type: 'text/plain' }) },
      deep100: nested(100, { p: new Sealed(100), q: [new Sealed(101), { r: new Sealed(102) }] }),
      sparse,
    };
    const hashes = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, hashOf(value)]));
    expect(hashes).toEqual(RECORDED);
  });
});

/** hashOf of the values above, computed on HEAD's recursive walk (16de43c) before it was made iterative. */
const RECORDED: Record<string, string> = {
  primitive: 'h11pcryb08o4s47',
  string: 'h1vx4jl307kg0ae',
  undef: 'hxtg06b1l3g2ov',
  row: 'hwurwac0xu5qfd',
  collections: 'h1df1ey11wbwvv8',
  shared: 'h1ia7wbx00fgdu7',
  cyclic: 'h13fdrr40vo0xi3',
  platform: 'h1s0ew9y0vs9gq7',
  bytes: 'hcdp0200ux0nu1',
  deep100: 'h1h0tewq04gaqv1',
  sparse: 'h1rwyft90wtoqco',
};

/** Stands in for a class instance the codec showed as a plain object carrying its name (a CryptoKey). */
const tagged = (name: string) => ({ [Symbol.toStringTag]: name, type: 'secret' });

describe('standIn on a value from the panel nested thousands of levels deep', () => {
  it('finds a stand-in 20,000 levels down instead of running out of stack, and passes a deep value without one', () => {
    // Before: standIn walked the value recursively and threw RangeError (InternalError in Firefox),
    // so saving or editing a row that deep failed with no words about the row.
    const deep = nested(20_000, { key: tagged('CryptoKey') });
    expect(() => guardStandIns(deep)).toThrow(/\["key"\] is a CryptoKey the panel can show but not rebuild/);
    expect(standIn(deep)).toMatch(/^\["0"\]\["v"\]\["0"\]/);
    expect(() => guardStandIns(nested(20_000, { key: 1 }))).not.toThrow();
  });

  it('names a stand-in 20,000 levels down by a path cut to its ends, not a 140 KB one in the toast', () => {
    expect(standIn(nested(20_000, { key: tagged('CryptoKey') }))).toBe('["0"]["v"]["0"]["v"]…(20001 levels)…["v"]["0"]["v"]["key"] is a CryptoKey the panel can show but not rebuild');
  });

  it('words every value as the recursive walk did (recorded before it was made iterative)', () => {
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    cyclic.later = tagged('Cyclic');
    const values: Record<string, unknown> = {
      primitive: 42,
      none: { id: 7, tags: ['a', 'b'], at: new Date(0), m: new Map([[1, { one: 1 }]]), s: new Set(['x']) },
      root: tagged('CryptoKey'),
      field: { a: 1, b: { c: tagged('DOMMatrix') } },
      arrayItem: [0, [1, tagged('CryptoKey')]],
      mapValue: { m: new Map<unknown, unknown>([['k', 1], [tagged('KeyNotSeen'), { deep: tagged('InMap') }]]) },
      setItem: new Set([1, { x: tagged('InSet') }]),
      first: { a: [tagged('First')], b: tagged('Second') },
      shared: [shared, { again: shared, then: tagged('AfterShared') }],
      cyclic,
      deep100: nested(100, { p: tagged('Deep') }),
    };
    const words = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, standIn(value) ?? null]));
    expect(words).toEqual(RECORDED_STAND_INS);
  });
});

/** standIn of the values above, computed on HEAD's recursive walk (a556183) before it was made iterative. */
const RECORDED_STAND_INS: Record<string, string | null> = {
  primitive: null,
  none: null,
  root: 'the value is a CryptoKey the panel can show but not rebuild',
  field: '["b"]["c"] is a DOMMatrix the panel can show but not rebuild',
  arrayItem: '["1"]["1"] is a CryptoKey the panel can show but not rebuild',
  mapValue: '["m"][1]["deep"] is a InMap the panel can show but not rebuild',
  setItem: '[1]["x"] is a InSet the panel can show but not rebuild',
  first: '["a"]["0"] is a First the panel can show but not rebuild',
  shared: '["1"]["then"] is a AfterShared the panel can show but not rebuild',
  cyclic: '["later"] is a Cyclic the panel can show but not rebuild',
  // Recorded as a 510-character path; long paths are now cut to their ends (error.ts pathWords).
  deep100: '["0"]["v"]["0"]["v"]…(101 levels)…["v"]["0"]["v"]["p"] is a Deep the panel can show but not rebuild',
};
