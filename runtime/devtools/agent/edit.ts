/**
 * Edits from the panel, turned into new values. A path edit copies only the containers on the
 * path (the old value stays intact: listeners get it as `prev`), following the codec's path
 * steps: object keys, array and Set indexes, Map entry index then 0 (key) or 1 (value).
 */
import { BlobRef, decode, Opaque, stringifyEncoded, Truncated, type Encoded, type Path } from '../../codec/index.js';
import { ERROR_TYPES } from '../../codec/tags.js';
import { CommandError } from '../../protocol/errors.js';
import { describePath } from './describe-path.js';
import type { InlineBlobs } from './show.js';
import { encodeWhole } from './sparse.js';

export type EditOp = 'set' | 'delete' | 'insert' | 'rename';

/**
 * Decodes a value the panel sent. A blob it shows by ref becomes that Blob again; a truncated
 * part or a function cannot be written back (the page's own value is not on the wire).
 */
export function decodeEdit(encoded: Encoded, blobs: InlineBlobs): unknown {
  let value: unknown;
  try {
    value = decode(encoded);
  } catch (error) {
    throw new CommandError('invalid', `the new value cannot be decoded: ${(error as Error).message}`);
  }
  // What each node became: a BlobRef its Blob, anything else itself. A node met again (a shared
  // reference, a cycle) gets the same answer, so no marker survives a second reference.
  const done = new Map<object, unknown>();
  // The walk keeps its own stack, not the engine's: a value thousands of levels deep (which the
  // panel reads and shows) ran out of stack. Each frame is one container met (`keys` for an
  // object), its children in the order the recursive walk visited them, and what each became;
  // a node's path is built from the frames only when an error names it.
  type Frame = { node: Map<unknown, unknown> | Set<unknown> | Record<string, unknown>; keys?: string[]; kids: unknown[]; out: unknown[]; at: number };
  const stack: Frame[] = [];
  // Map entry i: its key at [i, 0], its value at [i, 1].
  const here = (): Path => stack.flatMap(({ node, keys, at }): Path => (keys ? [keys[at - 1]!] : node instanceof Map ? [(at - 1) >> 1, (at - 1) & 1] : [at - 1]));
  const enter = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (done.has(node)) return done.get(node);
    if (node instanceof Truncated) {
      throw new CommandError('not-editable', `${describePath(here())} is cut short in the panel: expand it before writing the value back`);
    }
    if (node instanceof Opaque) {
      throw new CommandError('not-editable', `${describePath(here())} is a ${node.kind} (${node.description}): the panel cannot write one`);
    }
    if (node instanceof BlobRef) {
      const blob = node.ref === null ? undefined : blobs.get(node.ref);
      if (!blob) throw new CommandError('not-editable', `${describePath(here())} is a blob the page no longer holds: upload a file instead`);
      done.set(node, blob);
      return blob;
    }
    done.set(node, node);
    if (node instanceof Map || node instanceof Set) stack.push({ node, kids: node instanceof Map ? [...node].flat() : [...node], out: [], at: 0 });
    else {
      const keys = Object.keys(node);
      stack.push({ node: node as Record<string, unknown>, keys, kids: keys.map((k) => (node as Record<string, unknown>)[k]), out: [], at: 0 });
    }
    return node;
  };
  const result = enter(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.at < frame.kids.length) {
      const i = frame.at++;
      frame.out[i] = enter(frame.kids[i]);
      continue;
    }
    stack.pop();
    const { node, keys, kids, out } = frame;
    if (keys) out.forEach((next, i) => next !== kids[i] && defineOwn(node as Record<string, unknown>, keys[i]!, next));
    else {
      // Rebuilt in order: a Map or Set cannot swap one member in place.
      (node as Set<unknown>).clear();
      for (let i = 0; i < out.length; i++) if (node instanceof Map) node.set(out[i], out[++i]);
      else (node as Set<unknown>).add(out[i]);
    }
  }
  return result;
}

/** What a decoded class instance is: a plain object keeping its class name as an own Symbol.toStringTag. */
function lookAlikeOf(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null || Object.getPrototypeOf(node) !== Object.prototype) return undefined;
  const tag = Object.getOwnPropertyDescriptor(node, Symbol.toStringTag)?.value as unknown;
  return typeof tag === 'string' ? tag : undefined;
}

const BUILT_IN_ERRORS = new Set<unknown>(ERROR_TYPES.map((name) => (globalThis as unknown as Record<string, { prototype?: unknown } | undefined>)[name]?.prototype));
const ERROR_NAMES = new Set<string>(ERROR_TYPES);

