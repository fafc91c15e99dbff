/**
 * What a hostile page can post, as fast-check arbitraries: any value (with prototype-pollution
 * keys as own keys, as JSON.parse makes them), nesting far past the protocol's depth, strings
 * and arrays past its size limits, and mutations of a valid message. Plus the checks that no
 * built-in prototype changed.
 */
import fc from 'fast-check';
import { LIMITS } from '../../../runtime/protocol/messages.js';

export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Nested `depth` levels deep, alternating objects and arrays. */
export function nest(depth: number, leaf: unknown = 'bottom'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** An object whose `__proto__`/`constructor` are own keys, as JSON.parse of a hostile string gives. */
const polluting = fc.constant(null).map(() =>
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}') as unknown,
);

/** One array past the part limit, allocated once (16 MB), shared by every run that draws it. */
let huge: number[] | undefined;

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.anything({ key: fc.oneof(fc.string(), fc.constantFrom(...POLLUTING_KEYS)), maxDepth: 4, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }) },
  { weight: 1, arbitrary: polluting },
  { weight: 1, arbitrary: fc.integer({ min: LIMITS.depth - 2, max: LIMITS.depth * 20 }).map((depth) => nest(depth)) },
  { weight: 1, arbitrary: fc.constantFrom(LIMITS.string, LIMITS.string + 1).map((length) => 'x'.repeat(length)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => (huge ??= new Array<number>(LIMITS.nodes + 1).fill(0))) },
);

type Mutation = (message: unknown) => unknown;

/** Which part of the message a mutation hits: uniform (fast-check biases integers toward 0, the root). */
const anywhere = fc.noBias(fc.integer({ min: 0, max: 1_000_000 }));

/** Every (holder, key) inside a value (iteratively: values nest thousands deep), the root's holder being a wrapper. */
function slots(root: { value: unknown }): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [[root as Record<string, unknown>, 'value']];
  const seen = new Set<unknown>();
  const stack: unknown[] = [root.value];
  while (stack.length > 0 && out.length < 10_000) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    for (const key of Object.keys(node)) {
      out.push([node as Record<string, unknown>, key]);
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return out;
}

/** A mutation changes the message in place (the caller hands it a copy of its own). */
function at(index: number, change: (holder: Record<string | number, unknown>, key: string | number) => void): Mutation {
  return (message) => {
    const root = { value: message };
    const all = slots(root);
    const [holder, key] = all[index % all.length]!;
    try {
      change(holder, key);
    } catch (error) {
      // A typed array's index or a frozen holder cannot take the change: the message stays as it is.
      if (!(error instanceof TypeError)) throw error;
    }
    return root.value;
  };
}

const define = (holder: object, key: string, value: unknown) =>
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });

/** One change to a message: the valid message becomes hostile, or stays valid with other data. */
export const mutate: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(anywhere, hostileValue).map(([where, value]) => at(where, (holder, key) => define(holder, String(key), value))),
  // Plain JSON in place of a field: the message often stays well-formed and reaches the handler with other data.
  { weight: 3, arbitrary: fc.tuple(anywhere, fc.jsonValue({ maxDepth: 3 })).map(([where, value]) => at(where, (holder, key) => define(holder, String(key), value))) },
  anywhere.map((where) => at(where, (holder, key) => delete holder[key])),
  fc.tuple(anywhere, fc.constantFrom(...POLLUTING_KEYS)).map(([where, name]) =>
    at(where, (holder, key) => {
      const target = holder[key];
      if (typeof target === 'object' && target !== null) define(target, name, { polluted: true });
      else define(holder, name, { polluted: true });
    }),
  ),
  // Data where the command carries data (a new value, a path, a key): the shape stays valid, the handler gets it.
  {
    weight: 4,
    arbitrary: fc.tuple(fc.constantFrom('value', 'path', 'key', 'to', 'label'), fc.oneof(hostileValue, fc.jsonValue({ maxDepth: 4 }), fc.array(fc.oneof(fc.string(), fc.nat(), fc.constantFrom(...POLLUTING_KEYS))))).map(
      ([field, value]) =>
        (message: unknown) => {
          const payload = (message as { payload?: unknown } | null)?.payload;
          if (typeof payload === 'object' && payload !== null && field in payload) define(payload, field, value);
          return message;
        },
    ),
  },
  fc.tuple(anywhere, fc.integer({ min: 10, max: LIMITS.depth * 5 })).map(([where, depth]) => at(where, (holder, key) => define(holder, String(key), nest(depth, holder[key])))),
  anywhere.map((where) => at(where, (holder, key) => define(holder, String(key), 'x'.repeat(LIMITS.string + 1)))),
);

const BUILTINS = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Map.prototype, Set.prototype, Promise.prototype];

/** Own property names (and the prototype links) of the built-in prototypes: any pollution changes it. */
export function prototypeFingerprint(): string {
  return JSON.stringify(BUILTINS.map((proto) => [Object.getOwnPropertyNames(proto).sort(), Object.getPrototypeOf(proto) === null]));
}

const KNOWN = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype, Error.prototype, null]);

/** The prototype of every object inside `values`, by name, for a digest: a swapped prototype shows. */
export function prototypesOf(values: unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const proto: unknown = Object.getPrototypeOf(node);
    out.push(KNOWN.has(proto) ? String((proto as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'null') : 'UNEXPECTED');
    if (node instanceof Map) for (const [key, value] of node) (walk(key), walk(value));
    else if (node instanceof Set) for (const value of node) walk(value);
    else for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key]);
  };
  values.forEach(walk);
  return out;
}
