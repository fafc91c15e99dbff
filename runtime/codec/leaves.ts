/** Encoders for nodes without children: small, pure, shared by encode and re-encoding of markers. */
import { bytesToBase64 } from './base64.js';
import type { Encoded, Path } from './types.js';

type Node = { [key: string]: Encoded };

const NUMBER_NAMES = new Map<number, string>([
  [Number.POSITIVE_INFINITY, 'Infinity'],
  [Number.NEGATIVE_INFINITY, '-Infinity'],
]);

export function numberNode(value: number): Node {
  if (Number.isNaN(value)) return { $t: 'number', v: 'NaN' };
  return { $t: 'number', v: NUMBER_NAMES.get(value) ?? '-0' };
}

export function dateNode(value: Date): Node {
  const time = value.getTime();
  return { $t: 'date', v: Number.isNaN(time) ? null : value.toISOString() };
}

export function bufferNode(buffer: ArrayBuffer): Node {
  return { $t: 'arraybuffer', v: bytesToBase64(new Uint8Array(buffer)) };
}

const MAX_DESCRIPTION = 120;

/** `async function load(a, b)`, `class Point`, `(x) =>`: the head of the source, never the body. */
export function describeFunction(fn: Function): string {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch (error) {
    // Revoked proxies and some host objects refuse toString; the name is still worth showing.
    source = `function ${fn.name}() (${error instanceof Error ? error.name : 'unreadable'})`;
  }
  const brace = source.indexOf('{');
  const arrow = source.indexOf('=>');
  let head = source;
  if (arrow >= 0 && (brace < 0 || arrow < brace)) head = source.slice(0, arrow + 2);
  else if (brace >= 0) head = source.slice(0, brace);
  head = head.replace(/\s+/g, ' ').trim();
  return head.length > MAX_DESCRIPTION ? `${head.slice(0, MAX_DESCRIPTION - 1)}…` : head;
}

export function functionNode(fn: Function): Node {
  return { $t: 'function', name: typeof fn.name === 'string' ? fn.name : '', description: describeFunction(fn) };
}

/** The class name of an object whose prototype is not Object.prototype. */
export function className(proto: object): string {
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '') return ctor.name;
  return 'Object';
}

export function blobNode(type: string, size: number, ref: string | null, name: string | null, lastModified: number | null): Node {
  const out: Node = { $t: 'blob', type, size, ref };
  if (name !== null) out.name = name;
  if (lastModified !== null) out.lastModified = lastModified;
  return out;
}

export function truncatedNode(type: string, size: number, path: Path, preview: Encoded | undefined, name: string | null): Node {
  const out: Node = { $t: 'truncated', type, size, path };
  if (name !== null) out.class = name;
  if (preview !== undefined) out.v = preview;
  return out;
}
