/**
 * A value written out so that two values have the same shape exactly when a user could not tell
 * them apart: prototypes (null, Object, a class), -0 and NaN, holes and `undefined` fields, own
 * properties of arrays and Errors, typed array classes and bytes, Map and Set order, and which
 * parts are the same object. `toEqual` ignores most of these; stored rows must keep them all.
 */
export type Shape = string | number | boolean | null | Shape[] | { [key: string]: Shape };

const NUMBER_ALIASES = new Map<number, string>([
  [NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [-Infinity, '-Infinity'],
]);

function number(value: number): Shape {
  if (Object.is(value, -0)) return '-0';
  return NUMBER_ALIASES.get(value) ?? value;
}

function bytes(view: ArrayBufferView | ArrayBuffer): string {
  const array = view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return Array.from(array, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function protoName(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'null';
  const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? name : '?';
}

export function shape(value: unknown, seen = new Map<object, number>()): Shape {
  switch (typeof value) {
    case 'undefined':
      return '(undefined)';
    case 'number':
      return number(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return `'${value}'`;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return `(${typeof value})`;
  }
  if (value === null) return null;
  const known = seen.get(value);
  if (known !== undefined) return `(same as #${known})`;
  seen.set(value, seen.size);
  const out: Record<string, Shape> = { '#': seen.size - 1, proto: protoName(value) };
  if (value instanceof Date) out.time = number(value.getTime());
  else if (value instanceof RegExp) Object.assign(out, { source: value.source, flags: value.flags });
  else if (value instanceof Map) out.entries = [...value].map(([key, item]) => [shape(key, seen), shape(item, seen)]);
  else if (value instanceof Set) out.items = [...value].map((item) => shape(item, seen));
  else if (value instanceof ArrayBuffer) out.bytes = bytes(value);
  else if (ArrayBuffer.isView(value)) Object.assign(out, { bytes: bytes(value), offset: value.byteOffset, buffer: value.buffer.byteLength });
  else if (value instanceof Error) Object.assign(out, { name: value.name, message: value.message, ...('cause' in value && { cause: shape(value.cause, seen) }) });
  else if (value instanceof Blob) Object.assign(out, { type: value.type, size: value.size });
  else if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) out.boxed = shape(value.valueOf(), seen);
  if (Array.isArray(value)) out.length = value.length;
  // Own enumerable string keys, in order: array items (holes leave their index out), fields,
  // extra properties of arrays and Errors alike.
  const own: Record<string, Shape> = {};
  for (const key of Object.keys(value)) own[key] = shape((value as Record<string, unknown>)[key], seen);
  out.own = own;
  // A symbol-keyed property, even one not enumerable, shows in the console and in toString.
  // (Node's Blob keeps its state in symbol-keyed fields of its own: not the value's.)
  const symbols = value instanceof Blob ? [] : Object.getOwnPropertySymbols(value).map(String);
  if (symbols.length > 0) out.symbols = symbols;
  return out;
}
