/**
 * Reading the codec's encoded form (runtime/codec/tags.ts) without decoding it: what a node is
 * (isNode, isTagged, isRecord), a path as people read it (pathText), and a walk over every
 * tagged node (eachTagged). The one copy the agent, the snapshot files and the panel share.
 *
 * eachTagged visits every tagged node in a value position. Records inside `object`/`instance` nodes (`v`) and
 * an error's `fields` have literal keys (a `$t` there is data); their values are value positions
 * again. Iterative, so a value nested thousands of levels deep does not exhaust the stack.
 */
import type { Encoded } from './index.js';
import { pathWords } from './error.js';

export type Node = { [key: string]: Encoded };
export type Tagged = { $t: string; [key: string]: Encoded };

const TAG = '$t';

/** Any JSON object: a plain record or a tagged node. */
export function isNode(value: Encoded | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tagged node (`{ $t: … }`). */
export function isTagged(value: Encoded | undefined): value is Tagged {
  return isNode(value) && Object.hasOwn(value, TAG);
}

/** A plain record: an object that is not a tagged node. */
export function isRecord(value: Encoded | undefined): value is Node {
  return isNode(value) && !Object.hasOwn(value, TAG);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A path as people read it: `user.tags[0]["odd key"]` ('' for the root). */
export function pathText(path: readonly (string | number)[]): string {
  return pathWords(path, (step, first) => (typeof step === 'number' ? `[${step}]` : IDENTIFIER.test(step) ? (first ? step : `.${step}`) : `[${JSON.stringify(step)}]`));
}

/** Whether `node[key]` is a record with literal keys (an `object`/`instance` node's `v`, an error's `fields`): a `$t` there is data. */
export function literalField(node: Tagged, key: string): boolean {
  return (key === 'v' && (node[TAG] === 'object' || node[TAG] === 'instance')) || key === 'fields';
}

/** Calls `visit` for every tagged node (blob, truncated, date, …) in `value`. */
export function eachTagged(value: Encoded, visit: (node: Node) => void): void {
  // Each item: a value position, or (record = true) a record whose values are value positions.
  const stack: { value: Encoded; record: boolean }[] = [{ value, record: false }];
  while (stack.length > 0) {
    const { value: item, record } = stack.pop()!;
    if (Array.isArray(item)) {
      for (const child of item) stack.push({ value: child, record: false });
      continue;
    }
    if (!isNode(item)) continue;
    if (record || !Object.hasOwn(item, TAG)) {
      for (const key of Object.keys(item)) stack.push({ value: item[key]!, record: false });
      continue;
    }
    visit(item);
    for (const key of Object.keys(item)) {
      if (key === TAG) continue;
      stack.push({ value: item[key]!, record: literalField(item as Tagged, key) });
    }
  }
}

/** The `ref` of every blob node in `value`. */
export function blobRefs(value: Encoded): string[] {
  const refs: string[] = [];
  eachTagged(value, (node) => {
    if (node[TAG] === 'blob' && typeof node['ref'] === 'string') refs.push(node['ref']);
  });
  return refs;
}
