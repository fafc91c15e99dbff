/**
 * Path edits on the encoded form, for what has no path command (webstorage keys, rows, cache
 * entries: the panel edits its copy and writes the whole value back with the hash it saw) and
 * for splicing an expanded part into a value. The steps are the codec's: object keys, array and
 * Set indexes, a Map entry's index then 0 (key) or 1 (value). Nothing is modified in place.
 */
import type { Encoded, Path, PathSegment } from '../../../runtime/codec/types.js';
import { formatPath, isRecord, isTagged, type EncodedRecord, type Tagged } from './encoded.js';

export type EditOp = 'set' | 'delete' | 'insert' | 'rename';

/** An edit that cannot apply, in words. */
export class EditError extends Error {
  override name = 'EditError';
}

type Slot =
  | { kind: 'object'; record: EncodedRecord; rebuild: (record: EncodedRecord) => Encoded }
  | { kind: 'array' | 'map' | 'set'; list: Encoded[]; rebuild: (list: Encoded[]) => Encoded };

/** A plain record that gained an own `$t` key must be wrapped, or it would read as a tag. */
function plain(record: EncodedRecord): Encoded {
  return Object.hasOwn(record, '$t') ? { $t: 'object', v: record } : record;
}

/** The editable container `node` is, or an EditError saying why it is not. */
function slot(node: Encoded | undefined, at: Path, loose: boolean): Slot {
  if (Array.isArray(node)) return { kind: 'array', list: node, rebuild: (list) => list };
  if (isRecord(node)) return { kind: 'object', record: node, rebuild: plain };
  if (!isTagged(node)) throw new EditError(`nothing to edit inside ${formatPath(at)}: it is ${node === null ? 'null' : typeof node}`);
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
      if (loose && isRecord(tagged.v)) return { kind: 'object', record: tagged.v, rebuild: withV };
      throw new EditError(`${formatPath(at)} is a ${String(tagged.class)}: set it as a whole`);
    case 'truncated':
      if (!loose) throw new EditError(`${formatPath(at)} is cut short in the panel: expand it first`);
      if (Array.isArray(tagged.v)) return { kind: tagged.type === 'map' ? 'map' : 'array', list: tagged.v, rebuild: withV };
      if (isRecord(tagged.v)) return { kind: 'object', record: tagged.v, rebuild: withV };
      break;
    case 'error':
      if (loose) return errorSlot(tagged);
      break;
  }
  throw new EditError(`${formatPath(at)} is a ${tagged.$t}: edit it as a whole`);
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

function index(step: PathSegment, size: number, at: Path, allowEnd: boolean): number {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > size || (step === size && !allowEnd)) {
    throw new EditError(`${formatPath(at)} is no position in a list of ${size}`);
  }
  return step;
}

function childAt(node: Encoded, step: PathSegment, at: Path, loose: boolean): Encoded {
  const found = slot(node, at.slice(0, -1), loose);
  if (found.kind === 'object') {
    const key = String(step);
    if (!Object.hasOwn(found.record, key)) throw new EditError(`${formatPath(at)} does not exist`);
    return found.record[key]!;
  }
  return found.list[index(step, found.list.length, at, false)]!;
}

function applyHere(node: Encoded, step: PathSegment, op: EditOp, value: Encoded | undefined, to: string | undefined, at: Path, loose: boolean): Encoded {
  const found = slot(node, at.slice(0, -1), loose);
  if (found.kind === 'object') {
    const key = String(step);
    const exists = Object.hasOwn(found.record, key);
    if (op === 'insert' && exists) throw new EditError(`${formatPath(at)} already exists`);
    if ((op === 'delete' || op === 'rename') && !exists) throw new EditError(`${formatPath(at)} does not exist`);
    if (op === 'rename') {
      if (!to) throw new EditError('a key needs a name');
      if (Object.hasOwn(found.record, to)) throw new EditError(`${formatPath([...at.slice(0, -1), to])} already exists`);
      const renamed: EncodedRecord = {};
      for (const k of Object.keys(found.record)) renamed[k === key ? to : k] = found.record[k]!;
      return found.rebuild(renamed);
    }
    const copy: EncodedRecord = { ...found.record };
    if (op === 'delete') delete copy[key];
    else copy[key] = value ?? null;
    return found.rebuild(copy);
  }
  if (op === 'rename') throw new EditError(`rename works on object keys; ${formatPath(at.slice(0, -1))} is a ${found.kind}`);
  const list = [...found.list];
  const i = index(step, list.length, at, op === 'insert');
  if (op === 'insert') list.splice(i, 0, value ?? null);
  else if (op === 'delete') list.splice(i, 1);
  else list[i] = value ?? null;
  return found.rebuild(list);
}

function apply(root: Encoded, path: Path, op: EditOp, value: Encoded | undefined, to: string | undefined, loose: boolean): Encoded {
  if (path.length === 0) {
    if (op !== 'set') throw new EditError(`${op} needs a path inside the value`);
    return value ?? null;
  }
  const nodes: Encoded[] = [root];
  for (let depth = 0; depth < path.length - 1; depth++) nodes.push(childAt(nodes[depth]!, path[depth]!, path.slice(0, depth + 1), loose));
  let next = applyHere(nodes[path.length - 1]!, path[path.length - 1]!, op, value, to, path, loose);
  for (let depth = path.length - 2; depth >= 0; depth--) next = applyHere(nodes[depth]!, path[depth]!, 'set', next, undefined, path.slice(0, depth + 1), loose);
  return next;
}

/** The whole value after one edit at `path`, as the agent's stateEdit would make it. */
export function editEncoded(root: Encoded, path: Path, op: EditOp, value?: Encoded, to?: string): Encoded {
  return apply(root, path, op, value, to, false);
}

/** The value with the node at `path` replaced (an expanded part): passes through any container. */
export function replaceAt(root: Encoded, path: Path, node: Encoded): Encoded {
  return apply(root, path, 'set', node, undefined, true);
}
