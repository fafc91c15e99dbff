/**
 * The recording file: a snapshot at the start, every labelled change after it across all strata,
 * and a snapshot at the end (what a replay must arrive at), as one JSON document.
 *
 *   { format: 'stratum-recording', version: 1, codec, createdAt, page, budget, stopped,
 *     start: <snapshot file>, changes: [...], end: <snapshot file>, bytes: { <content hash>: base64 } }
 *
 * A change holds the whole value its entry had after it (a state's value, a key's stored text, a
 * row read after its transaction committed), never a patch: applied in order from the start, the
 * changes arrive at the end whatever the app's own listeners do meanwhile. Blob bytes met in
 * changes are stored once per content (`bytes`, by hash); a blob node's `ref` is that hash.
 */
import { CODEC_VERSION, type Encoded, type Path } from '../codec/index.js';
import { eachTagged } from '../codec/encoded.js';
import { arr, finite, int, isPlainObject, literal, nullable, obj, oneOf, opt, ShapeError, str, tagged, type Check } from '../protocol/shape.js';
import { SnapshotError, type SnapshotFile } from './format.js';
import { checkBlobBytes, checkSnapshot } from './validate.js';

export const RECORDING_FORMAT = 'stratum-recording';
/** Bumped when a field changes meaning; an older runtime refuses a newer recording in words. */
export const RECORDING_VERSION = 1;
/** Default byte budget of a recording's changes (their JSON and their blobs' base64). */
export const DEFAULT_RECORDING_BUDGET = 16 * 1024 * 1024;

interface ChangeBase {
  /** Milliseconds since the recording started. */
  at: number;
  /** The change's label as the timeline shows it (`set`, `put`, the app's own label, …). */
  label: string;
  /** Call-site frames (`fn (url:line:col)`), when traces were on. */
  stack?: string[];
}

export interface StateChange extends ChangeBase {
  kind: 'state';
  store: string;
  /** The resolved scope, with the recording tab's own client and user read `$client` and `$user`. */
  scope: string;
  key: string;
  value: Encoded;
  /** Parts configureDevtools({ redact }) hid (cut to `[redacted]`): a replay leaves this state as the page holds it. */
  redacted?: Path[];
}

export interface WebstorageChange extends ChangeBase {
  kind: 'webstorage';
  storage: 'local' | 'session' | 'memory';
  namespace: string;
  /** null: the namespace was cleared. */
  key: string | null;
  /** The stored text after the change; absent when the key was removed. */
  text?: string;
  /** Parts redact() hid in the text: a replay leaves this key as the page holds it. */
  redacted?: Path[];
}

export type DbOperation =
  | { table: string; op: 'put'; rows: { key: Encoded; value: Encoded; redacted?: Path[] }[] }
  | { table: string; op: 'delete'; keys: Encoded[] }
  | { table: string; op: 'clear' };

export interface DbChange extends ChangeBase {
  kind: 'db';
  database: string;
  origin: 'local' | 'remote';
  /** What one committed transaction changed, in order (Stratum's `$cache`, `$blobs`, `$blobdata` included). */
  ops: DbOperation[];
}

export type RecordedChange = StateChange | WebstorageChange | DbChange;

export interface RecordingFile {
  format: typeof RECORDING_FORMAT;
  version: number;
  codec: number;
  createdAt: string;
  page: { url: string; title: string };
  /** The byte budget it was recorded under. */
  budget: number;
  /** `user`: stopped by hand; `budget`: stopped at the byte budget, the end taken at that moment. */
  stopped: 'user' | 'budget';
  start: SnapshotFile;
  changes: RecordedChange[];
  end: SnapshotFile;
  /** base64 of every blob met in `changes`, by content hash. */
  bytes: Record<string, string>;
}

