import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyValue, linkedValue, Point, sameValue } from '../../test/helpers/codec-arbitraries.js';
import { asIfFromAnotherRealm } from '../../test/helpers/other-realm.js';
import { BlobRef, decode, deserialize, encode, Opaque, resolvePath, serialize, stringifyDeep, type Encoded } from './index.js';

/** What another process sees: the encoded form after a trip through JSON text. */
const throughJson = (value: unknown): unknown => decode(JSON.parse(JSON.stringify(encode(value))) as Encoded);

describe('encode → JSON → decode', () => {
  it('is the identity for every supported type, arbitrarily nested', () => {
    fc.assert(fc.property(anyValue, (value) => sameValue(value, throughJson(value))), { numRuns: 400 });
  });

  it('keeps shared and circular references', () => {
    fc.assert(fc.property(linkedValue, (value) => sameValue(value, throughJson(value))), { numRuns: 300 });
  });

  it('re-encodes a decoded value to the same encoded form', () => {
    fc.assert(
      fc.property(linkedValue, (value) => {
        const encoded = encode(value);
        expect(encode(decode(encoded))).toEqual(encoded);
      }),
      { numRuns: 200 },
    );
  });

  it('restores the exact numbers JSON loses', () => {
    const value = [Number.NaN, Infinity, -Infinity, -0, 0, 2n ** 70n, -(2n ** 64n)];
    const back = throughJson(value) as unknown[];
    expect(back.filter((n, i) => !Object.is(n, value[i]))).toEqual([]);
    expect(Object.is(back[3], -0)).toBe(true);
  });

  it('keeps a self-referencing Map, a Set containing itself and a shared Date', () => {
    const date = new Date(Date.UTC(2024, 1, 29));
    const map = new Map<unknown, unknown>([['date', date]]);
    map.set(map, 'self-key');
    const set = new Set<unknown>([date]);
    set.add(set);
    const back = throughJson({ map, set, again: date }) as { map: Map<unknown, unknown>; set: Set<unknown>; again: Date };
    expect(back.map.get(back.map)).toBe('self-key');
    expect(back.set.has(back.set)).toBe(true);
    expect(back.map.get('date')).toBe(back.again);
    expect(back.again.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('keeps invalid dates invalid and views over one buffer sharing it', () => {
    const buffer = new ArrayBuffer(8);
    const whole = new Uint8Array(buffer);
    const part = new Uint16Array(buffer, 2, 2);
    whole.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const back = throughJson({ invalid: new Date(Number.NaN), whole, part }) as { invalid: Date; whole: Uint8Array; part: Uint16Array };
    expect(Number.isNaN(back.invalid.getTime())).toBe(true);
    expect(back.part.buffer).toBe(back.whole.buffer);
    back.whole[2] = 0xff;
    expect(back.part[0]).toBe(new Uint16Array(new Uint8Array([0xff, 4]).buffer)[0]);
  });

  it('keeps an error with its name, stack, cause, extra fields and errors', () => {
    const cause = new RangeError('too far');
    const error = Object.assign(new AggregateError([new Error('one')], 'many', { cause }), { code: 'E_MANY' });
    const back = throughJson(error) as AggregateError & { code: string };
    expect(back).toBeInstanceOf(AggregateError);
    expect(back.message).toBe('many');
    expect(back.stack).toBe(error.stack);
    expect(back.cause).toBeInstanceOf(RangeError);
    expect(back.errors[0].message).toBe('one');
    expect(back.code).toBe('E_MANY');
    expect(Object.keys(back)).toEqual(['code']);
  });

  it('decodes a class instance to a plain object that keeps the class name and re-encodes the same', () => {
    const point = Object.assign(new Point(), { x: 1, y: 2 });
    const back = throughJson(point) as Record<string | symbol, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect({ ...back }).toEqual({ x: 1, y: 2 });
    expect(Object.prototype.toString.call(back)).toBe('[object Point]');
    expect(encode(back)).toEqual(encode(point));
  });

  it('shows functions and symbols as descriptions that are never callable', () => {
    async function load(id: string, retries = 2): Promise<string> {
      return id + retries;
    }
    const back = throughJson({ load, arrow: (x: number) => x * 2, sym: Symbol('id'), bare: Symbol() }) as Record<string, Opaque>;
    expect(back.load).toBeInstanceOf(Opaque);
    expect(back.load).toMatchObject({ kind: 'function', name: 'load', editable: false });
    expect(back.load!.description).toBe('async function load(id, retries = 2)');
    expect(back.arrow!.description).toBe('(x) =>');
    expect(typeof back.load).toBe('object');
    expect(back.sym).toMatchObject({ kind: 'symbol', name: 'id', description: 'Symbol(id)' });
    expect(back.bare).toMatchObject({ kind: 'symbol', name: null });
  });

  it('encodes a Blob or File as metadata plus the ref its hook returns, once per blob', () => {
    const file = new File(['hello'], 'note.txt', { type: 'text/plain', lastModified: 1234 });
    const blob = new Blob([new Uint8Array(3)], { type: 'application/octet-stream' });
    const seen: Blob[] = [];
    const encoded = encode({ file, blob, again: file }, { onBlob: (b) => `blob-${seen.push(b)}` });
    expect(seen).toEqual([file, blob]);
    const back = decode(JSON.parse(JSON.stringify(encoded)) as Encoded) as Record<string, BlobRef>;
    expect(back.file).toEqual(new BlobRef('text/plain', 5, 'blob-1', 'note.txt', 1234));
    expect(back.blob).toEqual(new BlobRef('application/octet-stream', 3, 'blob-2'));
    expect(back.again).toBe(back.file);
    expect(JSON.stringify(encoded)).not.toContain('hello');
    expect(encode(back)).toEqual(encoded);
  });
});

describe('values made in another realm (an iframe, a vm context)', () => {
  const foreign = (): Record<string, unknown> =>
    vm.runInNewContext(`({
      date: new Date(5), re: /a+/gi, map: new Map([[1, { one: 1 }]]), set: new Set(['x']),
      buffer: new Uint8Array([1, 2]).buffer, bytes: new Uint16Array([7, 8]),
      error: new TypeError('boom', { cause: 'why' }), list: [{ a: 1 }],
    })`) as Record<string, unknown>;

  it('keep their type and contents through serialize, as structured clone keeps them', () => {
    const back = deserialize(serialize(foreign())) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertySymbols(back)).toEqual([]);
    expect(back.date).toEqual(new Date(5));
    expect(back.re).toEqual(/a+/gi);
    expect(back.map).toEqual(new Map([[1, { one: 1 }]]));
    expect(back.set).toEqual(new Set(['x']));
    expect(back.buffer).toEqual(new Uint8Array([1, 2]).buffer);
    expect(back.bytes).toEqual(new Uint16Array([7, 8]));
    expect(back.error).toBeInstanceOf(TypeError);
    expect(back.error).toMatchObject({ message: 'boom', cause: 'why' });
    expect(back.list).toEqual([{ a: 1 }]);
  });

  it("refuses another realm's SharedArrayBuffer for storage, as this realm's", () => {
    const shared = vm.runInNewContext('({ shared: new SharedArrayBuffer(2) })') as object;
    expect(() => serialize(shared)).toThrow(/cannot store \$\.shared: a SharedArrayBuffer/);
  });

  it('tells a look-alike by its internal slots, not by the name its Symbol.toStringTag claims', () => {
    const fake = vm.runInNewContext("({ map: { [Symbol.toStringTag]: 'Map', size: 1 }, bytes: { [Symbol.toStringTag]: 'ArrayBuffer', 0: 9, length: 1 } })") as object;
    expect(encode(fake)).toEqual({
      map: { $t: 'instance', class: 'Object', v: { size: 1 } },
      bytes: { $t: 'instance', class: 'Object', v: { 0: 9, length: 1 } },
    });
  });

  it("are cut and expanded by path like this realm's", () => {
    const value = foreign();
    const cut = encode(value, { maxDepth: 2 }) as Record<string, { $t: string; path: (string | number)[] }>;
    expect(cut.map).toMatchObject({ $t: 'map' });
    const inner = (cut.map as unknown as { v: [unknown, { $t: string; path: (string | number)[] }][] }).v[0]![1];
    expect(inner).toMatchObject({ $t: 'truncated', path: ['map', 0, 1] });
    expect(resolvePath(value, inner.path)).toEqual({ one: 1 });
  });
});

describe('boxed primitives, URL and Blob/File made in another realm', () => {
  it('keep boxed primitives boxed, with their values, as this realm\'s', () => {
    const value = vm.runInNewContext("({ n: new Number(3), nan: new Number(NaN), s: new String('text'), b: new Boolean(false), big: Object(10n) })") as object;
    expect(encode(value)).toMatchObject({ n: { $t: 'boxed', type: 'Number', v: 3 }, s: { $t: 'boxed', type: 'String', v: 'text' } });
    const back = deserialize(serialize(value)) as Record<string, object>;
    expect(back.n).toBeInstanceOf(Number);
    expect(back.n!.valueOf()).toBe(3);
    expect(Number.isNaN(back.nan!.valueOf())).toBe(true);
    expect(back.s).toBeInstanceOf(String);
    expect(back.s!.valueOf()).toBe('text');
    expect(back.b).toBeInstanceOf(Boolean);
    expect(back.b!.valueOf()).toBe(false);
    expect(back.big!.valueOf()).toBe(10n);
  });

  it("refuses another realm's boxed Symbol for storage, as this realm's", () => {
    const value = vm.runInNewContext("({ sym: Object(Symbol('s')) })") as object;
    expect(() => serialize(value)).toThrow(/cannot store \$\.sym: a boxed Symbol has no stored form/);
  });

  it('keep URL and URLSearchParams', () => {
    const url = asIfFromAnotherRealm(new URL('https://example.com/a?b=c#d'));
    const params = asIfFromAnotherRealm(new URLSearchParams('q=1&q=2'));
    expect(encode({ url, params })).toEqual({ url: { $t: 'url', v: 'https://example.com/a?b=c#d' }, params: { $t: 'urlsearchparams', v: 'q=1&q=2' } });
    const back = deserialize(serialize({ url, again: url })) as { url: URL; again: URL };
    expect(back.url).toBeInstanceOf(URL);
    expect(back.url.href).toBe('https://example.com/a?b=c#d');
    expect(back.again).toBe(back.url);
  });

  it("refuses a Blob or File in storage text in words, as this realm's", () => {
    expect(() => serialize({ photo: asIfFromAnotherRealm(new Blob(['abc'])) })).toThrow(/cannot store \$\.photo: a Blob's bytes do not fit in text/);
    expect(() => serialize({ doc: asIfFromAnotherRealm(new File(['abc'], 'a.txt')) })).toThrow(/cannot store \$\.doc: a File's bytes do not fit in text/);
  });

  it('encodes a Blob or File as a blob (its bytes kept by ref), elsewhere than in storage text', () => {
    const blob = asIfFromAnotherRealm(new Blob(['abc'], { type: 'text/plain' }));
    const file = asIfFromAnotherRealm(new File(['hello'], 'note.txt', { type: 'text/plain', lastModified: 1234 }));
    const seen: object[] = [];
    const encoded = encode({ blob, file }, { strict: true, onBlob: (b) => `blob-${seen.push(b)}` });
    expect(seen).toEqual([blob, file]);
    expect(encoded).toEqual({
      blob: { $t: 'blob', type: 'text/plain', size: 3, ref: 'blob-1' },
      file: { $t: 'blob', type: 'text/plain', size: 5, ref: 'blob-2', name: 'note.txt', lastModified: 1234 },
    });
  });

  it('tells look-alikes by their internal slots, not by the name their Symbol.toStringTag claims', () => {
    const fake = vm.runInNewContext(
      "({ n: { [Symbol.toStringTag]: 'Number' }, url: { [Symbol.toStringTag]: 'URL', href: 'https://x.example/' }, blob: { [Symbol.toStringTag]: 'Blob', size: 3 } })",
    ) as object;
    expect(encode(fake)).toEqual({
      n: { $t: 'instance', class: 'Object', v: {} },
      url: { $t: 'instance', class: 'Object', v: { href: 'https://x.example/' } },
      blob: { $t: 'instance', class: 'Object', v: { size: 3 } },
    });
  });
});

describe('data that looks like a tag', () => {
  it('stays plain data, at any depth and with any $t value', () => {
    const lookalike = fc.dictionary(fc.constantFrom('$t', 'v', 'id', 'type', 'size', 'path'), fc.jsonValue(), { minKeys: 1 });
    const withTag = fc.tuple(lookalike, fc.jsonValue()).map(([fields, t]) => ({ ...fields, $t: t }));
    fc.assert(fc.property(fc.array(withTag), (value) => sameValue(value, throughJson(value))));
  });

  it('keeps a literal { $t: "ref" } from resolving to anything', () => {
    const value = { a: { $t: 'ref', id: 0 }, b: [{ $t: 'undefined' }], c: { $t: 'object', v: { $t: 'x' } } };
    expect(throughJson(value)).toEqual(value);
  });
});

describe('prototype safety', () => {
  it('decodes "__proto__" and "constructor" keys as own properties, touching no prototype', () => {
    const text = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":{"__proto__":[1]}}';
    const back = decode(JSON.parse(text) as Encoded) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back.a)).toBe(Object.prototype);
    expect(encode(back)).toEqual(JSON.parse(text));
  });

  it('encodes an own "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__":{"x":1}}') as object;
    const text = JSON.stringify(encode(value));
    expect(text).toBe('{"__proto__":{"x":1}}');
  });

  it('keeps a null-prototype object null-prototype', () => {
    const value = Object.assign(Object.create(null) as object, { a: 1 });
    expect(Object.getPrototypeOf(throughJson(value))).toBeNull();
  });
});

describe('depth', () => {
  it('encodes, serializes and decodes a 10,000-deep chain without recursion', () => {
    let chain: unknown = null;
    for (let i = 0; i < 10_000; i++) chain = { i, next: chain, list: [i] };
    let back = throughDeepJson(chain) as { i: number; next: unknown } | null;
    let depth = 0;
    for (; back; back = back.next as typeof back) depth++;
    expect(depth).toBe(10_000);
  });
});

function throughDeepJson(value: unknown): unknown {
  // JSON.parse copes with any depth; JSON.stringify does not, hence stringifyDeep in serialize.
  return decode(JSON.parse(stringifyDeep(encode(value))) as Encoded);
}
