/**
 * What the timeline is told, in what order: a change under another label is its own delta (the
 * "×N" of coalescing never hides a label), and a state listener's webstorage write is listed
 * after the state change that caused it, even though the listener ran before the agent heard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { Command, Event } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';

const kits: ReturnType<typeof kit>[] = [];
afterEach(async () => {
  for (const t of kits.splice(0)) await t.call(Command.stop, { client: 'panel-1' });
});

async function connected() {
  const t = kit();
  kits.push(t);
  await t.hello();
  const n = kits.length;
  const store = new Store({ name: `watch-${n}-${Math.random()}` });
  return { t, store, storage: webstorage('memory', { namespace: `watch${n}${Math.random().toString(36).slice(2)}` }) };
}

describe('deltas', () => {
  it('merge changes under one label, and split where the label changes', async () => {
    const { t, store } = await connected();
    const todos = store.createState<string[]>([], { key: 'todos', scope: 'app' });
    todos.set(['a'], { label: 'add' });
    todos.set(['a', 'b'], { label: 'add' });
    todos.set(['b'], { label: 'remove' });
    todos.set(['b', 'c']);
    t.frame();
    const deltas = t.events(Event.stateChanged).filter((delta) => delta.state === todos.id);
    expect(deltas.map((delta) => [delta.label, delta.changes, delta.value])).toEqual([
      ['add', 2, ['a', 'b']],
      ['remove', 1, ['b']],
      [undefined, 1, ['b', 'c']],
    ]);
    expect(deltas.map((delta) => delta.versions)).toEqual([
      { from: 1, to: 2 },
      { from: 3, to: 3 },
      { from: 4, to: 4 },
    ]);
  });

  it('keep each state its own delta when sets of two states interleave, across frames', async () => {
    const { t, store } = await connected();
    const a = store.createState(0, { key: 'a', scope: 'app' });
    const b = store.createState(0, { key: 'b', scope: 'app' });
    for (let i = 1; i <= 3; i++) {
      a.set(i);
      b.set(i * 10);
    }
    a.set(4);
    t.frame();
    a.set(5);
    t.frame();
    const of = (id: string) => t.events(Event.stateChanged).filter((delta) => delta.state === id).map((delta) => [delta.changes, delta.value, delta.versions]);
    expect(of(a.id)).toEqual([
      [4, 4, { from: 1, to: 4 }],
      [1, 5, { from: 5, to: 5 }],
    ]);
    expect(of(b.id)).toEqual([[3, 30, { from: 1, to: 3 }]]);
  });

  it('split a webstorage key the same way: a set then a remove is two lines', async () => {
    const { t, storage } = await connected();
    storage.set('draft', 'x');
    storage.set('draft', 'y');
    storage.remove('draft');
    t.frame();
    const deltas = t.events(Event.webstorageChanged).filter((delta) => delta.key === 'draft');
    expect(deltas.map((delta) => [delta.label, delta.changes, delta.value])).toEqual([
      ['set', 2, 'y'],
      ['remove', 1, undefined],
    ]);
  });

  it("list a listener's storage write after the state change that caused it", async () => {
    const { t, store, storage } = await connected();
    const todos = store.createState<string[]>([], { key: 'todos', scope: 'app' });
    todos.subscribe((value) => storage.set('todos-backup', value));
    store.subscribe((event) => event.type === 'changed' && storage.set('last-change', event.state.key));
    todos.set(['milk'], { label: 'add' });
    store.batch(() => todos.set(['milk', 'eggs'], { label: 'add more' }));
    t.frame();
    const order = t
      .events()
      .filter((message) => message.event === Event.stateChanged || message.event === Event.webstorageChanged)
      .map((message) => (message.event === Event.stateChanged ? `state ${String(message.payload.label)}` : `storage ${message.payload.key}`));
    expect(order).toEqual(['state add', 'storage todos-backup', 'storage last-change', 'state add more']);
  });
});

describe('a webstorage listener of the app', () => {
  it('has the state it sets in response listed after the webstorage change that caused it', async () => {
    // Subscribed before any panel connected, as an app does at start: the agent subscribes later.
    const store = new Store({ name: `cause-${Math.random()}` });
    const storage = webstorage('memory', { namespace: `cause${Math.random().toString(36).slice(2)}` });
    const theme = store.createState<unknown>('light', { key: 'theme', scope: 'app' });
    storage.subscribe((event) => event.key === 'theme' && theme.set(event.value, { label: 'follow storage' }));
    const t = kit();
    kits.push(t);
    await t.hello();
    storage.set('theme', 'dark');
    t.frame();
    const order = t
      .events()
      .filter((message) => message.event === Event.stateChanged || message.event === Event.webstorageChanged)
      .map((message) => (message.event === Event.stateChanged ? `state ${String(message.payload.label)}` : `storage ${message.payload.key}`));
    expect(order).toEqual(['storage theme', 'state follow storage']);
    expect(theme.value).toBe('dark');
  });
});

describe('a state created while listeners run', () => {
  it('carries its value and time in a delta queued before the panel heard it was created', async () => {
    const { t, store } = await connected();
    const trigger = store.createState(0, { key: 'trigger', scope: 'app' });
    let made: ReturnType<typeof store.createState<number>> | undefined;
    // The app's listener creates a state and sets it: the set is heard at once, the creation
    // only after the current change reached every listener.
    trigger.subscribe(() => {
      made = store.createState(0, { key: 'made', scope: 'app' });
      made.set(7, { label: 'init' });
    });
    trigger.set(1);
    t.frame();
    const deltas = t.events(Event.stateChanged).filter((delta) => delta.state === made!.id);
    expect(deltas.map((delta) => [delta.label, delta.value, delta.at > 0])).toEqual([['init', 7, true]]);
  });
});
