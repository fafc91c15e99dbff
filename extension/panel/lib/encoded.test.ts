import { describe, expect, it } from 'vitest';
import { encode } from '#codec/encode.js';
import { diff } from './diff.js';
import { formatPath, isRedacted, summary, view } from './encoded.js';
import { plural } from './format.js';

describe('reading encoded values', () => {
  it('names every kind and picks its editor', () => {
    class Point {
      x = 1;
    }
    const value = encode({ s: 's', n: -0, b: 1n, d: new Date(0), m: new Map([[1, 2]]), set: new Set([1]), p: new Point(), f() {}, u: undefined });
    const children = Object.fromEntries(view(value, []).children!.map((child) => [child.label, view(child.value, child.path)]));
    expect(children.s).toMatchObject({ type: 'string', editor: 'string', preview: '"s"' });
    expect(children.n).toMatchObject({ type: 'number', editor: 'number', preview: '-0' });
    expect(children.b).toMatchObject({ editor: 'bigint', preview: '1n' });
    expect(children.d).toMatchObject({ type: 'Date', editor: 'date' });
    expect(children.m).toMatchObject({ type: 'Map', container: 'map', preview: 'Map(1)' });
    expect(children.m!.children![0]).toMatchObject({ path: ['m', 0, 1], keyPath: ['m', 0, 0], label: '1 →' });
    expect(children.set).toMatchObject({ container: 'set' });
    expect(children.p).toMatchObject({ type: 'Point', locked: expect.stringMatching(/cannot rebuild a class instance/) });
    expect(children.p!.container).toBeUndefined();
    // A JSON editor would write back a plain object that only carries the class name.
    expect(children.p!.editor).toBeUndefined();
    expect(children.f).toMatchObject({ type: 'function', locked: expect.any(String) });
    expect(children.f!.editor).toBeUndefined();
    expect(children.u).toMatchObject({ editor: 'undefined' });
  });

  it('offers the JSON editor on a built-in Error only: a page Error class would come back as a plain Error', () => {
    class HttpError extends Error {
      override name = 'HttpError';
    }
    expect(view(encode(new TypeError('t')), [])).toMatchObject({ type: 'TypeError', editor: 'json' });
    const custom = view(encode(new HttpError('gone')), []);
    expect(custom).toMatchObject({ type: 'HttpError', locked: expect.stringMatching(/only write built-in errors/) });
    expect(custom.editor).toBeUndefined();
  });

  it('shows cut parts with where to expand them', () => {
    const cut = encode({ long: 'x'.repeat(30), list: [1, 2, 3] }, { maxString: 4, maxEntries: 2 });
    const children = view(cut, []).children!.map((child) => view(child.value, child.path));
    expect(children[0]).toMatchObject({ truncated: { path: ['long'], size: 30 } });
    expect(children[0]!.preview).toMatch(/30 characters/);
    expect(children[1]).toMatchObject({ truncated: { path: ['list'], size: 3 } });
    expect(children[1]!.children).toHaveLength(2);
  });

  it('summarises a value on one line, cut at a length', () => {
    expect(summary(encode({ name: 'Ada', tags: ['x'], m: new Map([['k', 1n]]) }))).toBe('{name: "Ada", tags: ["x"], m: Map(1) {"k" => 1n}}');
    expect(summary(encode({ text: 'y'.repeat(500) }), 20)).toMatch(/…$/);
  });

  it('formats paths and finds redacted ones', () => {
    expect(formatPath(['user', 'tags', 0, 'odd key'])).toBe('user.tags[0]["odd key"]');
    expect(isRedacted(['user', 'password', 'x'], [['user', 'password']])).toBe(true);
    expect(isRedacted(['user'], [['user', 'password']])).toBe(false);
  });
});

describe("the agent's far sparse array (more holes than items past 1,000,000)", () => {
  const far = { $t: 'sparse', length: 2 ** 32 - 1, v: [[3, { n: 1 }], [2 ** 32 - 2, 'last']] };

  it('lists its items at their indexes and the holes between as runs, as [1, , 3] shows its hole', () => {
    expect(summary(encode([1, , 3]))).toBe('[1, <empty>, 3]');
    const shown = view({ list: far }, []).children![0]!;
    const node = view(shown.value, shown.path);
    expect(node).toMatchObject({ type: 'Array', preview: 'Array(4294967295)', container: 'array' });
    expect(node.children!.map((child) => [child.label, child.path, view(child.value, child.path).preview])).toEqual([
      ['0…2', ['list', 0], '<empty × 3>'],
      ['3', ['list', 3], '{n}'],
      ['4…4294967293', ['list', 4], '<empty × 4294967290>'],
      ['4294967294', ['list', 4294967294], '"last"'],
    ]);
    expect(summary(far)).toBe('Array(4294967295) [<empty × 3>, {n: 1}, <empty × 4294967290>, "last"]');
  });

  it('says how many items a cut one shows, and claims no holes past the last item shown', () => {
    const node = view({ ...far, v: [[3, 'a']], items: 2 }, []);
    expect(node.preview).toBe('Array(4294967295) — 1 of 2 items shown');
    expect(node.children!.map((child) => child.label)).toEqual(['0…2', '3']);
  });
});

describe('diff', () => {
  it('lists added, removed and changed paths', () => {
    const { differences, total } = diff(encode({ a: 1, b: [1, 2], c: 'x' }), encode({ a: 2, b: [1], d: true, c: 'x' }));
    expect(total).toBe(3);
    expect(differences).toEqual([
      { path: ['d'], kind: 'added', after: true },
      { path: ['a'], kind: 'changed', before: 1, after: 2 },
      { path: ['b', 1], kind: 'removed', before: 2 },
    ]);
    expect(diff(encode(new Map([[1, 'a']])), encode(new Map([[1, 'b']]))).differences[0]!.path).toEqual([0, 1]);
  });
});

describe('plural', () => {
  it('says "1 key" and "1 row", and counts others with the plural', () => {
    expect([plural(1, 'key'), plural(1, 'row'), plural(0, 'row'), plural(1200, 'entry', 'entries')]).toEqual(['1 key', '1 row', '0 rows', '1,200 entries']);
  });
});
