/**
 * A value the panel shows and edits, whatever stratum holds it. The value tree and the JSON
 * editor only see this interface; each model says how an edit travels (a path command for
 * states, the whole value plus the hash it saw for keys and rows, no base for cache entries).
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Encoded, Path } from '../../../runtime/codec/types.js';
import type { Hash, ValueRef } from '../../../runtime/protocol/messages.js';
import { editEncoded, EditError, type EditOp } from '../lib/edit.js';

/** What an edit is based on: a state's version, a key's or row's hash, null for "no such thing". */
export type Base = number | Hash | null;

export interface ValueSource {
  /** Stable across snapshots: expanded nodes are remembered under it. */
  readonly key: string;
  /** In words, for messages: `state "user"`. */
  readonly what: string;
  readonly value: ReadonlySignal<Encoded>;
  readonly redacted: ReadonlySignal<Path[]>;
  /** The version now: an editor captures it when it opens, and its save is based on it. */
  base(): Base;
  /** Resolves true when applied; false when refused (the toast or conflict banner says why). */
  edit(base: Base, path: Path, op: EditOp, value?: Encoded, to?: string): Promise<boolean>;
  /** Where the agent finds it (expand, store as global); absent for read-only copies. */
  readonly ref?: ValueRef;
  /** Fetches a truncated part and splices it in. */
  expand?(path: Path): Promise<void>;
  /** Set when nothing in it can be edited, and why. */
  readonly locked?: string;
}

/**
 * An edit for strata without path commands: applied to the panel's copy, then the whole value is
 * written over the base. A path that cannot apply fails here, in words, and nothing is sent.
 */
export async function editWhole(
  current: Encoded,
  path: Path,
  op: EditOp,
  value: Encoded | undefined,
  to: string | undefined,
  write: (next: Encoded) => Promise<boolean>,
  fail: (error: unknown) => void,
): Promise<boolean> {
  let next: Encoded;
  try {
    next = editEncoded(current, path, op, value, to);
  } catch (error) {
    if (!(error instanceof EditError)) throw error;
    fail(error);
    return false;
  }
  return write(next);
}

/** Which nodes of which values are open; kept across snapshots and reconnects. */
export class Expanded {
  readonly open = signal<ReadonlySet<string>>(new Set());

  static id(source: string, path: Path): string {
    return `${source}\u0000${JSON.stringify(path)}`;
  }

  has(source: string, path: Path): boolean {
    return this.open.value.has(Expanded.id(source, path));
  }

  toggle(source: string, path: Path, open?: boolean): void {
    const id = Expanded.id(source, path);
    const next = new Set(this.open.peek());
    if (open ?? !next.has(id)) next.add(id);
    else next.delete(id);
    this.open.value = next;
  }
}
