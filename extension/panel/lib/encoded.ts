/**
 * Reading the codec's tagged form (runtime/codec/tags.ts) for display: what a node is, a one-line
 * preview, its children with their codec paths, and which inline editor fits it. The panel never
 * decodes a value to show it: page strings stay strings, a class instance stays a description.
 */
import type { Encoded, Path, PathSegment } from '#codec/types.js';
import { isRecord, isTagged, pathText, type Node, type Tagged } from '#codec/encoded.js';
import { ERROR_TYPES } from '#codec/tags.js';

export { isRecord, isTagged, type Tagged };
export type EncodedRecord = Node;

/** The inline editors DESIGN.md names, plus `undefined` and raw tagged JSON for everything else. */
export type LeafType = 'string' | 'number' | 'boolean' | 'null' | 'bigint' | 'date' | 'undefined' | 'json';
export const LEAF_TYPES: LeafType[] = ['string', 'number', 'boolean', 'null', 'bigint', 'date', 'undefined', 'json'];

/** What a container lets the panel do by path (the agent copies objects, arrays, Maps and Sets only). */
export type ContainerType = 'object' | 'array' | 'map' | 'set';

export interface Child {
  /** What the row shows before the value: a key, an index, or a Map key's preview. */
  label: string;
  /** The codec path from the root of the value. */
  path: Path;
  value: Encoded;
  /** For a Map entry: the path of its key (renaming a Map key sets it). */
  keyPath?: Path;
  /** For a Map entry: its key whole, as encoded (the label is a preview, cut and untyped). */
  key?: Encoded;
}

export interface NodeView {
  /** A short type name: `string`, `Map`, `Point`, `Uint8Array`, … */
  type: string;
  preview: string;
  /** Set for containers that can be opened (children may be empty). */
  children?: Child[];
  /** What add/remove/rename may do inside: undefined when the agent would refuse a path edit. */
  container?: ContainerType;
  /** The editor that opens on Enter; undefined when the value cannot be edited in place. */
  editor?: LeafType;
  /** Why it cannot be edited, when it cannot. */
  locked?: string;
  /** A cut node: the page holds more, `expand` fetches it. */
  truncated?: { path: Path; size: number };
  /** A blob whose bytes the agent can send (blobRead with database 0 and this ref). */
  blob?: { ref: string; type: string; size: number; name?: string };
  /** A shared or circular reference: the node with this id. */
  refTo?: number;
  /** The node has an id other nodes refer to. */
  id?: number;
}

const hasOwn = Object.prototype.hasOwnProperty;
const PREVIEW_CHARS = 120;


function str(value: Encoded | undefined): string {
  return typeof value === 'string' ? value : '';
}

function num(value: Encoded | undefined): number {
  return typeof value === 'number' ? value : 0;
}

/** A string cut for one line, quoted like a JSON string (so `<img onerror>` reads as text). */
export function quote(text: string, max = PREVIEW_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

function entries(record: EncodedRecord, base: Path): Child[] {
  return Object.keys(record).map((key) => ({ label: key, path: [...base, key], value: record[key]! }));
}

function items(list: Encoded[], base: Path): Child[] {
  return list.map((value, index) => ({ label: String(index), path: [...base, index], value }));
}

function mapEntries(list: Encoded[], base: Path): Child[] {
  return list.map((pair, index) => {
    const [key, value] = Array.isArray(pair) ? pair : [null, null];
    return { label: `${preview(key ?? null)} →`, path: [...base, index, 1], keyPath: [...base, index, 0], key: key ?? null, value: value ?? null };
  });
}

/** One line describing any encoded value. */
export function preview(value: Encoded): string {
  return view(value, []).preview;
}

function keysPreview(record: EncodedRecord): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 5).join(', ');
  return `{${shown}${keys.length > 5 ? ', …' : ''}}`;
}

