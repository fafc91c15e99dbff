/**
 * With "preserve log", the timeline keeps entries of an earlier page load. A reload of the same
 * app finds an entry's state again by name (store name + State.id). Another app picked in the
 * target picker is not the same app: its store may carry the same name (`store-1`) and its state
 * the same id, and a restore must not write the first app's value into it.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { Ready, RuntimeEvents, Snapshot } from '#protocol/messages.js';
import type { Connection, RuntimeEntry } from './connection.js';
import { DatabaseModel } from './database.js';
import { RestoreModel } from './restore.js';
import { StateModel } from './state.js';
import { StorageModel } from './storage.js';
import { TimelineModel } from './timeline.js';
import { Ui } from './ui.js';

type Listener = (payload: never) => void;
const STATE = JSON.stringify(['app', 'count']);

function runtime(session: string, name: string, url: string): RuntimeEntry {
  return { session, ready: { runtime: { id: session, name, frame: { url, top: true, title: name }, protocol: 1, version: '1' }, protocol: { runtime: 1, panel: 1 }, compatible: true, dropped: 0 } as Ready };
}

function setup() {
  const listeners = new Map<string, Listener[]>();
  const sent: [string, unknown][] = [];
  const connection = {
    target: signal<string | null>('a-1'),
    runtimes: signal<RuntimeEntry[]>([runtime('a-1', 'app A', 'https://a.test/'), runtime('a-2', 'app A', 'https://a.test/'), runtime('b-1', 'app B', 'https://b.test/')]),
    on(name: string, listener: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => {};
    },
    emit<K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) {
      for (const listener of listeners.get(name) ?? []) listener(payload as never);
    },
    request(name: string, payload: unknown) {
      sent.push([name, payload]);
      return Promise.resolve({ version: 9 });
    },
  };
  const ui = new Ui();
  const c = connection as unknown as Connection;
  const states = new StateModel(c, ui);
  const timeline = new TimelineModel(c, ui, {
    state: (store, state) => {
      const entry = states.entry(store, state);
      return entry ? { store: states.storeName(store)!, scope: entry.scope, key: entry.key } : undefined;
    },
    store: (id) => states.storeName(id),
    storage: () => undefined,
    database: () => undefined,
  });
  const restore = new RestoreModel(c, ui, timeline, states, new StorageModel(c, ui), new DatabaseModel(c, ui));
  timeline.preserve.value = true;
  const load = (session: string, value: number) => {
    connection.target.value = session;
    const snapshot: Snapshot = { at: 1, stores: [{ id: 1, name: 'store-1', scopes: [{ name: 'app', states: [{ id: STATE, key: 'count', scope: 'app', version: 0, value, redacted: [] }] }] }], webstorages: [], databases: [], reports: [], trace: false };
    states.applySnapshot(snapshot.stores);
    timeline.snapshot(snapshot);
  };
  load('a-1', 0);
  connection.emit('stateChanged', { store: 1, state: STATE, value: 10, versions: { from: 1, to: 1 }, changes: 1, at: 2, redacted: [] });
  const entry = timeline.entries.find((candidate) => candidate.held?.[0]?.value === 10)!;
  return { ui, restore, load, entry, sent };
}

describe('RestoreModel: an entry of an earlier page load', () => {
  it('still restores into the same app after a reload', async () => {
    const { restore, load, entry, sent } = setup();
    load('a-2', 0);
    expect(await restore.restore(entry, entry.held![0]!)).toBe(true);
    expect(sent.map(([name]) => name)).toEqual(['edit']);
  });

  it('refuses, in words, to write another app\'s value into a state that only shares its store name and id', async () => {
    const { ui, restore, load, entry, sent } = setup();
    load('b-1', 0);
    expect(await restore.restore(entry, entry.held![0]!)).toBe(false);
    expect(sent).toEqual([]);
    expect(ui.toast.peek()?.text).toMatch(/app A/);
  });
});
