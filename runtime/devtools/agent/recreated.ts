/**
 * States deleted and created again under the same id (store, scope, key). The new one restarts at
 * version 0, so a version the panel read of the old one can be a version of the new one too, and
 * an edit made for the old one (in flight while the deletion travelled) would land on the new one.
 * The agent keeps, per store and State.id, the highest version a deleted state of that id reached
 * while it watched. An edit of the state there now, at a version up to that one, cannot say which
 * of them it was made for, so it is answered as stale with a version token of the new state: a
 * Hash, which the panel's overwrite sends back as it sends any conflict's version, and which names
 * this State object at this version only. Past that version, versions are the state's own again.
 * Nothing changes in the protocol's shapes: a conflict's version and an edit's baseVersion already
 * take a Hash, and an older panel that overwrites through stateSet (a number) is refused again, in
 * the same words, never written.
 */
import type { Hash } from '../../protocol/messages.js';
import type { State } from '../../store/state.js';

const ended = new Map<string, number>();
const names = new WeakMap<State<unknown>, string>();
let named = 0;

/** A state of the store was deleted at `version`. */
export function stateDeleted(store: number, state: State<unknown>, version: number): void {
  const at = `${store}:${state.id}`;
  ended.set(at, Math.max(version, ended.get(at) ?? 0));
  // Bounded: an edit is in flight for milliseconds, not across ten thousand deletions.
  if (ended.size > 10_000) ended.delete(ended.keys().next().value!);
}

/** What an edit of `state` must carry: its version, or its token while a deleted state of its id may have had that version. */
export function versionOf(store: number, state: State<unknown>): number | Hash {
  const at = `${store}:${state.id}`;
  const floor = ended.get(at);
  if (floor === undefined) return state.version;
  if (state.version > floor) {
    ended.delete(at);
    return state.version;
  }
  let name = names.get(state);
  if (name === undefined) names.set(state, (name = (++named).toString(36)));
  return `hs${name}v${state.version}`;
}