/** Reads one node; `path` is where it sits in its root (children get full paths). */
export function view(value: Encoded, path: Path): NodeView {
  if (value === null) return { type: 'null', preview: 'null', editor: 'null' };
  switch (typeof value) {
    case 'string':
      return { type: 'string', preview: quote(value), editor: 'string' };
    case 'number':
      return { type: 'number', preview: String(value), editor: 'number' };
    case 'boolean':
      return { type: 'boolean', preview: String(value), editor: 'boolean' };
  }
  if (Array.isArray(value)) {
    return { type: 'Array', preview: `Array(${value.length})`, children: items(value, path), container: 'array', editor: 'json' };
  }
  if (!isTagged(value)) {
    return { type: 'Object', preview: keysPreview(value), children: entries(value, path), container: 'object', editor: 'json' };
  }
  return tagged(value, path);
}

function withId(node: Tagged, out: NodeView): NodeView {
  if (typeof node.id === 'number') out.id = node.id;
  return out;
}

function tagged(node: Tagged, path: Path): NodeView {
  switch (node.$t) {
    case 'undefined':
      return { type: 'undefined', preview: 'undefined', editor: 'undefined' };
    case 'hole':
      // `n`: a run of holes in a far sparse array (sparseView), shown as Chrome's console does.
      return { type: 'empty', preview: typeof node.n === 'number' ? `<empty × ${node.n}>` : '<empty>', editor: 'json' };
    case 'number':
      return { type: 'number', preview: str(node.v), editor: 'number' };
    case 'bigint':
      return { type: 'bigint', preview: `${str(node.v)}n`, editor: 'bigint' };
    case 'symbol':
      return { type: 'symbol', preview: `Symbol(${str(node.description)})`, locked: 'a symbol cannot be written from the panel' };
    case 'date':
      return withId(node, { type: 'Date', preview: node.v === null ? 'Invalid Date' : str(node.v), editor: 'date' });
    case 'regexp':
      return withId(node, { type: 'RegExp', preview: `/${str(node.source)}/${str(node.flags)}`, editor: 'json' });
    case 'function':
      return withId(node, { type: 'function', preview: str(node.description) || `function ${str(node.name)}`, locked: 'a function cannot be written from the panel' });
    case 'ref':
      return { type: 'ref', preview: `→ shared #${num(node.id)}`, refTo: num(node.id), locked: 'a shared reference: edit the node it points to' };
    case 'object': {
      const record = isRecord(node.v) ? node.v : {};
      const type = node.null === true ? 'Object (null prototype)' : 'Object';
      return withId(node, { type, preview: keysPreview(record), children: entries(record, path), container: 'object', editor: 'json' });
    }
    case 'array': {
      const list = Array.isArray(node.v) ? node.v : [];
      return withId(node, { type: 'Array', preview: `Array(${list.length})`, children: items(list, path), container: 'array', editor: 'json' });
    }
    case 'sparse':
      return withId(node, sparseView(node, path));
    case 'map': {
      const list = Array.isArray(node.v) ? node.v : [];
      return withId(node, { type: 'Map', preview: `Map(${list.length})`, children: mapEntries(list, path), container: 'map', editor: 'json' });
    }
    case 'set': {
      const list = Array.isArray(node.v) ? node.v : [];
      return withId(node, { type: 'Set', preview: `Set(${list.length})`, children: items(list, path), container: 'set', editor: 'json' });
    }
    case 'instance': {
      const name = str(node.class) || 'Object';
      const record = isRecord(node.v) ? node.v : {};
      // No JSON editor: written back, the instance would be a plain object that only carries the
      // class name (its prototype and methods gone), and the agent refuses that over a live one.
      const locked = `a ${name}: the panel cannot rebuild a class instance (its prototype and methods would be lost); change it from the page's code`;
      return withId(node, { type: name, preview: `${name} ${keysPreview(record)}`, children: entries(record, path), locked });
    }
    case 'error':
      return withId(node, errorView(node, path));
    case 'arraybuffer':
      return withId(node, { type: 'ArrayBuffer', preview: `ArrayBuffer(${Math.floor((str(node.v).length * 3) / 4)} bytes)`, editor: 'json' });
    case 'typed': {
      const length = typeof node.length === 'number' ? `(${node.length})` : '';
      return withId(node, { type: str(node.type), preview: `${str(node.type)}${length}`, editor: 'json' });
    }
    case 'blob':
      return withId(node, blobView(node));
    case 'truncated':
      return truncatedView(node, path);
    case 'redacted':
      // A row key redact() hides: the agent sent a handle for it, which commands take as the key.
      return { type: 'redacted', preview: '[redacted]', locked: 'redacted by configureDevtools({ redact })' };
    default:
      return { type: node.$t, preview: `<${node.$t}>`, locked: `a ${node.$t} node this panel does not know` };
  }
}

