/**
 * Reads a snapshot file strictly: the format and versions first (a newer file is refused in
 * words, before anything else is read), then every field and type (an unknown field is an
 * error), then what the types cannot say — every blob's bytes present and of its size, no value
 * cut short, nothing listed twice. A file that passes is safe to plan an import from.
 */
import { CODEC_VERSION, type Encoded } from '../codec/index.js';
import type { IndexInfo } from '../protocol/values.js';
import { arr, bool, finite, int, isPlainObject, literal, nullable, obj, oneOf, opt, ShapeError, str, type Check } from '../protocol/shape.js';
import { eachTagged, isNode } from '../codec/encoded.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotError,
  type SnapshotBlob,
  type SnapshotCacheEntry,
  type SnapshotDatabase,
  type SnapshotFile,
  type SnapshotRow,
  type SnapshotSchema,
  type SnapshotState,
  type SnapshotStore,
  type SnapshotTable,
  type SnapshotWebstorage,
  type SnapshotWebstorageEntry,
} from './format.js';

/** A file is as large as the app's data: only the structure is bounded, never sizes. */
const ANY = Number.MAX_SAFE_INTEGER;
const text = str(ANY);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Any JSON value (the codec's encoded form): plain objects, arrays, finite numbers. Iterative. */
const encoded: Check<Encoded> = (value, at) => {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number' && Number.isFinite(item)) continue;
    // Pushed one by one: a spread of a million items overflows the argument stack.
    if (Array.isArray(item)) for (const child of item) stack.push(child);
    else if (isPlainObject(item)) for (const key of Object.keys(item)) stack.push(item[key]);
    else throw new ShapeError(`${at}: not a value in the codec's form (${typeof item})`);
  }
  return value as Encoded;
};

const paths = opt(arr(arr(oneOf(str(ANY), int, 'a key or an index'), 256), ANY));
const keyPath = oneOf(text, arr(text, 64), 'a key path');

const schema = obj<SnapshotSchema>({
  // null: keys out of line, each row's `key` its primary key.
  keyPath: nullable(keyPath),
  autoIncrement: bool,
  indexes: arr(obj<IndexInfo>({ name: text, keyPath, unique: bool, multiEntry: bool }), 1000),
});

const structure = obj<SnapshotFile>({
  format: literal(SNAPSHOT_FORMAT),
  version: int,
  codec: int,
  createdAt: text,
  page: obj<SnapshotFile['page']>({ url: text, title: text }),
  stores: arr(
    obj<SnapshotStore>({
      name: text,
      clientId: nullable(text),
      userId: nullable(text),
      states: arr(obj<SnapshotState>({ scope: text, key: text, value: encoded, redacted: paths }), ANY),
    }),
    ANY,
  ),
  webstorages: arr(
    obj<SnapshotWebstorage>({
      kind: literal('local', 'session', 'memory'),
      namespace: text,
      entries: arr(obj<SnapshotWebstorageEntry>({ key: text, text, redacted: paths }), ANY),
    }),
    ANY,
  ),
  databases: arr(
    obj<SnapshotDatabase>({
      name: text,
      version: int,
      provider: literal('indexeddb', 'libsql', 'memory', 'postgres', 'redis'),
      tables: arr(obj<SnapshotTable>({ name: text, schema, rows: arr(obj<SnapshotRow>({ key: encoded, value: encoded, redacted: paths }), ANY) }), ANY),
      cache: opt(arr(obj<SnapshotCacheEntry>({ key: encoded, value: encoded, expires: nullable(finite), redacted: paths }), ANY)),
      blobs: opt(
        arr(
          obj<SnapshotBlob>({ id: text, name: text, type: text, size: int, created: finite, meta: opt(encoded), data: encoded, redacted: paths }),
          ANY,
        ),
      ),
    }),
    ANY,
  ),
  bytes: (value, at, budget, depth) => {
    if (!isPlainObject(value)) throw new ShapeError(`${at}: expected an object of base64 strings by ref`);
    for (const [ref, bytes] of Object.entries(value)) text(bytes, `${at}.${ref}`, budget, depth + 1);
    return value as Record<string, string>;
  },
});

function refuse(reason: SnapshotError['reason'], message: string): never {
  throw new SnapshotError(reason, message);
}