function classOf(node: object): string {
  const proto = Object.getPrototypeOf(node) as { constructor?: { name?: unknown } } | null;
  const name = proto?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'class instance';
}

/** The live value at one step, or undefined; never runs a page getter. */
function peek(node: unknown, step: string | number): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  if (node instanceof Map || node instanceof Set) return typeof step === 'number' ? [...(node as Iterable<unknown>)][step] : undefined;
  return Object.getOwnPropertyDescriptor(node, step)?.value as unknown;
}

/** The live value at `path`, or undefined where the path leads nowhere. */
export function liveAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) node = peek(node, step);
  return node;
}

/** Whether a look-alike is what the codec makes of `live`: the page's instance, unchanged. */
function sameAsLive(lookAlike: object, live: object): boolean {
  return stringifyEncoded(encodeWhole(lookAlike)) === stringifyEncoded(encodeWhole(live));
}

/**
 * `next` with the page's own class instances kept where it holds their unchanged look-alike, or
 * refused where a look-alike would replace a class: the codec writes a class instance back as a
 * plain object that only carries the class name, and an Error of a page class as a built-in
 * Error, so its prototype and methods would be gone. An unchanged instance is kept (the same
 * object), so a restore or a snapshot holding a Date-like value or a model object in one field
 * can still write the rest. `live` is what the value replaces (undefined for nothing); a
 * look-alike over a look-alike (a stored row, which never held the class) loses nothing and is
 * let through. `next` is the freshly decoded value, changed in place.
 */
export function guardClasses(next: unknown, live: unknown, path: Path): unknown {
  const seen = new Map<object, unknown>();
  // Its own stack, as decodeEdit's: a snapshot file or restore() is not held to the protocol's
  // 200 levels, and 5,000 ran out of stack. A frame is a container met: its children (a Map's
  // keys and values in turn), what they replace on the page, and what each became.
  type Frame = { node: object; keys?: string[]; kids: unknown[]; lives: unknown[]; out: unknown[]; at: number };
  const stack: Frame[] = [];
  const where = (): string => describePath([...path, ...stack.flatMap(({ node, keys, at }): Path => (keys ? [keys[at - 1]!] : node instanceof Map ? [(at - 1) >> 1, (at - 1) & 1] : [at - 1]))]);
  const enter = (node: unknown, live: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (seen.has(node)) return seen.get(node);
    seen.set(node, node);
    const tag = lookAlikeOf(node);
    if (tag !== undefined && lookAlikeOf(live) === undefined) {
      const isClass = typeof live === 'object' && live !== null && !(live instanceof Error) && Object.getPrototypeOf(live) !== Object.prototype;
      if (isClass && sameAsLive(node, live)) {
        seen.set(node, live);
        return live;
      }
      throw new CommandError(
        'not-editable',
        `${where()} is a ${isClass ? classOf(live) : tag}: the panel cannot rebuild a class instance (it would become a plain object, its prototype and methods gone); change it from the page's code`,
      );
    }
    if (node instanceof Error) {
      if (live instanceof Error && !BUILT_IN_ERRORS.has(Object.getPrototypeOf(live))) {
        throw new CommandError('not-editable', `${where()} is a ${classOf(live)}: the panel can only write built-in errors (a copy would lose its class); change it from the page's code`);
      }
      if (!ERROR_NAMES.has(node.name) && !(live instanceof Error)) {
        throw new CommandError('not-editable', `${where()} would be an Error named ${JSON.stringify(node.name)}: the panel can only create built-in errors (${ERROR_TYPES.join(', ')})`);
      }
    }
    if (node instanceof Map) stack.push({ node, kids: [...node].flat(), lives: live instanceof Map ? [...live].flat() : [], out: [], at: 0 });
    else if (node instanceof Set) stack.push({ node, kids: [...node], lives: live instanceof Set ? [...live] : [], out: [], at: 0 });
    else {
      const keys = Object.keys(node);
      if (node instanceof Error) keys.push(...['cause', 'errors'].filter((key) => Object.hasOwn(node, key)));
      stack.push({ node, keys, kids: keys.map((key) => (node as Record<string, unknown>)[key]), lives: keys.map((key) => peek(live, key)), out: [], at: 0 });
    }
    return node;
  };
  const result = enter(next, live);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.at < frame.kids.length) {
      const i = frame.at++;
      frame.out[i] = enter(frame.kids[i], frame.lives[i]);
      continue;
    }
    stack.pop();
    const { node, keys, kids, out } = frame;
    // Only what changed: writing every item would fill a sparse array's holes.
    if (keys) out.forEach((item, i) => item !== kids[i] && defineOwn(node as Record<string, unknown>, keys[i]!, item));
    else if (out.some((item, i) => item !== kids[i])) {
      // Rebuilt in order: a Map or Set cannot swap one member in place.
      (node as Set<unknown>).clear();
      for (let i = 0; i < out.length; i++) if (node instanceof Map) node.set(out[i], out[++i]);
      else (node as Set<unknown>).add(out[i]);
    }
  }
  return result;
}

