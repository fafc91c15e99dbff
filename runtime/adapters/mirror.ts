/**
 * The core every adapter shares: a Stratum Store whose states mirror a library's stores. The
 * library stays the source of truth. Its changes are copied into the states (labelled with what
 * the library says happened); a change to a state that the library does not hold yet (a panel
 * edit, a restore, a snapshot) is written back through the library's own API, then the state
 * takes whatever the library kept. Equality of data on both sides is the echo guard for the
 * library's (sometimes deferred) notifications; the ones it gives while the mirror writes are
 * skipped, as the write is one change (valtio told each field of a restore as a change of its
 * own, with half the restore written).
 */
import { Store } from '../store/store.js';
import type { State } from '../store/state.js';
import { unregister } from '../registry/registry.js';
import { markMirrored } from './claimed.js';
import { sameData } from './same.js';

/** One value of a library, as the mirror reads, writes and watches it. */
export interface MirrorSource<T = unknown> {
  /** The library's current value, as plain data the panel can show and edit. */
  read(): T;
  /** Writes a value the panel set through the library's own API. */
  write(value: T, label: string): void;
  /** Calls back on every library change, with the label the timeline shows for it. */
  subscribe(changed: (label: string) => void): () => void;
  /**
   * The library's own current value object (before `read` copies or filters it), when it has
   * one: marked as shown by an adapter, so the Redux DevTools shim of the extension, which hears
   * the same object from the library's devtools middleware, does not list the store twice.
   */
  raw?(): unknown;
}

/** What an adapter call returns. */
export interface StratumAdapter {
  /** The Stratum store the panel shows (named `<library>:<name>`). */
  readonly store: Store;
  /**
   * Stops mirroring, removes the states and takes the store out of the panel's list; the
   * library's store is untouched.
   */
  stop(): void;
}

export interface AdapterOptions {
  /** Names the store in the panel: the scope is `<library>:<name>`. */
  name: string;
}

/** A name the adapter was given, checked with a clear error. */
export function adapterName(library: string, options: AdapterOptions | undefined, fallback?: string): string {
  const name = options?.name ?? fallback;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`stratum${library}(store, { name }) needs a non-empty name: it names the store in the panel (scope "${library.toLowerCase()}:<name>").`);
  }
  return name;
}

/** Mirrors each source as the state `key` of scope `<library>:<name>`. */
export function mirror(library: string, name: string, sources: Record<string, MirrorSource>): StratumAdapter {
  const scope = `${library}:${name}`;
  const store = new Store({ name: scope });
  const stops: (() => void)[] = [];
  const what = `The ${library} store "${name}"`;
  try {
    for (const [key, source] of Object.entries(sources)) {
      const state = store.createState(source.read(), { key, scope, equals: sameData });
      stops.push(follow(store, state, source, what));
    }
  } catch (error) {
    // No adapter is returned to stop: the store made for it must not stay listed in the panel.
    for (const stop of stops) stop();
    unregister(store);
    throw new TypeError(`${what} could not be followed: is it a ${library} store? (${String(error)})`);
  }
  return {
    store,
    stop() {
      for (const stop of stops.splice(0)) stop();
      for (const state of store.states()) store.deleteState({ key: state.key, scope: state.scope });
      // An empty store left listed was a store the panel offered with nothing in it.
      unregister(store);
    },
  };
}

function follow(store: Store, state: State<unknown>, source: MirrorSource, what: string): () => void {
  const claim = () => source.raw && markMirrored(source.raw());
  claim();
  let writing = false;
  const fromLibrary = source.subscribe((label) => {
    if (writing) return;
    claim();
    try {
      state.set(source.read(), { label });
    } catch (error) {
      // A listener of the state threw. Thrown here it would reach the app's own call (its
      // setState, its action) and cut the library's notification loop short, so its later
      // subscribers would not hear the change: it is thrown again on its own, after the loop.
      queueMicrotask(() => {
        throw error;
      });
    }
  });
  const fromPanel = store.subscribe((event) => {
    if (event.type !== 'changed' || event.state !== state) return;
    // Only the newest value goes back: a listener may have moved the state on meanwhile.
    const value = event.value;
    const current = source.read();
    if (value !== state.value || sameData(value, current)) return;
    // The library moved on without telling yet (Redux Toolkit's auto-batched actions notify a
    // frame later): the edit was made on an older value, and writing it would undo that change.
    if (!sameData(current, event.prev)) {
      state.set(current, { label: 'kept by the library' });
      throw new Error(`${what} changed since the panel read it, and has not said so yet: the edit was not applied; the panel shows its newest value.`);
    }
    writing = true;
    try {
      source.write(value, event.label ?? 'devtools');
    } finally {
      writing = false;
      // The library has the last word (a reducer may normalise, a write may throw): show what it kept.
      const kept = source.read();
      if (!sameData(kept, value)) state.set(kept, { label: 'kept by the library' });
    }
  });
  return () => {
    fromLibrary();
    fromPanel();
  };
}
