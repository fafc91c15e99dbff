import { describe, expect, it } from 'vitest';
import { decode } from '../../../runtime/codec/decode.js';
import { encode } from '../../../runtime/codec/encode.js';
import { editEncoded, EditError, replaceAt } from './edit.js';

describe('editEncoded', () => {
  it('edits plain objects and arrays by path without touching the original', () => {
    const root = encode({ a: { b: [1, 2, 3] } });
    const copy = JSON.stringify(root);
    expect(decode(editEncoded(root, ['a', 'b', 1], 'set', 20))).toEqual({ a: { b: [1, 20, 3] } });
    expect(decode(editEncoded(root, ['a', 'b', 0], 'insert', 0))).toEqual({ a: { b: [0, 1, 2, 3] } });
    expect(decode(editEncoded(root, ['a', 'b', 2], 'delete'))).toEqual({ a: { b: [1, 2] } });
    expect(Object.keys(decode(editEncoded(root, ['a'], 'rename', undefined, 'z')) as object)).toEqual(['z']);
    expect(JSON.stringify(root)).toBe(copy);
  });

  it('goes through Maps (entry, then key or value) and Sets, keeping their types', () => {
    const root = encode({ m: new Map([['k', 1n]]), s: new Set(['x']) });
    const edited = decode(editEncoded(editEncoded(root, ['m', 0, 1], 'set', encode(2n)), ['s', 1], 'insert', 'y')) as { m: Map<string, bigint>; s: Set<string> };
    expect(edited.m).toEqual(new Map([['k', 2n]]));
    expect(edited.s).toEqual(new Set(['x', 'y']));
    const renamed = decode(editEncoded(root, ['m', 0, 0], 'set', 'key')) as { m: Map<string, bigint> };
    expect([...renamed.m.keys()]).toEqual(['key']);
  });

  it('keeps a `$t` key that is data as data', () => {
    const edited = editEncoded(encode({}), ['$t'], 'insert', 'not a tag');
    expect(decode(edited)).toEqual({ $t: 'not a tag' });
  });

  it('refuses, in words, what the agent would refuse', () => {
    class Point {
      x = 1;
    }
    const root = encode({ p: new Point(), long: 'x'.repeat(20), list: [1] }, { maxString: 5 });
    expect(() => editEncoded(root, ['p', 'x'], 'set', 2)).toThrow(EditError);
    expect(() => editEncoded(root, ['p', 'x'], 'set', 2)).toThrow(/Point: set it as a whole/);
    expect(() => editEncoded(root, ['list', 5], 'delete')).toThrow(/no position in a list of 1/);
    expect(() => editEncoded(root, ['missing', 'x'], 'set', 1)).toThrow(/does not exist/);
    expect(() => editEncoded(root, ['list'], 'rename', undefined, 'p')).toThrow(/already exists/);
    expect(() => editEncoded(root, [], 'delete')).toThrow(/needs a path/);
  });
});

describe('replaceAt', () => {
  it('splices an expanded part into a cut value, through previews and wrappers', () => {
    const value = { list: Array.from({ length: 5 }, (_, i) => ({ i, deep: { n: i } })) };
    const cut = encode(value, { maxEntries: 2, maxDepth: 2 });
    const expanded = encode(value.list, { basePath: ['list'] });
    expect(decode(replaceAt(cut, ['list'], expanded))).toEqual(value);
  });
});
