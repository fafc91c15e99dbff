/**
 * How the agent puts a value on the wire: encoded with display limits (a 1 MB state shows its
 * first entries and a way to expand, never a frozen page), redacted as the app asked, and, for
 * things without a version (webstorage keys, rows), hashed so a stale edit can be told apart.
 */
import { CODEC_VERSION, encode, stringifyEncoded, type Encoded, type EncodeLimits, type Path } from '../../codec/index.js';
import type { Hash } from '../../protocol/messages.js';
import { config } from '../../registry/registry.js';
import { applyRedaction, type Redact } from './redact.js';
import { encodeWhole, showFar } from './sparse.js';

/** What the panel gets at first; anything cut is a `truncated` node it can expand by path. */
/** maxNodes: a 20th of what one envelope may carry (LIMITS.nodes), so a value always travels. */
export const DISPLAY: EncodeLimits = { maxString: 10_000, maxEntries: 200, maxDepth: 16, maxBytes: 64 * 1024, maxNodes: 100_000 };

/**
 * A snapshot's preview of a state (issue 18): primitives as they are, strings cut at 100
 * characters, every container a `truncated` node with its type and size. The State tab's tree
 * shows keys and versions only, so a first render of 10,000 states needs no values; the value
 * of the selected state is pulled whole (`expand`, path []). Encoding, cloning and validating
 * 10,000 full values was most of the time to a first render.
 */
export const PREVIEW: EncodeLimits = { maxString: 100, maxEntries: 0, maxDepth: 0, maxBytes: 0, maxNodes: 1 };

export interface Shown {
  value: Encoded;
  redacted: Path[];
}

/**
 * Blobs met inside values (a File in a state, a Blob in a row): the encoded `blob` node's `ref`
 * names one here so the panel can read its bytes (blobRead with database 0). Bounded: the
 * oldest refs are forgotten first; the agent drops them all on stop.
 */
export class InlineBlobs {
  private readonly _byRef = new Map<string, Blob>();
  private readonly _refs = new WeakMap<Blob, string>();
  private _next = 0;

  constructor(private readonly _max = 1000) {}

  ref(blob: Blob): string {
    let ref = this._refs.get(blob);
    if (ref !== undefined && this._byRef.has(ref)) return ref;
    ref = `b${++this._next}`;
    this._refs.set(blob, ref);
    this._byRef.set(ref, blob);
    if (this._byRef.size > this._max) this._byRef.delete(this._byRef.keys().next().value!);
    return ref;
  }

  get(ref: string): Blob | undefined {
    return this._byRef.get(ref);
  }

  clear(): void {
    this._byRef.clear();
  }
}

/** The step a cache entry's key is in the path redact() sees it at: `['cache', database, step]`. */
export function cacheStep(key: unknown): string | number {
  return typeof key === 'string' || typeof key === 'number' ? key : JSON.stringify(encode(key));
}

/**
 * redact() as it sees a whole `value` at `root`. The Cache and blob layouts' tables hold what
 * redact() sees at the layout's paths, a cache entry's value at `['cache', database, key, …]`
 * and a blob's meta at `['db', database, '$blobs', id, 'meta', …]`: read as rows (the grid, the
 * console, search) the row's parts are also asked there, so they hide what those views hide.
 */
export function redactAt(redact: Redact, value: unknown, root: Path, at: Path = []): Redact {
  if (at.length > 0 || root.length !== 3 || root[0] !== 'db' || typeof value !== 'object' || value === null) return redact;
  const row = value as Record<string, unknown>;
  const [, database, table] = root;
  const layout = table === '$cache' ? { field: 'value', base: ['cache', database!, cacheStep(row['key'])] } : table === '$blobs' ? { field: 'meta', base: [...root, String(row['id']), 'meta'] } : undefined;
  if (!layout) return redact;
  return (path, v) => redact(path, v) || (path[3] === layout.field && redact([...layout.base, ...path.slice(4)], v));
}

/**
 * Encodes `value` for the panel. `root` names where it lives for redact(): `['state', scope,
 * key]`, `['webstorage', namespace, key]`, `['db', database, table]`, `['cache', database]`;
 * `at` is the path inside it (expand).
 */
export function show(value: unknown, root: Path, blobs: InlineBlobs, at: Path = [], limits: EncodeLimits = DISPLAY): Shown {
  const options: EncodeLimits = { ...limits, basePath: at, onBlob: (blob) => blobs.ref(blob) };
  const encoded = encode(value, options);
  showFar(encoded, value, at, options);
  const redact = config.redact;
  if (!redact) return { value: encoded, redacted: [] };
  return applyRedaction(encoded, value, redactAt(redact, value, root, at), root, at);
}

/**
 * A part of a value (expand) at `at`: as show(), and also hiding what redact() hid in the whole
 * value below `at` (`hidden`, redactedPaths of the whole). A part shared with a redacted one is
 * a `ref` there, hidden for that; encoded alone, the part holds it in full, and redact() alone
 * does not hide it.
 */
export function showPart(value: unknown, root: Path, blobs: InlineBlobs, at: Path, hidden: Path[], limits: EncodeLimits = DISPLAY): Shown {
  const redact = config.redact;
  if (!redact || hidden.length === 0) return show(value, root, blobs, at, limits);
  const options: EncodeLimits = { ...limits, basePath: at, onBlob: (blob) => blobs.ref(blob) };
  const encoded = encode(value, options);
  showFar(encoded, value, at, options);
  const cut = root.length;
  const inHidden = (path: Path) => hidden.some((secret) => secret.length <= path.length - cut && secret.every((step, i) => step === path[cut + i]));
  return applyRedaction(encoded, value, (path, v) => inHidden(path) || redact(path, v), root, at);
}

