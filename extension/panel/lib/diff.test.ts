import { describe, expect, it } from 'vitest';
import type { Encoded } from '#codec/types.js';
import { diff } from './diff.js';
import { formatPath } from './encoded.js';

/** Each difference as the change list shows it: `path kind`. */
function lines(before: Encoded, after: Encoded): string[] {
  return diff(before, after).differences.map((d) => `${formatPath(d.path)} ${d.kind}${d.from === undefined ? '' : ` from ${d.from}`}`);
}

const todo = (id: number, title: string, done = false): Encoded => ({ id, title, done });

describe('diff', () => {
  it('says the middle item of a keyed list was removed, not that the last was and the middle changed', () => {
    const before = [todo(1, 'milk'), todo(2, 'eggs'), todo(3, 'bread')];
    expect(lines(before, [todo(1, 'milk'), todo(3, 'bread')])).toEqual(['[1] removed']);
  });

  it('follows a keyed item to its new index for a field change', () => {
    const before = [todo(1, 'milk'), todo(2, 'eggs'), todo(3, 'bread')];
    expect(lines(before, [todo(1, 'milk'), todo(3, 'bread', true)])).toEqual(['[1] removed', '[1].done changed']);
  });

  it('matches by `key` when items have no `id`, and reports a reorder as a move', () => {
    const a = { key: 'a', n: 1 };
    const b = { key: 'b', n: 2 };
    const c = { key: 'c', n: 3 };
    expect(lines([a, b, c], [c, a, b])).toEqual(['[0] moved from 2']);
  });

  it('matches items without an identity by longest common subsequence', () => {
    expect(lines(['a', 'b', 'c', 'd'], ['a', 'c', 'd'])).toEqual(['[1] removed']);
    expect(lines(['a', 'c'], ['a', 'b', 'c'])).toEqual(['[1] added']);
  });

  it('pairs an edited record without identity in place, so it reads as changed', () => {
    expect(lines([{ t: 'x' }, { t: 'y' }, { t: 'z' }], [{ t: 'x' }, { t: 'Y' }, { t: 'z' }])).toEqual(['[1].t changed']);
  });

  it('falls back to LCS when ids repeat, and keys tagged arrays and sets the same way', () => {
    expect(lines([todo(1, 'a'), todo(1, 'b'), todo(2, 'c')], [todo(1, 'a'), todo(2, 'c')])).toEqual(['[1] removed']);
    const tagged = (v: Encoded[]): Encoded => ({ $t: 'set', v });
    expect(lines(tagged([1, 2, 3]), tagged([1, 3]))).toEqual(['[1] removed']);
  });

  it('still walks objects field by field and counts past the bound', () => {
    expect(lines({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual(['b removed', 'c added']);
    const many = Array.from({ length: 80 }, (_, i) => i);
    const result = diff(many, []);
    expect(result.total).toBe(80);
    expect(result.differences).toHaveLength(50);
  });
});
