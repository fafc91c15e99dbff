import { describe, expect, it } from 'vitest';
import { pathText } from './encoded.js';
import { CodecError, formatPath } from './error.js';

/** The path to the bottom of `{ v: [ { v: … } ] }`, `depth` steps. */
const deepPath = (depth: number): (string | number)[] => Array.from({ length: depth }, (_, i) => (i % 2 ? 0 : 'v'));

describe('paths in words', () => {
  it('writes a short path whole, as before', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath(['user', 'tags', 0, 'odd key'])).toBe('$.user.tags[0]["odd key"]');
    expect(pathText(['user', 'tags', 0, 'odd key'])).toBe('user.tags[0]["odd key"]');
    expect(formatPath(deepPath(12))).toBe('$.v[0].v[0].v[0].v[0].v[0].v[0]');
  });

  it('cuts a path 20,000 steps long to its first and last steps and its depth, instead of a 100 KB message', () => {
    const path = [...deepPath(19_999), 'leaf'];
    expect(formatPath(path)).toBe('$.v[0].v[0]…(20000 levels)….v[0].v.leaf');
    expect(pathText(path)).toBe('v[0].v[0]…(20000 levels)….v[0].v.leaf');
    expect(new CodecError('cannot store this', path).message).toBe('cannot store this (at $.v[0].v[0]…(20000 levels)….v[0].v.leaf)');
  });
});
