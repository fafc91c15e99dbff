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

/**
 * One node still to visit: held at holder[key], its source `value`, its path `trail[0, at)` plus
 * `step`. A `pair` is a Map entry (redact() is offered the entry before its key and value).
 */
interface Visit {
  pair: boolean;
  holder: Holder;
  key: string | number;
  encoded: Encoded;
  value: unknown;
  at: number;
  step: string | number | undefined;
}

/**
 * Iterative, with a stack of its own: a value thousands of levels deep must not overflow the
 * call stack. One path (`trail`) is kept as the walk goes; redact() gets a copy of it (it may
 * keep it), and only hidden nodes keep theirs.
 */
class Walk {
  readonly redacted: Path[] = [];
  private readonly _hidden = new Set<number>();
  private readonly _stack: Visit[] = [];
  private _trail: Path = [];

  constructor(private readonly _redact: Redact) {}

  run(holder: Holder, encoded: Encoded, value: unknown, path: Path): void {
    this._trail = [...path];
    this._stack.push({ pair: false, holder, key: 0, encoded, value, at: path.length, step: undefined });
    const stack = this._stack;
    for (let next; (next = stack.pop()); ) {
      const trail = this._trail;
      trail.length = next.at;
      if (next.step !== undefined) trail.push(next.step);
      const base = stack.length;
      if (next.pair) this._pair(next);
      else this._visit(next);
      // Children were pushed in document order: reversed, the first comes off the stack first.
      for (let i = base, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j]!, stack[i]!];
    }
  }

  private _child(holder: Holder, key: string | number, encoded: Encoded, value: unknown, step: string | number = key, pair = false): void {
    this._stack.push({ pair, holder, key, encoded, value, at: this._trail.length, step });
  }

  private _visit({ holder, key, encoded, value }: Visit): void {
    if (isNode(encoded) && encoded[TAG] === 'ref') {
      if (this._hidden.has(encoded['id'] as number)) this._hide(holder, key, encoded);
      return;
    }
    if (this._redact(this._trail.slice(), value)) return this._hide(holder, key, encoded);
    if (Array.isArray(encoded)) return this._list(encoded, value);
    if (!isNode(encoded)) return;
    const tag = encoded[TAG];
    if (tag === undefined) return this._record(encoded, value);
    const inner = encoded['v'];
    switch (tag) {
      case 'object':
      case 'instance':
        if (isNode(inner)) this._record(inner, value);
        return;
      case 'array':
      case 'sparse':
        if (Array.isArray(inner)) this._list(inner, value, tag === 'sparse');
        return;
      case 'set':
        if (Array.isArray(inner)) this._list(inner, value instanceof Set ? [...value] : undefined);
        return;
      case 'map':
        if (Array.isArray(inner)) this._pairs(inner, value instanceof Map ? [...value] : []);
        return;
      case 'error':
        if (encoded['fields'] !== undefined && isNode(encoded['fields'])) this._record(encoded['fields'], value);
        for (const own of ['cause', 'errors'] as const) {
          if (own in encoded) this._child(encoded, own, encoded[own]!, field(value, own));
        }
        return;
      case 'truncated':
        return this._preview(encoded, value);
      default:
        return;
    }
  }

  private _record(record: Node, value: unknown): void {
    for (const key of Object.keys(record)) this._child(record, key, record[key]!, field(value, key));
  }

  /** `sparse`: the agent's far sparse array (sparse.ts), `[index, item]` pairs, each item at its index. */
  private _list(items: Encoded[], value: unknown, sparse = false): void {
    for (let i = 0; i < items.length; i++) {
      const [holder, key, step] = sparse ? [items[i] as Encoded[], 1, (items[i] as Encoded[])[0] as number] : [items, i, i];
      this._child(holder, key, holder[key]!, field(value, step), step);
    }
  }

  private _pairs(pairs: Encoded[], entries: unknown[]): void {
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      if (Array.isArray(pair)) this._child(pairs, i, pair, entries[i], i, true);
    }
  }

  private _pair({ holder, key, encoded, value }: Visit): void {
    if (this._redact(this._trail.slice(), value)) return this._hide(holder, key, encoded);
    const pair = encoded as Encoded[];
    this._child(pair, 0, pair[0]!, field(value, 0));
    this._child(pair, 1, pair[1]!, field(value, 1));
  }

  /** The first entries a truncated container still shows are as visible as any others. */
  private _preview(node: Node, value: unknown): void {
    const preview = node['v'];
    if (preview === undefined || typeof preview === 'string') return;
    if (node['type'] === 'map' && Array.isArray(preview)) return this._pairs(preview, value instanceof Map ? [...value] : []);
    if (node['type'] === 'set' && Array.isArray(preview)) return this._list(preview, value instanceof Set ? [...value] : undefined);
    if (Array.isArray(preview)) return this._list(preview, value);
    if (isNode(preview)) this._record(preview, value);
  }

  private _hide(holder: Holder, key: string | number, encoded: Encoded): void {
    this._collectIds(encoded);
    (holder as Record<string | number, Encoded>)[key] = REDACTED;
    this.redacted.push(this._trail.slice());
  }

  private _collectIds(encoded: Encoded): void {
    const stack: Encoded[] = [encoded];
    while (stack.length > 0) {
      const item = stack.pop()!;
      // One at a time: spreading a list of 200,000 items as arguments throws RangeError.
      if (Array.isArray(item)) for (const one of item) stack.push(one);
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
  walk.run(holder, encoded, value, [...root, ...at]);
  const cut = root.length;
  return { value: holder[0]!, redacted: walk.redacted.map((path) => path.slice(cut)) };
}
