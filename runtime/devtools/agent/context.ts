/** What every command handler gets, and how handlers are typed. */
import type { Path } from '../../codec/index.js';
import { CommandError } from '../../protocol/errors.js';
import type { CommandName, CommandRequest, CommandResult, Current, ReportInfo } from '../../protocol/messages.js';
import { describePath } from './describe-path.js';
import type { KeyHandles } from './key-handles.js';
import { redactedPaths, show, type InlineBlobs } from './show.js';
import type { Uploads } from './uploads.js';

export interface Context {
  blobs: InlineBlobs;
  uploads: Uploads;
  /** Handles for row keys redact() hides (key-handles.ts). */
  keys: KeyHandles;
  /** Messages dropped since listening started (registry listener and bridge). */
  dropped(): number;
  /** Runs a webstorage write of the agent's own: its delta is labelled `label` (webstorage takes no label). */
  label<R>(label: string, fn: () => R): R;
  /** Sends a `report` to every panel (the timeline's entry for something the agent itself did, e.g. a simulated failure). */
  report?(info: ReportInfo): void;
}

export type Handler<K extends CommandName> = (
  payload: CommandRequest<K>,
  context: Context,
) => CommandResult<K> | Promise<CommandResult<K>>;

export type Handlers<K extends CommandName = CommandName> = { [N in K]: Handler<N> };

/** `a` is `b` or lies inside it. */
function within(a: Path, b: Path): boolean {
  return b.length <= a.length && b.every((step, i) => step === a[i]);
}

/**
 * Refuses a write at `path` of the value at `root` when it would touch what redact() hides:
 * the path lies in a redacted part, or a redacted part lies inside what it replaces. `next` is
 * what would be written there (a secret the panel may not write either).
 */
export function guardRedacted(current: unknown, root: Path, path: Path, next?: { value: unknown }): void {
  const hidden = redactedPaths(current, root);
  const hit = hidden.find((secret) => within(path, secret) || within(secret, path));
  if (hit) {
    throw new CommandError('redacted', `${describePath(hit)} is redacted by configureDevtools({ redact }): the panel may not change it`);
  }
  if (next && redactedPaths(next.value, root, path).length > 0) {
    throw new CommandError('redacted', 'the new value has parts configureDevtools({ redact }) hides: the panel may not write them');
  }
}

/** A `conflict` naming what the edit would have overwritten, shown as the panel shows values. */
export function conflict(what: string, value: unknown, version: Current['version'], root: Path, blobs: InlineBlobs): CommandError {
  const shown = show(value, root, blobs);
  return new CommandError('conflict', `${what} changed since the panel read it: reload it, or overwrite`, {
    value: shown.value,
    version,
    redacted: shown.redacted,
  });
}
