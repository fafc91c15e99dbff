/**
 * Rows as the SQL providers store them (libsql-values.ts): a value deeper than JSON.stringify
 * reaches is still written, in every engine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadValue, storeValue } from './libsql-values.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** What Firefox throws where V8 throws a RangeError: its own InternalError, not a RangeError. */
function tooMuchRecursion(): Error {
  const error = new Error('too much recursion');
  error.name = 'InternalError';
  return error;
}

describe('storeValue of a value deeper than JSON.stringify reaches', () => {
  it('writes it in Firefox too, where running out of stack is an InternalError', async () => {
    let deep: unknown = new Date(0);
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const stringify = JSON.stringify;
    vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
      try {
        return stringify(...args);
      } catch (error) {
        throw error instanceof RangeError ? tooMuchRecursion() : error;
      }
    });
    const row = await storeValue(deep);
    vi.restoreAllMocks();
    let back = loadValue(row.text, row.bytes);
    for (let i = 0; i < 10_000; i++) back = (back as unknown[])[0];
    expect(back).toEqual(new Date(0));
  });
});
