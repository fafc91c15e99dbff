/**
 * Every runtime event as one timeline line: which stratum, a title naming the thing that
 * changed (store › key, namespace › key, database › table), the label of the change, how many
 * changes it stands for (the "×N" of coalescing), the call-site frames when tracing, and the
 * values it holds (what a restore can put back: a state's or a key's value as the delta carried
 * it; a row's value once the timeline has read it, see timeline-rows.ts).
 */
import type { Encoded, Path } from '#codec/types.js';
import type { EventName, Hash, RuntimeEvents } from '#protocol/messages.js';
import { preview, summary } from '../lib/encoded.js';
import { plural } from '../lib/format.js';

export type Stratum = 'state' | 'storage' | 'database' | 'runtime';
export const STRATA: Stratum[] = ['state', 'storage', 'database', 'runtime'];

export interface TimelineEntry {
  id: number;
  at: number;
  stratum: Stratum;
  event: EventName;
  title: string;
  label?: string;
  changes: number;
  detail: string;
  origin?: 'local' | 'remote';
  stack?: string[];
  /** The values this change left (one per state or key; one per row a database change names). */
  held?: Held[];
  /** A database change that emptied a table: every row of it is gone. */
  clears?: { database: string; table: string };
  /** Which page load recorded it (1, 2, … with "preserve log"); earlier loads are marked. */
  load: number;
  /** A "page reloaded" line, not an event. */
  divider?: boolean;
}

/**
 * What a held value belongs to. Ids are the page's registry ids of the load that recorded it;
 * names (store, `kind:namespace`, database) find the same thing again after a reload.
 */
export type Subject =
  | { kind: 'state'; store: number; storeName: string; state: string; key: string }
  | { kind: 'webstorage'; storage: number; name: string; key: string }
  | { kind: 'row'; database: number; databaseName: string; table: string; key: Encoded };

export interface Held {
  subject: Subject;
  /** The value after the change; absent when gone, or while (or because) a row was not read. */
  value?: Encoded;
  /** The hash of that value (keys and rows): what a later restore of an older value is based on. */
  hash?: Hash;
  redacted?: Path[];
  /** The change removed it (a removed key, a deleted row). */
  gone?: boolean;
  /** Why the value is not known, when it is not (a row not read, a key that could not be decoded). */
  unknown?: string;
}

/** Names the models know, so a line reads `app › user`, not `3 › $x:1`. */
export interface Names {
  state(store: number, state: string): { store: string; scope: string; key: string } | undefined;
  store(id: number): string | undefined;
  storage(id: number): string | undefined;
  database(id: number): string | undefined;
}

export type Line = Omit<TimelineEntry, 'id' | 'load'>;

const STRATUM_OF = { store: 'state', webstorage: 'storage', database: 'database' } as const;

/** Each event as a user says it: the protocol's names (`stateChanged`) stay in data-event and exports. */
export const EVENT_WORDS: Partial<Record<EventName, string>> = {
  stateAdded: 'state created',
  stateChanged: 'state changed',
  stateRemoved: 'state deleted',
  webstorageChanged: 'storage changed',
  dbChanged: 'rows changed',
  registered: 'registered',
  unregistered: 'garbage-collected',
  report: 'report',
  snapshot: 'snapshot',
};

export function eventWords(event: EventName): string {
  return EVENT_WORDS[event] ?? event;
}

function keys(list: Encoded[], total: number): string {
  const shown = list.slice(0, 5).map(preview).join(', ');
  return total > 5 ? `${shown}, … (${plural(total, 'row')})` : shown;
}

/** Rows of one database change the timeline reads to learn their values; a bigger change is only listed. */
export const MAX_ROW_READS = 10;

function rowsHeld(delta: RuntimeEvents['dbChanged'], databaseName: string): Held[] {
  const subject = (key: Encoded): Subject => ({ kind: 'row', database: delta.database, databaseName, table: delta.table, key });
  if (delta.change === 'delete') return delta.keys.map((key) => ({ subject: subject(key), gone: true }));
  const read = delta.keys.length <= MAX_ROW_READS && delta.changes <= MAX_ROW_READS;
  const unknown = `not read: this change wrote ${plural(delta.changes, 'row')}, and the timeline reads the rows of changes of at most ${MAX_ROW_READS}`;
  return delta.keys.map((key) => (read ? { subject: subject(key) } : { subject: subject(key), unknown }));
}

