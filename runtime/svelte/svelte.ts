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
  const runs = new Set<(value: T) => void>();
  // A deleted state is let go: its writes tell no listener of the store's (store/state.ts). A
  // Svelte store must still tell its subscribers what it now holds, as writable() would, or
  // `$cart` and get(cart) disagree; an equal write tells no one (the version stays).
  const write = (fn: (prev: T) => T) => {
    const version = state.version;
    state.set(fn);
    if (state._detached && state.version !== version) for (const run of runs) run(state.get());
  };
  return {
    subscribe(run) {
      // Listening first, as writable() does: a write `run` makes while first called is told to it.
      const stop = state.subscribe((value) => run(value));
      const told = (value: T) => run(value);
      runs.add(told);
      const off = () => {
        stop();
        runs.delete(told);
      };
      try {
        run(state.get());
      } catch (error) {
        // The caller got no unsubscribe to call: the listener must not stay.
        off();
        throw error;
      }
      return off;
    },
    // State.set calls a function it is given; writable().set stores it, and only update calls.
    set: (value) => write(() => value),
    update: write,
  };
}
