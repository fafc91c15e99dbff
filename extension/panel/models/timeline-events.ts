/**
 * Every runtime event as one timeline line: which stratum, a title naming the thing that
 * changed (store › key, namespace › key, database › table), the label of the change, how many
 * changes it stands for (the "×N" of coalescing) and the call-site frames when tracing.
 */
import type { Encoded } from '../../../runtime/codec/types.js';
import type { EventName, RuntimeEvents } from '../../../runtime/protocol/messages.js';
import { preview, summary } from '../lib/encoded.js';

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
}

/** Names the models know, so a line reads `app › user`, not `3 › $x:1`. */
export interface Names {
  state(store: number, state: string): { store: string; key: string } | undefined;
  storage(id: number): string | undefined;
  database(id: number): string | undefined;
}

export type Line = Omit<TimelineEntry, 'id'>;

const STRATUM_OF = { store: 'state', webstorage: 'storage', database: 'database' } as const;

function keys(list: Encoded[], total: number): string {
  const shown = list.slice(0, 5).map(preview).join(', ');
  return total > 5 ? `${shown}, … (${total} rows)` : shown;
}

export function describe<K extends EventName>(event: K, payload: RuntimeEvents[K], names: Names, now: number): Line | undefined {
  const base = { event, changes: 1 };
  switch (event) {
    case 'stateAdded': {
      const { store, state } = payload as RuntimeEvents['stateAdded'];
      return { ...base, at: now, stratum: 'state', title: `${names.state(store, state.id)?.store ?? `store ${store}`} › ${state.scope} › ${state.key}`, label: 'created', detail: `v${state.version}: ${summary(state.value)}` };
    }
    case 'stateChanged': {
      const delta = payload as RuntimeEvents['stateChanged'];
      const name = names.state(delta.store, delta.state);
      const line: Line = { ...base, at: delta.at, stratum: 'state', title: `${name?.store ?? `store ${delta.store}`} › ${name?.key ?? delta.state}`, changes: delta.changes, detail: `v${delta.versions.from}${delta.versions.to === delta.versions.from ? '' : `…v${delta.versions.to}`}: ${summary(delta.value)}` };
      return withExtras(line, delta.label, delta.stack);
    }
    case 'stateRemoved': {
      const { store, state, version } = payload as RuntimeEvents['stateRemoved'];
      const name = names.state(store, state);
      return { ...base, at: now, stratum: 'state', title: `${name?.store ?? `store ${store}`} › ${name?.key ?? state}`, label: 'deleted', detail: `at v${version}` };
    }
    case 'webstorageChanged': {
      const delta = payload as RuntimeEvents['webstorageChanged'];
      const where = names.storage(delta.storage) ?? `webstorage ${delta.storage}`;
      const what = delta.key === null ? 'cleared' : delta.value === undefined ? 'removed' : summary(delta.value);
      const line: Line = { ...base, at: delta.at, stratum: 'storage', title: `${where} › ${delta.key ?? '*'}`, changes: delta.changes, detail: delta.error ? `${what} (${delta.error})` : what, origin: delta.origin };
      return withExtras(line, delta.label, delta.stack);
    }
    case 'dbChanged': {
      const delta = payload as RuntimeEvents['dbChanged'];
      const line: Line = { ...base, at: delta.at, stratum: 'database', title: `${names.database(delta.database) ?? `database ${delta.database}`} › ${delta.table}`, changes: delta.changes, detail: `${delta.change}${delta.keys.length > 0 ? ` ${keys(delta.keys, delta.changes)}` : ''}`, origin: delta.origin };
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
      const states = snapshot.stores.reduce((sum, store) => sum + store.scopes.reduce((n, scope) => n + scope.states.length, 0), 0);
      return { ...base, at: snapshot.at || now, stratum: 'runtime', title: 'snapshot', detail: `${states} states, ${snapshot.webstorages.length} webstorages, ${snapshot.databases.length} databases` };
    }
    default:
      return undefined;
  }
}

function withExtras(line: Line, label: string | undefined, stack: string[] | undefined): Line {
  if (label !== undefined) line.label = label;
  if (stack !== undefined && stack.length > 0) line.stack = stack;
  return line;
}
