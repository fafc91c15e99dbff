import { afterEach, describe, expect, it } from 'vitest';
import { FakeStorage, installWindow, type FakeWindow } from '../../test/helpers/webstorage-fakes.js';
import { CodecError } from '../codec/index.js';
import { recentReports, registered } from '../registry/registry.js';
import { webstorage, WebStorageQuotaError, type WebStorageEvent } from './index.js';

let fake: FakeWindow | undefined;
afterEach(() => {
  fake?.uninstall();
  fake = undefined;
});

function withStorage(local: Storage | 'SecurityError' | null = new FakeStorage()) {
  fake = installWindow({ local });
  return local;
}

describe('webstorage()', () => {
  it('defaults to local in the stratum namespace, and says why it uses memory on a server', () => {
    const store = webstorage();
    expect(store).toMatchObject({ kind: 'local', namespace: 'stratum', backend: 'memory', available: false, reason: 'server' });
    store.set('a', 1);
    expect(store.get('a')).toBe(1);
  });

  it("uses memory outright for 'memory', which counts as available", () => {
    expect(webstorage('memory')).toMatchObject({ backend: 'memory', available: true, reason: undefined });
  });

  it('refuses namespaces with ":" and unknown kinds, in words', () => {
    expect(() => webstorage('local', { namespace: 'a:b' })).toThrow(/namespace must be a non-empty string without ":" \(got "a:b"\)/);
    expect(() => webstorage('local', { namespace: '' })).toThrow(TypeError);
    expect(() => webstorage('cookie' as 'local')).toThrow(/kind must be 'local', 'session' or 'memory', got "cookie"/);
    expect(() => webstorage('memory').get(3 as unknown as string)).toThrow(/keys are strings, got number/);
  });

  it('stores values in the codec format under namespace:key, and reads them back exactly', () => {
    const local = withStorage() as FakeStorage;
    const store = webstorage('local', { namespace: 'app' });
    expect(store).toMatchObject({ backend: 'localStorage', available: true, reason: undefined });
    const value = { at: new Date(0), ids: new Set([1n, 2n]), byName: new Map([['x', NaN]]), gone: undefined };
    store.set('prefs', value);
    expect(local.getItem('app:prefs')).toMatch(/^stratum:1:/);
    expect(store.get('prefs')).toEqual(value);
    expect(store.get('missing')).toBeUndefined();
    expect(store.get('missing', 'fallback')).toBe('fallback');
  });

  it("reads other apps' plain JSON; an undecodable value is the fallback, reported and left in place", () => {
    const local = withStorage() as FakeStorage;
    local.setItem('app:theme', '{"mode":"dark"}');
    local.setItem('app:broken', 'not json {');
    const store = webstorage('local', { namespace: 'app' });
    const events: WebStorageEvent[] = [];
    store.subscribe((event) => events.push(event));
    expect(store.get('theme')).toEqual({ mode: 'dark' });
    expect(store.get('broken', 'fallback')).toBe('fallback');
    expect(events).toEqual([{ key: 'broken', origin: 'local', error: expect.any(CodecError) }]);
    expect(recentReports().at(-1)).toMatchObject({ kind: 'webstorage', type: 'decode-error' });
    expect(recentReports().at(-1)?.message).toMatch(/"broken" in localStorage cannot be decoded .*left in place/);
    expect(local.getItem('app:broken')).toBe('not json {');
    expect(store.has('broken')).toBe(true);
  });

  it('sees and clears only its own namespace', () => {
    const local = withStorage() as FakeStorage;
    local.setItem('other-app', 'x');
    local.setItem('appx:key', 'x');
    const app = webstorage('local', { namespace: 'app' });
    const other = webstorage('local', { namespace: 'ap' });
    app.set('a', 1);
    app.set('b:c', 2);
    other.set('p:a', 3);
    expect(app.keys().sort()).toEqual(['a', 'b:c']);
    expect(other.keys()).toEqual(['p:a']);
    expect(app.has('p:a')).toBe(false);
    app.clear();
    expect(app.keys()).toEqual([]);
    expect(other.get('p:a')).toBe(3);
    expect(local.getItem('other-app')).toBe('x');
    expect(local.getItem('appx:key')).toBe('x');
  });
});

