import { describe, expect, it } from 'vitest';
import { encode, type Encoded } from '../../codec/index.js';
import { applyEdit, decodeEdit, guardClasses } from './edit.js';
import { InlineBlobs } from './show.js';

/** What the panel sends back for a value it was shown: blobs by ref. */
function roundTrip(value: unknown): unknown {
  const blobs = new InlineBlobs();
  return decodeEdit(encode(value, { onBlob: (blob) => blobs.ref(blob) }), blobs);
}

describe('decodeEdit with blobs (issue 14.5)', () => {
  it('puts a blob inside a Map or Set back in its place, not over the whole value', () => {
    const a = new Blob(['a']);
    const b = new Blob(['b']);
    const back = roundTrip({ files: new Map<unknown, unknown>([['a', a], [b, 'key is a blob']]), tags: new Set([a, 1]) }) as {
      files: Map<unknown, unknown>;
      tags: Set<unknown>;
    };
    expect(back).not.toBeInstanceOf(Blob);
    expect([...back.files]).toEqual([
      ['a', a],
      [b, 'key is a blob'],
    ]);
    expect([...back.tags]).toEqual([a, 1]);
  });

  it('turns the same blob referenced twice into that blob both times', () => {
    const blob = new Blob(['shared']);
    const back = roundTrip({ first: blob, second: blob, list: [blob] }) as Record<string, unknown>;
    expect(back.first).toBe(blob);
    expect(back.second).toBe(blob);
    expect((back.list as unknown[])[0]).toBe(blob);
  });

  it('edits one path of a value holding blobs and keeps every other part', () => {
    const blob = new Blob(['x']);
    const root = { m: new Map([['k', blob]]), n: 1 };
    const next = applyEdit(root, ['n'], 'set', 2) as typeof root;
    expect(next.m.get('k')).toBe(blob);
    expect(next.n).toBe(2);
  });
});

