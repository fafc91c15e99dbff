import type { State } from '../store/state.js';

/** Svelte's store contract (svelte/store `Writable`), typed here so the store needs no svelte. */
export interface SvelteStore<T> {
  subscribe(run: (value: T) => void): () => void;
  set(value: T): void;
  update(fn: (value: T) => T): void;
}

/**
 * A state as a Svelte store (`$todos` in a component, `get()` from svelte/store). Svelte wants
 * `subscribe` to call at once; State.subscribe calls on changes only and passes `prev`, which
 * its users rely on, so the contract lives in this adapter (`stratumjs/svelte`) instead.
 */
export function toSvelteStore<T>(state: State<T>): SvelteStore<T> {
  return {
    subscribe(run) {
      // Listening first, as writable() does: a write `run` makes while first called is told to it.
      const stop = state.subscribe((value) => run(value));
      try {
        run(state.get());
      } catch (error) {
        // The caller got no unsubscribe to call: the listener must not stay.
        stop();
        throw error;
      }
      return stop;
    },
    // State.set calls a function it is given; writable().set stores it, and only update calls.
    set: (value) => state.set(() => value),
    update: (fn) => state.set(fn),
  };
}
