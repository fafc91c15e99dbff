import { describe, expect, it } from 'vitest';
import { valueBytes } from './sizes.js';

describe('valueBytes of structured clones (IndexedDB, memory)', () => {
  it('counts a value without sparse arrays exactly as the codec text, cycles, shared parts and holes in dense arrays included', () => {
    const shared = { s: 1 };
    const cyclic: Record<string, unknown> = { list: [1, , 3], shared, again: shared, map: new Map([[shared, new Set([shared])]]) };
    cyclic.self = cyclic;
    for (const value of [cyclic, [new Date(0), 'x'], 5, 'text', null]) expect(valueBytes(value, true)).toBe(valueBytes(value));
  });

  it('counts a sparse array by its elements, inside Maps, Sets and cycles too, keeping what is shared', () => {
    const sparse: unknown[] = [];
    sparse[2_000_000] = 'last';
    const row: Record<string, unknown> = { map: new Map([['k', sparse]]), set: new Set([sparse]) };
    row.self = row;
    sparse[5] = row;
    // The codec's text writes two million holes (28 MB); the clone holds two elements.
    expect(valueBytes(row)).toBeGreaterThan(28_000_000);
    expect(valueBytes(row, true)).toBeLessThan(300);
  });
});
