import { describe, expect, it } from 'vitest';
import { decode } from '#codec/decode.js';
import { encode } from '#codec/encode.js';
import { replaceAt } from './splice.js';

describe('replaceAt', () => {
  it('splices an expanded part into a cut value, through previews and wrappers', () => {
    const value = { list: Array.from({ length: 5 }, (_, i) => ({ i, deep: { n: i } })) };
    const cut = encode(value, { maxEntries: 2, maxDepth: 2 });
    const expanded = encode(value.list, { basePath: ['list'] });
    expect(decode(replaceAt(cut, ['list'], expanded))).toEqual(value);
  });
});
