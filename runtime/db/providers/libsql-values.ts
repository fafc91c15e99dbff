/**
 * Rows as SQLite stores them: the value in the shared codec's text (so Date, Map, Set, BigInt
 * come back as they went in), and the bytes of every Blob in it, concatenated, in a BLOB
 * column beside it — never base64. A blob node's `ref` is its offset in those bytes.
 */
import { BlobRef, CODEC_VERSION, deserialize, encode, stringifyEncoded, TAG, type Encoded } from '../../codec/index.js';
import type { TableInfo } from '../schema.js';

export interface StoredRow {
  /** `stratum:<codec version>:` + the encoded JSON, as `serialize` writes it. */
  text: string;
  /** The Blobs' bytes, or null when the value holds none. */
  bytes: ArrayBuffer | null;
}

function cloneError(message: string): Error {
  // IndexedDB and structuredClone refuse these with a DataCloneError; the codec would keep a
  // description, which would read back as something else than was stored.
  return typeof DOMException === 'function' ? new DOMException(message, 'DataCloneError') : Object.assign(new Error(message), { name: 'DataCloneError' });
}

/**
 * Throws where IndexedDB could not store the value: a function or a symbol inside it. And makes
 * a null-prototype object or a class instance a plain object, as structured clone (memory,
 * IndexedDB) reads it back (found by the db model: the codec kept the null prototype, and the
 * class name as an own Symbol.toStringTag).
 */
function checkStorable(encoded: Encoded): void {
  const stack: Encoded[] = [encoded];
  while (stack.length) {
    const node = stack.pop() as Encoded;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      // One by one: spreading a long array into push() overflows the call stack (~130,000 items).
      for (const item of node) stack.push(item);
      continue;
    }
    const tag = node[TAG];
    if (tag === 'instance' || (tag === 'object' && node.null === true)) {
      node[TAG] = 'object';
      delete node.class;
      delete node.null;
    }
    if (tag === 'function' || tag === 'symbol') throw cloneError(`A ${tag} cannot be stored in a database (${JSON.stringify(node.description ?? node.name ?? '')}).`);
    // An escaped object's (or instance's) `v` holds its own keys literally; their values are nodes again.
    const literal = (tag === 'object' || tag === 'instance') && node.v !== null && typeof node.v === 'object';
    const children = literal ? Object.values(node.v as object) : Object.values(node);
    for (const child of children) stack.push(child);
  }
}

export async function storeValue(value: unknown): Promise<StoredRow> {
  const blobs: Blob[] = [];
  let offset = 0;
  const encoded = encode(value, {
    strict: true,
    onBlob: (blob) => {
      const ref = String(offset);
      offset += blob.size;
      blobs.push(blob);
      return ref;
    },
  });
  checkStorable(encoded);
  // JSON.stringify recurses; the codec's writer also takes values thousands of levels deep.
  const text = `stratum:${CODEC_VERSION}:${stringifyEncoded(encoded)}`;
  if (blobs.length === 0) return { text, bytes: null };
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const blob of blobs) {
    bytes.set(new Uint8Array(await blob.arrayBuffer()), at);
    at += blob.size;
  }
  return { text, bytes: bytes.buffer };
}

/** Puts real Blobs (Files where one was stored) back where the codec left BlobRef markers. */
function restoreBlobs(root: unknown, bytes: ArrayBuffer): unknown {
  const toBlob = (ref: BlobRef): Blob => {
    const start = Number(ref.ref);
    const part = bytes.slice(start, start + ref.size);
    return ref.name !== null && typeof File === 'function'
      ? new File([part], ref.name, { type: ref.type, lastModified: ref.lastModified ?? Date.now() })
      : new Blob([part], { type: ref.type });
  };
  const swap = (value: unknown): unknown => (value instanceof BlobRef ? toBlob(value) : value);
  if (root instanceof BlobRef) return toBlob(root);
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof Map) {
      const entries = [...node].map(([key, item]) => [swap(key), swap(item)] as const);
      node.clear();
      for (const [key, item] of entries) {
        node.set(key, item);
        stack.push(key, item);
      }
    } else if (node instanceof Set) {
      const items = [...node].map(swap);
      node.clear();
      for (const item of items) {
        node.add(item);
        stack.push(item);
      }
    } else if (!(node instanceof Date) && !(node instanceof RegExp) && !ArrayBuffer.isView(node) && !(node instanceof ArrayBuffer)) {
      const record = node as Record<string, unknown>;
      // An Error's cause is no enumerable field, yet may hold a Blob (found by the db model).
      for (const key of node instanceof Error && 'cause' in node ? [...Object.keys(record), 'cause'] : Object.keys(record)) {
        record[key] = swap(record[key]);
        stack.push(record[key]);
      }
    }
  }
  return root;
}

/** What this codec version writes before the JSON: plain rows skip the decoder's walk. */
const PREFIX = `stratum:${CODEC_VERSION}:`;
const TAGGED = `"${TAG}"`;

export function loadValue(text: string, bytes: ArrayBuffer | null): unknown {
  // No tag anywhere (no `"$t"`, and no \u escape that could spell one): the JSON is the value
  // as written, and decoding would only copy what JSON.parse built (issue 18: a page of 100
  // rows spent more in that walk than in SQLite).
  // A text with no `$` and no backslash at all cannot hold either: two single-character searches
  // cost a tenth of the two substring searches, which run only when one of them is there.
  if (bytes === null && text.startsWith(PREFIX) && ((text.indexOf('$') === -1 && text.indexOf('\\') === -1) || (!text.includes(TAGGED) && !text.includes('\\u')))) {
    try {
      return JSON.parse(text.slice(PREFIX.length)) as unknown;
    } catch {
      // Damaged text: the codec's own path throws what is wrong, in its words.
      return deserialize(text);
    }
  }
  const value = deserialize(text);
  return bytes === null ? value : restoreBlobs(value, bytes);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A server provider's names go to the server as UTF-8, where a lone surrogate has no spelling:
 * the driver sends U+FFFD, so 'a\ud800' and 'a\ud801' would name the same rows. Postgres text
 * and SQLite's SQL text cannot hold NUL (`nul`). Such a database, table or index name is
 * refused in words at open and delete, before anything is written.
 */
export function checkNames(engine: string, nul: boolean, name: string, tables: readonly TableInfo[] = []): void {
  for (const text of [name, ...tables.flatMap((table) => [table.name, ...table.indexes.map((index) => index.name)])]) {
    const problem = LONE_SURROGATE.test(text) ? 'a lone surrogate (sent as U+FFFD, it would share rows with other names)' : nul && text.includes('\0') ? 'NUL' : '';
    if (problem) throw new TypeError(`The name ${JSON.stringify(text)} in database '${name}' has ${problem}: ${engine} cannot store it. Rename it.`);
  }
}
