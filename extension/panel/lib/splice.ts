/**
 * Splicing an expanded part into the panel's copy of a value. The panel never edits values
 * itself: every edit is an `edit` command the agent applies to the page's current value. The
 * steps are the codec's: object keys, array and Set indexes, a Map entry's index then 0 (key) or
 * 1 (value). Nothing is modified in place; a cut (truncated) container passes through.
 */
import type { Encoded, Path, PathSegment } from '#codec/types.js';
import { formatPath, isRecord, isTagged, type EncodedRecord, type Tagged } from './encoded.js';

/** A path that does not lead through the panel's copy, in words. */
class SpliceError extends Error {
  override name = 'SpliceError';
}

type Slot =
  | { kind: 'object'; record: EncodedRecord; rebuild: (record: EncodedRecord) => Encoded }
  | { kind: 'array' | 'map' | 'set'; list: Encoded[]; rebuild: (list: Encoded[]) => Encoded };

/** A plain record that gained an own `$t` key must be wrapped, or it would read as a tag. */
function plain(record: EncodedRecord): Encoded {
  return Object.hasOwn(record, '$t') ? { $t: 'object', v: record } : record;
}

/** The editable container `node` is, or an SpliceError saying why it is not. */
function slot(node: Encoded | undefined, at: Path): Slot {
  if (Array.isArray(node)) return { kind: 'array', list: node, rebuild: (list) => list };
  if (isRecord(node)) return { kind: 'object', record: node, rebuild: plain };
  if (!isTagged(node)) throw new SpliceError(`nothing to edit inside ${formatPath(at)}: it is ${node === null ? 'null' : typeof node}`);
  const tagged: Tagged = node;
  const withV = (v: Encoded): Encoded => ({ ...tagged, v });
  switch (tagged.$t) {
    case 'object':
      if (isRecord(tagged.v)) return { kind: 'object', record: tagged.v, rebuild: withV };
      break;
    case 'array':
    case 'map':
    case 'set':
      if (Array.isArray(tagged.v)) return { kind: tagged.$t, list: tagged.v, rebuild: withV };
      break;
    case 'instance':
      if (isRecord(tagged.v)) return { kind: 'object', record: tagged.v, rebuild: withV };
      break;
    case 'truncated':
      if (Array.isArray(tagged.v)) return { kind: tagged.type === 'map' ? 'map' : 'array', list: tagged.v, rebuild: withV };
      if (isRecord(tagged.v)) return { kind: 'object', record: tagged.v, rebuild: withV };
      break;
    case 'error':
      return errorSlot(tagged);
  }
  throw new SpliceError(`nothing to splice inside ${formatPath(at)}: it is a ${String(tagged.$t)}`);
}

/** An Error's `cause`, `errors` and extra fields as one record (only for splicing expansions). */
function errorSlot(node: Tagged): Slot {
  const fields = isRecord(node.fields) ? node.fields : {};
  const record: EncodedRecord = { ...fields };
  if (node.cause !== undefined) record.cause = node.cause;
  if (node.errors !== undefined) record.errors = node.errors;
  return {
    kind: 'object',
    record,
    rebuild: (next) => {
      const out: Tagged = { ...node };
      const rest: EncodedRecord = {};
      for (const [key, value] of Object.entries(next)) {
        if (key === 'cause' || key === 'errors') out[key] = value;
        else rest[key] = value;
      }
      if (Object.keys(rest).length > 0) out.fields = rest;
      return out;
    },
  };
}

function index(step: PathSegment, size: number, at: Path): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= size) {
    throw new SpliceError(`${formatPath(at)} is no position in a list of ${size}`);
  }
  return step;
}

function childAt(node: Encoded, step: PathSegment, at: Path): Encoded {
  const found = slot(node, at.slice(0, -1));
  if (found.kind === 'object') {
    const key = String(step);
    if (!Object.hasOwn(found.record, key)) throw new SpliceError(`${formatPath(at)} does not exist`);
    return found.record[key]!;
  }
  return found.list[index(step, found.list.length, at)]!;
}

function setHere(node: Encoded, step: PathSegment, value: Encoded, at: Path): Encoded {
  const found = slot(node, at.slice(0, -1));
  if (found.kind === 'object') return found.rebuild({ ...found.record, [String(step)]: value });
  const list = [...found.list];
  list[index(step, list.length, at)] = value;
  return found.rebuild(list);
}

/**
 * Why an index path no longer points where it did, or undefined while it does: every list, Set
 * and Map on the way must hold the same items before the index in `now` as in `seen` (the value
 * the editor opened on). Sent again over a list that gained or lost an item in front, the same
 * index would write or delete its neighbour.
 */
export function movedPositions(seen: Encoded, now: Encoded, path: Path): string | undefined {
  let before: Encoded | undefined = seen;
  let after: Encoded | undefined = now;
  let last = -1;
  path.forEach((step, depth) => typeof step === 'number' && (last = depth));
  for (let depth = 0; depth <= last; depth++) {
    const step = path[depth]!;
    const at = path.slice(0, depth);
    let a: Slot;
    let b: Slot;
    try {
      a = slot(before, at);
      b = slot(after, at);
    } catch (error) {
      // Not a container any more where the panel saw one: the path means nothing now.
      return `${formatPath(at)} changed on the page (${(error as Error).message})`;
    }
    if (a.kind === 'object' || b.kind === 'object') {
      if (a.kind !== 'object' || b.kind !== 'object') return `${formatPath(at)} changed on the page`;
      before = a.record[String(step)];
      after = b.record[String(step)];
      continue;
    }
    if (typeof step !== 'number' || JSON.stringify(a.list.slice(0, step)) !== JSON.stringify(b.list.slice(0, step))) {
      return `the list at ${formatPath(at)} changed on the page before the item you edited, so its position points elsewhere now`;
    }
    before = a.list[step];
    after = b.list[step];
  }
  return undefined;
}

/** The node at `path` of the panel's copy (through cut previews too). */
export function nodeAt(root: Encoded, path: Path): Encoded {
  let node = root;
  for (let depth = 0; depth < path.length; depth++) node = childAt(node, path[depth]!, path.slice(0, depth + 1));
  return node;
}

/** The value with the node at `path` replaced (an expanded part): passes through any container. */
export function replaceAt(root: Encoded, path: Path, node: Encoded): Encoded {
  if (path.length === 0) return node;
  const nodes: Encoded[] = [root];
  for (let depth = 0; depth < path.length - 1; depth++) nodes.push(childAt(nodes[depth]!, path[depth]!, path.slice(0, depth + 1)));
  let next = node;
  for (let depth = path.length - 1; depth >= 0; depth--) next = setHere(nodes[depth]!, path[depth]!, next, path.slice(0, depth + 1));
  return next;
}
