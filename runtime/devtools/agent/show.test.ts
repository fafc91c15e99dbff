/**
 * Values thousands of levels deep: JSON.stringify runs out of stack on them, and the hash of a
 * webstorage key or a row must still be taken (else the panel cannot show or edit them).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from './show.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** What Firefox throws where V8 throws a RangeError: its own InternalError, not a RangeError. */
function tooMuchRecursion(): Error {
  const error = new Error('too much recursion');
  error.name = 'InternalError';
  return error;
}

/** JSON.stringify as Firefox's: running out of stack is an InternalError. */
function stringifyAsFirefox(): void {
  const stringify = JSON.stringify;
  vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
    try {
      return stringify(...args);
    } catch (error) {
      throw error instanceof RangeError ? tooMuchRecursion() : error;
    }
  });
}

function deepChain(levels: number): unknown {
  let chain: unknown = new Date(0);
  for (let i = 0; i < levels; i++) chain = [chain];
  return chain;
}

describe('fingerprint of a value deeper than JSON.stringify reaches', () => {
  it('hashes it in Firefox too, where running out of stack is an InternalError', () => {
    const deep = deepChain(10_000);
    const expected = fingerprint(deep, ['state', 'app', 'deep']);
    stringifyAsFirefox();
    expect(fingerprint(deep, ['state', 'app', 'deep'])).toEqual(expected);
  });
});
