import { CodecError, formatPath } from './error.js';
import { foreignKind } from './kinds.js';
import type { Path } from './types.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The value at `path` inside `root`, by the same steps the encoder writes into `truncated`
 * nodes: own keys, array/Set indexes, Map entry index then 0 (key) or 1 (value), `buffer` of
 * a view. The devtools agent expands a truncated node with encode(resolvePath(root, path),
 * { ...limits, basePath: path }). Only own properties are followed, so no path reaches a
 * prototype. A path that leads nowhere is a CodecError naming the step that failed.
 */
export function resolvePath(root: unknown, path: Path): unknown {
  let current: unknown = root;
  let pair: [unknown, unknown] | undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    const missing = (): never => {
      throw new CodecError(`nothing at ${formatPath(path.slice(0, i + 1))}`);
    };
    if (pair) {
      if (step !== 0 && step !== 1) missing();
      current = pair[step as 0 | 1];
      pair = undefined;
    } else if (current instanceof Map || foreign<Map<unknown, unknown>>(current, 'Map')) {
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= current.size) missing();
      pair = [...current][step as number];
      current = pair;
    } else if (current instanceof Set || foreign<Set<unknown>>(current, 'Set')) {
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= current.size) missing();
      current = [...current][step as number];
    } else if (ArrayBuffer.isView(current) && step === 'buffer') {
      current = current.buffer;
    } else if (Array.isArray(current) || ArrayBuffer.isView(current)) {
      // Indexes only: `length` is an own property of arrays but no step the encoder writes.
      const list = current as ArrayLike<unknown>;
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= list.length) missing();
      current = list[step as number];
    } else if (typeof current === 'object' && current !== null) {
      const key = typeof step === 'number' ? String(step) : step;
      if (!hasOwn.call(current, key)) missing();
      current = (current as Record<string, unknown>)[key];
    } else missing();
  }
  return current;
}

/** A Map or Set from another realm (an iframe, a vm context): the encoder writes paths into those too. */
function foreign<T>(value: unknown, kind: 'Map' | 'Set'): value is T {
  return typeof value === 'object' && value !== null && !(value instanceof Object) && foreignKind(value) === kind;
}
