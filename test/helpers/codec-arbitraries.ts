/**
 * fast-check arbitraries for every type the codec supports, and `sameValue`, the equality the
 * codec promises (identity structure included). Shared by the codec's test files.
 */
import fc from 'fast-check';
import { Opaque } from '../../runtime/codec/markers.js';

export class Point {
  x = 0;
  y = 0;
}

const KEY = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  fc.constantFrom('$t', '__proto__', 'constructor', 'id', 'v', 'toString', '0', '7', 'hasOwnProperty'),
);

/** Defines own enumerable properties, so a "__proto__" key stays data. */
function record(entries: [string, unknown][], nullProto: boolean): object {
  const out: object = nullProto ? Object.create(null) : {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

const REGEXP = fc
  .tuple(fc.constantFrom('a+b', '^x$', '[\\]/]', '\\d{2,}', '(?<y>\\w)\\k<y>', ''), fc.constantFrom('', 'g', 'gimsuy', 'd'))
  .map(([source, flags]) => new RegExp(source, flags));

const ERROR = fc
  .tuple(fc.constantFrom('Error', 'TypeError', 'RangeError', 'SyntaxError', 'CustomError'), fc.string({ maxLength: 8 }), fc.boolean())
  .map(([name, message, keepStack]) => {
    const ctor = (globalThis as unknown as Record<string, ErrorConstructor>)[name] ?? Error;
    const error = new ctor(message);
    if (error.name !== name) error.name = name;
    if (!keepStack) delete (error as { stack?: string }).stack;
    return error;
  });

const VIEW = fc.oneof(
  fc.uint8Array({ maxLength: 9 }),
  fc.int16Array({ maxLength: 5 }),
  fc.float64Array({ maxLength: 4 }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.uint8Array({ minLength: 4, maxLength: 12 }).map((bytes) => bytes.subarray(1, 3)),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => new DataView(bytes.buffer)),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => bytes.buffer),
  fc.constant(null).map(() => new Uint8ClampedArray([0, 255, 128])),
);

export const leaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  REGEXP,
  ERROR,
  VIEW,
  fc.record({ x: fc.integer(), y: fc.integer() }).map((fields) => Object.assign(new Point(), fields)),
  // Plain data shaped like the codec's own nodes.
  fc.constantFrom('date', 'ref', 'undefined', 'hole', 'object', 'truncated').map((tag) => ({ $t: tag, v: 'x', id: 0 })),
);

export const { value: anyValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object'), tie('map'), tie('set'), tie('error')),
  array: fc.oneof(fc.array(tie('value'), { maxLength: 5 }), fc.sparseArray(tie('value'), { maxLength: 6 })),
  object: fc
    .tuple(fc.array(fc.tuple(KEY, tie('value')), { maxLength: 5 }), fc.boolean())
    .map(([entries, nullProto]) => record(entries as [string, unknown][], nullProto && entries.length % 3 === 0)),
  map: fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
  set: fc.array(tie('value'), { maxLength: 4 }).map((values) => new Set(values)),
  error: fc.tuple(ERROR, tie('value'), fc.integer()).map(([error, cause, code]) => {
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
    (error as Error & { code?: number }).code = code;
    return error;
  }),
}));

/** A value whose containers then point at each other: shared and circular references. */
export const linkedValue = fc.tuple(anyValue, fc.array(fc.tuple(fc.nat(), fc.nat(), KEY), { maxLength: 6 })).map(([root, links]) => {
  const containers = collectContainers(root);
  for (const [from, to, key] of links) {
    if (containers.length === 0) break;
    const source = containers[from % containers.length]!;
    const target = containers[to % containers.length]!;
    if (source instanceof Map) source.set(key, target);
    else if (source instanceof Set) source.add(target);
    else if (Array.isArray(source)) source.push(target);
    else Object.defineProperty(source, key, { value: target, enumerable: true, writable: true, configurable: true });
  }
  return root;
});

