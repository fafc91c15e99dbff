import { afterEach, describe, expect, it } from 'vitest';
import { FakeStorage, installWindow, type FakeWindow } from '../../test/helpers/webstorage-fakes.js';
import { CodecError, serialize } from '../codec/index.js';
import { recentReports } from '../registry/registry.js';
import { webstorage, type WebStorageEvent } from './index.js';

let fake: FakeWindow;
let local: FakeStorage;
afterEach(() => fake.uninstall());

function setup(): void {
  local = new FakeStorage();
  fake = installWindow({ local });
}

function record(namespace = 'ev') {
  const events: WebStorageEvent[] = [];
  const store = webstorage('local', { namespace });
  const stop = store.subscribe((event) => events.push(event));
  return { store, events, stop };
}

describe('local changes', () => {
  it('reports set, remove and clear with old values, to every instance of the namespace', () => {
    setup();
    const { store, events } = record();
    const { events: sibling } = record();
    store.set('a', 1);
    store.set('a', new Date(5));
    store.remove('a');
    store.remove('a'); // nothing there: no event
    store.set('b', 2);
    store.clear();
    expect(events).toEqual([
      { key: 'a', value: 1, origin: 'local' },
      { key: 'a', value: new Date(5), oldValue: 1, origin: 'local' },
      { key: 'a', oldValue: new Date(5), origin: 'local' },
      { key: 'b', value: 2, origin: 'local' },
      { key: null, origin: 'local' },
    ]);
    expect(sibling).toEqual(events);
  });

  it('stops after unsubscribe, and other namespaces hear nothing', () => {
    setup();
    const { store, events, stop } = record('one');
    const { events: other } = record('two');
    store.set('a', 1);
    stop();
    store.set('a', 2);
    expect(events).toHaveLength(1);
    expect(other).toHaveLength(0);
  });

  it('runs every listener when one throws, then rethrows the first error', () => {
    setup();
    const store = webstorage('local', { namespace: 'throws' });
    const heard: string[] = [];
    store.subscribe(() => {
      throw new Error('first');
    });
    store.subscribe(() => heard.push('second ran'));
    store.subscribe(() => {
      throw new Error('third');
    });
    expect(() => store.set('k', 1)).toThrow('first');
    expect(heard).toEqual(['second ran']);
    expect(store.get('k')).toBe(1);
  });

  it('a subscriber that writes while told: a later subscriber hears the changes in the order they happened', () => {
    setup();
    const store = webstorage('local', { namespace: 'rv' });
    // A clamp: a listener that writes the key again while told of a change.
    const clamp: WebStorageEvent[] = [];
    store.subscribe((event) => {
      clamp.push(event);
      if (event.key === 'qty' && typeof event.value === 'number' && event.value > 10) store.set('qty', 10);
    });
    // A mirror of the stored value, as the README says to write one (skips superseded events).
    let mirror: unknown;
    const heard: WebStorageEvent[] = [];
    webstorage('local', { namespace: 'rv' }).subscribe((event: WebStorageEvent) => {
      heard.push(event);
      if (!event.superseded && 'value' in event) mirror = event.value;
    });
    store.set('qty', 50);
    expect(store.get('qty')).toBe(10);
    expect(heard.map((event) => event.value)).toEqual([50, 10]);
    expect(mirror).toBe(10);
    // Heard after the clamp's write replaced it: marked, as another tab's late event is; the
    // clamp heard it before, when it was still the stored value.
    expect(heard[0]).toEqual({ key: 'qty', value: 50, origin: 'local', superseded: true });
    expect(clamp).toEqual([
      { key: 'qty', value: 50, origin: 'local' },
      { key: 'qty', value: 10, oldValue: 50, origin: 'local' },
    ]);
  });

  it('setRaw of a text once reported as undecodable still tells subscribers that the key changed', () => {
    setup();
    const store = webstorage('local', { namespace: 'rv2' });
    local.setItem('rv2:k', 'not json {');
    expect(store.get('k', 'fallback')).toBe('fallback'); // read once: reported
    store.set('k', 1);
    const heard: WebStorageEvent[] = [];
    store.subscribe((event) => heard.push(event));
    store.setRaw('k', 'not json {'); // the panel's rollback puts the old text back
    expect(local.getItem('rv2:k')).toBe('not json {');
    expect(heard).toEqual([{ key: 'k', oldValue: 1, origin: 'local', error: expect.any(CodecError) }]);
  });
});

describe('other tabs (the storage event)', () => {
  it('reports their sets, removals and clears, decoded, as remote', () => {
    setup();
    const { events } = record();
    fake.storageEvent(local, 'ev:user', null, serialize({ since: new Date(0), roles: new Set(['admin']) }));
    fake.storageEvent(local, 'ev:user', serialize(1), null);
    fake.storageEvent(local, 'ev:theme', null, '{"mode":"dark"}');
    fake.storageEvent(local, null, null, null);
    expect(events).toEqual([
      { key: 'user', value: { since: new Date(0), roles: new Set(['admin']) }, origin: 'remote' },
      { key: 'user', oldValue: 1, origin: 'remote' },
      { key: 'theme', value: { mode: 'dark' }, origin: 'remote' },
      { key: null, origin: 'remote' },
    ]);
  });

  it('marks an event whose value a later write has replaced as superseded, and still tells it', () => {
    setup();
    const { store, events } = record();
    // Another tab wrote 'from-B'; before its event arrived here, this page set 'mine'.
    store.set('theme', 'mine');
    events.length = 0;
    fake.storageEvent(local, 'ev:theme', null, serialize('from-B'), { overwritten: true });
    expect(events).toEqual([{ key: 'theme', value: 'from-B', origin: 'remote', superseded: true }]);
    expect(store.get('theme')).toBe('mine');
  });

  it('ignores other namespaces, keys without one, and other storages', () => {
    setup();
    const { events } = record();
    fake.storageEvent(local, 'other:user', null, '1');
    fake.storageEvent(local, 'plain-key', null, '1');
    fake.storageEvent(new FakeStorage(), 'ev:user', null, '1');
    expect(events).toEqual([]);
  });

  it('reports an undecodable remote value as an error, to subscribers and the registry', () => {
    setup();
    const { events } = record();
    fake.storageEvent(local, 'ev:bad', null, 'stratum:1:{"$t":"nope"}');
    expect(events).toEqual([{ key: 'bad', origin: 'remote', error: expect.any(CodecError) }]);
    expect(recentReports().at(-1)?.message).toMatch(/another tab stored "bad" in localStorage in a form that cannot be decoded/);
  });

  it('hears nothing remote while the storage is unusable (memory is per page)', () => {
    fake = installWindow({ local: 'SecurityError' });
    local = new FakeStorage();
    const { events } = record();
    fake.storageEvent(local, 'ev:user', null, '1');
    expect(events).toEqual([]);
  });
});
