/**
 * One validator per direction. Both are strict (every field known, every type checked) and
 * bounded (LIMITS), and never throw: a message from another realm is either returned typed or
 * refused with a reason the receiver counts.
 */
import {
  ANY_SESSION,
  Command,
  Event,
  LIMITS,
  MAX_BLOB_CHUNK,
  MAX_DELTA_KEYS,
  MAX_SNAPSHOT_CHUNK,
  MAX_TRACE_FRAMES,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type CommandMessage,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type ContentEnvelope,
  type EventMessage,
  type EventName,
  type Response,
  type RuntimeEnvelope,
  type RuntimeEvents,
} from './messages.js';
import * as power from './power-schemas.js';
import * as s from './schemas.js';
import { budgetRequest, budgetResult, persistResult, simulateRequest, simulateResult } from './simulate.js';
import { arr, bool, finite, id, int, isPlainObject, literal, nullable, obj, oneOf, opt, ShapeError, str, tagged, type Check } from './shape.js';

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

const empty = obj<Record<string, never>>({});
const base64 = str(Math.ceil(MAX_BLOB_CHUNK / 3) * 4);
/** Issue 23: a recording's status. */
const recordStatus = obj({ recording: bool, changes: int, bytes: int, budget: int, stopped: nullable(literal('budget')) });
const delta = { changes: int, label: opt(s.text), at: finite, stack: opt(arr(s.text, MAX_TRACE_FRAMES)) };

const requests: { [K in CommandName]: Check<CommandRequest<K>> } = {
  hello: obj({ protocol: int, client: id, trace: opt(bool) }),
  stop: obj({ client: id }),
  snapshot: obj({ previews: opt(bool), columns: opt(bool) }),
  trace: obj({ enabled: bool }),
  stateSet: obj({ store: int, state: s.text, value: s.encoded, baseVersion: int, label: opt(s.text) }),
  edit: obj({
    target: s.valueRef,
    baseVersion: opt(oneOf(int, s.hash, 'a version or a hash')),
    path: s.path,
    op: literal('set', 'delete', 'insert', 'rename'),
    value: opt(s.encoded),
    to: opt(str()),
    label: opt(s.text),
  }),
  webstorageSet: obj({ storage: int, key: str(), value: s.encoded, baseVersion: nullable(s.hash), label: opt(s.text) }),
  webstorageRemove: obj({ storage: int, key: str(), baseVersion: s.hash, label: opt(s.text) }),
  webstorageClear: obj({ storage: int }),
  dbQuery: obj({
    database: int,
    table: s.text,
    index: opt(s.text),
    range: opt(s.range),
    offset: opt(int),
    limit: opt(int),
    direction: opt(literal('next', 'prev')),
  }),
  dbPut: obj({ database: int, table: s.text, value: s.encoded, baseVersion: nullable(s.hash), key: opt(s.encoded), label: opt(s.text) }),
  dbAdd: obj({ database: int, table: s.text, value: s.encoded }),
  dbDelete: obj({ database: int, table: s.text, key: s.encoded, baseVersion: s.hash, label: opt(s.text) }),
  dbClear: obj({ database: int, table: s.text }),
  dbDeleteDatabase: obj({ database: int }),
  cacheList: obj({ database: int, offset: opt(int), limit: opt(int) }),
  cacheSet: obj({ database: int, key: s.encoded, value: s.encoded, ttl: opt(int), baseVersion: opt(nullable(s.hash)) }),
  cacheDelete: obj({ database: int, key: s.encoded, baseVersion: opt(s.hash) }),
  cachePrune: obj({ database: int }),
  blobList: obj({ database: int, offset: opt(int), limit: opt(int) }),
  blobRead: obj({ database: int, id: s.text, offset: int, length: int }),
  blobPutStart: obj({ database: int, size: int, type: s.text, name: opt(s.text), replace: opt(s.text) }),
  blobPutChunk: obj({ upload: id, offset: int, bytes: base64 }),
  blobPutEnd: obj({ upload: id }),
  blobPutAbort: obj({ upload: id }),
  blobDelete: obj({ database: int, id: s.text }),
  snapshotExport: empty,
  snapshotRead: obj({ transfer: id, offset: int, length: int }),
  snapshotWrite: obj({ transfer: nullable(id), offset: int, text: str(MAX_SNAPSHOT_CHUNK), size: int }),
  snapshotPreview: obj({ transfer: id, strict: opt(bool) }),
  snapshotImport: obj({ transfer: id, strict: opt(bool) }),
  snapshotDiscard: obj({ transfer: id }),
  recordStart: obj({ budget: opt(int), trace: opt(bool) }),
  recordStatus: empty,
  recordStop: empty,
  replayApply: obj({ transfer: id, from: int, to: int }),
  rehearseUpgrade: obj({ transfer: id, database: opt(s.text) }),
  expand: obj({ target: s.valueRef, path: s.path, offset: opt(int), limit: opt(int) }),
  storeAsGlobal: obj({ target: s.valueRef, path: s.path }),
  pageFacts: empty,
  simulate: simulateRequest,
  storageBudget: budgetRequest,
  storagePersist: empty,
  originStores: empty,
  resolveFrames: obj({ frames: arr(s.text, MAX_TRACE_FRAMES) }),
  search: power.searchRequest,
  dbConsole: power.consoleQuery,
  dbSql: power.sqlRequest,
  dbWrite: power.writeRequest,
};

