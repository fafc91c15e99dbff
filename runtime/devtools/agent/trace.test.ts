/**
 * Traces: off by default and free while off; on, each delta carries the call site of its last
 * change — at most MAX_TRACE_FRAMES frames, starting at the app's own call (Stratum's frames above
 * it left out) — for states, webstorage and databases; the panel's own edits carry none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { encode } from '../../codec/index.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import type { Table } from '../../db/types.js';
import { Command, Event, MAX_TRACE_FRAMES } from '../../protocol/messages.js';
import type { State } from '../../store/state.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';
import type { WebStorage } from '../../webstorage/types.js';
import { config, registryId } from '../../registry/registry.js';
import { frames } from './trace.js';

type Kit = ReturnType<typeof kit>;
const kits: Kit[] = [];

afterEach(async () => {
  for (const t of kits.splice(0)) await t.call(Command.stop, { client: 'panel-1' });
  vi.restoreAllMocks();
});

async function connected(trace: boolean) {
  const t = kit();
  kits.push(t);
  await t.hello({ trace });
  const store = new Store({ name: `trace-${kits.length}` });
  const count = store.createState(0, { key: 'count', scope: 'app' });
  const other = store.createState(0, { key: 'other', scope: 'app' });
  const storage = webstorage('memory', { namespace: `trace${kits.length}` });
  const db = await openDatabase(`trace-${kits.length}-${Math.random()}`, { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
  return { t, store, count, other, storage, db, notes: db.table('notes') };
}

function appSets(state: State<number>, value: number): void {
  state.set(value);
}

function appBatches(store: Store, a: State<number>, b: State<number>): void {
  store.batch(() => {
    appSets(a, a.value + 1);
    appBumps(b);
  });
}

function appBumps(state: State<number>): void {
  state.set(state.value + 1);
}

function appRemembers(storage: WebStorage): void {
  storage.set('theme', 'dark');
}

function appForgets(storage: WebStorage): void {
  storage.remove('theme');
}

async function appSaves(notes: Table): Promise<void> {
  await notes.put({ id: 1, text: 'saved' });
}

function deep(depth: number, fn: () => void): void {
  if (depth === 0) fn();
  else deep(depth - 1, fn);
}

function last<K extends typeof Event.stateChanged | typeof Event.webstorageChanged | typeof Event.dbChanged>(t: Kit, name: K) {
  t.frame();
  return t.events(name).at(-1)!;
}

describe('traces off (the default)', () => {
  it('sends no call sites and never captures a stack', async () => {
    const capture = vi.spyOn(Error, 'captureStackTrace');
    const { t, store, count, other, storage, notes } = await connected(false);
    expect(t.events(Event.snapshot).at(-1)!.trace).toBe(false);
    for (let i = 1; i <= 100; i++) appSets(count, i);
    appBatches(store, count, other);
    appRemembers(storage);
    await appSaves(notes);
    t.frame();
    const deltas = [...t.events(Event.stateChanged), ...t.events(Event.webstorageChanged), ...t.events(Event.dbChanged)];
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(deltas.every((delta) => delta.stack === undefined)).toBe(true);
    expect(capture).not.toHaveBeenCalled();
    expect(config.trace).toBeUndefined();
  });
});

describe('traces on', () => {
  it('start at the app function that called set, bounded to MAX_TRACE_FRAMES', async () => {
    const { t, count } = await connected(true);
    appSets(count, 1);
    const stack = last(t, Event.stateChanged).stack!;
    expect(stack[0]).toMatch(/^appSets \(.*trace\.test\.ts:\d+:\d+\)$/);
    deep(40, () => appSets(count, 2));
    expect(last(t, Event.stateChanged).stack).toHaveLength(MAX_TRACE_FRAMES);
  });

  it('name the caller of set for changes notified when a batch ends, and the last change of a coalesced delta', async () => {
    const { t, store, count, other } = await connected(true);
    appBatches(store, count, other);
    t.frame();
    const [a, b] = t.events(Event.stateChanged).slice(-2);
    expect(a!.stack![0]).toMatch(/^appSets /);
    expect(b!.stack![0]).toMatch(/^appBumps /);
    expect(b!.stack!.some((frame) => frame.startsWith('appBatches '))).toBe(true);
    appSets(count, 10);
    deep(3, () => count.set(11));
    const delta = last(t, Event.stateChanged);
    expect(delta.changes).toBe(2);
    // The arrow that called set, then the function that called it: the second change's site.
    expect(delta.stack![0]).toMatch(/^\/.*trace\.test\.ts:\d+:\d+$/);
    expect(delta.stack![1]).toMatch(/^deep /);
  });

  it('follow webstorage sets and removes', async () => {
    const { t, storage } = await connected(true);
    appRemembers(storage);
    expect(last(t, Event.webstorageChanged).stack![0]).toMatch(/^appRemembers /);
    appForgets(storage);
    const removed = last(t, Event.webstorageChanged);
    expect(removed.label).toBe('remove');
    expect(removed.stack![0]).toMatch(/^appForgets /);
  });

  it('follow database writes to the app call, also inside transactions', async () => {
    const { t, db, notes } = await connected(true);
    await appSaves(notes);
    const saved = last(t, Event.dbChanged);
    expect(saved.label).toBe('put');
    expect(saved.stack![0]).toMatch(/^appSaves /);
    await db.transaction(['notes'], 'readwrite', async (tx) => {
      await tx.table('notes').delete(1);
    });
    expect(last(t, Event.dbChanged).stack![0]).toMatch(/trace\.test\.ts:\d+:\d+\)?$/);
  });

  it('leave out the panel’s own edits, which are labelled devtools', async () => {
    const { t, store, count, storage, db } = await connected(true);
    await t.call(Command.stateSet, { store: registryId(store)!, state: count.id, value: 5, baseVersion: count.version });
    expect(last(t, Event.stateChanged)).toMatchObject({ label: 'devtools', value: 5 });
    expect(last(t, Event.stateChanged).stack).toBeUndefined();
    await t.call(Command.webstorageSet, { storage: registryId(storage)!, key: 'k', value: encode(1), baseVersion: null });
    expect(last(t, Event.webstorageChanged)).toMatchObject({ label: 'devtools: set' });
    expect(last(t, Event.webstorageChanged).stack).toBeUndefined();
    await t.call(Command.dbPut, { database: registryId(db)!, table: 'notes', value: { id: 9 }, baseVersion: null });
    expect(last(t, Event.dbChanged)).toMatchObject({ label: 'devtools: put' });
    expect(last(t, Event.dbChanged).stack).toBeUndefined();
  });

  it('stop when the panel turns them off', async () => {
    const { t, count } = await connected(true);
    expect(config.trace).toBeTypeOf('function');
    await t.call(Command.trace, { enabled: false });
    expect(config.trace).toBeUndefined();
    appSets(count, 1);
    expect(last(t, Event.stateChanged).stack).toBeUndefined();
  });
});

describe('frames from engines that cannot cut the stack (Firefox)', () => {
  it('cut after the method called and drop frames from Stratum’s files', () => {
    const stack = [
      'capture@http://localhost/dist/runtime/chunks/agent-x.js:1:10',
      '_changed@http://localhost/dist/runtime/chunks/store-y.js:2:20',
      'set@http://localhost/dist/runtime/chunks/store-y.js:3:30',
      'onClick@http://localhost/app.js:4:40',
      'notify@http://localhost/node_modules/stratumjs/dist/runtime/store.js:5:50',
      '@http://localhost/app.js:6:60',
      '',
    ].join('\n');
    expect(frames({ stack, boundary: 'set' })).toEqual(['onClick (http://localhost/app.js:4:40)', 'http://localhost/app.js:6:60']);
  });
});
