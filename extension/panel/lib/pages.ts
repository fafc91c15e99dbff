/**
 * Paging a cut part in, as Chrome's console does: "show more" asks the agent for the next page
 * of a truncated node (expand with offset + limit) and appends it to the panel's copy; once every
 * character or item is there the node becomes the whole string or container it stands for.
 * Long lists show in groups of GROUP ("[0 … 99]"), so a 10,000-item array opens at once.
 */
import type { Encoded, Path, PathSegment } from '#codec/types.js';
import { isRecord, isTagged, type EncodedRecord, type Tagged } from './encoded.js';

/** Children per group row. */
export const GROUP = 100;
/** Characters a "show more" of a string asks for. */
export const TEXT_PAGE = 100_000;
/** Items a "show more" of a container asks for. */
export const ITEM_PAGE = 500;

export interface Page {
  value: Encoded;
  offset?: number;
  total?: number;
}

/** How much of a truncated node the panel holds: characters, items or keys. */
export function loaded(node: Tagged): number {
  const shown = node.v;
  if (typeof shown === 'string') return shown.length;
  if (Array.isArray(shown)) return shown.length;
  return isRecord(shown) ? Object.keys(shown).length : 0;
}

/** The codec path a truncated node names (where `expand` finds it on the page). */
export function truncatedPath(node: Tagged, fallback: Path): Path {
  return Array.isArray(node.path) ? (node.path.filter((step) => typeof step === 'string' || typeof step === 'number') as PathSegment[]) : fallback;
}

/** What "show more" asks for next. */
export function nextPage(node: Tagged): { offset: number; limit: number } {
  return { offset: loaded(node), limit: node.type === 'string' ? TEXT_PAGE : ITEM_PAGE };
}

/** The whole container a complete page list stands for. */
function complete(node: Tagged, shown: Encoded[] | EncodedRecord): Encoded {
  if (node.$t === 'sparse') {
    // Every item is in: the node no longer says how many it holds (what shows it whole).
    const { items: _items, ...whole } = node;
    return { ...whole, v: shown };
  }
  if (isRecord(shown)) {
    if (node.type === 'instance') return { $t: 'instance', class: node.class ?? 'Object', v: shown };
    return Object.hasOwn(shown, '$t') ? { $t: 'object', v: shown } : shown;
  }
  if (node.type === 'array') return shown;
  if (node.type === 'map' || node.type === 'set') return { $t: node.type, v: shown };
  // A typed array or buffer stays a list of its numbers: the panel shows it, set it as a whole.
  return { ...node, v: shown };
}

/** The node with `page` appended; a page that does not follow what is there is refused. */
export function appendPage(node: Tagged, page: Page): Encoded {
  const offset = page.offset ?? 0;
  const total = page.total ?? (typeof node.size === 'number' ? node.size : 0);
  if (offset !== loaded(node)) throw new Error(`the page starts at ${offset}, the panel holds ${loaded(node)}: the value changed, refresh`);
  if (typeof page.value === 'string') {
    const text = `${typeof node.v === 'string' ? node.v : ''}${page.value}`;
    return text.length >= total ? text : { ...node, v: text };
  }
  if (!Array.isArray(page.value)) throw new Error('a page of items must be a list');
  const record = isRecord(node.v) || ((node.type === 'object' || node.type === 'instance') && node.v === undefined);
  let shown: Encoded[] | EncodedRecord;
  if (record) {
    const next: EncodedRecord = { ...(isRecord(node.v) ? node.v : {}) };
    for (const pair of page.value) if (Array.isArray(pair) && typeof pair[0] === 'string') next[pair[0]] = pair[1] ?? null;
    shown = next;
  } else {
    shown = [...(Array.isArray(node.v) ? node.v : []), ...page.value];
  }
  const count = Array.isArray(shown) ? shown.length : Object.keys(shown).length;
  // A typed array's cut node counts bytes; its pages count elements, which "N of M" shows from now on.
  if (count >= total) return complete(node, shown);
  return node.$t === 'sparse' ? { ...node, v: shown, items: total } : { ...node, v: shown, size: total };
}

/** Whether `value` is a truncated node. */
export function isTruncated(value: Encoded | undefined): value is Tagged {
  return isTagged(value) && value.$t === 'truncated';
}

/**
 * Whether `value` is the agent's far sparse array cut after its first items (`items`: how many it
 * has); its pages are [index, item] pairs, counted in items.
 */
export function isCutSparse(value: Encoded | undefined): value is Tagged {
  return isTagged(value) && value.$t === 'sparse' && typeof value.items === 'number';
}

/** Children in groups of GROUP: `[0 … 99]`, `[100 … 199]`, …; none when there are few. */
export function groups(count: number): { from: number; to: number; label: string }[] {
  if (count <= GROUP) return [];
  const out: { from: number; to: number; label: string }[] = [];
  for (let from = 0; from < count; from += GROUP) {
    const to = Math.min(count, from + GROUP) - 1;
    out.push({ from, to, label: `[${from} … ${to}]` });
  }
  return out;
}
