/**
 * The plain-data fast path. A value whose encoded form would be the value itself needs no
 * tagged copy: `serialize` checks that with one walk that builds nothing and hands the value
 * to JSON.stringify as is; `deserialize` reads text that holds no tag with JSON.parse alone.
 */
import { TAG } from './tags.js';

const hasOwn = Object.prototype.hasOwnProperty;
const OBJECT = Object.prototype;
const symbolsOf = Object.getOwnPropertySymbols;

/**
 * True when encode(value, { strict: true }) would return `value` unchanged and JSON.stringify
 * writes it exactly: only strings, booleans, null, finite numbers other than -0, arrays without
 * holes or undefined, and objects whose prototype is Object.prototype with no own `$t` key and
 * no symbol keys; no object met twice (a shared or circular reference needs an id). Anything
 * else goes to the encoder, which tags it or refuses it in words. Arrays are accepted by
 * Array.isArray, as the encoder does (a subclass encodes as a plain list, extra properties are
 * dropped by both). An own getter is read here and again by JSON.stringify.
 */
export function isPlainJson(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return isPlainLeaf(value);
  // JSON.stringify would call an inherited toJSON; the encoder never does.
  if ('toJSON' in OBJECT || 'toJSON' in Array.prototype || inheritsKeys()) return false;
  const seen = new Set<object>([value]);
  const stack: object[] = [value];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (symbolsOf(node).length > 0) return false;
    // JSON.stringify calls a toJSON it finds on any object (own and not enumerable, or on an
    // Array subclass's prototype) and writes what it returns; the encoder never calls it.
    if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return false;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        // Strings first: most leaves are strings, and a string is always plain.
        if (typeof child === 'string') continue;
        if (typeof child === 'object' && child !== null) {
          if (!visit(child, seen, stack)) return false;
        } else if (!isPlainLeaf(child)) return false; // a hole reads as undefined too
      }
      continue;
    }
    if (Object.getPrototypeOf(node) !== OBJECT || hasOwn.call(node, TAG)) return false;
    const record = node as Record<string, unknown>;
    // for-in reads fields through V8's enum cache, much faster than keyed loads over Object.keys;
    // it sees inherited keys too, which is why an enumerable key on Object.prototype sends
    // every value to the encoder (above).
    for (const key in record) {
      const child = record[key];
      if (typeof child === 'string') continue;
      if (typeof child === 'object' && child !== null) {
        if (!visit(child, seen, stack)) return false;
      } else if (!isPlainLeaf(child)) return false;
    }
  }
  return true;
}

/** Queues an object not met before; false for one met before (it would need an id). */
function visit(child: object, seen: Set<object>, stack: object[]): boolean {
  const size = seen.size;
  seen.add(child);
  if (seen.size === size) return false;
  stack.push(child);
  return true;
}

function isPlainLeaf(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    default:
      return value === null;
  }
}

/** True when Object.prototype has an enumerable key (someone added one): for-in would see it on every object. */
export function inheritsKeys(): boolean {
  for (const _key in OBJECT) return true;
  return false;
}
