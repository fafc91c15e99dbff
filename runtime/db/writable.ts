/**
 * What no provider can store faithfully, refused before anything is written (issue 14.8): JSON
 * and structured clone both drop symbol-keyed properties without a word, a SharedArrayBuffer is
 * shared memory rather than a value, and structured clone (memory, IndexedDB) has no form for a
 * URL or URLSearchParams (browsers throw DataCloneError; Node's clone empties them). libSQL
 * stores those two through the codec, so only the structured-clone providers refuse them.
 * Found by the db model (test/reliability/model-db*.test.ts): a WeakMap, WeakSet, WeakRef or
 * Promise (structured clone throws, the codec wrote `{}`), an Error with extra properties or a
 * name structured clone does not keep (it drops them, the codec kept them) are refused by every
 * provider in the same words; an array's named properties by the codec's providers only
 * (libSQL, Postgres, Redis), whose stored form keeps the items alone.
 */
import { foreignKind } from '../codec/realm.js';
import { DataCloneError } from './errors.js';
import { blobKind } from './realm.js';

/** Containers the quick pass may still visit in this call (shared subtrees count each time they are met). */
let budget = 0;

/**
 * The quick pass (issue 18, bulkPut): true when the value is plain objects and arrays without
 * symbol keys over primitives, which the walk below could never refuse. It allocates nothing
 * per node. Anything else (a Date, a Map, a class instance, a symbol key even if not
 * enumerable), a cycle (met as depth) or a large shared graph (the budget) answers false,
 * and the walk decides, building the path of what it refuses.
 */
function plain(node: object, depth: number): boolean {
  if (depth > 64 || --budget < 0) return false;
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(node).length !== 0) return false;
  let last = '0';
  for (const key in node) {
    last = key;
    const child = (node as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && !plain(child, depth + 1)) return false;
  }
  // An array's named properties come after its items: one there goes to the walk.
  return !Array.isArray(node) || isIndex(last);
}

function isIndex(key: string): boolean {
  return String(+key >>> 0) === key;
}

/** What structured clone has no form for, whichever provider (browsers and Node throw DataCloneError). */
const UNCLONABLE = /^\[object (Weak\w+|Promise|FinalizationRegistry|\w*Generator)\]$/;
/** The Error names structured clone keeps; any other reads back as "Error". */
const ERROR_NAME = /^(Eval|Range|Reference|Syntax|Type|URI)?Error$/;

/** Whether this realm's structured clone keeps a DOMException a DOMException (browsers' does). */
function clonesDomException(): boolean {
  try {
    return structuredClone(new DOMException('', 'AbortError')) instanceof DOMException;
  } catch {
    // No structuredClone here (an old runtime), or it refuses one: either way not kept.
    return false;
  }
}

export function checkWritable(value: unknown, where: string, structuredClone: boolean): void {
  if (typeof value !== 'object' || value === null) return;
  budget = 10_000;
  if (plain(value, 0)) return;
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
    // One from another realm (an iframe, a vm context) fails every instanceof: told by its internal
    // slots instead, so an iframe's URL is refused as ours is, and its Blob or Date is not walked.
    const kind = node instanceof Object ? undefined : foreignKind(node);
    const buffer = ArrayBuffer.isView(node) ? node.buffer : node;
    const shared = buffer instanceof Object ? typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer : foreignKind(buffer) === 'SharedArrayBuffer';
    if (shared) {
      refuse('is a SharedArrayBuffer (memory shared with other threads, not a value): store a copy, new Uint8Array(shared).slice()');
    }
    if (node instanceof Symbol || kind === 'Symbol') refuse('is a boxed Symbol, which has no stored form');
    if (structuredClone && ((typeof URL === 'function' && node instanceof URL) || kind === 'URL')) refuse('is a URL, which this provider cannot clone: store its href');
    if (structuredClone && ((typeof URLSearchParams === 'function' && node instanceof URLSearchParams) || kind === 'URLSearchParams')) {
      refuse('is a URLSearchParams, which this provider cannot clone: store its toString()');
    }
    const tag = Object.prototype.toString.call(node);
    if (UNCLONABLE.test(tag)) refuse(`is a ${tag.slice(8, -1)}, which no provider can store`);
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer || node instanceof Date || blobKind(node) || kind === 'ArrayBuffer' || kind === 'Date') continue;
    for (const key of Object.getOwnPropertySymbols(node)) {
      if (Object.prototype.propertyIsEnumerable.call(node, key)) refuse(`has the symbol-keyed property ${String(key)}, which no provider stores: use a string key`);
    }
    if (node instanceof Map || kind === 'Map') {
      let i = 0;
      for (const [k, v] of node as Map<unknown, unknown>) {
        push(k, `[${i}][0]`);
        push(v, `[${i}][1]`);
        i++;
      }
    } else if (node instanceof Set || kind === 'Set') {
      let i = 0;
      for (const item of node as Set<unknown>) push(item, `[${i++}]`);
    } else {
      const array = Array.isArray(node);
      const keys = Object.keys(node);
      // The codec keeps an array's items only: a named property would be dropped without a word.
      if (array && !structuredClone && !isIndex(keys[keys.length - 1] ?? '0')) {
        refuse(`is an array with the property ${JSON.stringify(keys.find((key) => !isIndex(key)))}, which this provider drops: keep it beside the array`);
      }
      if (typeof DOMException === 'function' && node instanceof DOMException) {
        // Browsers clone a DOMException whole; Node's clone reads back {} and the codec an Error.
        if (!structuredClone || !clonesDomException()) refuse('is a DOMException, which this provider reads back as another kind of object: store its name and message');
      } else if (node instanceof Error || kind === 'Error') {
        // Structured clone (memory, IndexedDB) drops these without a word (a name it does not
        // know reads back as "Error"); refused everywhere, so no provider loses them.
        const name = String((node as Error).name);
        const extra = ERROR_NAME.test(name) ? keys.find((key) => !['name', 'message', 'stack', 'cause'].includes(key)) : undefined;
        if (extra !== undefined || !ERROR_NAME.test(name)) {
          refuse(`is an Error with the ${extra === undefined ? `name ${JSON.stringify(name)}` : `property ${JSON.stringify(extra)}`}, which structured clone (IndexedDB) drops: keep it beside the Error`);
        }
      }
      for (const key of keys) {
        const child = (node as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) push(child, array ? `[${key}]` : `.${key}`);
      }
      if ((node instanceof Error || kind === 'Error') && 'cause' in node) push(node.cause, '.cause');
    }
  }
}
