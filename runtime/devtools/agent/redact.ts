/**
 * configureDevtools({ redact }) applied to an encoded value: every node the panel would see is
 * offered to `redact(path, value)` in document order, and a redacted node is replaced by the
 * string `[redacted]`. A `ref` to anything inside a redacted node is redacted too, so a shared
 * or circular reference cannot show what its first occurrence hid.
 *
 * The walk follows the encoded form (runtime/codec/tags.ts) and the original value side by side,
 * so `redact` sees real values (a Map, a Date), and paths are the codec's (Map entry index, then
 * 0 for the key or 1 for the value).
 */
import type { Encoded, Path } from '../../codec/index.js';

export const REDACTED = '[redacted]';

export type Redact = (path: Path, value: unknown) => boolean;

type Node = { [key: string]: Encoded };
type Holder = Encoded[] | Node;

const TAG = '$t';

function isNode(value: Encoded | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string | number): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

class Walk {
  readonly redacted: Path[] = [];
  private readonly _hidden = new Set<number>();

  constructor(private readonly _redact: Redact) {}

  /** Visits `encoded` (held at holder[key]) whose source is `value` at `path`. */
  visit(holder: Holder, key: string | number, encoded: Encoded, value: unknown, path: Path): void {
    if (isNode(encoded) && encoded[TAG] === 'ref') {
      if (this._hidden.has(encoded['id'] as number)) this._hide(holder, key, encoded, path);
      return;
    }
    if (this._redact(path, value)) return this._hide(holder, key, encoded, path);
    if (Array.isArray(encoded)) return this._list(encoded, value, path);
    if (!isNode(encoded)) return;
    const tag = encoded[TAG];
    if (tag === undefined) return this._record(encoded, value, path);
    const inner = encoded['v'];
    switch (tag) {
      case 'object':
      case 'instance':
        if (isNode(inner)) this._record(inner, value, path);
        return;
      case 'array':
        if (Array.isArray(inner)) this._list(inner, value, path);
        return;
      case 'set':
        if (Array.isArray(inner)) this._list(inner, value instanceof Set ? [...value] : undefined, path);
        return;
      case 'map':
        if (Array.isArray(inner)) this._pairs(inner, value instanceof Map ? [...value] : [], path);
        return;
      case 'error':
        if (encoded['fields'] !== undefined && isNode(encoded['fields'])) this._record(encoded['fields'], value, path);
        for (const own of ['cause', 'errors'] as const) {
          if (own in encoded) this.visit(encoded, own, encoded[own]!, field(value, own), [...path, own]);
        }
        return;
      case 'truncated':
        return this._preview(encoded, value, path);
      default:
        return;
    }
  }

  private _record(record: Node, value: unknown, path: Path): void {
    for (const key of Object.keys(record)) this.visit(record, key, record[key]!, field(value, key), [...path, key]);
  }

  private _list(items: Encoded[], value: unknown, path: Path): void {
    for (let i = 0; i < items.length; i++) this.visit(items, i, items[i]!, field(value, i), [...path, i]);
  }

  private _pairs(pairs: Encoded[], entries: unknown[], path: Path): void {
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (!Array.isArray(pair)) continue;
      const entry = entries[i];
      if (this._redact([...path, i], entry)) {
        this._hide(pairs, i, pair, [...path, i]);
        continue;
      }
      this.visit(pair, 0, pair[0]!, field(entry, 0), [...path, i, 0]);
      this.visit(pair, 1, pair[1]!, field(entry, 1), [...path, i, 1]);
    }
  }

  /** The first entries a truncated container still shows are as visible as any others. */
  private _preview(node: Node, value: unknown, path: Path): void {
    const preview = node['v'];
    if (preview === undefined || typeof preview === 'string') return;
    if (node['type'] === 'map' && Array.isArray(preview)) return this._pairs(preview, value instanceof Map ? [...value] : [], path);
    if (node['type'] === 'set' && Array.isArray(preview)) return this._list(preview, value instanceof Set ? [...value] : undefined, path);
    if (Array.isArray(preview)) return this._list(preview, value, path);
    if (isNode(preview)) this._record(preview, value, path);
  }

  private _hide(holder: Holder, key: string | number, encoded: Encoded, path: Path): void {
    this._collectIds(encoded);
    (holder as Record<string | number, Encoded>)[key] = REDACTED;
    this.redacted.push(path);
  }

  private _collectIds(encoded: Encoded): void {
    const stack: Encoded[] = [encoded];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (Array.isArray(item)) stack.push(...item);
      else if (isNode(item)) {
        if (typeof item['id'] === 'number' && item[TAG] !== 'ref') this._hidden.add(item['id']);
        for (const key of Object.keys(item)) stack.push(item[key]!);
      }
    }
  }
}

/**
 * Applies `redact` to `encoded` (the encoding of `value`, found at `root` + `at`) in place;
 * returns the redacted value and the paths that were hidden (relative to `at`'s root, as the
 * panel addresses them: without `root`).
 */
export function applyRedaction(encoded: Encoded, value: unknown, redact: Redact, root: Path, at: Path = []): { value: Encoded; redacted: Path[] } {
  const holder: Encoded[] = [encoded];
  const walk = new Walk((path, v) => redact(path, v));
  walk.visit(holder, 0, encoded, value, [...root, ...at]);
  const cut = root.length;
  return { value: holder[0]!, redacted: walk.redacted.map((path) => path.slice(cut)) };
}
