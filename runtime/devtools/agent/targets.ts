/**
 * Registered instances by registry id, typed by kind. The agent reads them through their public
 * API only (DESIGN.md); it imports their types, never their code.
 */
import type { Database } from '../../db/types.js';
import { CommandError } from '../../protocol/errors.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import type { WebStorage, WebStorageEvent } from '../../webstorage/types.js';
import { registered, type RegistryKind } from '../../registry/registry.js';

export type WebStorageLike = WebStorage;
export type WebStorageEventLike = WebStorageEvent;

export interface Kinds {
  store: Store;
  webstorage: WebStorageLike;
  database: Database;
}

const NAMES: Record<RegistryKind, string> = { store: 'store', webstorage: 'webstorage', database: 'database' };

/** The live instance registered as `id`, or a `not-found` CommandError in words. */
export function target<K extends RegistryKind>(kind: K, id: number): Kinds[K] {
  for (const entry of registered(kind)) {
    if (entry.id !== id) continue;
    const object = entry.deref();
    if (object) return object as Kinds[K];
  }
  throw new CommandError('not-found', `no ${NAMES[kind]} with id ${id} on this page (it may have been garbage-collected): refresh`);
}

/** Every live instance of a kind with its registry id, oldest first. */
export function all<K extends RegistryKind>(kind: K): { id: number; object: Kinds[K] }[] {
  const out: { id: number; object: Kinds[K] }[] = [];
  for (const entry of registered(kind)) {
    const object = entry.deref();
    if (object) out.push({ id: entry.id, object: object as Kinds[K] });
  }
  return out;
}

/** A state of a store by State.id. */
export function stateOf(storeId: number, stateId: string): { store: Store; state: State<unknown> } {
  const store = target('store', storeId);
  const state = store.states().find((candidate) => candidate.id === stateId);
  if (!state) throw new CommandError('not-found', `store "${store.name}" has no state ${stateId} (it may have been deleted): refresh`);
  return { store, state };
}
