import { isServer } from './probe.js';

/**
 * The browser build's runRequest: a page serves one user, so there is nothing to keep apart and
 * fn simply runs. On a server this build cannot keep requests apart (it has no
 * AsyncLocalStorage), so it refuses loudly instead of letting one request see another's data.
 */
// `_options.label` names a request in the server build's panel list; a page has nothing to name.
export function runRequest<R>(fn: () => R, _options: { label?: string } = {}): R {
  if (isServer()) {
    throw new Error(
      "runRequest needs the server build of stratumjs/webstorage, which Node resolves through the 'node' export condition; this is the browser build (check your bundler's conditions).",
    );
  }
  return fn();
}
