/**
 * deserialize's in-place pass recurses; decode() does not. A caller already deep in its own stack
 * (a deep render, a recursive reducer) can make the pass run out of stack on a value it would
 * otherwise take: the value must still come back, from decode().
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringifyAsFirefox, tooMuchRecursion } from '../../test/helpers/firefox-stack.js';

afterEach(() => {
  vi.doUnmock('./decode-parsed.js');
  vi.resetModules();
  vi.restoreAllMocks();
});

describe('deserialize when the in-place pass runs out of stack', () => {
  it('gives the value, decoded without recursion', async () => {
    vi.resetModules();
    vi.doMock('./decode-parsed.js', async (actual) => ({
      ...(await actual<typeof import('./decode-parsed.js')>()),
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

  it("gives the value in Firefox too, where running out of stack is an InternalError", async () => {
    vi.resetModules();
    vi.doMock('./decode-parsed.js', async (actual) => ({
      ...(await actual<typeof import('./decode-parsed.js')>()),
      decodeParsed: () => {
        throw tooMuchRecursion();
      },
    }));
    const { deserialize, serialize } = await import('./index.js');
    expect(deserialize(serialize({ at: new Date(0) }))).toEqual({ at: new Date(0) });
  });
});

describe('serialize when JSON.stringify runs out of stack', () => {
  it("writes the deep value in Firefox too, where that is an InternalError", async () => {
    stringifyAsFirefox();
    const { deserialize, serialize } = await import('./index.js');
    let chain: unknown = new Date(0);
    for (let i = 0; i < 10_000; i++) chain = [chain];
    let back = deserialize(serialize(chain));
    for (let i = 0; i < 10_000; i++) back = (back as unknown[])[0];
    expect(back).toEqual(new Date(0));
  });
});