/** The paths `redact` hides in `value` (everything, not only what DISPLAY shows). */
export function redactedPaths(value: unknown, root: Path, at: Path = []): Path[] {
  const redact = config.redact;
  if (!redact) return [];
  return applyRedaction(encodeWhole(value), value, redactAt(redact, value, root, at), root, at).redacted;
}

/**
 * Why a stored text cannot be decoded, for the panel. The JSON parser's message quotes the text,
 * so where redact() hides the key (asked with no value: there is none to offer), only the name.
 */
export function decodeErrorText(error: Error, root: Path): string {
  if (redactedPaths(undefined, root).length > 0) return `${error.name}: the stored text cannot be decoded (its details are redacted by configureDevtools({ redact }))`;
  return `${error.name}: ${error.message}`;
}

/**
 * A version for what has none: a 64-bit FNV-1a of the full encoded JSON (two 32-bit halves;
 * a far sparse array written as its items, see sparse.ts),
 * and the length of that JSON (what storing the value costs, near enough). Blobs hash by type
 * and size; a ref would differ between two reads of the same row. `root` is where redact() sees
 * the value: where it hides a part, the panel gets a stand-in for the hash (see masked) and the
 * length of the value as shown, so neither a guess at a short secret nor its length can be checked.
 */
export function fingerprint(value: unknown, root: Path): { hash: Hash; chars: number; masked?: true } {
  const encoded = encodeWhole(value);
  const text = jsonOf(encoded);
  const redact = config.redact;
  // After the text was taken: applyRedaction rewrites the encoding in place.
  const shown = redact && applyRedaction(encoded, value, redactAt(redact, value, root, []), root);
  if (shown && shown.redacted.length > 0) return { hash: masked(root, hashText(text)), chars: jsonOf(shown.value).length, masked: true };
  return { hash: hashText(text), chars: text.length };
}

const STORED_PREFIX = `stratum:${CODEC_VERSION}:`.length;

/** UTF-16 bytes of `<namespace>:<key>` and the stored text (`stratum:<version>:` + JSON of `chars` characters). */
export function storedBytes(namespace: string, key: string, chars: number): number {
  return (namespace.length + 1 + key.length + STORED_PREFIX + chars) * 2;
}

/** JSON.stringify recurses; thousands of levels need the codec's iterative writer, in every engine. */
function jsonOf(encoded: unknown): string {
  return stringifyEncoded(encoded as Encoded);
}

/**
 * Stand-ins for the hashes of values with redacted parts, one per value and place, numbered: a
 * change of the hidden part still changes the version (an edit over the older one is refused),
 * and nothing sent is computed from the secret. Longer than any real hash, so never one. Bounded:
 * a forgotten one makes a new stand-in, and an edit over the old one a conflict, never a write.
 */
const stand = new Map<string, Hash>();
let stood = 0;

function masked(root: Path, hash: Hash): Hash {
  const at = JSON.stringify(root) + hash;
  let token = stand.get(at);
  if (token === undefined) {
    stand.set(at, (token = `h${(++stood).toString(36).padStart(15, '0')}`));
    if (stand.size > 10_000) stand.delete(stand.keys().next().value!);
  }
  return token;
}

/** The FNV-1a pair of fingerprint(), over an encoding's JSON text. */
function hashText(text: string): Hash {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `h${(a >>> 0).toString(36)}${(b >>> 0).toString(36).padStart(7, '0')}`;
}

/**
 * A row for the grid: its display encoding and its version in one walk where that is exact
 * (issue 18). When the display encoding cut nothing and met no blob, it is the full encoding
 * node for node (limits and basePath only show in `truncated` nodes, onBlob only in a blob's
 * ref), so its JSON hashes to what fingerprint() gives and dbPut/dbDelete check against. When
 * anything was cut, or a blob was met, the row is encoded whole again for its hash: a version
 * taken from a cut value would miss a change past the cut, and an edit would overwrite it.
 */
export function showRow(value: unknown, root: Path, blobs: InlineBlobs): Shown & { hash: Hash } {
  let blob = false;
  const options: EncodeLimits = {
    ...DISPLAY,
    onBlob: (met) => {
      blob = true;
      return blobs.ref(met);
    },
  };
  const encoded = encode(value, options);
  // Before redaction, which rewrites the encoding in place: the version is of the stored row.
  // A string that merely contains the marker only costs the second walk, never a wrong hash.
  const text = blob ? '' : JSON.stringify(encoded);
  const whole = blob || text.includes('"$t":"truncated"');
  const hash = whole ? fingerprint(value, root).hash : hashText(text);
  // After the text: a far sparse array is cut in it, so its hash is the whole value's.
  if (whole) showFar(encoded, value, [], options);
  const redact = config.redact;
  if (!redact) return { value: encoded, redacted: [], hash };
  const shown = applyRedaction(encoded, value, redactAt(redact, value, root, []), root, []);
  // Nothing cut: what redact() hid here is all it hides, and fingerprint() would mask the same.
  return { ...shown, hash: whole || shown.redacted.length === 0 ? hash : masked(root, hash) };
}
