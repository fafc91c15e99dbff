import { describe, expect, it } from 'vitest';
import { decode } from '#codec/decode.js';
import { encode } from '#codec/encode.js';
import { movedPositions, replaceAt } from './splice.js';

describe('replaceAt', () => {
  it('splices an expanded part into a cut value, through previews and wrappers', () => {
    const value = { list: Array.from({ length: 5 }, (_, i) => ({ i, deep: { n: i } })) };
    const cut = encode(value, { maxEntries: 2, maxDepth: 2 });
    const expanded = encode(value.list, { basePath: ['list'] });
    expect(decode(replaceAt(cut, ['list'], expanded))).toEqual(value);
  });
});

describe('movedPositions (whether an index path still points at what the editor saw)', () => {
  it('says a list changed before the index; lets through changes at or after it and object paths', () => {
    const seen = encode({ list: ['a', 'b', 'c'], m: new Map([['k', 1]]) });
    expect(movedPositions(seen, encode({ list: ['z', 'a', 'b', 'c'], m: new Map([['k', 1]]) }), ['list', 2])).toMatch(/changed on the page before the item/);
    expect(movedPositions(seen, encode({ list: ['a', 'b', 'd', 'e'], m: new Map([['k', 1]]) }), ['list', 2])).toBeUndefined();
    expect(movedPositions(seen, encode({ list: [], m: new Map([['x', 0], ['k', 1]]) }), ['m', 0, 1])).toMatch(/changed/);
    expect(movedPositions(seen, encode({ list: 5, m: new Map([['k', 2]]) }), ['m', 0, 1])).toBeUndefined();
    expect(movedPositions(seen, encode({ list: 5 }), ['list', 1])).toMatch(/changed on the page/);
  });
});
