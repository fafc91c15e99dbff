/**
 * What no provider can store faithfully, refused before anything is written (issue 14.8): JSON
 * and structured clone both drop symbol-keyed properties without a word, a SharedArrayBuffer is
 * shared memory rather than a value, and structured clone (memory, IndexedDB) has no form for a
 * URL or URLSearchParams (browsers throw DataCloneError; Node's clone empties them). libSQL
 * stores those two through the codec, so only the structured-clone providers refuse them.
 */
import { DataCloneError } from './errors.js';

export function checkWritable(value: unknown, where: string, structuredClone: boolean): void {
  if (typeof value !== 'object' || value === null) return;
  // Paths are built only for a refusal: a bulkPut checks every row, and a string per property was
  // most of its cost. A node's path is its parent's path plus its step (`steps`).
  const seen = new Set<object>();
  const parents: number[] = [];
  const steps: string[] = [];
  const stack: Array<[object, number, string]> = [[value, -1, '$']];
  while (stack.length > 0) {
    const [node, parent, step] = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    const at = parents.push(parent) - 1;
    steps.push(step);
    const refuse = (what: string): never => {
      let path = '';
      for (let i = at; i >= 0; i = parents[i]!) path = steps[i]! + path;
      throw new DataCloneError(`${where}: ${path} ${what}; nothing was written.`);
    };
    const push = (child: unknown, next: string): void => {
      if (typeof child === 'object' && child !== null) stack.push([child, at, next]);
    };
    const buffer = ArrayBuffer.isView(node) ? node.buffer : node;
    if (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer) {
      refuse('is a SharedArrayBuffer (memory shared with other threads, not a value): store a copy, new Uint8Array(shared).slice()');
    }
    if (node instanceof Symbol) refuse('is a boxed Symbol, which has no stored form');
    if (structuredClone && typeof URL === 'function' && node instanceof URL) refuse('is a URL, which this provider cannot clone: store its href');
    if (structuredClone && typeof URLSearchParams === 'function' && node instanceof URLSearchParams) {
      refuse('is a URLSearchParams, which this provider cannot clone: store its toString()');
    }
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer || (typeof Blob === 'function' && node instanceof Blob) || node instanceof Date) continue;
    for (const key of Object.getOwnPropertySymbols(node)) {
      if (Object.prototype.propertyIsEnumerable.call(node, key)) refuse(`has the symbol-keyed property ${String(key)}, which no provider stores: use a string key`);
    }
    if (node instanceof Map) {
      let i = 0;
      for (const [k, v] of node) {
        push(k, `[${i}][0]`);
        push(v, `[${i}][1]`);
        i++;
      }
    } else if (node instanceof Set) {
      let i = 0;
      for (const item of node) push(item, `[${i++}]`);
    } else {
      const array = Array.isArray(node);
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) push(child, array ? `[${key}]` : `.${key}`);
      }
      if (node instanceof Error && 'cause' in node) push(node.cause, '.cause');
    }
  }
}
