/**
 * A plan as the panel's confirmation shows it: whole entries counted per stratum (added, changed,
 * removed), what is skipped and why, and the first differences with values cut to the panel's
 * display limits (a 5 MB string must not blow a message).
 */
import { decode, encode, type Encoded } from '../../codec/index.js';
import { MAX_PAGE } from '../../protocol/messages.js';
import type { SnapshotCounts, SnapshotDifference, SnapshotSummary } from '../../protocol/values.js';
import { DISPLAY } from '../agent/show.js';
import { entryOf, type Difference } from '../../snapshot-file/diff.js';
import type { Plan } from './plan.js';

const COUNTED = ['state', 'webstorage', 'row', 'cache', 'blob'] as const;
type Counted = (typeof COUNTED)[number];

/** A value re-encoded with display limits; one the codec cannot read is shown as its JSON's start. */
function shown(value: Encoded): Encoded {
  try {
    return encode(decode(value), DISPLAY);
  } catch (error) {
    const text = JSON.stringify(value);
    return `[cannot show: ${error instanceof Error ? error.message : String(error)}] ${text.slice(0, 200)}`;
  }
}

function cut(difference: Difference): SnapshotDifference {
  const out: SnapshotDifference = { path: difference.path, kind: difference.kind };
  if (difference.before !== undefined) out.before = shown(difference.before);
  if (difference.after !== undefined) out.after = shown(difference.after);
  return out;
}

/** Whole entries per stratum: an entry added or removed as a whole, else changed. */
export function count(differences: Difference[]): Record<Counted, SnapshotCounts> {
  const counts = Object.fromEntries(COUNTED.map((name) => [name, { added: 0, changed: 0, removed: 0 }])) as Record<Counted, SnapshotCounts>;
  const seen = new Set<string>();
  for (const difference of differences) {
    const { stratum, path } = entryOf(difference);
    if (!(COUNTED as readonly string[]).includes(stratum)) continue;
    const id = JSON.stringify(path);
    if (seen.has(id)) continue;
    seen.add(id);
    const whole = difference.path.length === path.length && difference.kind !== 'changed';
    counts[stratum as Counted][whole ? difference.kind : 'changed']++;
  }
  return counts;
}

export function summarize(plan: Pick<Plan, 'differences' | 'skipped'>, applied: boolean): SnapshotSummary {
  return {
    applied,
    counts: count(plan.differences),
    skipped: plan.skipped.slice(0, MAX_PAGE).map(({ path, reason }) => ({ path, reason })),
    differences: plan.differences.slice(0, MAX_PAGE).map(cut),
    total: plan.differences.length,
  };
}
