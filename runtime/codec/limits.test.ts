import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyValue, sameValue } from '../../test/helpers/codec-arbitraries.js';
import { CodecError, decode, deserialize, encode, resolvePath, serialize, Truncated, type Encoded } from './index.js';

/** Every Truncated marker in a decoded value. */
function truncations(value: unknown): Truncated[] {
  const found: Truncated[] = [];
  const seen = new Set<unknown>();
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (item instanceof Truncated) {
      found.push(item);
      stack.push(item.preview);
    } else if (item instanceof Map) stack.push(...item.keys(), ...item.values());
    else if (item instanceof Set || Array.isArray(item)) stack.push(...item);
    else if (!ArrayBuffer.isView(item)) stack.push(...Object.values(item), (item as { cause?: unknown }).cause);
  }
  return found;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  return Object.keys(value as object).length;
}

describe('limits', () => {
  it('cuts long strings, keeping the prefix, the full length and the path', () => {
    expect(encode({ note: 'hello world' }, { maxString: 5 })).toEqual({
      note: { $t: 'truncated', type: 'string', size: 11, path: ['note'], v: 'hello' },
    });
  });

  it('keeps the first maxEntries of arrays, objects, Maps and Sets', () => {
    const cut = (name: string, value: unknown): Truncated => (decode(encode({ [name]: value }, { maxEntries: 2 })) as Record<string, Truncated>)[name]!;
    const back = {
      list: cut('list', [1, 2, 3, 4]),
      map: cut('map', new Map([[1, 'a'], [2, 'b'], [3, 'c']])),
      set: cut('set', new Set('abcd')),
      obj: cut('obj', { a: 1, b: 2, c: 3 }),
    };
    expect(back.list).toEqual(new Truncated('array', 4, ['list'], [1, 2]));
    expect(back.map).toEqual(new Truncated('map', 3, ['map'], new Map([[1, 'a'], [2, 'b']])));
    expect(back.set).toEqual(new Truncated('set', 4, ['set'], new Set(['a', 'b'])));
    expect(back.obj).toEqual(new Truncated('object', 3, ['obj'], { a: 1, b: 2 }));
  });

  it('cuts containers below maxDepth, with Map paths as entry index then 0/1', () => {
    const value = { users: new Map([['ann', { address: { city: 'Oslo' } }]]) };
    const back = decode(encode(value, { maxDepth: 3 })) as { users: Map<string, { address: Truncated }> };
    const cut = back.users.get('ann')!.address;
    expect(cut).toEqual(new Truncated('object', 1, ['users', 0, 1, 'address'], undefined));
    expect(resolvePath(value, cut.path)).toBe(value.users.get('ann')!.address);
  });

  it('expands a cut path with basePath, so nested cuts keep full paths', () => {
    const value = { a: { b: { c: { d: 'deep' } } } };
    const first = decode(encode(value, { maxDepth: 2 })) as { a: { b: Truncated } };
    const path = first.a.b.path;
    const expanded = decode(encode(resolvePath(value, path), { maxDepth: 1, basePath: path })) as { c: Truncated };
    expect(expanded.c.path).toEqual(['a', 'b', 'c']);
    expect(resolvePath(value, expanded.c.path)).toEqual({ d: 'deep' });
  });

  it('cuts views and buffers over maxBytes', () => {
    const back = decode(encode({ bytes: new Uint8Array(100) }, { maxBytes: 64 })) as { bytes: Truncated };
    expect(back.bytes).toEqual(new Truncated('Uint8Array', 100, ['bytes'], undefined));
  });

  it('names the class of a cut instance', () => {
    class Big {
      a = 1;
      b = 2;
    }
    expect(encode(new Big(), { maxEntries: 1 })).toEqual({ $t: 'truncated', type: 'instance', size: 2, path: [], class: 'Big', v: { a: 1 } });
  });

  it('gives every cut a path that resolves to a value of the stated size, and expands to it', () => {
    const limits = fc.record({ maxString: fc.nat(4), maxEntries: fc.nat(3), maxDepth: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(anyValue, limits, (value, limit) => {
        const encoded = encode(value, limit);
        const decoded = decode(JSON.parse(JSON.stringify(encoded)) as Encoded);
        expect(encode(decoded)).toEqual(encoded);
        for (const cut of truncations(decoded)) {
          const original = resolvePath(value, cut.path);
          expect(sizeOf(original)).toBe(cut.size);
          expect(sameValue(original, decode(encode(original)))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('resolvePath', () => {
  it('follows own keys, indexes, Set positions and Map entries', () => {
    const value = { list: [10, { x: 1 }], set: new Set(['a', 'b']), map: new Map([[{ id: 1 }, 'v']]) };
    expect(resolvePath(value, ['list', 1, 'x'])).toBe(1);
    expect(resolvePath(value, ['set', 1])).toBe('b');
    expect(resolvePath(value, ['map', 0, 0])).toEqual({ id: 1 });
    expect(resolvePath(value, ['map', 0, 1])).toBe('v');
    expect(resolvePath(value, [])).toBe(value);
  });

  it('refuses paths that lead nowhere, and never reaches a prototype', () => {
    const value = { list: [1], map: new Map() };
    expect(() => resolvePath(value, ['missing'])).toThrow(new CodecError('nothing at $.missing'));
    expect(() => resolvePath(value, ['list', 3])).toThrow(CodecError);
    expect(() => resolvePath(value, ['map', 0])).toThrow(CodecError);
    expect(() => resolvePath(value, ['__proto__'])).toThrow(CodecError);
    expect(() => resolvePath(value, ['list', 'length'])).toThrow(CodecError);
    expect(() => resolvePath(value, ['constructor'])).toThrow(CodecError);
  });
});

describe('holes: one node each, so a huge sparse array is refused in words before it fills memory', () => {
  const sparse = (index: number): unknown[] => {
    const list: unknown[] = [];
    list[index] = 1;
    return list;
  };

  it('refuses a[2 ** 32 - 2] = 1 for storage, naming where and the limit', () => {
    const value = { ids: sparse(2 ** 32 - 2) };
    const words = /cannot encode \$\.ids: over 1000000 empty slots in arrays \(one node each\); use a Map/;
    expect(() => serialize(value)).toThrow(CodecError);
    expect(() => serialize(value)).toThrow(words);
    expect(() => encode(value, { strict: true })).toThrow(words);
  });

  it('counts the holes of the whole stored value, not of one array', () => {
    expect(() => serialize([sparse(600_000), sparse(600_000)])).toThrow(/cannot encode \$\[1\]: over 1000000 empty slots/);
  });

  it('still writes a sparse array up to the limit, and shows any cut to display limits', () => {
    const list = sparse(999_999);
    const back = deserialize(serialize(list)) as unknown[];
    expect(back.length).toBe(1_000_000);
    expect(0 in back).toBe(false);
    expect(back[999_999]).toBe(1);
    expect(decode(encode({ ids: sparse(2 ** 32 - 2) }, { maxEntries: 200 }))).toEqual({ ids: expect.any(Truncated) });
  });
});
