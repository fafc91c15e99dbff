/**
 * endState(file): what a test asserts about a snapshot, keyed so a reader can find each entry —
 * states, webstorage keys, rows, cache entries, and blobs by content hash. Blob nodes inside
 * values name their bytes by content hash too, so two files of the same data give equal objects
 * (a file's own `ref`s are arbitrary). The tab's own client and user scopes read `$client`/`$user`.
 */
import type { Encoded } from '../codec/index.js';
import { isNode, isTagged, literalField, type Tagged } from '../codec/encoded.js';
import { entries } from './diff.js';
import type { SnapshotFile } from './format.js';
import { contentHash } from './recording.js';

export interface EndState {
  /** `store/scope/key` → the encoded value. */
  states: Record<string, Encoded>;
  /** `kind/namespace/key` → the stored value, encoded. */
  keys: Record<string, Encoded>;
  /** `database/table/key` → the encoded row. */
  rows: Record<string, Encoded>;
  /** `database/key` → { value, expires }. */
  cache: Record<string, Encoded>;
  /** `database/id` → the blob's metadata with `data` its content hash. */
  blobs: Record<string, Encoded>;
}

/**
 * `value` with every blob node's `ref` replaced by the content hash of its bytes in `file`.
 * `record`: a record with literal keys (an object node's `v`, an error's `fields`), where
 * `{ $t: 'blob', ref }` is the app's data and its `ref` stays as written.
 */
function hashed(value: Encoded, file: SnapshotFile, record = false): Encoded {
  if (Array.isArray(value)) return value.map((item) => hashed(item, file));
  if (!isNode(value)) return value;
  const tagged = !record && isTagged(value);
  const out: Record<string, Encoded> = {};
  for (const [key, item] of Object.entries(value)) out[key] = hashed(item, file, tagged && literalField(value as Tagged, key));
  if (tagged && value['$t'] === 'blob' && typeof value['ref'] === 'string') {
    const bytes = file.bytes[value['ref']];
    out['ref'] = bytes === undefined ? null : contentHash(bytes);
  }
  return out;
}

const SECTIONS = { state: 'states', webstorage: 'keys', row: 'rows', cache: 'cache', blob: 'blobs' } as const;

export function endState(file: SnapshotFile): EndState {
  const out: EndState = { states: {}, keys: {}, rows: {}, cache: {}, blobs: {} };
  for (const { path, value } of entries(file).values()) {
    const stratum = path[0] as keyof typeof SECTIONS | 'database';
    if (stratum === 'database') continue;
    out[SECTIONS[stratum]][path.slice(1).join('/')] = hashed(value, file);
  }
  return out;
}