describe('quota', () => {
  it('throws WebStorageQuotaError with key and size when a value does not fit, keeping the old value', () => {
    const local = withStorage(new FakeStorage(400)) as FakeStorage;
    const store = webstorage('local', { namespace: 'q' });
    store.set('draft', 'short');
    let thrown: unknown;
    try {
      store.set('draft', 'x'.repeat(500));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WebStorageQuotaError);
    expect(thrown).toMatchObject({ key: 'draft', size: ('q:draft'.length + 'stratum:1:'.length + 502) * 2 });
    expect((thrown as Error).message).toBe('Storing "draft" (1,038 bytes) exceeds the localStorage quota; the previous value is kept.');
    expect(store.get('draft')).toBe('short');
    expect(store.available).toBe(true);
    expect(recentReports().at(-1)).toMatchObject({ type: 'quota' });
    expect(local.bytes()).toBeLessThanOrEqual(400);
  });

  it('treats a full storage as usable (it still reads) and a zero quota as unusable', () => {
    const full = new FakeStorage(60);
    full.setItem('k', 'x'.repeat(20));
    withStorage(full);
    expect(webstorage('local', { namespace: 'f' })).toMatchObject({ available: true, backend: 'localStorage' });
    fake?.uninstall();
    withStorage(new FakeStorage(0));
    const store = webstorage('local', { namespace: 'z' });
    expect(store).toMatchObject({ available: false, backend: 'memory', reason: 'QuotaExceededError: zero quota' });
    store.set('k', [1, 2]);
    expect(store.get('k')).toEqual([1, 2]);
  });
});

