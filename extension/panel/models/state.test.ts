/**
 * The State model across snapshots: a reconnect to the same runtime keeps a state's recent
 * changes; a reload (a new runtime, its versions starting again) does not, so the history slider
 * never shows the old page's v5 as "now" beside a v0 badge.
 */
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeEvents, StoreInfo } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { estimateBytes, MEMORY } from './memory.js';
import { StateModel } from './state.js';
import { stops } from './state-history.js';
import { Ui } from './ui.js';

type Listener = (payload: never) => void;

/** The part of Connection the State model uses: a target session and event subscriptions. */
function fakeConnection() {
  const listeners = new Map<string, Listener[]>();
  const connection = {
    target: signal<string | null>('page-1'),
    on(name: string, listener: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => {};
    },
    emit<K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) {
      for (const listener of listeners.get(name) ?? []) listener(payload as never);
    },
  };
  return connection;
}

const STATE = JSON.stringify(['app', 'count']);
const snapshot = (version: number, value: number): StoreInfo[] => [
  { id: 1, name: 'app', scopes: [{ name: 'app', states: [{ id: STATE, key: 'count', scope: 'app', version, value, redacted: [] }] }] },
];
const changed = (to: number, value: number): RuntimeEvents['stateChanged'] => ({ store: 1, state: STATE, value, versions: { from: to, to }, changes: 1, at: to, redacted: [] });

function setup() {
  const connection = fakeConnection();
  const model = new StateModel(connection as unknown as Connection, new Ui());
  model.applySnapshot(snapshot(0, 0));
  for (let v = 1; v <= 5; v++) connection.emit('stateChanged', changed(v, v * 10));
  const entry = () => model.entry(1, STATE)!;
  expect(entry().history.peek()).toHaveLength(5);
  return { connection, model, entry };
}

describe('StateModel across snapshots', () => {
  it('keeps recent changes across a reconnect to the same runtime', () => {
    const { model, entry } = setup();
    model.applySnapshot(snapshot(5, 50));
    expect(entry().history.peek()).toHaveLength(5);
    expect(stops(entry().history.peek()).at(-1)!.version).toBe(5);
  });

  it('drops the old page\'s changes after a reload, so "now" is the new v0', () => {
    const { connection, model, entry } = setup();
    model.preview.value = { uid: entry().uid, version: 2 };
    connection.target.value = 'page-2';
    model.applySnapshot(snapshot(0, 0));
    expect(entry().history.peek()).toEqual([]);
    expect(entry().version.peek()).toBe(0);
    expect(model.preview.peek()).toBeNull();
    connection.emit('stateChanged', changed(1, 7));
    expect(stops(entry().history.peek()).map((stop) => stop.version)).toEqual([0, 1]);
  });

  it('drops them too when the versions went back under the same session', () => {
    const { model, entry } = setup();
    model.applySnapshot(snapshot(1, 3));
    expect(entry().history.peek()).toEqual([]);
  });
});

describe('a snapshot state sent as a preview (issue 18)', () => {
  const cut = { $t: 'truncated', type: 'object', size: 2, path: [] };
  function previewSetup(answer: { value: unknown; version: number }) {
    const connection = fakeConnection();
    const requests: unknown[] = [];
    Object.assign(connection, {
      request: (name: string, payload: unknown) => {
        requests.push([name, payload]);
        return Promise.resolve({ value: answer.value, redacted: [], version: answer.version });
      },
    });
    const model = new StateModel(connection as unknown as Connection, new Ui());
    model.applySnapshot([{ id: 1, name: 'app', scopes: [{ name: 'app', states: [{ id: STATE, key: 'count', scope: 'app', version: 3, value: cut, redacted: [], preview: true }] }] }]);
    return { model, entry: model.entry(1, STATE)!, requests };
  }

  it('is pulled whole with expand at the version the panel holds', async () => {
    const { model, entry, requests } = previewSetup({ value: { a: 1, b: 2 }, version: 3 });
    expect(entry.preview).toBe(true);
    await model.pull(entry);
    expect(requests).toEqual([['expand', { target: { kind: 'state', store: 1, state: STATE }, path: [] }]]);
    expect(entry.value.peek()).toEqual({ a: 1, b: 2 });
    expect(entry.preview).toBe(false);
  });

  it('keeps the preview when the page answered a newer version: its delta brings the value', async () => {
    const { model, entry } = previewSetup({ value: { a: 9, b: 9 }, version: 4 });
    await model.pull(entry);
    expect(entry.value.peek()).toEqual(cut);
    expect(entry.version.peek()).toBe(3);
    expect(entry.preview).toBe(true);
  });
});

