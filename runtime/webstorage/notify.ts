import type { WebStorageEvent } from './types.js';
import type { Subscription } from './backing.js';

/** build.mjs defines it in production builds: no agent, so no listener is told first. */
declare const __STRATUM_NO_AGENT__: boolean | undefined;

/**
 * A listener marked `early` is told before the others: the devtools agent's (devtools/agent/
 * watch.ts), which subscribes when a panel connects, after the app's listeners. Told after them,
 * it would hear a change only once an app listener had set a state in response, and list the
 * effect before its cause. Sorting is stable: the others keep their order.
 */
export type Early = { early?: true };

/** Per channel (its subscription set): the events being delivered now; the first is under way, the rest wait their turn. */
const delivering = new WeakMap<Set<Subscription>, WebStorageEvent[]>();

/**
 * Runs every listener; a throwing one does not stop the others, and the first error is rethrown.
 * An event raised while listeners run (one that writes the storage while told) waits until the
 * current one reached every listener, so everyone hears a channel's changes in the order they
 * happened; the outer call delivers it, and rethrows its listeners' errors too.
 */
export function notify(subscriptions: Set<Subscription>, event: WebStorageEvent): void {
  const queue = delivering.get(subscriptions);
  if (queue) return void queue.push(event);
  const events = [event];
  delivering.set(subscriptions, events);
  let failed = false;
  let first: unknown;
  for (let i = 0; i < events.length; i++) {
    let next = events[i]!;
    const told = [...subscriptions];
    if (typeof __STRATUM_NO_AGENT__ === 'undefined') told.sort((a, b) => +!!(b.listener as Early).early - +!!(a.listener as Early).early);
    for (const { listener } of told) {
      // A listener before this one changed the key again (or cleared it): the storage no longer
      // holds this value. Still told, marked as another tab's late event is, so that a mirror
      // of the stored value does not take it after the newer one's event.
      if (!next.superseded && next.key !== null && events.some((later, j) => j > i && (later.key === next.key || later.key === null))) next = { ...next, superseded: true };
      try {
        listener(next);
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
  }
  // Listeners' errors are caught above, so nothing leaves the loop early and stalls the channel.
  delivering.delete(subscriptions);
  if (failed) throw first;
}
