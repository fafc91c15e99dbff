/**
 * nanostores: `stratumNanostores({ cart: $cart, user: $user }, { name })` shows each atom or map
 * as a state of scope `nanostores:<name>`. Edits go through `set` (a map is set whole, so a key
 * the panel deleted is gone). A computed store has a `set` at runtime like any atom (nothing marks
 * it), so computed stores come in their own option, `computed`: shown live, edits refused.
 */
import { adapterName, mirror, type AdapterOptions, type MirrorSource, type StratumAdapter } from '../mirror.js';

/** The part of a nanostores store (atom, map, computed) the adapter uses. */
export interface ReadableNanoStore<T = unknown> {
  get(): T;
  listen(listener: (value: T, oldValue: T, changedKey?: string) => void): () => void;
}

/** An atom or a map. */
export interface NanoStore<T = unknown> extends ReadableNanoStore<T> {
  set(value: T): void;
}

export interface NanostoresOptions extends AdapterOptions {
  /** Computed stores to show by name: live, but the panel cannot set them. */
  computed?: Record<string, ReadableNanoStore>;
}

function source(key: string, store: ReadableNanoStore, writable: boolean): MirrorSource {
  return {
    read: () => store.get(),
    write(value) {
      if (!writable) throw new Error(`nanostores store "${key}" is computed: change the stores it is computed from.`);
      (store as NanoStore).set(value);
    },
    subscribe: (changed) => store.listen((_value, _old, changedKey) => changed(changedKey === undefined ? 'set' : `setKey ${changedKey}`)),
  };
}

/** Shows nanostores atoms and maps in the panel, one state per store. */
export function stratumNanostores(stores: Record<string, NanoStore>, options: NanostoresOptions): StratumAdapter {
  const name = adapterName('Nanostores', options);
  if (typeof stores !== 'object' || stores === null) {
    throw new TypeError('stratumNanostores({ cart: $cart }, { name }) takes the stores to show by name.');
  }
  const sources: Record<string, MirrorSource> = {};
  const add = (key: string, store: ReadableNanoStore, writable: boolean) => {
    if (typeof store?.get !== 'function' || typeof store.listen !== 'function' || (writable && typeof (store as NanoStore).set !== 'function')) {
      throw new TypeError(`stratumNanostores: "${key}" is no nanostores ${writable ? 'atom or map' : 'store'} (it lacks get, listen${writable ? ' or set' : ''}).`);
    }
    if (Object.hasOwn(sources, key)) throw new TypeError(`stratumNanostores: two stores are named "${key}".`);
    sources[key] = source(key, store, writable);
  };
  for (const [key, store] of Object.entries(stores)) add(key, store, true);
  for (const [key, store] of Object.entries(options.computed ?? {})) add(key, store, false);
  if (Object.keys(sources).length === 0) throw new TypeError('stratumNanostores needs at least one store to show.');
  return mirror('nanostores', name, sources);
}
