/**
 * `stratumjs/preact/signals`: a state as a @preact/signals signal. An entry of its own so that
 * `stratumjs/preact` works for apps without @preact/signals installed (it is an optional peer).
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { State } from '../store/state.js';

/** One signal per state, so calling toSignal in a render does not pile up subscriptions. */
const signals = new WeakMap<State<unknown>, ReadonlySignal<unknown>>();

/**
 * A read-only signal that always holds the state's value (write with `state.set`). It follows
 * the state for as long as the state lives: an unwatched signal must not read stale.
 */
export function toSignal<T>(state: State<T>): ReadonlySignal<T> {
  const known = signals.get(state as State<unknown>);
  if (known) return known as ReadonlySignal<T>;
  const follower = signal(state.get());
  state.subscribe((value) => {
    follower.value = value;
  });
  signals.set(state as State<unknown>, follower);
  return follower;
}