const results: { [K in CommandName]: Check<CommandResult<K>> } = {
  hello: s.ready,
  stop: obj({ clients: int }),
  snapshot: s.snapshot,
  trace: obj({ enabled: bool }),
  stateSet: obj({ version: int }),
  edit: obj({ version: oneOf(int, s.hash, 'a version or a hash') }),
  webstorageSet: obj({ hash: s.hash }),
  webstorageRemove: obj({ removed: bool }),
  webstorageClear: obj({ removed: int }),
  dbQuery: s.rowPage,
  dbPut: obj({ key: s.encoded, hash: s.hash }),
  dbAdd: obj({ key: s.encoded, hash: s.hash }),
  dbDelete: obj({ deleted: bool }),
  dbClear: obj({ cleared: literal(true) }),
  dbDeleteDatabase: obj({ deleted: literal(true) }),
  cacheList: s.cacheListing,
  cacheSet: obj({ hash: s.hash }),
  cacheDelete: obj({ deleted: literal(true) }),
  cachePrune: obj({ removed: int }),
  blobList: s.blobListing,
  blobRead: s.blobChunk,
  blobPutStart: obj({ upload: id }),
  blobPutChunk: obj({ received: int }),
  blobPutEnd: obj({ id: s.text }),
  blobPutAbort: obj({ aborted: bool }),
  blobDelete: obj({ deleted: literal(true) }),
  snapshotExport: obj({ transfer: id, size: int }),
  snapshotRead: obj({ offset: int, text: str(MAX_SNAPSHOT_CHUNK), size: int }),
  snapshotWrite: obj({ transfer: id, received: int }),
  snapshotPreview: s.snapshotSummary,
  snapshotImport: s.snapshotSummary,
  snapshotDiscard: obj({ discarded: bool }),
  recordStart: recordStatus,
  recordStatus,
  recordStop: obj({ transfer: id, size: int, changes: int, stopped: literal('user', 'budget') }),
  replayApply: obj({ position: int, total: int, skipped: int }),
  rehearseUpgrade: obj({ transfer: id, size: int }),
  expand: obj({ value: s.encoded, redacted: arr(s.path, 100_000), offset: opt(int), total: opt(int), version: opt(int) }),
  storeAsGlobal: obj({ name: literal('$stratum') }),
  pageFacts: s.pageFacts,
  simulate: simulateResult,
  storageBudget: budgetResult,
  storagePersist: persistResult,
  originStores: s.originStores,
  resolveFrames: obj({ frames: arr(nullable(obj({ fn: s.text, url: s.text, line: int, column: int })), MAX_TRACE_FRAMES) }),
  search: power.searchResult,
  dbConsole: power.consoleResult,
  dbSql: power.sqlResult,
  dbWrite: power.writeResult,
};

const responses = new Map<string, { ok: Check<unknown>; failed: Check<unknown> }>(
  (Object.keys(results) as CommandName[]).map((command) => [
    command,
    {
      ok: obj({ id, command: literal(command), ok: literal(true), result: results[command] as Check<unknown> }),
      failed: obj({ id, command: literal(command), ok: literal(false), error: s.protocolError }),
    },
  ]),
);

/** A response is checked against the result type of the command it names. */
const response: Check<Response> = (value, at, budget, depth) => {
  const command = isPlainObject(value) ? value['command'] : undefined;
  const checks = typeof command === 'string' ? responses.get(command) : undefined;
  if (!checks || !isPlainObject(value)) throw new ShapeError(`${at}.command: not a command name`);
  return (value['ok'] === true ? checks.ok : checks.failed)(value, at, budget, depth) as Response;
};