describe('a snapshot whose states came as columns (issue 18, third pass)', () => {
  const cut = { $t: 'truncated', type: 'object', size: 2, path: [] };
  const USER = JSON.stringify(['app', 'user']);
  const columns = (countVersion: number): StoreInfo[] => [
    {
      id: 1,
      name: 'app',
      scopes: [
        {
          name: 'app',
          states: [],
          columns: {
            ids: [STATE, USER],
            keys: ['count', 'user'],
            versions: [countVersion, 2],
            values: [countVersion * 10, cut],
            redactedAt: [1],
            redacted: [[['password']]],
            persistedAt: [1],
            persistence: ['local'],
          },
        },
        { name: 'empty', states: [], columns: { ids: [], keys: [], versions: [], values: [], redactedAt: [], redacted: [], persistedAt: [], persistence: [] } },
      ],
    },
  ];

  it('lists the same tree, previews, redactions and persistence as StateInfo objects would', () => {
    const model = new StateModel(fakeConnection() as unknown as Connection, new Ui());
    model.applySnapshot(columns(5));
    expect(model.rows.value.map((row) => row.key)).toEqual(['store:1', 'scope:1:app', model.entry(1, STATE)!.uid, model.entry(1, USER)!.uid]);
    const count = model.entry(1, STATE)!;
    expect([count.key, count.scope, count.version.peek(), count.value.peek(), count.preview, count.redacted.peek(), count.persistence]).toEqual(['count', 'app', 5, 50, false, [], undefined]);
    const user = model.entry(1, USER)!;
    expect([user.key, user.version.peek(), user.value.peek(), user.preview, user.redacted.peek(), user.persistence]).toEqual(['user', 2, cut, true, [['password']], 'local']);
  });

  it('takes deltas after it and keeps recent changes across a reconnect', () => {
    const connection = fakeConnection();
    const model = new StateModel(connection as unknown as Connection, new Ui());
    model.applySnapshot(columns(0));
    for (let v = 1; v <= 3; v++) connection.emit('stateChanged', changed(v, v * 10));
    const entry = () => model.entry(1, STATE)!;
    expect(entry().value.peek()).toBe(30);
    model.applySnapshot(columns(3));
    expect(stops(entry().history.peek()).map((stop) => stop.version)).toEqual([0, 1, 2, 3]);
    // A stale snapshot (versions went back) drops them: a new page.
    model.applySnapshot(columns(1));
    expect(entry().history.peek()).toEqual([]);
  });
});

describe('the history byte budget across snapshots', () => {
  const saved = { ...MEMORY };
  afterEach(() => Object.assign(MEMORY, saved));
  const text = (v: number) => `${v}:`.padEnd(5_000, 'x');
  const bigChanged = (to: number): RuntimeEvents['stateChanged'] => ({ store: 1, state: STATE, value: text(to), versions: { from: to, to }, changes: 1, at: to, redacted: [] });
  const historyBytes = (changes: { before: unknown; after: unknown }[]) => changes.reduce((sum, change) => sum + estimateBytes(change.before as never) + estimateBytes(change.after as never), 0);

  it('still holds a state\'s history within the budget after a refresh kept it', () => {
    // Each step holds two 5,000-character values (about 20 kB): the budget keeps about 5.
    MEMORY.historyBytes = 100_000;
    const connection = fakeConnection();
    const model = new StateModel(connection as unknown as Connection, new Ui());
    model.applySnapshot(snapshot(0, 0));
    for (let v = 1; v <= 4; v++) connection.emit('stateChanged', bigChanged(v));
    // A refresh (same runtime): the entry is made again and keeps its recent changes.
    model.applySnapshot([{ id: 1, name: 'app', scopes: [{ name: 'app', states: [{ id: STATE, key: 'count', scope: 'app', version: 4, value: text(4), redacted: [] }] }] }]);
    for (let v = 5; v <= 20; v++) connection.emit('stateChanged', bigChanged(v));
    const history = model.entry(1, STATE)!.history.peek();
    expect(historyBytes(history)).toBeLessThanOrEqual(MEMORY.historyBytes);
    expect(history[0]!.versions.to).toBe(20);
  });

  it('stops counting the history of states that went away (their store garbage-collected)', () => {
    MEMORY.historyBytes = 100_000;
    const connection = fakeConnection();
    const model = new StateModel(connection as unknown as Connection, new Ui());
    const OTHER = JSON.stringify(['tmp', 'draft']);
    model.applySnapshot([
      ...snapshot(0, 0),
      { id: 2, name: 'scratch', scopes: [{ name: 'tmp', states: [{ id: OTHER, key: 'draft', scope: 'tmp', version: 0, value: '', redacted: [] }] }] },
    ]);
    for (let v = 1; v <= 2; v++) connection.emit('stateChanged', bigChanged(v));
    for (let v = 1; v <= 2; v++) connection.emit('stateChanged', { ...bigChanged(v), store: 2, state: OTHER });
    // The scratch store goes (its states with it): its two steps (about 40 kB) no longer count.
    connection.emit('unregistered', { kind: 'store', id: 2 });
    for (let v = 3; v <= 4; v++) connection.emit('stateChanged', bigChanged(v));
    // 4 steps of about 20 kB are within 100 kB: none of them was dropped for the gone store's.
    expect(stops(model.entry(1, STATE)!.history.peek()).map((stop) => stop.version)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('a state deleted and created again under the same id', () => {
  it('does not preview the new state\'s value at the version the old one was previewed at', () => {
    const { connection, model, entry } = setup();
    // The slider moved back to v2 of the old state.
    model.preview.value = { uid: entry().uid, version: 2 };
    connection.emit('stateRemoved', { store: 1, state: STATE, version: 5 });
    connection.emit('stateAdded', { store: 1, state: { id: STATE, key: 'count', scope: 'app', version: 0, value: 0, redacted: [] } });
    for (let v = 1; v <= 3; v++) connection.emit('stateChanged', changed(v, v));
    // The new state's v2 is not what was previewed: the value view shows the state now.
    expect(model.preview.peek()).toBeNull();
    expect(stops(entry().history.peek()).map((stop) => stop.version)).toEqual([0, 1, 2, 3]);
  });

  it('nor after a reconnect whose snapshot shows it created again (its version went back)', () => {
    const { model, entry } = setup();
    model.preview.value = { uid: entry().uid, version: 2 };
    model.applySnapshot(snapshot(3, 3));
    expect(model.preview.peek()).toBeNull();
  });
});
