/**
 * Values thousands of levels deep: JSON.stringify runs out of stack on them, and the hash of a
 * webstorage key or a row must still be taken (else the panel cannot show or edit them).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from './show.js';
import { stringifyAsFirefox } from '../../../test/helpers/firefox-stack.js';

afterEach(() => {
  vi.restoreAllMocks();
});

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
