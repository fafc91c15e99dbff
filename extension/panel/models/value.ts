/**
 * A value the panel shows and edits, whatever stratum holds it. The value tree and the JSON
 * editor only see this interface; every edit travels as one `edit` command (editAt).
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import { CommandError } from '#protocol/errors.js';
import { Command, type Current, type EditOp, type Hash, type ValueRef } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';
import { appendPage, isCutSparse, isTruncated, nextPage, truncatedPath } from '../lib/pages.js';
import { movedPositions, nodeAt } from '../lib/splice.js';

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
  /**
   * Resolves true when applied; false when refused (the toast or conflict banner says why).
   * `seen` is the value the editor opened on: a conflict offers no overwrite when an index on the
   * path points elsewhere in the page's value now.
   */
  edit(base: Base, path: Path, op: EditOp, value?: Encoded, to?: string, seen?: Encoded): Promise<boolean>;
  /** Where the agent finds it (expand, store as global); absent for read-only copies. */
  readonly ref?: ValueRef;
  /** Fetches a truncated part and splices it in: all of it, or (`more`) its next page. */
  expand?(path: Path, more?: boolean): Promise<void>;
  /** Set when nothing in it can be edited, and why. */
  readonly locked?: string;
}

/** Where an edit goes and what the panel does around it. */
export interface EditTarget {
  ref: ValueRef;
  what: string;
  /** The value the agent answered with in a conflict, adopted when the user reloads. */
  reload(current: Current): void;
  /** After the edit applied: the state's new version or the new value's hash. */
  done?(version: number | Hash): void | Promise<void>;
}

/**
 * Every edit the panel makes, whatever stratum holds the value: the path, the operation and the
 * new part only, as one `edit` command over the base the editor opened with. The agent applies it
 * to the page's current value, so parts cut for display elsewhere in the value stay whole.
 */
export async function editAt(
  io: { connection: Connection; ui: Ui },
  target: EditTarget,
  base: Base,
  path: Path,
  op: EditOp,
  value?: Encoded,
  to?: string,
  seen?: Encoded,
  label?: string,
): Promise<boolean> {
  const send = (baseVersion: Base) =>
    io.connection.request(Command.edit, {
      target: target.ref,
      ...(baseVersion !== null && { baseVersion }),
      path,
      op,
      ...(value !== undefined && { value }),
      ...(to !== undefined && { to }),
      ...(label !== undefined && { label }),
    });
  const first = () =>
    send(base).catch((error: unknown) => {
      const token = recreatedToken(target.ref, error, seen);
      if (token === undefined) throw error;
      return send(token);
    });
  const done = await io.ui.run(first, {
    what: target.what,
    overwrite: (version) => send(version),
    reload: (current) => target.reload(current),
    ...(seen !== undefined && { refuseOverwrite: (current: Current) => (current.version === null ? undefined : movedPositions(seen, current.value, path)) }),
  });
  if (done) await target.done?.(done.version);
  return done !== undefined;
}

/**
 * A state deleted and created again answers an edit over a version its deleted namesake also had
 * as stale, with a token for its own version (runtime/devtools/agent/recreated.ts): the page cannot
 * tell which of the two the edit was made for. When the value it holds now is the one the editor
 * opened on, the edit was made on what is there, so it goes again over the token rather than
 * showing the banner once per edit until the new state's versions pass the old one's. Only a value
 * held whole and with nothing redacted is compared: a cut or hidden part may differ unseen.
 */
function recreatedToken(ref: ValueRef, error: unknown, seen: Encoded | undefined): Hash | undefined {
  if (ref.kind !== 'state' || seen === undefined || !(error instanceof CommandError) || error.code !== 'conflict') return undefined;
  const current = error.current;
  if (!current || typeof current.version !== 'string' || current.redacted.length > 0) return undefined;
  const held = JSON.stringify(seen);
  return !held.includes('"$t":"truncated"') && held === JSON.stringify(current.value) ? current.version : undefined;
}

/**
 * A cut part fetched again: all of it encoded afresh, or (`more`) its next page appended to the
 * panel's copy (lib/pages.ts). Undefined when refused (the toast says why).
 */
export async function fetchPart(
  io: { connection: Connection; ui: Ui },
  ref: ValueRef,
  root: Encoded,
  path: Path,
  more = false,
): Promise<{ node: Encoded; redacted: Path[] } | undefined> {
  if (!more) {
    const part = await io.ui.run(() => io.connection.request(Command.expand, { target: ref, path }));
    return part && { node: part.value, redacted: part.redacted };
  }
  const node = nodeAt(root, path);
  if (!isTruncated(node) && !isCutSparse(node)) return undefined;
  const page = await io.ui.run(() => io.connection.request(Command.expand, { target: ref, path: truncatedPath(node, path), ...nextPage(node) }));
  if (!page) return undefined;
  try {
    return { node: appendPage(node, page), redacted: page.redacted };
  } catch (error) {
    io.ui.fail(error);
    return undefined;
  }
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
