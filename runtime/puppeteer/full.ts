/**
 * Full values for the kit: the protocol sends values cut for display (a 15,000-character string
 * shows 10,000, a list 200 items), so every cut part is paged in with `expand` (offset + limit)
 * until the value is whole. A test then reads exactly what the page holds.
 */
import { decode, Truncated, type Encoded } from '../codec/index.js';
import type { CommandRequest, CommandResult, ValueRef } from '../protocol/messages.js';

type Expand = (payload: CommandRequest<'expand'>) => Promise<CommandResult<'expand'>>;

const VIEWS: Record<string, new (items: ArrayLike<number> | ArrayLike<bigint>) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array: BigInt64Array as never,
  BigUint64Array: BigUint64Array as never,
};

/** Every page of the cut node, decoded (items) or joined (a string). */
async function pages(cut: Truncated, ref: ValueRef, expand: Expand): Promise<{ text: string; items: Encoded[] }> {
  let text = '';
  const items: Encoded[] = [];
  for (let offset = 0; ; ) {
    const page = await expand({ target: ref, path: cut.path, offset, limit: cut.type === 'string' ? 1_000_000 : 1000 });
    const got = typeof page.value === 'string' ? page.value.length : Array.isArray(page.value) ? page.value.length : 0;
    if (typeof page.value === 'string') text += page.value;
    else if (Array.isArray(page.value)) items.push(...page.value);
    offset += got;
    if (got === 0 || offset >= (page.total ?? 0)) return { text, items };
  }
}

async function whole(cut: Truncated, ref: ValueRef, expand: Expand): Promise<unknown> {
  const { text, items } = await pages(cut, ref, expand);
  const part = (encoded: Encoded) => fill(decode(encoded), ref, expand);
  switch (cut.type) {
    case 'string':
      return text;
    case 'array':
      return Promise.all(items.map(part));
    case 'set':
      return new Set(await Promise.all(items.map(part)));
    case 'map':
      return new Map(await Promise.all(items.map(async (pair) => [await part((pair as Encoded[])[0]!), await part((pair as Encoded[])[1]!)] as const)));
    case 'ArrayBuffer':
      return new Uint8Array(items as number[]).buffer;
    case 'DataView':
      return new DataView(new Uint8Array(items as number[]).buffer);
  }
  const View = VIEWS[cut.type];
  if (View) return new View(items.map((item) => decode(item)) as number[]);
  // An object, an instance, an error: its own keys, each filled in.
  const out: Record<string, unknown> = {};
  for (const pair of items as [string, Encoded][]) Object.defineProperty(out, pair[0], { value: await part(pair[1]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** `value` (as decoded from what the agent sent about `ref`) with every cut part read in full. */
export async function fill(value: unknown, ref: ValueRef, expand: Expand): Promise<unknown> {
  if (value instanceof Truncated) return whole(value, ref, expand);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (i in value) value[i] = await fill(value[i], ref, expand);
    return value;
  }
  if (value instanceof Map) {
    const entries = await Promise.all([...value].map(async ([k, v]) => [await fill(k, ref, expand), await fill(v, ref, expand)] as const));
    value.clear();
    for (const [k, v] of entries) value.set(k, v);
    return value;
  }
  if (value instanceof Set) {
    const items = await Promise.all([...value].map((item) => fill(item, ref, expand)));
    value.clear();
    for (const item of items) value.add(item);
    return value;
  }
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    // defineProperty, not assignment: an own `__proto__` key stays a key.
    for (const key of Object.keys(value as object)) {
      Object.defineProperty(value, key, { value: await fill((value as Record<string, unknown>)[key], ref, expand), enumerable: true, writable: true, configurable: true });
    }
  }
  return value;
}

/** Decodes what the agent sent about `ref` and fills every cut part in. */
export function fullValue(encoded: Encoded, ref: ValueRef, expand: Expand): Promise<unknown> {
  return fill(decode(encoded), ref, expand);
}
