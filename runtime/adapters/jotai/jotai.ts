/**
 * Jotai: `stratumJotai(store, { name, atoms: { count: countAtom } })` shows the named atoms of a
 * Jotai store (`createStore()` or `getDefaultStore()`) as states of scope `jotai:<name>`. A store
 * cannot list its atoms, so the app names the ones to show. Edits go through `store.set(atom,
 * value)`; an atom without `write` (a derived one) is shown live and refuses edits.
 */
import { adapterName, mirror, type AdapterOptions, type MirrorSource, type StratumAdapter } from '../mirror.js';

/** A Jotai atom as the adapter sees it: derived atoms have no `write`. */
export interface JotaiAtom<V = unknown> {
  read: (...args: never[]) => V;
  write?: (...args: never[]) => unknown;
  debugLabel?: string;
}

/** The part of a Jotai store the adapter uses. */
export interface JotaiStore {
  get<V>(atom: never): V;
  set(atom: never, value: unknown): unknown;
  sub(atom: never, listener: () => void): () => void;
}

export interface JotaiOptions extends AdapterOptions {
  /** The atoms to show, by the key the panel shows them under. */
  atoms: Record<string, JotaiAtom>;
}

function source(key: string, store: JotaiStore, atom: JotaiAtom): MirrorSource {
  const at = atom as never;
  return {
    read: () => store.get(at),
    write(value) {
      if (typeof atom.write !== 'function') throw new Error(`Jotai atom "${key}" is derived (it has no write): change the atoms it reads.`);
      store.set(at, value);
    },
    subscribe: (changed) => store.sub(at, () => changed(atom.debugLabel ? `set ${atom.debugLabel}` : 'set')),
  };
}

/** Shows the named atoms of a Jotai store in the panel, one state per atom. */
export function stratumJotai(store: JotaiStore, options: JotaiOptions): StratumAdapter {
  const name = adapterName('Jotai', options);
  if (typeof store?.get !== 'function' || typeof store.sub !== 'function') {
    throw new TypeError('stratumJotai takes a Jotai store: createStore() or getDefaultStore() from jotai.');
  }
  const atoms = Object.entries(options.atoms ?? {});
  if (atoms.length === 0) throw new TypeError('stratumJotai(store, { name, atoms: { count: countAtom } }) needs the atoms to show: a store cannot list them.');
  const sources: Record<string, MirrorSource> = {};
  for (const [key, atom] of atoms) {
    if (typeof atom?.read !== 'function') throw new TypeError(`stratumJotai: "${key}" is no Jotai atom.`);
    sources[key] = source(key, store, atom);
  }
  return mirror('jotai', name, sources);
}