export function describe<K extends EventName>(event: K, payload: RuntimeEvents[K], names: Names, now: number): Line | undefined {
  const base = { event, changes: 1 };
  switch (event) {
    case 'stateAdded': {
      const { store, state } = payload as RuntimeEvents['stateAdded'];
      const storeName = names.store(store) ?? `store ${store}`;
      const held: Held = { subject: { kind: 'state', store, storeName, state: state.id, key: state.key }, value: state.value, redacted: state.redacted };
      return { ...base, at: now, stratum: 'state', title: `${storeName} › ${state.scope} › ${state.key}`, label: 'created', detail: `v${state.version}: ${summary(state.value)}`, held: [held] };
    }
    case 'stateChanged': {
      const delta = payload as RuntimeEvents['stateChanged'];
      const name = names.state(delta.store, delta.state);
      const storeName = name?.store ?? names.store(delta.store) ?? `store ${delta.store}`;
      const held: Held = { subject: { kind: 'state', store: delta.store, storeName, state: delta.state, key: name?.key ?? delta.state }, value: delta.value, redacted: delta.redacted };
      const line: Line = { ...base, at: delta.at, stratum: 'state', title: `${storeName} › ${name?.key ?? delta.state}`, changes: delta.changes, detail: `v${delta.versions.from}${delta.versions.to === delta.versions.from ? '' : `…v${delta.versions.to}`}: ${summary(delta.value)}`, held: [held] };
      return withExtras(line, delta.label, delta.stack);
    }
    case 'stateRemoved': {
      const { store, state, version } = payload as RuntimeEvents['stateRemoved'];
      const name = names.state(store, state) ?? { store: names.store(store) ?? `store ${store}`, ...scopeAndKey(state) };
      // Like "created": the scope says which of the states with this key went.
      return { ...base, at: now, stratum: 'state', title: `${name.store} › ${name.scope} › ${name.key}`, label: 'deleted', detail: `at v${version}` };
    }
    case 'webstorageChanged': {
      const delta = payload as RuntimeEvents['webstorageChanged'];
      const where = names.storage(delta.storage) ?? `webstorage ${delta.storage}`;
      const what = delta.key === null ? 'cleared' : delta.value === undefined ? 'removed' : summary(delta.value);
      const line: Line = { ...base, at: delta.at, stratum: 'storage', title: `${where} › ${delta.key ?? '*'}`, changes: delta.changes, detail: delta.error ? `${what} (${delta.error})` : what, origin: delta.origin };
      if (delta.key !== null) {
        const held: Held = { subject: { kind: 'webstorage', storage: delta.storage, name: where, key: delta.key } };
        if (delta.value === undefined) held.gone = true;
        else if (delta.error !== undefined) held.unknown = `the stored text could not be decoded (${delta.error})`;
        else {
          held.value = delta.value;
          held.redacted = delta.redacted;
          if (delta.hash !== undefined) held.hash = delta.hash;
        }
        line.held = [held];
      }
      return withExtras(line, delta.label, delta.stack);
    }
    case 'dbChanged': {
      const delta = payload as RuntimeEvents['dbChanged'];
      const databaseName = names.database(delta.database) ?? `database ${delta.database}`;
      const line: Line = { ...base, at: delta.at, stratum: 'database', title: `${databaseName} › ${delta.table}`, changes: delta.changes, detail: `${delta.change}${delta.keys.length > 0 ? ` ${keys(delta.keys, delta.changes)}` : ''}`, origin: delta.origin };
      if (delta.change === 'clear') line.clears = { database: databaseName, table: delta.table };
      else line.held = rowsHeld(delta, databaseName);
      return withExtras(line, delta.label, delta.stack);
    }
    case 'registered': {
      const message = payload as RuntimeEvents['registered'];
      const name = message.kind === 'store' ? message.store.name : message.kind === 'webstorage' ? `${message.webstorage.kind}:${message.webstorage.namespace}` : message.database.name;
      return { ...base, at: now, stratum: STRATUM_OF[message.kind], title: `${message.kind} ${name}`, label: 'registered', detail: '' };
    }
    case 'unregistered': {
      const { kind, id } = payload as RuntimeEvents['unregistered'];
      return { ...base, at: now, stratum: STRATUM_OF[kind], title: `${kind} ${id}`, label: 'garbage-collected', detail: '' };
    }
    case 'report': {
      const report = payload as RuntimeEvents['report'];
      return { ...base, at: report.at, stratum: STRATUM_OF[report.kind], title: `${report.kind} ${report.id}`, label: report.type, detail: report.message };
    }
    case 'snapshot': {
      const snapshot = payload as RuntimeEvents['snapshot'];
      const states = snapshot.stores.reduce((sum, store) => sum + store.scopes.reduce((n, scope) => n + (scope.columns?.ids.length ?? scope.states.length), 0), 0);
      return { ...base, at: snapshot.at || now, stratum: 'runtime', title: 'snapshot', detail: `${plural(states, 'state')}, ${plural(snapshot.webstorages.length, 'webstorage')}, ${plural(snapshot.databases.length, 'database')}` };
    }
    default:
      return undefined;
  }
}

/** A state id is `JSON.stringify([scope, key])` (runtime/store/scopes.ts); anything else is shown whole. */
function scopeAndKey(id: string): { scope: string; key: string } {
  try {
    const parsed: unknown = JSON.parse(id);
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return { scope: parsed[0], key: parsed[1] };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return { scope: '?', key: id };
}

function withExtras(line: Line, label: string | undefined, stack: string[] | undefined): Line {
  if (label !== undefined) line.label = label;
  if (stack !== undefined && stack.length > 0) line.stack = stack;
  return line;
}
