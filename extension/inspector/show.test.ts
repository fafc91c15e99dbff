/**
 * Rows JSON.stringify runs out of stack on: the inspector must still hash them (a row without a
 * hash cannot be shown or edited).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashOf } from './show.js';
import { tooMuchRecursion } from '../../test/helpers/firefox-stack.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hashOf a row JSON.stringify runs out of stack on', () => {
  it('hashes it in Firefox too, where running out of stack is an InternalError', () => {
    // Firefox's JSON.stringify gives up at its own depth; here it does so on the row's encoding.
    const row = [[{ at: new Date(0), tags: ['a', 'b'] }]];
    const expected = hashOf(row);
    vi.spyOn(JSON, 'stringify').mockImplementationOnce(() => {
      throw tooMuchRecursion();
    });
    expect(hashOf(row)).toBe(expected);
  });
});
