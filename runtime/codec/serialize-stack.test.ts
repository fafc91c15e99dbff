/**
 * deserialize's in-place pass recurses; decode() does not. A caller already deep in its own stack
 * (a deep render, a recursive reducer) can make the pass run out of stack on a value it would
 * otherwise take: the value must still come back, from decode().
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('./decode-parsed.js');
  vi.resetModules();
});

describe('deserialize when the in-place pass runs out of stack', () => {
  it('gives the value, decoded without recursion', async () => {
    vi.resetModules();
    vi.doMock('./decode-parsed.js', () => ({
      decodeParsed: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    }));
    const { deserialize, serialize } = await import('./index.js');
    let deep: unknown = new Map([['end', new Date(0)]]);
    for (let i = 0; i < 900; i++) deep = new Map([['next', deep]]);
    let back = deserialize(serialize(deep));
    for (let i = 0; i < 900; i++) back = (back as Map<string, unknown>).get('next');
    expect(back).toEqual(new Map([['end', new Date(0)]]));
  });
});
