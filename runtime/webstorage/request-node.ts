/**
 * The server build's runRequest. Every webstorage used inside fn, including instances created
 * at module level, finds memory of this request's own (AsyncLocalStorage follows awaits,
 * timers and callbacks), and the memory is dropped with the request. Concurrent requests never
 * see each other's data. While it runs, the devtools panel lists its memory (requests.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setRequestScope } from './backing.js';
import { closeRequest, openRequest, type LiveRequest, type Within } from './requests.js';

export interface RunRequestOptions {
  /** How the panel names the request after its number: `GET /cart` shows as `request #12 GET /cart`. */
  label?: string;
}

const requests = new AsyncLocalStorage<LiveRequest>();
setRequestScope(() => requests.getStore());
const within: Within = (request, fn) => requests.run(request, fn);

export function runRequest<R>(fn: () => R, options: RunRequestOptions = {}): R {
  if (typeof fn !== 'function') throw new TypeError('runRequest needs a function to run.');
  if (options.label !== undefined && typeof options.label !== 'string') throw new TypeError('runRequest: label must be a string, such as "GET /cart".');
  const request = openRequest(options.label, within);
  let result: R;
  try {
    result = requests.run(request, fn);
  } catch (error) {
    closeRequest(request, within);
    throw error;
  }
  if (isThenable(result)) {
    // Watches the caller's promise without replacing it: a rejection still reaches the caller.
    result.then(
      () => closeRequest(request, within),
      () => closeRequest(request, within),
    );
  } else {
    closeRequest(request, within);
  }
  return result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