function unique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) refuse('malformed', `${what} ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
}

function base64Length(text: string): number {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}

/** A blob node's bytes (base64) checked: base64 of exactly the node's size, else refused in words. */
export function checkBlobBytes(node: Record<string, unknown>, bytes: string, where: string): void {
  const ref = node['ref'];
  if (bytes.length % 4 !== 0 || !BASE64.test(bytes)) refuse('malformed', `the bytes of blob ${String(ref)} are not base64`);
  const size = typeof node['size'] === 'number' ? node['size'] : -1;
  if (base64Length(bytes) !== size) {
    refuse('truncated', `blob ${String(ref)} in ${where} has ${base64Length(bytes)} of its ${size} bytes: the file is truncated or damaged`);
  }
}

/** Every value of the file with where it is, for the checks that look inside values. */
function* values(file: SnapshotFile): Generator<[string, Encoded]> {
  for (const store of file.stores) for (const state of store.states) yield [`state "${state.key}" of store "${store.name}"`, state.value];
  for (const db of file.databases) {
    for (const table of db.tables) for (const row of table.rows) yield [`the row ${JSON.stringify(row.key)} of "${db.name}"/"${table.name}"`, row.value];
    for (const entry of db.cache ?? []) yield [`the cache entry ${JSON.stringify(entry.key)} of "${db.name}"`, entry.value];
    for (const blob of db.blobs ?? []) {
      yield [`blob ${blob.id} of "${db.name}"`, blob.data];
      if (blob.meta !== undefined) yield [`blob ${blob.id} of "${db.name}"`, blob.meta];
    }
  }
}

function checkValues(file: SnapshotFile): void {
  for (const [where, value] of values(file)) {
    eachTagged(value, (node) => {
      if (node['$t'] === 'truncated') refuse('malformed', `${where} is cut short (a truncated node): a snapshot holds whole values`);
      if (node['$t'] !== 'blob') return;
      const ref = node['ref'];
      const bytes = typeof ref === 'string' && Object.hasOwn(file.bytes, ref) ? file.bytes[ref]! : undefined;
      if (bytes === undefined) refuse('truncated', `${where} holds a blob whose bytes are not in the file (ref ${JSON.stringify(ref)}): the file is incomplete`);
      checkBlobBytes(node, bytes, where);
    });
  }
  for (const db of file.databases) {
    for (const blob of db.blobs ?? []) {
      const data = blob.data;
      if (!isNode(data) || data['$t'] !== 'blob' || data['size'] !== blob.size) {
        refuse('malformed', `blob ${blob.id} of "${db.name}": data must be a blob node of its size (${blob.size} bytes)`);
      }
    }
  }
}

function checkNames(file: SnapshotFile): void {
  unique(file.webstorages.map((ws) => `${ws.kind}:${ws.namespace}`), 'the webstorage namespace');
  unique(file.databases.map((db) => db.name), 'the database');
  for (const store of file.stores) unique(store.states.map((state) => JSON.stringify([state.scope, state.key])), `in store "${store.name}" the state`);
  for (const ws of file.webstorages) unique(ws.entries.map((entry) => entry.key), `in namespace "${ws.namespace}" the key`);
  for (const db of file.databases) {
    unique(db.tables.map((table) => table.name), `in database "${db.name}" the table`);
    unique((db.blobs ?? []).map((blob) => blob.id), `in database "${db.name}" the blob`);
  }
}

/** A snapshot file's object, checked; a SnapshotError says why not, in words. */
export function checkSnapshot(value: unknown): SnapshotFile {
  if (!isPlainObject(value) || value['format'] !== SNAPSHOT_FORMAT) {
    refuse('malformed', `not a Stratum snapshot: it has no format "${SNAPSHOT_FORMAT}"`);
  }
  const { version, codec } = value;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) refuse('malformed', 'the snapshot has no format version');
  if (version > SNAPSHOT_VERSION) {
    refuse('newer', `the snapshot is format version ${version}; this page's stratum reads up to ${SNAPSHOT_VERSION}: update the page's stratum package`);
  }
  if (typeof codec !== 'number' || !Number.isInteger(codec) || codec < 1) refuse('malformed', 'the snapshot has no codec version');
  if (codec > CODEC_VERSION) {
    refuse('newer', `the snapshot's values are codec version ${codec}; this page's stratum reads up to ${CODEC_VERSION}: update the page's stratum package`);
  }
  let file: SnapshotFile;
  try {
    file = structure(value, '', { nodes: ANY }, 0);
  } catch (error) {
    if (error instanceof ShapeError) refuse('malformed', `the snapshot is malformed: ${error.message}`);
    throw error;
  }
  checkNames(file);
  checkValues(file);
  return file;
}

/** A snapshot file's text, parsed and checked. */
export function parseSnapshot(text: string): SnapshotFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cut = /end of (JSON )?input|unterminated|unexpected end/i.test(message);
    refuse(cut ? 'truncated' : 'malformed', `the snapshot cannot be read: ${cut ? 'the file is truncated' : 'it is not JSON'} (${message})`);
  }
  return checkSnapshot(value);
}
