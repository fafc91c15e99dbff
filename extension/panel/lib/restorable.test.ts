import { describe, expect, it } from 'vitest';
import { encode } from '#codec/encode.js';
import { notRestorable } from './restorable.js';

describe('notRestorable', () => {
  it('accepts a whole value of any codec type', () => {
    expect(notRestorable(encode({ when: new Date(0), big: 1n, tags: new Set(['a']), m: new Map([[1, { deep: [1, 2] }]]) }))).toBeUndefined();
    expect(notRestorable(null)).toBeUndefined();
  });

  it('says why a shortened, redacted or function-holding copy cannot be written back', () => {
    expect(notRestorable(encode({ text: 'x'.repeat(50) }, { maxString: 10 }))).toMatch(/shortened copy/);
    expect(notRestorable(encode([[[[1]]]], { maxDepth: 2 }))).toMatch(/shortened copy/);
    expect(notRestorable(encode({ onClick() {} }))).toMatch(/holds a function/);
    expect(notRestorable(encode({ token: 'x' }), [['token']])).toMatch(/redacted/);
  });
});