/** What the edit may copy: data containers. A class instance would lose its private fields. */
function kindOf(node: unknown, path: Path): 'object' | 'array' | 'map' | 'set' {
  if (Array.isArray(node)) return 'array';
  if (node instanceof Map) return 'map';
  if (node instanceof Set) return 'set';
  if (typeof node === 'object' && node !== null) {
    const proto: unknown = Object.getPrototypeOf(node);
    if (proto === Object.prototype || proto === null) return 'object';
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new CommandError('not-editable', `${describePath(path)} is a ${name}: set it as a whole, a copy would lose what the class keeps private`);
  }
  throw new CommandError('not-found', `nothing to edit inside ${describePath(path)}: it is ${node === null ? 'null' : typeof node}`);
}

function index(step: string | number, size: number, path: Path, allowEnd: boolean): number {
  const i = typeof step === 'number' ? step : Number.NaN;
  if (!Number.isInteger(i) || i < 0 || i > size || (i === size && !allowEnd)) {
    throw new CommandError('not-found', `${describePath(path)} is no position in a list of ${size}`);
  }
  return i;
}

function copyObject(node: object): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(node) as object | null) as Record<string, unknown>;
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(node);
  // A frozen value (immer and Redux Toolkit, valtio snapshots) has read-only properties; its
  // copy is a fresh value of the page's, so the edit can write it.
  for (const key of Reflect.ownKeys(descriptors)) {
    const descriptor = descriptors[key as string]!;
    if ('value' in descriptor) Object.assign(descriptor, { writable: true, configurable: true });
  }
  return Object.defineProperties(copy, descriptors);
}

/** An own data property, also for `__proto__` (an assignment would swap the copy's prototype instead). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The child at one step (a Map entry reads as its [key, value] pair). */
function child(node: unknown, step: string | number, path: Path): unknown {
  const kind = kindOf(node, path);
  if (kind === 'map') return [...(node as Map<unknown, unknown>)][index(step, (node as Map<unknown, unknown>).size, path, false)];
  if (kind === 'set') return [...(node as Set<unknown>)][index(step, (node as Set<unknown>).size, path, false)];
  if (kind === 'array') return (node as unknown[])[index(step, (node as unknown[]).length, path, false)];
  if (!Object.hasOwn(node as object, String(step))) throw new CommandError('not-found', `${describePath(path)} does not exist`);
  return (node as Record<string, unknown>)[String(step)];
}

function mapFrom(entries: unknown[], path: Path): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) throw new CommandError('invalid', `an entry of ${describePath(path)} must be a [key, value] pair`);
    if (map.has(entry[0])) throw new CommandError('invalid', `${describePath(path)} would have the key ${String(entry[0])} twice`);
    map.set(entry[0], entry[1]);
  }
  return map;
}

