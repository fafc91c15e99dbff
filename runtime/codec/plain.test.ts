/**
 * The fast paths of serialize/deserialize (plain.ts, decode-parsed.ts) against the full path
 * they stand in for: the same text out of serialize, the same value (or the same error) out of
 * deserialize, for arbitrary values and for every case the encoder treats specially.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { anyValue, linkedValue, Point, sameValue } from '../../test/helpers/codec-arbitraries.js';
import { CODEC_VERSION, CodecError, decode, deserialize, encode, serialize, stringifyDeep } from './index.js';
import { decodeText } from './decode-parsed.js';
import { isPlainJson } from './plain.js';

const PREFIX = `stratum:${CODEC_VERSION}:`;

type Outcome = { text: string } | { error: string };

/** What serialize wrote before the fast path: the tagged copy, then JSON text. */
function fullSerialize(value: unknown): Outcome {
  try {
    const encoded = encode(value, { strict: true });
    let json: string;
    try {
      json = JSON.stringify(encoded);
    } catch {
      json = stringifyDeep(encoded);
    }
    return { text: PREFIX + json };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function fastSerialize(value: unknown): Outcome {
  try {
    return { text: serialize(value) };
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return { error: (error as Error).message };
  }
}

/** What deserialize gave before the in-place pass: decode() of the parsed text (decodeText: its numbers as JSON.parse read them). */
function fullDeserialize(text: string): { value: unknown } | { error: string } {
  try {
    return { value: decodeText(JSON.parse(text.slice(PREFIX.length))) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function expectSameDecoding(text: string): void {
  const full = fullDeserialize(text);
  if ('error' in full) {
    expect(() => deserialize(text)).toThrow(CodecError);
    expect(() => deserialize(text)).toThrow(full.error);
  } else {
    expect(sameValue(full.value, deserialize(text))).toBe(true);
  }
}

/** JSON values with, now and then, something the encoder must tag or refuse. */
const nearlyPlain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(-0, Number.NaN, Infinity, undefined, 10n, '$t', '{"$t":"date"}', '\u0000\ud800') },
    { weight: 1, arbitrary: fc.constantFrom<() => unknown>(() => new Date(0), () => new Map([[1, 2]]), () => new Set(['a']), () => new Point(), () => Object.create(null) as object, () => ({ $t: 'date', v: 'x' }), () => [1, , 3], () => Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'x' }), () => Object.assign([1], { toJSON: () => 'y' })).map((make) => make()) },
    { weight: 3, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('$t', '__proto__', 'v', 'id')), tie('value'), { maxKeys: 4 }) },
  ),
})).value;

