import type { WebStorageEvent } from './types.js';
import type { Subscription } from './backing.js';

/** Runs every listener; a throwing one does not stop the others, and the first error is rethrown. */
export function notify(subscriptions: Iterable<Subscription>, event: WebStorageEvent): void {
  let failed = false;
  let first: unknown;
  for (const { listener } of [...subscriptions]) {
    try {
      listener(event);
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}