/** FNV-1a 64 of a blob's base64 text: names its content (not a cryptographic hash). */
export function contentHash(base64: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < base64.length; i++) {
    hash ^= BigInt(base64.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `fnv1a64:${hash.toString(16).padStart(16, '0')}`;
}

const ANY = Number.MAX_SAFE_INTEGER;
const text = str(ANY);
const value: Check<Encoded> = (item, at) => {
  // The snapshot checker walks values fully; a change's value is checked the same way below.
  if (item === undefined) throw new ShapeError(`${at}: missing`);
  return item as Encoded;
};
const base = { at: finite, label: text, stack: opt(arr(text, 256)) };
const encodedKey = value;
const paths = opt(arr(arr(oneOf(str(ANY), int, 'a key or an index'), 256), ANY));

const change = tagged<RecordedChange, 'kind'>('kind', {
  state: obj<StateChange>({ kind: literal('state'), store: text, scope: text, key: text, value, redacted: paths, ...base }),
  webstorage: obj<WebstorageChange>({
    kind: literal('webstorage'),
    storage: literal('local', 'session', 'memory'),
    namespace: text,
    key: nullable(text),
    text: opt(text),
    redacted: paths,
    ...base,
  }),
  db: obj<DbChange>({
    kind: literal('db'),
    database: text,
    origin: literal('local', 'remote'),
    ops: arr(
      tagged<DbOperation, 'op'>('op', {
        put: obj({ table: text, op: literal('put'), rows: arr(obj({ key: encodedKey, value, redacted: paths }), ANY) }),
        delete: obj({ table: text, op: literal('delete'), keys: arr(encodedKey, ANY) }),
        clear: obj({ table: text, op: literal('clear') }),
      }),
      ANY,
    ),
    ...base,
  }),
});

function refuse(reason: SnapshotError['reason'], message: string): never {
  throw new SnapshotError(reason, message);
}

/** The values of a change, for the checks inside values. */
function changeValues(item: RecordedChange): Encoded[] {
  if (item.kind === 'state') return [item.value];
  if (item.kind === 'webstorage') return [];
  return item.ops.flatMap((op) => (op.op === 'put' ? op.rows.map((row) => row.value) : []));
}

/** A recording's object, checked; a SnapshotError says why not, in words. */
export function checkRecording(input: unknown): RecordingFile {
  if (!isPlainObject(input) || input['format'] !== RECORDING_FORMAT) refuse('malformed', `not a Stratum recording: it has no format "${RECORDING_FORMAT}"`);
  const { version, codec } = input;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) refuse('malformed', 'the recording has no format version');
  if (version > RECORDING_VERSION) {
    refuse('newer', `the recording is format version ${version}; this stratum reads up to ${RECORDING_VERSION}: update the stratum package`);
  }
  if (typeof codec !== 'number' || !Number.isInteger(codec) || codec > CODEC_VERSION) {
    refuse('newer', `the recording's values are codec version ${String(codec)}; this stratum reads up to ${CODEC_VERSION}: update the stratum package`);
  }
  const start = wrap('the starting snapshot', () => checkSnapshot(input['start']));
  const end = wrap('the end snapshot', () => checkSnapshot(input['end']));
  let file: RecordingFile;
  try {
    file = obj<RecordingFile>({
      format: literal(RECORDING_FORMAT),
      version: int,
      codec: int,
      createdAt: text,
      page: obj({ url: text, title: text }),
      budget: int,
      stopped: literal('user', 'budget'),
      start: () => start,
      changes: arr(change, ANY),
      end: () => end,
      bytes: (item, at) => {
        if (!isPlainObject(item)) throw new ShapeError(`${at}: expected base64 strings by content hash`);
        for (const [hash, bytes] of Object.entries(item)) if (typeof bytes !== 'string') throw new ShapeError(`${at}.${hash}: expected base64`);
        return item as Record<string, string>;
      },
    })(input, '', { nodes: ANY }, 0);
  } catch (error) {
    if (error instanceof ShapeError) refuse('malformed', `the recording is malformed: ${error.message}`);
    throw error;
  }
  file.changes.forEach((item, i) => {
    for (const encoded of changeValues(item)) {
      eachTagged(encoded, (node) => {
        if (node['$t'] === 'truncated') refuse('malformed', `change ${i + 1} holds a value cut short`);
        if (node['$t'] !== 'blob') return;
        const ref = node['ref'];
        if (typeof ref !== 'string' || !Object.hasOwn(file.bytes, ref)) refuse('truncated', `change ${i + 1} holds a blob whose bytes are not in the recording (${String(ref)}): the file is incomplete`);
        // Checked here as a snapshot's are: bytes that are not base64 or not the blob's size would fail half-way through a replay.
        checkBlobBytes(node, file.bytes[ref]!, `change ${i + 1}`);
      });
    }
  });
  return file;
}

function wrap<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SnapshotError) refuse(error.reason, `${what} of the recording: ${error.message}`);
    throw error;
  }
}

/** A recording's text, parsed and checked; a cut-off text is refused as truncated. */
export function parseRecording(source: string): RecordingFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cut = /end of (JSON )?input|unterminated|unexpected end/i.test(message);
    refuse(cut ? 'truncated' : 'malformed', `the recording cannot be read: ${cut ? 'the file is truncated' : 'it is not JSON'} (${message})`);
  }
  return checkRecording(parsed);
}
