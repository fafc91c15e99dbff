/**
 * Firefox's way of running out of stack, for tests of the paths that must take it as V8's
 * RangeError: it throws its own InternalError ("too much recursion"), which is not a RangeError.
 */
import { vi } from 'vitest';

/** What Firefox throws where V8 throws a RangeError. */
export function tooMuchRecursion(): Error {
  const error = new Error('too much recursion');
  error.name = 'InternalError';
  return error;
}

/** JSON.stringify as Firefox's, until the test's mocks are restored: running out of stack is an InternalError. */
export function stringifyAsFirefox(): void {
  const stringify = JSON.stringify;
  vi.spyOn(JSON, 'stringify').mockImplementation((...args: Parameters<typeof JSON.stringify>) => {
    try {
      return stringify(...args);
    } catch (error) {
      throw error instanceof RangeError ? tooMuchRecursion() : error;
    }
  });
}
