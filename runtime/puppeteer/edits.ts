/**
 * The kit's edits: one `edit` command (the panel's) at a path inside a state, a webstorage key, a
 * row or a cache entry. Without `baseVersion` the edit applies to the current value; with a stale
 * one the runtime refuses with `conflict` and changes nothing (connect() throws it as a
 * StratumError in the runtime's words).
 */
import { encode, type Path } from '../codec/index.js';
import type { CommandRequest, Hash, ValueRef } from '../protocol/messages.js';

export interface EditOptions {
  /** The version the test read (a state's `version`, else what a previous edit resolved to). */
  baseVersion?: number | string;
  /** Default `set`; `insert` into an array / Set / object, `delete` (value ignored), `rename` (value = the new key). */
  op?: 'set' | 'insert' | 'delete' | 'rename';
}

/** What an edit resolves to: the state's new version, or the new value's hash; pass it as the next baseVersion. */
export type Version = number | string;

export function editRequest(target: ValueRef, path: Path, value: unknown, options: EditOptions = {}): CommandRequest<'edit'> {
  const op = options.op ?? 'set';
  return {
    target,
    path,
    op,
    ...(options.baseVersion !== undefined && { baseVersion: options.baseVersion as number | Hash }),
    ...(op === 'rename' ? { to: String(value) } : op === 'delete' ? {} : { value: encode(value) }),
  };
}
