/**
 * What no provider can store faithfully, refused before anything is written (issue 14.8): JSON
 * and structured clone both drop symbol-keyed properties without a word, a SharedArrayBuffer is
 * shared memory rather than a value, and structured clone (memory, IndexedDB) has no form for a
 * URL or URLSearchParams (browsers throw DataCloneError; Node's clone empties them). libSQL
 * stores those two through the codec, so only the structured-clone providers refuse them.
 */
import { DataCloneError } from './errors.js';

export function checkWritable(value: unknown, where: string, structuredClone: boolean): void {
  const seen = new Set<object>();
  const stack: Array<[unknown, string]> = [[value, '$']];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const refuse = (what: string): never => {
      throw new DataCloneError(`${where}: ${path} ${what}; nothing was written.`);
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
        stack.push([k, `${path}[${i}][0]`], [v, `${path}[${i}][1]`]);
        i++;
      }
    } else if (node instanceof Set) {
      let i = 0;
      for (const item of node) stack.push([item, `${path}[${i++}]`]);
    } else {
      for (const key of Object.keys(node)) stack.push([(node as Record<string, unknown>)[key], Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`]);
      if (node instanceof Error && 'cause' in node) stack.push([node.cause, `${path}.cause`]);
    }
  }
}
