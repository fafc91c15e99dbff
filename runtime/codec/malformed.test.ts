import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, decode } from './index.js';

const BAD: [string, unknown, RegExp][] = [
  ['an unknown tag', { $t: 'mystery' }, /unknown tag "mystery"/],
  ['a tag that is not a string', { $t: 5 }, /unknown tag 5/],
  ['a ref to no node', { a: { $t: 'ref', id: 3 } }, /ref to unknown id 3 \(at \$\.a\)/],
  ['a ref before its node', [{ $t: 'ref', id: 0 }, { $t: 'array', id: 0, v: [] }], /ref to unknown id 0/],
  ['an id defined twice', [{ $t: 'array', id: 0, v: [] }, { $t: 'array', id: 0, v: [] }], /id 0 is defined twice/],
  ['a negative id', { $t: 'object', id: -1, v: {} }, /non-negative integer/],
  ['bad base64', { $t: 'arraybuffer', v: 'abc' }, /bad base64/],
  ['an invalid date string', { $t: 'date', v: 'yesterday' }, /bad date/],
  ['a bad bigint', { $t: 'bigint', v: '12abc' }, /bad bigint/],
  ['an unknown number name', { $t: 'number', v: 'Huge' }, /bad number/],
  ['a bad regexp', { $t: 'regexp', source: '(', flags: '' }, /bad regexp/],
  ['bad regexp flags', { $t: 'regexp', source: 'a', flags: 'zz' }, /bad regexp/],
  ['duplicate map keys', { $t: 'map', v: [['a', 1], ['a', 2]] }, /duplicate keys/],
  ['duplicate set values', { $t: 'set', v: [1, 1] }, /duplicate values/],
  ['a map entry that is not a pair', { $t: 'map', v: [['a']] }, /not a \[key, value\] pair/],
  ['a map without entries', { $t: 'map', v: 'x' }, /needs a list/],
  ['a hole outside an array', { a: { $t: 'hole' } }, /hole outside an array/],
  ['an unknown view type', { $t: 'typed', type: 'Function', buffer: { $t: 'arraybuffer', v: '' } }, /unknown view type/],
  ['a misaligned view', { $t: 'typed', type: 'Uint16Array', buffer: { $t: 'arraybuffer', v: 'AAAA' } }, /bad Uint16Array/],
  ['a fractional view offset', { $t: 'typed', type: 'Uint8Array', buffer: { $t: 'arraybuffer', v: 'AAAA' }, offset: 1.5, length: 1 }, /bad Uint8Array: offset and length must be whole numbers/],
  ['a fractional view length', { $t: 'typed', type: 'Uint8Array', buffer: { $t: 'arraybuffer', v: 'AAAA' }, offset: 0, length: 0.5 }, /bad Uint8Array: offset and length must be whole numbers/],
  ['a view without a buffer', { $t: 'typed', type: 'Uint8Array', buffer: [1, 2] }, /needs an ArrayBuffer/],
  ['object fields that are not an object', { $t: 'object', v: [1] }, /expected an object of fields/],
  ['an instance without a class', { $t: 'instance', v: {} }, /needs a string class/],
  ['an error without a message', { $t: 'error', name: 'Error' }, /needs a string message/],
  ['a blob with a negative size', { $t: 'blob', type: '', size: -1, ref: null }, /needs a size/],
  ['a truncated node without a path', { $t: 'truncated', type: 'string', size: 3 }, /needs a path/],
  ['NaN, which JSON cannot hold', [Number.NaN], /not JSON/],
  ['a function', { f: () => 1 }, /not JSON: a function/],
  ['undefined', { u: undefined }, /not JSON: a undefined/],
  ['an object with a prototype', { d: new Date(0) }, /not JSON: an object with a prototype/],
];

describe('decode of malformed input', () => {
  it.each(BAD)('refuses %s with a CodecError', (_name, input, message) => {
    expect(() => decode(input)).toThrow(CodecError);
    expect(() => decode(input)).toThrow(message);
  });

  it("keeps a view's length when its offset is left out (as someone writing the node by hand may)", () => {
    const view = decode({ $t: 'typed', type: 'Uint8Array', buffer: { $t: 'arraybuffer', v: 'AAAA' }, length: 1 }) as Uint8Array;
    expect([view.byteOffset, view.length]).toEqual([0, 1]);
  });

  it('either decodes or throws a CodecError for any JSON-shaped input, never anything else', () => {
    const tagged = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.record(
          {
            $t: fc.constantFrom('ref', 'map', 'set', 'typed', 'error', 'date', 'object', 'array', 'truncated', 'blob', 'hole', 'number'),
            id: fc.integer({ min: -1, max: 3 }),
            v: tie('node'),
            buffer: tie('node'),
            type: fc.constantFrom('Uint8Array', 'string', 'map'),
            size: fc.integer({ min: -1, max: 3 }),
            path: fc.constantFrom([], ['a'], 'x'),
            name: fc.string(),
            message: fc.string(),
          },
          { requiredKeys: ['$t'] },
        ),
      ),
    }));
    fc.assert(
      fc.property(tagged.node, (input) => {
        try {
          decode(input);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