/**
 * The agent's far sparse array (runtime/devtools/agent/sparse.ts): `length` slots, `v` its items
 * as [index, item] pairs, `items` their count when not all are shown. Each item sits at its index,
 * and the holes between are one row each, as `[1, , 3]` shows its hole at index 1.
 */
function sparseView(node: Tagged, path: Path): NodeView {
  const length = num(node.length);
  const pairs = Array.isArray(node.v) ? node.v : [];
  const children: Child[] = [];
  let next = 0;
  const holes = (to: number) => {
    if (to > next) children.push({ label: to - next > 1 ? `${next}…${to - 1}` : String(next), path: [...path, next], value: { $t: 'hole', n: to - next } });
  };
  for (const pair of pairs) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'number') continue;
    holes(pair[0]);
    children.push({ label: String(pair[0]), path: [...path, pair[0]], value: pair[1] ?? null });
    next = pair[0] + 1;
  }
  // Cut: what lies after the last item shown is not known to be holes.
  if (typeof node.items !== 'number') holes(length);
  const shown = typeof node.items === 'number' ? ` — ${pairs.length} of ${node.items} items shown` : '';
  const out: NodeView = { type: 'Array', preview: `Array(${length})${shown}`, children, container: 'array', locked: "an array with more holes than items: edit its items, or set it from the page's code" };
  // "show more" pages in the items not shown yet (lib/pages.ts), counted in items, not slots.
  if (typeof node.items === 'number') out.truncated = { path, size: node.items };
  return out;
}

function errorView(node: Tagged, path: Path): NodeView {
  const children: Child[] = [{ label: 'message', path: [...path, 'message'], value: node.message ?? '' }];
  if (node.cause !== undefined) children.push({ label: 'cause', path: [...path, 'cause'], value: node.cause });
  if (node.errors !== undefined) children.push({ label: 'errors', path: [...path, 'errors'], value: node.errors });
  if (isRecord(node.fields)) children.push(...entries(node.fields, path));
  const name = str(node.name) || 'Error';
  const out: NodeView = { type: name, preview: `${str(node.name)}: ${quote(str(node.message)).slice(1, -1)}`, children };
  // Only a built-in error comes back as itself. The encoded node does not say whether its class
  // is a page subclass named like a built-in one; the agent refuses that case in words.
  if ((ERROR_TYPES as readonly string[]).includes(name)) return { ...out, editor: 'json', locked: `a ${name}: set it as a whole (JSON)` };
  return { ...out, locked: `a ${name}: the panel can only write built-in errors (a copy would lose its class); change it from the page's code` };
}

function blobView(node: Tagged): NodeView {
  const name = typeof node.name === 'string' ? node.name : undefined;
  const label = name === undefined ? 'Blob' : 'File';
  const out: NodeView = { type: label, preview: `${label}${name === undefined ? '' : ` ${quote(name, 60)}`} ${str(node.type) || 'no type'}, ${num(node.size)} bytes`, editor: 'json' };
  if (typeof node.ref === 'string') out.blob = { ref: node.ref, type: str(node.type), size: num(node.size), ...(name !== undefined && { name }) };
  return out;
}

