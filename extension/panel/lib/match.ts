/**
 * Which items of two arrays are "the same item" before and after, so a diff says "[1] removed"
 * when the middle of a list goes, not "[2] removed; [1].title changed" (what an index-by-index
 * walk says). Records that all carry an `id` (or `key`) field are matched by it, as React and
 * Vue match list children; anything else by a longest common subsequence of equal items.
 */
import type { Encoded } from '#codec/types.js';
import { isRecord, isTagged } from './encoded.js';

/** Pairs of [before index, after index]; unpaired indexes were removed or added. */
export interface Matching {
  pairs: [number, number][];
  /** Keyed matching only: after-indexes of pairs whose item changed place among the others. */
  moved: Set<number>;
}

/** Past this many cells (before × after) the LCS table is not built: items pair by index. */
export const MAX_LCS_CELLS = 250_000;
const IDENTITY_FIELDS = ['id', 'key'] as const;

function fields(item: Encoded): Record<string, Encoded> | undefined {
  if (isRecord(item)) return item;
  if (isTagged(item) && (item.$t === 'object' || item.$t === 'instance') && isRecord(item.v)) return item.v;
  return undefined;
}

/** Each item's identity by `field`, or undefined unless every item has a distinct primitive one. */
function identities(items: Encoded[], field: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const seen = new Set<string | number>();
  for (const item of items) {
    const id = fields(item)?.[field];
    if ((typeof id !== 'string' && typeof id !== 'number') || seen.has(id)) return undefined;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function keyed(before: Encoded[], after: Encoded[]): Matching | undefined {
  if (before.length === 0 || after.length === 0) return undefined;
  for (const field of IDENTITY_FIELDS) {
    const left = identities(before, field);
    const right = left && identities(after, field);
    if (!left || !right) continue;
    const at = new Map(left.map((id, i) => [id, i]));
    const pairs: [number, number][] = [];
    right.forEach((id, j) => {
      const i = at.get(id);
      if (i !== undefined) pairs.push([i, j]);
    });
    return { pairs, moved: movedOf(pairs) };
  }
  return undefined;
}

/** Pairs not in the longest run of increasing before-indexes: the items that moved. */
function movedOf(pairs: [number, number][]): Set<number> {
  // Patience sorting: tails[k] is the pair index ending the best increasing run of length k + 1.
  const tails: number[] = [];
  const back: number[] = [];
  pairs.forEach(([i], p) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![0] < i) lo = mid + 1;
      else hi = mid;
    }
    back[p] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = p;
  });
  const stay = new Set<number>();
  for (let p = tails.at(-1) ?? -1; p >= 0; p = back[p]!) stay.add(p);
  const moved = new Set<number>();
  pairs.forEach(([, j], p) => stay.has(p) || moved.add(j));
  return moved;
}

/**
 * LCS of equal items (compared by their JSON), after trimming the common head and tail. Unequal
 * items left in the same gap pair up in order, so an edited item reads as changed, not as one
 * removed and one added.
 */
function sequence(before: Encoded[], after: Encoded[]): Matching {
  const a = before.map((item) => JSON.stringify(item));
  const b = after.map((item) => JSON.stringify(item));
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  const equal: [number, number][] = [];
  if (n > 0 && m > 0 && n * m <= MAX_LCS_CELLS) {
    // lengths[i][j]: LCS length of a[head+i..] and b[head+j..], one flat row-major table.
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] =
          a[head + i] === b[head + j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
      }
    }
    for (let i = 0, j = 0; i < n && j < m; ) {
      if (a[head + i] === b[head + j]) equal.push([head + i++, head + j++]);
      else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
      else j++;
    }
  }
  const pairs: [number, number][] = [];
  for (let k = 0; k < head; k++) pairs.push([k, k]);
  // Walk the gaps between equal pairs (and the end), pairing what is left in each in order.
  let i = head;
  let j = head;
  for (const [ei, ej] of [...equal, [a.length - tail, b.length - tail] as [number, number]]) {
    while (i < ei && j < ej) pairs.push([i++, j++]);
    i = ei;
    j = ej;
    if (ei < a.length - tail) pairs.push([i++, j++]);
  }
  for (let k = 0; k < tail; k++) pairs.push([a.length - tail + k, b.length - tail + k]);
  return { pairs, moved: new Set() };
}

export function matchItems(before: Encoded[], after: Encoded[]): Matching {
  return keyed(before, after) ?? sequence(before, after);
}
