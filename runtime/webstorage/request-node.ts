/**
 * The server build's runRequest. Every webstorage used inside fn, including instances created
 * at module level, finds memory of this request's own (AsyncLocalStorage follows awaits,
 * timers and callbacks), and the memory is dropped with the request. Concurrent requests never
 * see each other's data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { setRequestScope, type Memory } from './backing.js';

const requests = new AsyncLocalStorage<Map<string, Memory>>();
setRequestScope(() => requests.getStore());

export function runRequest<R>(fn: () => R): R {
  if (typeof fn !== 'function') throw new TypeError('runRequest needs a function to run.');
  return requests.run(new Map(), fn);
}
