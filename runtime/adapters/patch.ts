/**
 * Writes a panel value into a mutable library's live state (MobX, valtio, Pinia) as the app
 * itself would: only what differs, going into the objects and lists that both the old and the new
 * value hold and that the library watches. Assigning a whole field for one changed leaf replaced
 * the observables, proxies and reactive objects (and MobX model instances) the app may still
 * hold: its later writes to them no longer reached the store, and a model lost its methods.
 */
import { sameData } from './same.js';

type Container = Record<PropertyKey, unknown>;

export interface PatchRules {
  /** A copy of a value the library adopts (it must share nothing with the mirror). */
  copy(value: unknown): unknown;
  /** True for a live value the library watches (an observable, a proxy, a reactive object). */
  watched(live: object): boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Patches `live`, whose plain reading is `now` (a snapshot, toJS), into `next`: both records or
 * both lists, as the caller checked.
 */
export function patchInto(live: object, now: Record<string, unknown> | unknown[], next: Record<string, unknown> | unknown[], rules: PatchRules): void {
  const target = live as Container;
  if (Array.isArray(now) && Array.isArray(next)) {
    const list = live as unknown[];
    for (let i = 0; i < next.length; i++) {
      if (i < now.length) patchField(target, i, now[i], next[i], rules);
      else list.push(rules.copy(next[i]));
    }
    // splice, not a shorter length: every library's list proxy reports it as one change.
    if (list.length > next.length) list.splice(next.length);
    return;
  }
  const before = now as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) delete target[key];
  for (const [key, item] of Object.entries(after)) patchField(target, key, before[key], item, rules);
}

function patchField(target: Container, key: PropertyKey, was: unknown, item: unknown, rules: PatchRules): void {
  if (sameData(was, item)) return;
  const inner = target[key];
  const bothLists = Array.isArray(was) && Array.isArray(item) && Array.isArray(inner);
  const bothRecords = isRecord(was) && isRecord(item) && !Array.isArray(inner);
  if (typeof inner === 'object' && inner !== null && (bothLists || bothRecords) && rules.watched(inner)) {
    patchInto(inner, was as Record<string, unknown>, item as Record<string, unknown>, rules);
  } else {
    target[key] = rules.copy(item);
  }
}