describe('availability', () => {
  it('falls back to memory when merely reading window.localStorage throws SecurityError', () => {
    withStorage('SecurityError');
    const store = webstorage('local', { namespace: 's' });
    expect(store).toMatchObject({ available: false, backend: 'memory', reason: 'SecurityError: The operation is insecure.' });
    store.set('k', new Map([[1, 2]]));
    expect(store.get('k')).toEqual(new Map([[1, 2]]));
    expect(webstorage('session', { namespace: 's' }).available).toBe(true);
  });

  it('names a missing storage and a storage whose probe does not read back', () => {
    withStorage(null);
    expect(webstorage('local').reason).toBe('localStorage is not available');
    fake?.uninstall();
    const liar = new FakeStorage();
    liar.getItem = () => 'something else';
    withStorage(liar);
    expect(webstorage('local').reason).toBe('a probe value written to the storage did not read back');
  });

  it('shares fallback memory per kind and namespace within a page', () => {
    withStorage(new FakeStorage(0));
    webstorage('local', { namespace: 'a' }).set('k', 1);
    expect(webstorage('local', { namespace: 'a' }).get('k')).toBe(1);
    expect(webstorage('local', { namespace: 'b' }).get('k')).toBeUndefined();
    expect(webstorage('memory', { namespace: 'a' }).get('k')).toBeUndefined();
    webstorage('memory', { namespace: 'a' }).set('m', 2);
    expect(webstorage('memory', { namespace: 'a' }).get('m')).toBe(2);
  });

  it('switches back on recheck() once the storage works, moving what was written meanwhile', () => {
    const local = withStorage(new FakeStorage(0)) as FakeStorage;
    const store = webstorage('local', { namespace: 'r' });
    store.set('kept', 'during the outage');
    expect(store.recheck()).toBe(false);
    local.quotaBytes = Infinity;
    expect(store.recheck()).toBe(true);
    expect(store).toMatchObject({ backend: 'localStorage', available: true, reason: undefined });
    expect(local.getItem('r:kept')).toMatch(/during the outage/);
    expect(webstorage('local', { namespace: 'r' }).get('kept')).toBe('during the outage');
  });

  it('moves every instance of the kind to memory when the storage stops working, and reports it', () => {
    const local = withStorage() as FakeStorage;
    const a = webstorage('local', { namespace: 'a' });
    const b = webstorage('local', { namespace: 'b' });
    a.set('k', 1);
    local.failWith = new DOMException('The operation is insecure.', 'SecurityError');
    expect(a.get('k')).toBeUndefined();
    expect(b).toMatchObject({ available: false, backend: 'memory', reason: 'SecurityError: The operation is insecure.' });
    a.set('k', 2);
    expect(a.get('k')).toBe(2);
    expect(recentReports().at(-1)?.message).toMatch(/localStorage stopped working \(SecurityError/);
  });

  it('keeps values written before readable when only writes stop working, and writes them back on recheck()', () => {
    const local = withStorage() as FakeStorage;
    const a = webstorage('local', { namespace: 'a' });
    const b = webstorage('local', { namespace: 'b' });
    a.set('k', 1);
    b.set('k', 'b1');
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    a.set('new', 2);
    expect([a.get('k'), a.get('new'), b.get('k'), a.available]).toEqual([1, 2, 'b1', false]);
    a.set('k', 3); // newer than what was carried over: it wins on the way back
    delete (local as { setItem?: unknown }).setItem;
    expect(a.recheck()).toBe(true);
    expect([local.getItem('a:k'), local.getItem('a:new'), local.getItem('b:k')]).toEqual(['stratum:1:3', 'stratum:1:2', 'stratum:1:"b1"']);
  });

  it("on recheck() replays only this page's own changes: other libraries' keys, removals and newer values in storage survive", () => {
    const local = withStorage() as FakeStorage;
    local.setItem('otherlib:token', 'old-token');
    const a = webstorage('local', { namespace: 'a' });
    a.set('k', 1);
    a.set('gone', 'x');
    a.set('mine', 'before');
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    a.set('new', 2);
    a.remove('gone');
    a.set('mine', 'during');
    expect(a.available).toBe(false);
    delete (local as { setItem?: unknown }).setItem;
    // Meanwhile another library and another tab write to the storage directly.
    local.setItem('otherlib:token', 'new-token');
    local.setItem('a:k', 'stratum:1:9');
    expect(a.recheck()).toBe(true);
    expect(local.getItem('otherlib:token')).toBe('new-token');
    expect(local.getItem('a:k')).toBe('stratum:1:9');
    expect(local.getItem('a:gone')).toBeNull();
    expect(local.getItem('a:new')).toBe('stratum:1:2');
    expect(local.getItem('a:mine')).toBe('stratum:1:"during"');
  });

  it('never replays a change over a value another tab changed in storage meanwhile', () => {
    const local = withStorage() as FakeStorage;
    const a = webstorage('local', { namespace: 'a' });
    a.set('k', 'first');
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    a.set('k', 'stale');
    a.set('fresh', 'mine');
    delete (local as { setItem?: unknown }).setItem;
    local.setItem('a:k', 'stratum:1:"other tab"');
    local.setItem('a:fresh', 'stratum:1:"other tab"');
    const heard: WebStorageEvent[] = [];
    a.subscribe((event) => heard.push(event));
    expect(a.recheck()).toBe(true);
    expect(a.get('k')).toBe('other tab');
    expect(a.get('fresh')).toBe('other tab');
    // What the page showed meanwhile is replaced: its subscribers (a persisted state) are told.
    expect(heard).toEqual([
      { key: 'k', value: 'other tab', oldValue: 'stale', origin: 'remote' },
      { key: 'fresh', value: 'other tab', oldValue: 'mine', origin: 'remote' },
    ]);
  });

  it('tells subscribers of a key another tab changed during the outage that this page only read', () => {
    const local = withStorage() as FakeStorage;
    const a = webstorage('local', { namespace: 'a' });
    a.set('theme', 'light');
    a.set('same', 1);
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    a.set('other', 'x');
    expect(a.get('theme')).toBe('light');
    delete (local as { setItem?: unknown }).setItem;
    local.setItem('a:theme', 'stratum:1:"dark"');
    const heard: WebStorageEvent[] = [];
    a.subscribe((event) => heard.push(event));
    expect(a.recheck()).toBe(true);
    expect(a.get('theme')).toBe('dark');
    expect(heard).toEqual([{ key: 'theme', value: 'dark', oldValue: 'light', origin: 'remote' }]);
  });

  it('tells subscribers of what a storage blocked from the start held, once it works: keys the page read as missing', () => {
    withStorage('SecurityError');
    const a = webstorage('local', { namespace: 'a' });
    expect(a.get('theme')).toBeUndefined();
    a.set('mine', 1);
    const heard: WebStorageEvent[] = [];
    a.subscribe((event) => heard.push(event));
    // Consent given: the storage holds an earlier visit's keys, this namespace's and others'.
    const local = new FakeStorage();
    local.setItem('a:theme', 'stratum:1:"dark"');
    local.setItem('b:theme', 'stratum:1:"blue"');
    local.setItem('otherlib:token', 'abc');
    Object.defineProperty(fake!.window, 'localStorage', { get: () => local, configurable: true });
    expect(a.recheck()).toBe(true);
    expect(a.get('theme')).toBe('dark');
    expect(heard).toEqual([{ key: 'theme', value: 'dark', oldValue: undefined, origin: 'remote' }]);
    expect([local.getItem('a:mine'), local.getItem('b:theme'), local.getItem('otherlib:token')]).toEqual(['stratum:1:1', 'stratum:1:"blue"', 'abc']);
  });

  it('keeps values readable when recheck() is what finds the storage broken (found by the model test)', () => {
    const local = withStorage() as FakeStorage;
    const a = webstorage('local', { namespace: 'a' });
    a.set('k', 1);
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    expect(a.recheck()).toBe(false);
    expect(a.get('k')).toBe(1);
  });

  it('carries the values of a namespace first used during an outage, and replays its changes', () => {
    const local = withStorage() as FakeStorage;
    local.setItem('late:k', 'stratum:1:1');
    const a = webstorage('local', { namespace: 'a' });
    breakWrites(local, new DOMException('The operation is insecure.', 'SecurityError'));
    a.set('x', 1); // the outage begins
    const late = webstorage('local', { namespace: 'late' });
    expect(late.get('k')).toBe(1);
    late.set('k', 2);
    delete (local as { setItem?: unknown }).setItem;
    expect(a.recheck()).toBe(true);
    expect(local.getItem('late:k')).toBe('stratum:1:2');
  });
});

/** A storage whose reads still work while every write throws (after the probe passed). */
function breakWrites(storage: FakeStorage, error: Error): void {
  Object.defineProperty(storage, 'setItem', {
    configurable: true,
    value: () => {
      throw error;
    },
  });
}

describe('devtools', () => {
  it('registers every instance and lists its raw entries with sizes', () => {
    withStorage();
    const store = webstorage('local', { namespace: 'dev' });
    store.set('n', 1);
    const entry = registered('webstorage').find((item) => item.deref() === store);
    expect(entry).toBeDefined();
    expect(store.rawEntries()).toEqual([{ key: 'n', text: 'stratum:1:1', bytes: ('dev:n'.length + 'stratum:1:1'.length) * 2 }]);
  });

  it('setRaw stores a text as given, and subscribers hear its value or that it cannot be decoded', () => {
    const local = withStorage() as FakeStorage;
    const store = webstorage('local', { namespace: 'raw' });
    const events: WebStorageEvent[] = [];
    store.subscribe((event) => events.push(event));
    store.setRaw('json', '{"x":1}');
    store.setRaw('text', 'not json');
    expect([local.getItem('raw:json'), local.getItem('raw:text')]).toEqual(['{"x":1}', 'not json']);
    expect(events[0]).toMatchObject({ key: 'json', value: { x: 1 } });
    expect(events[1]).toMatchObject({ key: 'text', error: expect.any(CodecError) });
  });
});
