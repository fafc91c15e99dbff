/**
 * A state's recent changes as the panel saw them (each with the value before and after), and the
 * history slider's stops built from them: the value before the oldest change, then each change's
 * value, oldest first. Bounded per state; kept across reconnects, not across reloads.
 */
import { signal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import type { ValueSource } from './value.js';

/** Recent changes kept per state (the history slider's stops, plus the value before the oldest). */
export const MAX_HISTORY = 50;

export interface Change {
  at: number;
  versions: { from: number; to: number };
  changes: number;
  label?: string;
  /** Call-site frames of the last change, while the timeline records them. */
  stack?: string[];
  /** The version of `before`: the one the panel held until this change. */
  previous: number;
  before: Encoded;
  after: Encoded;
  /** Redacted paths of `before` and `after` (a redacted value cannot be written back). */
  redactedBefore: Path[];
  redacted: Path[];
}

/** One position of the history slider: a value the panel saw, oldest first, the newest last. */
export interface Stop {
  version: number;
  value: Encoded;
  redacted: Path[];
  /** When the change that made it arrived (absent for the value the panel saw first). */
  at?: number;
  label?: string;
}

/** The values of a state's history, oldest first; the last is the value now. */
export function stops(history: Change[]): Stop[] {
  const oldest = history.at(-1);
  if (!oldest) return [];
  const out: Stop[] = [{ version: oldest.previous, value: oldest.before, redacted: oldest.redactedBefore }];
  for (let i = history.length - 1; i >= 0; i--) {
    const change = history[i]!;
    const stop: Stop = { version: change.versions.to, value: change.after, redacted: change.redacted, at: change.at };
    if (change.label !== undefined) stop.label = change.label;
    out.push(stop);
  }
  return out;
}

/**
 * An earlier value as the value view shows it: read-only, nothing to edit or expand. It keeps the
 * live value's source key, so the nodes open in the state stay open while the slider moves.
 */
export function previewSource(live: ValueSource, stop: Stop): ValueSource {
  return {
    key: live.key,
    what: `v${stop.version} of ${live.what}`,
    value: signal(stop.value),
    redacted: signal(stop.redacted),
    locked: `v${stop.version} is an earlier value, previewed; nothing is applied ("Restore this" writes it back)`,
    base: () => null,
    edit: () => Promise.resolve(false),
  };
}
