/**
 * One page of a part of a value, for `expand` with an offset or a limit: anything cut for
 * display can be read in full, a page at a time. Every item is encoded on its own from its real
 * path, with the display limits and redact() as always, so a cut inside an item expands like any
 * other and a redacted item stays hidden. The answer's shape is in protocol/values.ts (ValueRef).
 */
import { encode, type Encoded, type Path } from '../../../codec/index.js';
import { CommandError } from '../../../protocol/errors.js';
import { farIndexes } from '../far.js';
import { showPart, type InlineBlobs } from '../show.js';

/** Items per page at most; a page also ends early past PAGE_CHARS of encoded JSON. */
export const MAX_PAGE_ITEMS = 1000;
/** Characters of a string per page at most (well under the protocol's string limit). */
export const MAX_PAGE_TEXT = 1_000_000;
const PAGE_CHARS = 4_000_000;

export interface ExpandPage {
  value: Encoded;
  redacted: Path[];
  offset: number;
  total: number;
}

function bounds(offset: number | undefined, limit: number | undefined, max: number, total: number): { from: number; to: number } {
  const from = offset ?? 0;
  if (from < 0 || (limit !== undefined && limit < 0)) throw new CommandError('invalid', 'offset and limit are counts from 0');
  return { from: Math.min(from, total), to: Math.min(total, from + Math.min(limit ?? max, max)) };
}

type Item = { step: string | number; value: unknown; key?: unknown };

/**
 * The items of a container in the codec's path steps, or undefined when it has none. A far sparse
 * array (far.ts) pages through the items it holds, each as [index, item], as its `sparse` node
 * lists them: by slot, a page of four billion would be holes.
 */
function itemsOf(part: unknown): { total: number; at(i: number): Item; kind: 'list' | 'pairs' | 'bytes' | 'sparse' } | undefined {
  if (Array.isArray(part)) {
    const far = farIndexes(part);
    if (far) return { total: far.length, kind: 'sparse', at: (i) => ({ step: far[i]!, value: part[far[i]!] }) };
    return { total: part.length, kind: 'list', at: (i) => ({ step: i, value: i in part ? part[i] : HOLE }) };
  }
  if (part instanceof Map) {
    const entries = [...part];
    return { total: entries.length, kind: 'pairs', at: (i) => ({ step: i, key: entries[i]![0], value: entries[i]![1] }) };
  }
  if (part instanceof Set) {
    const values = [...part];
    return { total: values.length, kind: 'list', at: (i) => ({ step: i, value: values[i] }) };
  }
  if (part instanceof ArrayBuffer || ArrayBuffer.isView(part)) {
    // An ArrayBuffer and a DataView page through their bytes; a typed array through its elements.
    const view: ArrayLike<number | bigint> =
      part instanceof ArrayBuffer ? new Uint8Array(part) : part instanceof DataView ? new Uint8Array(part.buffer, part.byteOffset, part.byteLength) : (part as unknown as ArrayLike<number | bigint>);
    return { total: view.length, kind: 'bytes', at: (i) => ({ step: i, value: view[i] }) };
  }
  if (typeof part === 'object' && part !== null) {
    const keys = Object.keys(part);
    return { total: keys.length, kind: 'pairs', at: (i) => ({ step: keys[i]!, key: keys[i]!, value: (part as Record<string, unknown>)[keys[i]!] }) };
  }
  return undefined;
}

/** Stands for a missing array element, encoded as the codec's hole. */
const HOLE = Symbol('hole');

/** `hidden`: what redact() hid in the whole value (a part shared with a redacted one stays hidden here). */
export function expandPage(part: unknown, root: Path, path: Path, blobs: InlineBlobs, offset: number | undefined, limit: number | undefined, hidden: Path[] = []): ExpandPage {
  if (typeof part === 'string') {
    const { from, to } = bounds(offset, limit, MAX_PAGE_TEXT, part.length);
    return { value: part.slice(from, to), redacted: [], offset: from, total: part.length };
  }
  const items = itemsOf(part);
  if (!items) throw new CommandError('invalid', `nothing to page through at ${JSON.stringify(path)}: it is ${part === null ? 'null' : typeof part}`);
  const { from, to } = bounds(offset, limit, MAX_PAGE_ITEMS, items.total);
  const value: Encoded[] = [];
  const redacted: Path[] = [];
  let chars = 0;
  const encodeAt = (item: unknown, at: Path): Encoded => {
    if (item === HOLE) return { $t: 'hole' };
    const shown = showPart(item, root, blobs, at, hidden);
    redacted.push(...shown.redacted);
    return shown.value;
  };
  for (let i = from; i < to && (chars < PAGE_CHARS || i === from); i++) {
    const { step, key, value: item } = items.at(i);
    let encoded: Encoded;
    if (items.kind === 'bytes') encoded = encode(item);
    else if (items.kind === 'list') encoded = encodeAt(item, [...path, step]);
    else if (items.kind === 'sparse') encoded = [step, encodeAt(item, [...path, step])];
    else if (part instanceof Map) encoded = [encodeAt(key, [...path, step, 0]), encodeAt(item, [...path, step, 1])];
    else encoded = [String(key), encodeAt(item, [...path, step])];
    chars += JSON.stringify(encoded).length;
    value.push(encoded);
  }
  return { value, redacted, offset: from, total: items.total };
}