function truncatedView(node: Tagged, path: Path): NodeView {
  const type = str(node.type);
  const size = num(node.size);
  const at = Array.isArray(node.path) ? (node.path.filter((step) => typeof step === 'string' || typeof step === 'number') as PathSegment[]) : path;
  const out: NodeView = { type, preview: '', truncated: { path: at, size }, locked: 'cut short in the panel: expand it first' };
  if (type === 'string') {
    out.preview = `${quote(str(node.v), PREVIEW_CHARS).slice(0, -1)}…" (${size} characters)`;
    return out;
  }
  const shown = node.v;
  const more = (count: number) => `${count} of ${size} shown`;
  // The agent edits the page's value by path, so what is shown of a cut container is editable
  // (the cut node itself is not: the panel does not hold all of it).
  const container: ContainerType | undefined = type === 'array' || type === 'map' || type === 'set' || type === 'object' ? type : undefined;
  if (container) {
    out.container = container;
    out.locked = 'cut short in the panel: show more to read it all';
  }
  if (Array.isArray(shown)) {
    out.children = type === 'map' ? mapEntries(shown, path) : items(shown, path);
    out.preview = `${str(node.class) || type}(${size}) — ${more(shown.length)}`;
  } else if (isRecord(shown)) {
    out.children = entries(shown, path);
    out.preview = `${str(node.class) || type} — ${more(Object.keys(shown).length)} ${size === 1 ? 'key' : 'keys'}`;
  } else {
    out.preview = `${str(node.class) || type}(${size}) …`;
  }
  return out;
}

/** Paths compared as keys: `["a",0]`. */
export function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** A path as people read it: `user.tags[0]`, `["odd key"]`. */
export function formatPath(path: Path): string {
  return path.length === 0 ? '(root)' : pathText(path);
}

/** Whether `path` lies inside (or is) one of `redacted`. */
export function isRedacted(path: Path, redacted: Path[]): boolean {
  return redacted.some((secret) => secret.length <= path.length && secret.every((step, i) => step === path[i]));
}

/** A record key a summary writes bare; any other is quoted. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A value on one line, contents included: `{name: "Ada", tags: ["x"]}`, `Map(1) {"k" => 1n}`.
 * Cut at `max` characters; what the grid cells, diffs and the conflict banner show.
 */
export function summary(value: Encoded, max = PREVIEW_CHARS): string {
  const parts: string[] = [];
  let length = 0;
  const push = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const walk = (node: Encoded, path: Path) => {
    if (length > max) return;
    // Plain lists and records, most of what grid cells hold, directly: view() would also build
    // every child's path and a keys preview that a summary never reads (issue 18: a table's
    // first rows). The text is the same as the general walk's below.
    if (Array.isArray(node)) {
      push('[');
      for (let i = 0; i < node.length && length <= max; i++) {
        if (i > 0) push(', ');
        walk(node[i]!, path);
      }
      return push(']');
    }
    if (typeof node === 'object' && node !== null && !isTagged(node)) {
      push('{');
      let i = 0;
      for (const key of Object.keys(node)) {
        if (length > max) break;
        if (i++ > 0) push(', ');
        push(`${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: `);
        walk((node as EncodedRecord)[key]!, path);
      }
      return push('}');
    }
    const shown = view(node, path);
    if (!shown.children || shown.truncated) return push(shown.preview);
    const isArray = shown.container === 'array' || shown.container === 'set';
    const prefix = shown.type === 'Object' || (shown.type === 'Array' && !isTagged(node)) ? '' : `${shown.preview.split(' ')[0]} `;
    push(`${prefix}${isArray ? '[' : '{'}`);
    shown.children.forEach((child, i) => {
      if (length > max) return;
      if (i > 0) push(', ');
      if (shown.container === 'map') push(`${child.label.replace(/ →$/, '')} => `);
      else if (!isArray) push(`${IDENTIFIER.test(child.label) ? child.label : JSON.stringify(child.label)}: `);
      walk(child.value, child.path);
    });
    push(isArray ? ']' : '}');
  };
  walk(value, []);
  const text = parts.join('');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