describe('serialize: the plain-data fast path', () => {
  it('writes the text the tagged copy gives, or refuses in the same words, for any value', () => {
    for (const arbitrary of [nearlyPlain, anyValue, linkedValue, fc.jsonValue()]) {
      fc.assert(
        fc.property(arbitrary, (value) => {
          expect(fastSerialize(value)).toEqual(fullSerialize(value));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('takes plain JSON data as it is and sends everything the encoder treats specially to it', () => {
    expect(isPlainJson({ a: [1, 'x', true, null, { b: 0.5 }], '': {} })).toBe(true);
    const shared = { n: 1 };
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const symbolKeyed = { [Symbol('hidden')]: 1 };
    const hiddenSymbol = Object.defineProperty({}, Symbol('x'), { value: 1, enumerable: false });
    const special: [string, unknown][] = [
      ['-0', { n: -0 }],
      ['NaN', [Number.NaN]],
      ['Infinity', { n: -Infinity }],
      ['undefined in an array', [1, undefined]],
      ['undefined in an object', { u: undefined }],
      ['a hole', [1, , 2]],
      ['a bigint', { n: 1n }],
      ['a function', { f: () => 1 }],
      ['a symbol value', [Symbol('s')]],
      ['an own $t key', { inner: { $t: 'date', v: '2020-01-01' } }],
      ['a shared object', { a: shared, b: shared }],
      ['a cycle', cycle],
      ['a null prototype', { o: Object.create(null) as object }],
      ['a class instance', { p: new Point() }],
      ['a decoded instance (own Symbol.toStringTag)', decode({ $t: 'instance', class: 'Point', v: {} })],
      ['a symbol-keyed property', symbolKeyed],
      ['a non-enumerable symbol key', hiddenSymbol],
      ['a Date', { at: new Date(0) }],
      ['a boxed string', [Object('s')]],
    ];
    for (const [name, value] of special) expect([name, isPlainJson(value)]).toEqual([name, false]);
    for (const [, value] of special) expect(fastSerialize(value)).toEqual(fullSerialize(value));
  });

  it('keeps -0, undefined, holes and $t keys exact through the round trip', () => {
    const value = { zero: -0, list: [undefined, , 3], $t: 'mine', nested: { $t: 'ref', id: 0 } };
    const back = deserialize(serialize(value)) as typeof value;
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(back.list.length).toBe(3);
    expect(0 in back.list).toBe(true);
    expect(1 in back.list).toBe(false);
    expect(back.$t).toBe('mine');
    expect(back.nested).toEqual({ $t: 'ref', id: 0 });
  });

  it('reads what a getter gives, and reports one that throws with its path', () => {
    const withGetters = {
      get at(): Date {
        return new Date(0);
      },
      get n(): number {
        return -0;
      },
      get name(): string {
        return 'plain';
      },
    };
    expect(isPlainJson(withGetters)).toBe(false);
    const back = deserialize(serialize(withGetters)) as { at: unknown; n: number; name: string };
    expect(back.at).toEqual(new Date(0));
    expect(Object.is(back.n, -0)).toBe(true);
    expect(deserialize(serialize({ get name() { return 'plain'; } }))).toEqual({ name: 'plain' });
    const broken = {
      ok: 1,
      get bad(): unknown {
        throw new Error('no access');
      },
    };
    expect(() => serialize({ inner: broken })).toThrow(CodecError);
    expect(() => serialize({ inner: broken })).toThrow(/cannot encode \$\.inner: Error: no access/);
  });

  it('writes the data, not what a toJSON of its own or of an Array subclass returns', () => {
    class Listed extends Array<number> {
      toJSON(): string {
        return 'not the items';
      }
    }
    const listed = Listed.from([1, 2]);
    const list: number[] & { toJSON?: () => string } = [1, 2];
    list.toJSON = () => 'not the list';
    const hidden = Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'not the record', enumerable: false });
    for (const value of [{ listed }, list, hidden]) {
      expect(isPlainJson(value)).toBe(false);
      expect(fastSerialize(value)).toEqual(fullSerialize(value));
    }
    expect(deserialize(serialize({ listed, list, hidden }))).toEqual({ listed: [1, 2], list: [1, 2], hidden: { a: 1 } });
    expect(isPlainJson({ toJSON: 'a field like any other' })).toBe(true);
  });

  it('keeps an own "__proto__" key as data and leaves prototypes alone', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
    const back = deserialize(serialize(value)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('serializes a plain list nested deeper than JSON.stringify goes', () => {
    let chain: unknown = 1;
    for (let i = 0; i < 10_000; i++) chain = [chain];
    expect(isPlainJson(chain)).toBe(true);
    const text = serialize(chain);
    expect({ text }).toEqual(fullSerialize(chain));
    let back = deserialize(text);
    let depth = 0;
    while (Array.isArray(back)) {
      back = back[0];
      depth++;
    }
    expect([depth, back]).toEqual([10_000, 1]);
  });
});

describe('serialize on a page whose prototypes were changed', () => {
  const protos = [Object.prototype, Array.prototype] as Record<string, unknown>[];
  afterEach(() => {
    for (const proto of protos) {
      delete proto.toJSON;
      delete proto.extra;
    }
  });

  it('leaves a value to the encoder when an inherited toJSON would change what JSON.stringify writes', () => {
    Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'hijacked', configurable: true, writable: true });
    expect(isPlainJson({ a: 1 })).toBe(false);
    expect(fastSerialize({ a: [1] })).toEqual(fullSerialize({ a: [1] }));
    delete (Object.prototype as Record<string, unknown>).toJSON;
    Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'hijacked', configurable: true, writable: true });
    expect(isPlainJson([1, 2])).toBe(false);
    expect(fastSerialize({ a: [1] })).toEqual(fullSerialize({ a: [1] }));
  });

  it('writes and reads only own keys when Object.prototype has an enumerable one', () => {
    (Object.prototype as Record<string, unknown>).extra = 'inherited';
    const text = serialize({ a: { b: 1 } });
    const back = deserialize(`${PREFIX}{"a":{"$t":"date","v":"2020-01-01T00:00:00.000Z"},"b":[{"c":1}]}`) as Record<string, unknown>;
    delete (Object.prototype as Record<string, unknown>).extra;
    expect(text).toBe(`${PREFIX}{"a":{"b":1}}`);
    expect(back.a).toBeInstanceOf(Date);
    expect(Object.keys(back)).toEqual(['a', 'b']);
  });
});

describe('deserialize: bare JSON.parse and the in-place pass', () => {
  it('gives what decode() gives for anything serialize writes', () => {
    for (const arbitrary of [nearlyPlain, anyValue, linkedValue]) {
      fc.assert(
        fc.property(arbitrary, (value) => {
          let text: string;
          try {
            text = serialize(value);
          } catch {
            return; // refused for storage: nothing to read
          }
          expectSameDecoding(text);
          expect(sameValue(value, deserialize(text))).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('gives the same value or the same error as decode() for any tagged JSON', () => {
    const node = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', '$t', '__proto__', 'v'), tie('node'), { maxKeys: 3 }),
        fc.record(
          {
            $t: fc.constantFrom('ref', 'map', 'set', 'typed', 'error', 'date', 'object', 'array', 'instance', 'truncated', 'blob', 'hole', 'number', 'bigint', 'undefined', 'mystery'),
            id: fc.integer({ min: -1, max: 3 }),
            v: tie('node'),
            null: fc.boolean(),
            class: fc.constantFrom('Point', 7),
            buffer: tie('node'),
            type: fc.constantFrom('Uint8Array', 'string', 'map'),
            size: fc.integer({ min: -1, max: 3 }),
            path: fc.constantFrom([], ['a'], 'x'),
            name: fc.string({ maxLength: 3 }),
            message: fc.string({ maxLength: 3 }),
          },
          { requiredKeys: ['$t'] },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(node, (json) => {
        expectSameDecoding(PREFIX + JSON.stringify(json));
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes tags written with escapes, and refuses what decode() refuses, with its path', () => {
    expect(deserialize(`${PREFIX}{"a":{"\\u0024t":"date","v":"2020-01-01T00:00:00.000Z"}}`)).toEqual({ a: new Date('2020-01-01') });
    expect(() => deserialize(`${PREFIX}{"a":[1,{"$t":"ref","id":4}]}`)).toThrow(/ref to unknown id 4 \(at \$\.a\[1\]\)/);
    expect(() => deserialize(`${PREFIX}{"m":{"$t":"map","v":[[1,1],[1,2]]}}`)).toThrow(/a map with duplicate keys \(at \$\.m/);
  });

  it('decodes Maps, Sets, instances, holes, shared views and errors in one value', () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    const date = new Date(5);
    const value = {
      map: new Map<unknown, unknown>([[{ k: 1 }, [date, , 'x']]]),
      set: new Set([date, 1n]),
      point: Object.assign(new Point(), { x: 3 }),
      bare: Object.defineProperties(Object.create(null) as object, {
        __proto__: { value: 1, enumerable: true, writable: true, configurable: true },
        a: { value: { b: date }, enumerable: true, writable: true, configurable: true },
      }),
      views: [new Uint8Array(buffer, 1, 2), new Uint16Array(buffer)],
      error: new RangeError('far', { cause: date }),
    };
    const back = deserialize(serialize(value));
    expect(sameValue(value, back)).toBe(true);
    expectSameDecoding(serialize(value));
  });

  it("reads a number literal past a double's range as JSON.parse does, the same whether the text holds a tag or not", () => {
    // Stratum writes Infinity as a tagged node, so such a literal was written by hand or by another
    // tool; it reads as JSON.parse reads it, as in text without the marker (see ARCHITECTURE.md).
    const huge = fc.constantFrom('1e400', '-1e400', '1E+309', '2e308', `1${'0'.repeat(309)}`, `-1${'0'.repeat(250)}e60`);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), huge, fc.boolean(), (json, literal, tagged) => {
        const text = `${PREFIX}[${JSON.stringify(json)},{"n":${literal}}${tagged ? ',{"$t":"undefined"}' : ''}]`;
        const expected = [JSON.parse(JSON.stringify(json)) as unknown, { n: JSON.parse(literal) as number }, ...(tagged ? [undefined] : [])];
        expect(sameValue(expected, deserialize(text))).toBe(true);
        expectSameDecoding(text);
      }),
      { numRuns: 200 },
    );
    // Past the in-place pass (a tag it leaves to decode()), too.
    expect(deserialize(`${PREFIX}[1e400,{"$t":"error","name":"Error","message":"m"}]`)).toEqual([Infinity, new Error('m')]);
  });

  it('reads numbers that only look large (long fractions, big finite exponents, digits in strings) as JSON.parse does', () => {
    for (const body of ['[1.7976931348623157e308, -1e308, 1e-400]', `[0.${'9'.repeat(400)}]`, '{"id":"3e1234","hash":"' + '7'.repeat(300) + '"}']) {
      expect(deserialize(PREFIX + body)).toEqual(JSON.parse(body));
    }
  });

  it("reads another library's JSON (no Stratum marker) as that library reads it, 1e400 as Infinity", () => {
    expect(deserialize('{"n":1e400}')).toEqual({ n: Infinity });
  });

  it('reads a 10,000-deep tagged value (past the in-place pass) through decode()', () => {
    let chain: unknown = new Date(0);
    for (let i = 0; i < 10_000; i++) chain = { next: chain };
    let back = deserialize(serialize(chain)) as { next?: unknown };
    let depth = 0;
    while (back.next !== undefined) {
      back = back.next as { next?: unknown };
      depth++;
    }
    expect(depth).toBe(10_000);
    expect(back).toBeInstanceOf(Date);
  });
});
