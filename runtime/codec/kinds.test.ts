import { describe, expect, it } from 'vitest';
import { CodecError, decode, deserialize, encode, serialize } from './index.js';

/** Through the storage form: what webstorage and libSQL write and read back. */
const stored = (value: unknown): unknown => deserialize(serialize(value));

describe('values that used to read back emptied (issue 14.8)', () => {
  it('round-trips boxed primitives as boxed primitives', () => {
    const back = stored({ n: Object(3), nan: Object(Number.NaN), s: Object('text'), b: Object(false), big: Object(10n) }) as Record<string, object>;
    expect(back.n).toBeInstanceOf(Number);
    expect(back.n!.valueOf()).toBe(3);
    expect(Number.isNaN(back.nan!.valueOf())).toBe(true);
    expect(back.s).toBeInstanceOf(String);
    expect(back.s!.valueOf()).toBe('text');
    expect(back.b).toBeInstanceOf(Boolean);
    expect(back.b!.valueOf()).toBe(false);
    expect(typeof back.big!.valueOf()).toBe('bigint');
    expect(back.big!.valueOf()).toBe(10n);
  });

  it('round-trips URL and URLSearchParams, shared references included', () => {
    const url = new URL('https://example.com/a?b=c#d');
    const params = new URLSearchParams('q=1&q=2&x=%20');
    const back = stored({ url, again: url, params }) as { url: URL; again: URL; params: URLSearchParams };
    expect(back.url).toBeInstanceOf(URL);
    expect(back.url.href).toBe('https://example.com/a?b=c#d');
    expect(back.again).toBe(back.url);
    expect(back.params).toBeInstanceOf(URLSearchParams);
    expect(back.params.getAll('q')).toEqual(['1', '2']);
    expect(back.params.get('x')).toBe(' ');
  });

  it('refuses a SharedArrayBuffer (and a view over one) at write time, in words', () => {
    const shared = new SharedArrayBuffer(8);
    expect(() => serialize({ data: shared })).toThrow(CodecError);
    expect(() => serialize({ data: shared })).toThrow(/cannot store \$\.data: a SharedArrayBuffer/);
    expect(() => serialize([new Uint8Array(shared)])).toThrow(/SharedArrayBuffer/);
  });

  it('refuses a resizable ArrayBuffer (and a view over one) at write time, in words, instead of writing it fixed-size', () => {
    // ES2024's constructor options; the project's lib is ES2022.
    const Resizable = ArrayBuffer as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
    const resizable = new Resizable(8, { maxByteLength: 64 });
    new Uint8Array(resizable).set([1, 2, 3]);
    expect(() => serialize({ data: resizable })).toThrow(CodecError);
    expect(() => serialize({ data: resizable })).toThrow(/cannot store \$\.data: a resizable ArrayBuffer reads back fixed-size; store a copy \(buffer\.slice\(\)\)/);
    expect(() => serialize([new Uint8Array(resizable, 2)])).toThrow(/cannot store \$\[0\]: a resizable ArrayBuffer/);
    const fixed = resizable.slice(0);
    expect(new Uint8Array(deserialize(serialize(fixed)) as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3, 0, 0, 0, 0, 0]));
    // The panel still shows it.
    expect(decode(encode({ data: resizable }))).toEqual({ data: expect.any(ArrayBuffer) });
  });

  it('refuses symbol-keyed properties at write time, in words', () => {
    const value = { ok: 1, nested: { [Symbol('secret')]: 'lost' } };
    expect(() => serialize(value)).toThrow(CodecError);
    expect(() => serialize(value)).toThrow(/cannot store \$\.nested: its symbol-keyed property Symbol\(secret\)/);
    expect(() => serialize(Object.assign([1], { [Symbol.iterator]: 2 }))).toThrow(/symbol-keyed/);
  });

  it('still shows such values in the panel (display encoding does not refuse)', () => {
    expect(() => encode({ [Symbol('s')]: 1, shared: new SharedArrayBuffer(1) })).not.toThrow();
    expect((decode(encode(new URL('https://a.example/'))) as URL).href).toBe('https://a.example/');
  });
});
