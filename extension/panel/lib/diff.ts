/**
 * What changed between two encoded values, path by path, for the "recent changes" list. Walks
 * containers of the same kind side by side; anything else that differs is one `changed` entry.
 * Bounded: a value rewritten wholesale shows the first MAX_DIFF differences and a count.
 */
import type { Encoded, Path } from '#codec/types.js';
import { isRecord, isTagged } from './encoded.js';

export interface Difference {
  path: Path;
  kind: 'added' | 'removed' | 'changed';
  before?: Encoded;
  after?: Encoded;
}

export const MAX_DIFF = 50;

/** The children of a container by codec step, or undefined for a leaf (or containers that differ in kind). */
function children(value: Encoded): { kind: string; entries: Map<string | number, Encoded> } | undefined {
  if (Array.isArray(value)) return { kind: 'array', entries: new Map(value.map((item, i) => [i, item])) };
  if (isRecord(value)) return { kind: 'object', entries: new Map(Object.entries(value)) };
  if (!isTagged(value)) return undefined;
  const v = value.v;
  if ((value.$t === 'object' || value.$t === 'instance') && isRecord(v)) return { kind: `${value.$t}:${String(value.class)}`, entries: new Map(Object.entries(v)) };
  if ((value.$t === 'array' || value.$t === 'set') && Array.isArray(v)) return { kind: value.$t, entries: new Map(v.map((item, i) => [i, item])) };
  if (value.$t === 'map' && Array.isArray(v)) return { kind: 'map', entries: new Map(v.map((pair, i) => [i, pair])) };
  return undefined;
}

function same(a: Encoded, b: Encoded): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diff(before: Encoded, after: Encoded, max = MAX_DIFF): { differences: Difference[]; total: number } {
  const differences: Difference[] = [];
  let total = 0;
  const add = (difference: Difference) => {
    total++;
    if (differences.length < max) differences.push(difference);
  };
  const stack: [Encoded, Encoded, Path][] = [[before, after, []]];
  while (stack.length > 0) {
    const [a, b, path] = stack.pop()!;
    if (same(a, b)) continue;
    const left = children(a);
    const right = children(b);
    if (!left || !right || left.kind !== right.kind) {
      add({ path, kind: 'changed', before: a, after: b });
      continue;
    }
    const pending: [Encoded, Encoded, Path][] = [];
    for (const [step, value] of left.entries) {
      if (!right.entries.has(step)) add({ path: [...path, step], kind: 'removed', before: value });
      else pending.push([value, right.entries.get(step)!, [...path, step]]);
    }
    for (const [step, value] of right.entries) {
      if (!left.entries.has(step)) add({ path: [...path, step], kind: 'added', after: value });
    }
    // Reversed onto the stack so differences come out in document order.
    for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
  }
  return { differences, total };
}
