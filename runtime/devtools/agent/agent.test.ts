import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { decode } from '../../codec/index.js';
import { Command, Event, PROTOCOL_VERSION } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { configureDevtools, registryId } from '../../registry/registry.js';

afterEach(() => configureDevtools({ redact: () => false }));

function storeWith(name: string) {
  const store = new Store({ name, clientId: 'c1' });
  const count = store.createState(1, { key: 'count', scope: 'app' });
  const user = store.createState({ name: 'Ada', password: 'secret', tags: new Set(['x']) }, { key: 'user', scope: 'app' });
  return { store, count, user, id: registryId(store)! };
}

describe('handshake', () => {
  it('answers hello with the runtime, frame and both versions, then sends a snapshot', async () => {
    const t = kit();
    const ready = await t.hello();
    expect(ready).toMatchObject({
      runtime: { id: 'rt-test', name: 'test page', frame: { top: true } },
      protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION },
      compatible: true,
    });
    const kinds = t.events().map((message) => message.event);
    expect(kinds.indexOf(Event.response)).toBeLessThan(kinds.indexOf(Event.snapshot));
    expect(t.events(Event.snapshot)).toHaveLength(1);
  });

  it('answers a version mismatch in words and stays silent', async () => {
    const t = kit({ timeout: 100 });
    const { count } = storeWith('mismatch');
    const ready = await t.hello({ protocol: PROTOCOL_VERSION + 1 });
    expect(ready.compatible).toBe(false);
    expect(ready.message).toMatch(/panel speaks protocol 2.*Update the page's stratum package/);
    const old = await kit().hello({ protocol: 0 });
    expect(old.message).toMatch(/Update the Stratum DevTools extension/);
    count.set(2);
    t.frame();
    expect(t.events().map((message) => message.event)).toEqual([Event.response]);
    await expect(t.call(Command.pageFacts, {})).rejects.toMatchObject({ code: 'timeout' });
  });

  it('is silent before hello and after the last stop', async () => {
    const t = kit();
    const { count } = storeWith('silence');
    count.set(5);
    t.frame();
    t.post(t.envelope([{ command: Command.snapshot, id: 'x:1', payload: {} }]));
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    expect(t.envelopes).toHaveLength(0);
    expect(t.agent.bridge.dropped).toBe(1);

    await t.hello();
    count.set(6);
    t.frame();
    expect(t.events(Event.stateChanged).map((delta) => delta.versions.to)).toContain(2);
    expect(await t.call(Command.stop, { client: 'panel-1' })).toEqual({ clients: 0 });
    const sent = t.envelopes.length;
    count.set(7);
    t.frame();
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    expect(t.envelopes).toHaveLength(sent);
    expect(t.agent.connected).toBe(false);
  });

  it('sends a fresh snapshot when a connected panel says hello again (a reconnect)', async () => {
    const t = kit();
    await t.hello();
    await t.hello();
    expect(t.events(Event.snapshot)).toHaveLength(2);
    expect(await t.call(Command.stop, { client: 'panel-1' })).toEqual({ clients: 0 });
  });

  it('tells the panel about instances created and collected while it is connected', async () => {
    const t = kit();
    await t.hello();
    const store = new Store({ name: 'late' });
    store.createState(1, { key: 'k', scope: 'app' });
    t.frame();
    const registered = t.events(Event.registered).find((event) => event.kind === 'store' && event.store.name === 'late');
    expect(registered).toMatchObject({ kind: 'store', store: { id: registryId(store) } });
    expect(t.events(Event.stateAdded).some((added) => added.store === registryId(store))).toBe(true);
  });

  it('keeps a database opened while the snapshot was still counting the others', async () => {
    const slow = await openDatabase(`counted-slowly-${Math.random()}`, { version: 1, tables: { rows: { key: 'id' } }, provider: memory() });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A large table: its count takes a while, and the snapshot waits for it.
    const table = slow.table.bind(slow);
    slow.table = ((name: string) => {
      const opened = table(name);
      const count = opened.count.bind(opened);
      opened.count = async (query) => (await gate, count(query));
      return opened;
    }) as typeof slow.table;
    const t = kit();
    await t.hello();
    const late = await openDatabase(`opened-meanwhile-${Math.random()}`, { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    release();
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    // What a panel shows: the snapshot replaces its list, `registered` adds to it.
    let shown: number[] = [];
    for (const message of t.events()) {
      if (message.event === Event.snapshot) shown = message.payload.databases.map((db) => db.id);
      else if (message.event === Event.registered && message.payload.kind === 'database') shown.push(message.payload.database.id);
    }
    expect(shown).toContain(registryId(late));
    expect(shown).toContain(registryId(slow));
  });

  it('drops and counts spoofed and malformed envelopes', async () => {
    const t = kit();
    await t.hello();
    const before = t.agent.bridge.dropped;
    t.post({ source: 'stratum-runtime', v: 1, session: 'rt-test', seq: 1, batch: [] });
    t.post(t.envelope([{ command: Command.stateSet, id: 'x:1', payload: { store: 1 } }]));
    t.post(t.envelope([{ command: 'eval', id: 'x:2', payload: 'alert(1)' }]));
    t.post(t.envelope([{ command: Command.snapshot, id: 'x:3', payload: JSON.parse('{"__proto__":{"polluted":1}}') }]));
    t.post('not even an object');
    expect(t.agent.bridge.dropped - before).toBe(5);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    const facts = await t.call(Command.pageFacts, {});
    expect(facts.dropped).toBeGreaterThanOrEqual(5);
  });
});

describe('snapshot', () => {
  it('lists stores, scopes and states with encoded values, versions and persistence', async () => {
    const t = kit();
    const { id, count, user } = storeWith('snap');
    count.set(3);
    await t.hello();
    const snapshot = await t.call(Command.snapshot, {});
    const store = snapshot.stores.find((candidate) => candidate.id === id)!;
    expect(store.name).toBe('snap');
    const scope = store.scopes.find((candidate) => candidate.name === 'app')!;
    const byKey = Object.fromEntries(scope.states.map((state) => [state.key, state]));
    expect(byKey['count']).toMatchObject({ id: count.id, version: 1, value: 3, redacted: [] });
    expect(decode(byKey['user']!.value)).toEqual(user.value);
    expect(byKey['user']!.persistence).toBeUndefined();
    expect(snapshot.trace).toBe(false);
  });

  it('pushes previews after hello and gives a whole value, with its version, on expand', async () => {
    const t = kit();
    const { id, count, user } = storeWith('previews');
    user.set({ ...user.value, name: 'Grace' });
    await t.hello();
    const states = t.events(Event.snapshot)[0]!.stores.find((s) => s.id === id)!.scopes[0]!.states;
    const byKey = Object.fromEntries(states.map((state) => [state.key, state]));
    // A number is its own preview; an object is only its type and size until it is pulled.
    expect(byKey['count']).toMatchObject({ id: count.id, value: 1 });
    expect(byKey['count']!.preview).toBeUndefined();
    expect(byKey['user']).toMatchObject({ preview: true, version: 1, value: { $t: 'truncated', type: 'object', size: 3, path: [] } });
    const full = await t.call(Command.expand, { target: { kind: 'state', store: id, state: user.id }, path: [] });
    expect(full.version).toBe(1);
    expect(decode(full.value)).toEqual(user.value);
    const refreshed = await t.call(Command.snapshot, { previews: true });
    expect(refreshed.stores.find((s) => s.id === id)!.scopes[0]!.states.find((s) => s.key === 'user')!.preview).toBe(true);
  });

  it('still answers and sends its snapshot when a state holds a value that cannot be encoded', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const store = new Store({ name: 'unencodable' });
    store.createState<unknown>(proxy, { key: 'revoked', scope: 'app' });
    store.createState(1, { key: 'fine', scope: 'app' });
    const t = kit({ timeout: 500 });
    await t.hello();
    const snapshot = t.events(Event.snapshot)[0]!;
    const states = snapshot.stores.find((candidate) => candidate.name === 'unencodable')!.scopes[0]!.states;
    expect(states.find((state) => state.key === 'fine')!.value).toBe(1);
    expect(states.find((state) => state.key === 'revoked')!.value).toMatch(/^\[cannot show: .*revoked/);
    // Created while connected, too: the panel is told, and the app's createState does not throw.
    store.createState<unknown>(proxy, { key: 'revoked-later', scope: 'app' });
    t.frame();
    expect(t.events(Event.stateAdded).map((added) => added.state.key)).toContain('revoked-later');
    expect(await t.call(Command.pageFacts, {})).toBeDefined();
  });

  it('shows a huge state cut short, expandable by path', async () => {
    const t = kit();
    const store = new Store({ name: 'huge' });
    const big = store.createState({ list: Array.from({ length: 5000 }, (_, i) => i) }, { key: 'big', scope: 'app' });
    await t.hello();
    const snapshot = await t.call(Command.snapshot, {});
    const state = snapshot.stores.find((s) => s.name === 'huge')!.scopes[0]!.states[0]!;
    expect(JSON.stringify(state.value)).toMatch(/"\$t":"truncated"/);
    const expanded = await t.call(Command.expand, { target: { kind: 'state', store: registryId(store)!, state: big.id }, path: ['list'] });
    expect(JSON.stringify(expanded.value)).toMatch(/"size":5000/);
  });
});

describe('deltas', () => {
  it('coalesces 10,000 changes in one frame into one delta per state and label', async () => {
    const t = kit();
    const { id, count, user } = storeWith('coalesce');
    await t.hello();
    const before = t.events(Event.stateChanged).length;
    for (let i = 0; i < 10_000; i++) count.set(i + 10, { label: i === 9_999 ? 'last' : undefined });
    user.set({ ...user.value, name: 'Grace' });
    t.frame();
    const deltas = t.events(Event.stateChanged).slice(before);
    expect(deltas).toHaveLength(3);
    const [unlabelled, last] = deltas.filter((delta) => delta.state === count.id);
    expect(unlabelled).toMatchObject({ store: id, value: 10_008, changes: 9_999, versions: { from: 1, to: 9_999 } });
    expect(unlabelled!.label).toBeUndefined();
    expect(last).toMatchObject({ store: id, value: 10_009, changes: 1, versions: { from: 10_000, to: 10_000 }, label: 'last' });
    expect(deltas.find((delta) => delta.state === user.id)!.changes).toBe(1);
  });

  it('sends added and removed states, and every change across frames', async () => {
    const t = kit();
    const { store, count } = storeWith('lifecycle');
    await t.hello();
    const extra = store.createState('x', { key: 'extra', scope: 'other' });
    store.deleteState({ key: 'extra', scope: 'other' });
    count.set(2);
    t.frame();
    count.set(3);
    t.frame();
    expect(t.events(Event.stateAdded).map((added) => added.state.id)).toContain(extra.id);
    expect(t.events(Event.stateRemoved).map((removed) => removed.state)).toContain(extra.id);
    expect(t.events(Event.stateChanged).filter((delta) => delta.state === count.id).map((delta) => delta.value)).toEqual([2, 3]);
  });

  it('adds call sites only while tracing', async () => {
    const t = kit();
    const { count } = storeWith('trace');
    await t.hello();
    count.set(2);
    t.frame();
    expect(t.events(Event.stateChanged).at(-1)!.stack).toBeUndefined();
    await t.call(Command.trace, { enabled: true });
    count.set(3);
    t.frame();
    const stack = t.events(Event.stateChanged).at(-1)!.stack!;
    expect(stack.length).toBeGreaterThan(0);
    expect(stack.length).toBeLessThanOrEqual(20);
    expect(stack.join('\n')).toMatch(/agent\.test\.ts/);
  });
});

describe('redaction', () => {
  it('shows redacted paths as [redacted] and refuses edits to them', async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const t = kit();
    const { id, user } = storeWith('redact');
    await t.hello();
    // The pushed snapshot holds a preview (nothing inside the object), the command the whole value.
    const preview = t.events(Event.snapshot)[0]!.stores.find((s) => s.id === id)!.scopes[0]!.states.find((s) => s.key === 'user')!;
    expect(preview.preview).toBe(true);
    expect(JSON.stringify(preview.value)).not.toMatch(/secret/);
    const state = (await t.call(Command.snapshot, {})).stores.find((s) => s.id === id)!.scopes[0]!.states.find((s) => s.key === 'user')!;
    expect(JSON.stringify(state.value)).not.toMatch(/secret/);
    expect(state.value).toMatchObject({ password: '[redacted]' });
    expect(state.redacted).toEqual([['password']]);
    const target = { store: id, state: user.id, baseVersion: 0 };
    await expect(t.call(Command.edit, { target: { kind: 'state', store: id, state: user.id }, baseVersion: 0, path: ['password'], op: 'set', value: 'x' })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.stateSet, { ...target, value: { name: 'x' } })).rejects.toMatchObject({ code: 'redacted' });
    await expect(
      t.call(Command.expand, { target: { kind: 'state', store: id, state: user.id }, path: ['password'] }),
    ).rejects.toMatchObject({ code: 'redacted' });
    expect(await t.call(Command.edit, { target: { kind: 'state', store: id, state: user.id }, baseVersion: 0, path: ['name'], op: 'set', value: 'Grace' })).toEqual({ version: 1 });
    expect(user.value.password).toBe('secret');
    user.set({ ...user.value, password: 'new' });
    t.frame();
    expect(JSON.stringify(t.events(Event.stateChanged).at(-1))).not.toMatch(/new/);
  });
});