/** A copy of `node` with the edit applied at its direct child `step`. */
function applyHere(node: unknown, step: string | number, op: EditOp, value: unknown, to: string | undefined, path: Path, far?: FarEdit): unknown {
  const kind = kindOf(node, path.slice(0, -1));
  if (kind === 'object') {
    const copy = copyObject(node as object);
    const key = String(step);
    const exists = Object.hasOwn(copy, key);
    if (op === 'set' || (op === 'insert' && !exists)) defineOwn(copy, key, value);
    else if (op === 'insert') throw new CommandError('conflict', `${describePath(path)} already exists: set it instead`);
    else if (!exists) throw new CommandError('not-found', `${describePath(path)} does not exist`);
    else if (op === 'delete') delete copy[key];
    else {
      if (to === undefined || to === '') throw new CommandError('invalid', 'rename needs the new key name (`to`)');
      if (Object.hasOwn(copy, to)) throw new CommandError('conflict', `${describePath([...path.slice(0, -1), to])} already exists`);
      // Rebuild in order so the renamed key keeps its place; every own property comes along as
      // it is (symbol keys, non-enumerable ones), as a set keeps them.
      const renamed = Object.create(Object.getPrototypeOf(copy) as object | null) as Record<string, unknown>;
      for (const k of Reflect.ownKeys(copy)) Object.defineProperty(renamed, k === key ? to : k, Object.getOwnPropertyDescriptor(copy, k)!);
      return renamed;
    }
    return copy;
  }
  if (op === 'rename') throw new CommandError('invalid', `rename works on object keys; ${describePath(path.slice(0, -1))} is a ${kind}`);
  const copied = kind === 'array' ? far?.(node as unknown[], step, op, value, path) : undefined;
  if (copied) return copied;
  // slice(), not spread: a spread turns a sparse array's holes into explicit undefined items.
  const items: unknown[] = kind === 'array' ? (node as unknown[]).slice() : [...(node as Map<unknown, unknown> | Set<unknown>)];
  const i = index(step, items.length, path, op !== 'delete');
  if (kind === 'set' && op !== 'delete' && new Set(op === 'set' ? items.filter((_, j) => j !== i) : items).has(value)) {
    // A Set keeps one of equal members: writing a value another member has would drop one silently.
    throw new CommandError('invalid', `${describePath(path.slice(0, -1))} already holds that value: a Set keeps each value once, so one member would be lost`);
  }
  if (op === 'insert') items.splice(i, 0, value);
  else if (op === 'delete') items.splice(i, 1);
  else items[i] = value;
  if (kind === 'array') return items;
  return kind === 'map' ? mapFrom(items, path) : new Set(items);
}

/** The objects `node` holds directly (property values, Map keys and values, Set items); never runs a getter. */
function edgesOf(node: object): unknown[] {
  if (node instanceof Map) return [...(node as Map<unknown, unknown>)].flat();
  if (node instanceof Set) return [...(node as Set<unknown>)];
  // A typed array's items are numbers, and listing its indexes would cost one string each.
  if (ArrayBuffer.isView(node)) return [];
  const out: unknown[] = [];
  for (const key of Reflect.ownKeys(node)) {
    const descriptor = Object.getOwnPropertyDescriptor(node, key);
    if (descriptor && 'value' in descriptor && typeof descriptor.value === 'object' && descriptor.value !== null) out.push(descriptor.value);
  }
  return out;
}

/**
 * Refuses a path edit through a container the value also reaches another way (a circular or a
 * second reference): the edit copies the containers on the path, so every other reference would
 * still point at the old copy and the value would silently hold both.
 */
function guardShared(root: unknown, containers: unknown[], path: Path): void {
  const depthOf = new Map<object, number>();
  containers.forEach((node, depth) => typeof node === 'object' && node !== null && !depthOf.has(node) && depthOf.set(node, depth));
  const incoming = new Map<object, number>();
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    for (const next of edgesOf(node)) {
      if (depthOf.has(next as object)) incoming.set(next as object, (incoming.get(next as object) ?? 0) + 1);
      stack.push(next);
    }
  }
  for (const [node, depth] of depthOf) {
    // The root has no parent to hold it; any other container on the path, exactly its parent.
    if ((incoming.get(node) ?? 0) > (depth === 0 ? 0 : 1)) {
      throw new CommandError(
        'not-editable',
        `${describePath(path.slice(0, depth))} is also referenced from elsewhere in the value (a shared or circular reference): an edit by path would copy it and leave the other references on the old copy; set the whole value instead, or change it from the page's code`,
      );
    }
  }
}

/**
 * An edit inside a far sparse array (edit-far.ts), or undefined for any other array: the agent
 * passes one. Apart so that the extension's inspector, which edits with applyEdit too, does not
 * carry it.
 */
export type FarEdit = (list: unknown[], step: string | number, op: EditOp, value: unknown, path: Path) => unknown[] | undefined;

/** The whole value after one path edit; `root` itself is never modified. */
export function applyEdit(root: unknown, path: Path, op: EditOp, value: unknown, to?: string, far?: FarEdit): unknown {
  if (path.length === 0) {
    if (op !== 'set') throw new CommandError('invalid', `${op} needs a path inside the value`);
    return value;
  }
  const nodes: unknown[] = [root];
  for (let depth = 0; depth < path.length - 1; depth++) nodes.push(child(nodes[depth], path[depth]!, path.slice(0, depth + 1)));
  guardShared(root, nodes, path);
  let next = applyHere(nodes[path.length - 1], path[path.length - 1]!, op, value, to, path, far);
  for (let depth = path.length - 2; depth >= 0; depth--) next = applyHere(nodes[depth], path[depth]!, 'set', next, undefined, path.slice(0, depth + 1), far);
  return next;
}
