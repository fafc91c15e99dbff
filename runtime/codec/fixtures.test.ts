/**
 * Value cases from devalue's and superjson's test suites, written from what they assert (not
 * copied): every one round-trips through the storage form (serialize → deserialize) with the
 * same types, contents and sharing; what cannot round-trip is refused in words at write time.
 */
import { describe, expect, it } from 'vitest';
import { sameValue } from '../../test/helpers/codec-arbitraries.js';
import { CodecError, deserialize, serialize } from './index.js';

const self: Record<string, unknown> = { name: 'self' };
self.self = self;
const list: unknown[] = [1];
list.push(list);
const map = new Map<unknown, unknown>();
map.set('me', map);
const set = new Set<unknown>();
set.add(set);
const shared = { x: 1 };
const sparse = [1, , 3];
const nullProto = Object.assign(Object.create(null) as object, { a: 1 });
const withProtoKey = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as object;
const bytes = new Uint8Array([1, 2, 3, 250]);
const error = new TypeError('bad', { cause: { code: 7 } });

const ROUND_TRIPS: Array<[string, unknown]> = [
  // devalue "basics"
  ['a number', 42],
  ['a negative number', -42],
  ['negative zero', -0],
  ['a positive decimal', 0.1],
  ['a negative decimal', -0.1],
  ['a string', 'woo!!!'],
  ['true', true],
  ['a boxed Number', Object(42)],
  ['a boxed String', Object('yar')],
  ['a boxed Boolean', Object(false)],
  ['a boxed BigInt', Object(1n)],
  ['undefined', undefined],
  ['null', null],
  ['NaN', Number.NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['a BigInt', 1n],
  ['a huge BigInt', -(2n ** 200n)],
  ['a Date', new Date(1e12)],
  ['an invalid Date', new Date(Number.NaN)],
  ['a RegExp', /regexp/gimuy],
  ['a RegExp with slashes', /[\]/]\//],
  ['an empty array', []],
  ['an array', ['a', 'b', 'c']],
  ['a sparse array', sparse],
  ['an array of undefined', [undefined, undefined]],
  ['an empty object', {}],
  ['an object', { foo: 'bar', 'x-y': 'z' }],
  ['an object with a __proto__ key', withProtoKey],
  ['a null-prototype object', nullProto],
  ['a URL', new URL('https://svelte.dev/docs?a=1#b')],
  ['URLSearchParams', new URLSearchParams('foo=1&foo=2&baz=<+>')],
  ['a Map', new Map<unknown, unknown>([['a', 'b'], [1, { c: 2 }]])],
  ['a Set', new Set([1, 2, 'three'])],
  ['an ArrayBuffer', bytes.buffer],
  ['a Uint8Array', bytes],
  ['a Float64Array', new Float64Array([1.5, -0, Number.NaN])],
  ['a view into part of a buffer', new Uint16Array(new ArrayBuffer(8), 2, 2)],
  // devalue "strings"
  ['a newline', 'a\nb'],
  ['double quotes', '"yar"'],
  ['a lone low surrogate', 'a\uDC00b'],
  ['a lone high surrogate', 'a\uD800b'],
  ['a surrogate pair', '\uD83D\uDE00'],
  ['line and paragraph separators', '\u2028\u2029'],
  ['a closing script tag', '</script><script src="evil">'],
  ['a backslash', 'a\\b'],
  // devalue "cycles" and repetition
  ['an object that contains itself', self],
  ['an array that contains itself', list],
  ['a Map that contains itself', map],
  ['a Set that contains itself', set],
  ['one object referenced twice', { a: shared, b: [shared], c: new Map([['k', shared]]) }],
  ['repeated strings', ['same', 'same', 'same']],
  // superjson
  ['Map keys that are objects', new Map<unknown, unknown>([[{ a: 1 }, 'obj'], [[1, 2], 'arr'], [new Date(0), 'date']])],
  ['a Set of Dates and BigInts', new Set<unknown>([new Date(1), 2n, undefined])],
  ['keys with dots', { 'a.b': 1, 'a': { b: 2 } }],
  ['an empty key', { '': 1 }],
  ['tag-looking keys', { $t: 'date', v: 'not a date', id: 3 }],
  ['prototype-ish keys', { constructor: 1, prototype: 2, toString: 'x' }],
  ['an Error with a cause', error],
  ['an array of Maps', [new Map([[1, 2]]), new Map()]],
  ['nested undefined', { a: undefined, b: [undefined, { c: undefined }] }],
  ['a Date inside a Map value inside a Set', new Set([new Map([['when', new Date(5)]])])],
];

describe('devalue and superjson value cases through the storage form', () => {
  it.each(ROUND_TRIPS)('%s round-trips', (_name, value) => {
    const back = deserialize(serialize(value));
    expect(sameValue(value, back)).toBe(true);
  });

  it('an object with a __proto__ key keeps it as data and pollutes nothing', () => {
    const back = deserialize(serialize(withProtoKey)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['a symbol-keyed property', { [Symbol('s')]: 1 }],
    ['a SharedArrayBuffer', new SharedArrayBuffer(2)],
    ['a boxed Symbol', Object(Symbol('s'))],
  ])('refuses %s in words at write time', (_name, value) => {
    expect(() => serialize(value)).toThrow(CodecError);
    expect(() => serialize(value)).toThrow(/cannot store \$/);
  });
});