function collectContainers(root: unknown): object[] {
  const out: object[] = [];
  const stack = [root];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) stack.push(...value.keys(), ...value.values());
    else if (value instanceof Set) stack.push(...value);
    else if (Array.isArray(value)) stack.push(...value);
    else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) stack.push(...Object.values(value));
    else continue;
    out.push(value);
  }
  return out;
}

/**
 * True when `decoded` is what the codec promises for `original`: same types and contents,
 * -0 and NaN exact, array holes kept, and the same sharing (one decoded object per original).
 */
export function sameValue(original: unknown, decoded: unknown, pairs = new Map<unknown, unknown>()): boolean {
  if (typeof original === 'function') return decoded instanceof Opaque && decoded.kind === 'function' && decoded.name === original.name;
  if (typeof original === 'symbol') return decoded instanceof Opaque && decoded.kind === 'symbol' && decoded.name === (original.description ?? null);
  if (typeof original !== 'object' || original === null) return Object.is(original, decoded);
  if (typeof decoded !== 'object' || decoded === null) return false;
  if (pairs.has(original)) return pairs.get(original) === decoded;
  if ([...pairs.values()].includes(decoded)) return false;
  pairs.set(original, decoded);
  const same = (a: unknown, b: unknown): boolean => sameValue(a, b, pairs);
  const tag = Object.prototype.toString.call(original);
  if (tag !== Object.prototype.toString.call(decoded) && !(original instanceof Point)) return false;
  if (original instanceof Date) return Object.is(original.getTime(), (decoded as Date).getTime());
  if (original instanceof URL) return decoded instanceof URL && original.href === decoded.href;
  if (original instanceof URLSearchParams) return decoded instanceof URLSearchParams && original.toString() === decoded.toString();
  if (original instanceof Number || original instanceof String || original instanceof Boolean || original instanceof BigInt) {
    return Object.is(original.valueOf(), (decoded as { valueOf(): unknown }).valueOf());
  }
  if (original instanceof RegExp) return original.source === (decoded as RegExp).source && original.flags === (decoded as RegExp).flags;
  if (original instanceof ArrayBuffer) return bytesEqual(new Uint8Array(original), new Uint8Array(decoded as ArrayBuffer));
  if (ArrayBuffer.isView(original)) {
    const other = decoded as ArrayBufferView;
    return original.byteOffset === other.byteOffset && original.byteLength === other.byteLength && same(original.buffer, other.buffer);
  }
  if (original instanceof Map) {
    const other = decoded as Map<unknown, unknown>;
    const a = [...original];
    const b = [...other];
    return a.length === b.length && a.every(([k, v], i) => same(k, b[i]![0]) && same(v, b[i]![1]));
  }
  if (original instanceof Set) {
    const b = [...(decoded as Set<unknown>)];
    return original.size === b.length && [...original].every((v, i) => same(v, b[i]));
  }
  if (Array.isArray(original)) {
    const other = decoded as unknown[];
    if (!Array.isArray(other) || other.length !== original.length) return false;
    for (let i = 0; i < original.length; i++) if (i in original !== i in other || !same(original[i], other[i])) return false;
    return true;
  }
  if (original instanceof Error) {
    const other = decoded as Error;
    if (original.name !== other.name || original.message !== other.message || original.stack !== other.stack) return false;
    if (Object.hasOwn(original, 'cause') !== Object.hasOwn(other, 'cause') || !same(original.cause, other.cause)) return false;
  } else if (original instanceof Point) {
    if ((decoded as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] !== 'Point') return false;
  } else if (Object.getPrototypeOf(original) !== Object.getPrototypeOf(decoded)) return false;
  // An error's name may be an own enumerable field (`this.name = …`); it decodes as the error's name.
  const fields = (value: object): string[] => Object.keys(value).filter((key) => !(value instanceof Error && key === 'name'));
  const keys = fields(original);
  const otherKeys = fields(decoded);
  if (keys.join('\0') !== otherKeys.join('\0')) return false;
  return keys.every((key) => same((original as Record<string, unknown>)[key], (decoded as Record<string, unknown>)[key]));
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