const events: { [K in EventName]: Check<RuntimeEvents[K]> } = {
  announce: obj<Record<string, never>>({}),
  snapshot: s.snapshot,
  stateAdded: obj({ store: int, state: s.stateInfo }),
  stateChanged: obj({
    ...delta,
    store: int,
    state: s.text,
    value: s.encoded,
    versions: obj({ from: int, to: int }),
    redacted: arr(s.path, 100_000),
  }),
  stateRemoved: obj({ store: int, state: s.text, version: int }),
  webstorageChanged: obj({
    ...delta,
    storage: int,
    key: nullable(str()),
    value: opt(s.encoded),
    hash: opt(s.hash),
    size: opt(int),
    origin: literal('local', 'remote'),
    redacted: arr(s.path, 100_000),
    error: opt(s.text),
  }),
  dbChanged: obj({
    ...delta,
    database: int,
    table: s.text,
    change: literal('put', 'delete', 'clear'),
    keys: arr(s.encoded, MAX_DELTA_KEYS),
    origin: literal('local', 'remote'),
  }),
  registered: tagged<RuntimeEvents['registered'], 'kind'>('kind', {
    store: obj({ kind: literal('store'), store: s.storeInfo }),
    webstorage: obj({ kind: literal('webstorage'), webstorage: s.webstorageInfo }),
    database: obj({ kind: literal('database'), database: s.databaseInfo }),
  }),
  unregistered: obj({ kind: literal('store', 'webstorage', 'database'), id: int }),
  report: s.reportInfo,
  response,
};

const eventMessage: Check<EventMessage> = (value, at, budget, depth) => {
  const name = isPlainObject(value) ? value['event'] : undefined;
  if (typeof name !== 'string' || !Object.hasOwn(events, name)) throw new ShapeError(`${at}.event: not an event name`);
  const payload = events[name as EventName] as Check<unknown>;
  return obj({ event: literal(name), payload })(value, at, budget, depth) as EventMessage;
};

const commandMessage: Check<CommandMessage> = (value, at, budget, depth) => {
  const name = isPlainObject(value) ? value['command'] : undefined;
  if (typeof name !== 'string' || !Object.hasOwn(requests, name)) {
    throw new ShapeError(`${at}.command: not a command name`);
  }
  const payload = requests[name as CommandName] as Check<unknown>;
  return obj({ command: literal(name), id, payload })(value, at, budget, depth) as CommandMessage;
};

/** The messages two ends of different protocol versions may still exchange. */
function isFrozen(message: EventMessage | CommandMessage): boolean {
  if ('command' in message) return message.command === Command.hello;
  if (message.event === Event.announce) return true;
  return message.event === Event.response && message.payload.command === Command.hello;
}

function envelope<Source extends string, M extends EventMessage | CommandMessage>(
  source: Source,
  message: Check<M>,
  data: unknown,
): Validated<{ source: Source; v: number; session: string; seq: number; batch: M[] }> {
  try {
    const budget = { nodes: LIMITS.nodes };
    const value = obj({ source: literal(source), v: int, session: id, seq: int, batch: arr(message, LIMITS.batch) })(
      data,
      '',
      budget,
      0,
    );
    if (value.v !== PROTOCOL_VERSION && !value.batch.every(isFrozen)) {
      return { ok: false, reason: `protocol ${value.v} is not ${PROTOCOL_VERSION}, and only hello may cross versions` };
    }
    return { ok: true, value: value as { source: Source; v: number; session: string; seq: number; batch: M[] } };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * Checks one command before it leaves: a panel (or the test kit) that builds a malformed one
 * hears why at once, instead of waiting for the timeout of a command every receiver drops.
 */
export function validateCommand(message: unknown): Validated<CommandMessage> {
  try {
    return { ok: true, value: commandMessage(message, 'command', { nodes: LIMITS.nodes }, 0) };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Checks what the runtime posted (the content script and the panel read it). */
export function validateRuntimeEnvelope(data: unknown): Validated<RuntimeEnvelope> {
  return envelope(SOURCE_RUNTIME, eventMessage, data);
}

/** Checks what the content script posted (the agent reads it). */
export function validateContentEnvelope(data: unknown): Validated<ContentEnvelope> {
  const checked = envelope(SOURCE_CONTENT, commandMessage, data);
  if (checked.ok && checked.value.session === ANY_SESSION) {
    if (!checked.value.batch.every((message) => message.command === Command.hello)) {
      return { ok: false, reason: `only hello may be addressed to every runtime ("${ANY_SESSION}")` };
    }
  }
  return checked;
}