describe('decodeEdit of a number past a double\'s range', () => {
  it('refuses a value holding Infinity as a bare number (what JSON.parse makes of 1e400) in words', () => {
    expect(() => decodeEdit(JSON.parse('{"n":[1e400]}') as Encoded, new InlineBlobs())).toThrow(
      expect.objectContaining({ code: 'invalid', message: expect.stringMatching(/cannot be decoded: Infinity is not JSON \(at \$\.n/) }),
    );
  });
});

describe('applyEdit on a frozen value (issue 21: Redux Toolkit and valtio hand out frozen state)', () => {
  it('edits a copy and leaves the frozen original as it was', () => {
    const frozen = Object.freeze({ filter: 'all', items: Object.freeze([Object.freeze({ done: false })]) });
    const next = applyEdit(frozen, ['items', 0, 'done'], 'set', true) as typeof frozen;
    expect(next).toEqual({ filter: 'all', items: [{ done: true }] });
    expect(frozen.items[0]!.done).toBe(false);
    expect((applyEdit(frozen, ['filter'], 'delete', undefined) as object)).toEqual({ items: [{ done: false }] });
  });
});

describe('applyEdit keeps what the edit does not touch', () => {
  it('keeps the holes of a sparse array when one item is set', () => {
    // eslint-disable-next-line no-sparse-arrays
    const root = { list: [1, , 3] };
    const next = applyEdit(root, ['list', 0], 'set', 5) as { list: unknown[] };
    expect(next.list[0]).toBe(5);
    expect(1 in next.list).toBe(false); // still a hole, not an explicit undefined
  });

  it('keeps the holes of a sparse array when a field of an item is set or an item removed', () => {
    // eslint-disable-next-line no-sparse-arrays
    const root = [{ a: 1 }, , { a: 3 }, , 5];
    const next = applyEdit(root, [0, 'a'], 'set', 2) as unknown[];
    expect(1 in next).toBe(false);
    expect(next).toHaveLength(5);
    const removed = applyEdit(root, [0], 'delete', undefined) as unknown[];
    expect([0 in removed, 1 in removed, 2 in removed]).toEqual([false, true, false]);
  });
});

describe('applyEdit on a Set', () => {
  it('refuses in words to set an item to a value another member has, instead of dropping a member', () => {
    const root = { tags: new Set(['a', 'b', 'c']) };
    expect(() => applyEdit(root, ['tags', 0], 'set', 'b')).toThrow(expect.objectContaining({ code: 'invalid', message: expect.stringMatching(/already holds that value/) }));
    expect(() => applyEdit(root, ['tags', 3], 'insert', 'c')).toThrow(expect.objectContaining({ code: 'invalid' }));
    expect(root.tags.size).toBe(3);
    // The item's own value again, or a new one, is fine.
    expect([...(applyEdit(root, ['tags', 1], 'set', 'b') as typeof root).tags]).toEqual(['a', 'b', 'c']);
    expect([...(applyEdit(root, ['tags', 1], 'set', 'B') as typeof root).tags]).toEqual(['a', 'B', 'c']);
  });
});

describe('applyEdit rename', () => {
  it('keeps symbol-keyed and non-enumerable properties of the object, as set does, and the key order', () => {
    const tag = Symbol('tag');
    const root = { user: { id: 1, name: 'Ada', age: 36, [tag]: 'kept' } };
    Object.defineProperty(root.user, 'hidden', { value: 42, enumerable: false });
    const set = applyEdit(root, ['user', 'name'], 'set', 'Grace') as { user: Record<PropertyKey, unknown> };
    expect(set.user[tag]).toBe('kept');
    expect(set.user['hidden']).toBe(42);
    const renamed = applyEdit(root, ['user', 'name'], 'rename', undefined, 'fullName') as { user: Record<PropertyKey, unknown> };
    expect(renamed.user['fullName']).toBe('Ada');
    expect(renamed.user[tag]).toBe('kept');
    expect(renamed.user['hidden']).toBe(42);
    expect(Object.getOwnPropertyDescriptor(renamed.user, 'hidden')?.enumerable).toBe(false);
    expect(Object.keys(renamed.user)).toEqual(['id', 'fullName', 'age']);
    expect(Object.hasOwn(renamed.user, 'name')).toBe(false);
  });
});

describe('applyEdit on a value with shared and circular references', () => {
  it('refuses in words an edit through a container that is referenced again (a child pointing to its parent)', () => {
    const root: { name: string; children: { name: string; parent?: unknown }[] } = { name: 'root', children: [] };
    root.children.push({ name: 'a', parent: root });
    expect(() => applyEdit(root, ['children', 0, 'name'], 'set', 'b')).toThrow(
      expect.objectContaining({ code: 'not-editable', message: expect.stringMatching(/^the value is also referenced from elsewhere/) }),
    );
    expect(root.children[0]!.name).toBe('a');
  });

  it('refuses an edit through one of two references to the same object, and allows one beside it', () => {
    const shared = { n: 1 };
    const root = { a: shared, b: shared, c: { n: 2 } };
    expect(() => applyEdit(root, ['a', 'n'], 'set', 5)).toThrow(expect.objectContaining({ code: 'not-editable', message: expect.stringMatching(/\["a"\] is also referenced/) }));
    const next = applyEdit(root, ['c', 'n'], 'set', 3) as typeof root;
    expect(next.c.n).toBe(3);
    expect(next.a).toBe(next.b); // still one object, untouched
    // Setting the shared object itself replaces one reference, as the user asked; nothing is copied.
    expect((applyEdit(root, ['a'], 'set', { n: 9 }) as typeof root).b).toBe(shared);
  });

  it('counts references held in Maps and Sets too', () => {
    const item = { n: 1 };
    const root = { list: [item], index: new Map([['first', item]]) };
    expect(() => applyEdit(root, ['list', 0, 'n'], 'set', 2)).toThrow(expect.objectContaining({ code: 'not-editable' }));
    expect((applyEdit({ m: new Map([['k', { n: 1 }]]) }, ['m', 0, 1, 'n'], 'set', 2) as { m: Map<string, { n: number }> }).m.get('k')!.n).toBe(2);
  });
});

/** `{ v: [ { v: … leaf } ] }`, `depth` levels of objects and arrays, built without recursion. */
function deep(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
  return value;
}

function bottom(value: unknown, depth: number): unknown {
  for (let i = depth - 1; i >= 0; i--) value = i % 2 ? (value as unknown[])[0] : (value as { v: unknown }).v;
  return value;
}

describe('decodeEdit of a value nested 20,000 levels deep', () => {
  it('gives the value back with its blob in place instead of running out of stack', async () => {
    const blob = new Blob(['deep']);
    const back = roundTrip(deep(20_000, { blob, tags: new Set([blob]), when: new Date(5) }));
    const leaf = bottom(back, 20_000) as { blob: Blob; tags: Set<Blob>; when: Date };
    expect(leaf.blob).toBe(blob);
    expect([...leaf.tags]).toEqual([blob]);
    expect(leaf.when.getTime()).toBe(5);
    expect(await leaf.blob.text()).toBe('deep');
  });

  it('refuses a part cut short 20,000 levels down in words, naming where', () => {
    const cut = encode(deep(20_000, 'x'.repeat(50)), { maxString: 10 });
    expect(() => decodeEdit(cut, new InlineBlobs())).toThrow(/is cut short in the panel: expand it before writing the value back/);
  });

  it('names a part 20,000 levels down by a path cut to its ends, not a 140 KB one', () => {
    const cut = encode(deep(20_000, 'x'.repeat(50)), { maxString: 10 });
    expect(() => decodeEdit(cut, new InlineBlobs())).toThrow('["0"]["v"]["0"]["v"]…(20000 levels)…["0"]["v"]["0"]["v"] is cut short in the panel');
  });
});

describe('decodeEdit results recorded on HEAD (before it walked without recursion)', () => {
  const blob = new Blob(['b']);
  const words = (value: unknown, limits?: { maxString?: number }): string => {
    try {
      decodeEdit(encode(value, { ...limits, onBlob: (b) => (b === blob ? 'gone' : new InlineBlobs().ref(b)) }), new InlineBlobs());
      return 'ok';
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  };

  it('words what it refuses as before', () => {
    expect(words({ a: [{ 'b c': 'long text here' }] }, { maxString: 4 })).toBe('not-editable: ["a"]["0"]["b c"] is cut short in the panel: expand it before writing the value back');
    expect(words(new Map([[1, { f: () => 1 }]]))).toBe('not-editable: [0][1]["f"] is a function (() =>): the panel cannot write one');
    expect(words({ list: new Set([1, blob]) })).toBe('not-editable: ["list"][1] is a blob the page no longer holds: upload a file instead');
    expect(words(() => 1)).toBe('not-editable: the value is a function (() =>): the panel cannot write one');
  });

  it('gives the same values as before: shared parts, cycles, Map keys, order', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    const back = roundTrip({ a: shared, b: [shared], m: new Map<unknown, unknown>([[shared, 'k'], ['z', cyclic]]), s: new Set(['y', 'x']) }) as {
      a: object;
      b: object[];
      m: Map<unknown, unknown>;
      s: Set<string>;
    };
    expect(back.b[0]).toBe(back.a);
    expect([...back.m.keys()][0]).toBe(back.a);
    const c = back.m.get('z') as Record<string, unknown>;
    expect(c.self).toBe(c);
    expect([...back.s]).toEqual(['y', 'x']);
    expect(JSON.stringify(Object.keys(back))).toBe('["a","b","m","s"]');
  });
});

/** A page's own class: the panel sends it back as a plain look-alike. */
class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describe('guardClasses on a value nested 20,000 levels deep (a snapshot import or restore() has no 200-level limit)', () => {
  it("keeps the page's unchanged instance at the bottom instead of running out of stack", () => {
    const point = new Point(3, 4);
    const live = deep(20_000, { p: point, n: 1 });
    const next = roundTrip(deep(20_000, { p: new Point(3, 4), n: 2 }));
    const kept = bottom(guardClasses(next, live, []), 20_000) as { p: unknown; n: number };
    expect(kept.p).toBe(point);
    expect(kept.n).toBe(2);
  });

  it('refuses a changed instance at the bottom in words, naming where by a path cut to its ends', () => {
    const live = deep(20_000, { p: new Point(3, 4) });
    const next = roundTrip(deep(20_000, { p: new Point(3, 5) }));
    expect(() => guardClasses(next, live, [])).toThrow(
      '["0"]["v"]["0"]["v"]…(20001 levels)…["v"]["0"]["v"]["p"] is a Point: the panel cannot rebuild a class instance',
    );
  });
});

describe('guardClasses keeps an unchanged instance wherever it sits', () => {
  it("as a Map's value or key, and leaves a sparse array's holes", () => {
    const point = new Point(1, 2);
    const key = new Point(0, 0);
    const live = { m: new Map<unknown, unknown>([['a', point], [key, 'k']]), list: [point, , 3] };
    const next = guardClasses(roundTrip(live), live, []) as typeof live;
    expect(next.m.get('a')).toBe(point);
    expect([...next.m.keys()][1]).toBe(key);
    expect(next.list[0]).toBe(point);
    expect(1 in next.list).toBe(false);
  });
});
