import { afterEach, describe, expect, it } from 'vitest';
import { FakeStorage, installWindow, type FakeWindow } from '../../test/helpers/webstorage-fakes.js';
import { webstorage, WebStorageQuotaError } from './index.js';

let fake: FakeWindow | undefined;
afterEach(() => {
  fake?.uninstall();
  fake = undefined;
});

function legacy(entries: Record<string, string>, quotaBytes = Infinity): FakeStorage {
  const local = new FakeStorage(quotaBytes);
  fake = installWindow({ local });
  for (const [key, text] of Object.entries(entries)) local.setItem(key, text);
  return local;
}

describe('webstorage adopt()', () => {
  it('moves a plain-JSON key into the namespace and removes the old key', () => {
    const local = legacy({ 'todos-react': JSON.stringify([{ title: 'a', done: false }]), other: 'x' });
    const todos = webstorage('local', { namespace: 'todos' });
    expect(todos.adopt('todos-react', { as: 'list' })).toEqual([{ title: 'a', done: false }]);
    expect(todos.get('list')).toEqual([{ title: 'a', done: false }]);
    expect(local.getItem('todos-react')).toBeNull();
    // Another library's key is not touched.
    expect(local.getItem('other')).toBe('x');
  });

  it('adopts a raw string that is not JSON as that string', () => {
    legacy({ theme: 'dark mode' });
    const prefs = webstorage('local', { namespace: 'prefs' });
    expect(prefs.adopt('theme', { as: 'theme' })).toBe('dark mode');
    expect(prefs.get('theme')).toBe('dark mode');
  });

  it("moves a key another namespace wrote in Stratum's format as its value, not as the marker's text", () => {
    const local = legacy({});
    webstorage('local', { namespace: 'v1' }).set('when', new Date(0));
    const next = webstorage('local', { namespace: 'v2' });
    expect(next.adopt('v1:when', { as: 'when' })).toEqual(new Date(0));
    expect(next.get('when')).toEqual(new Date(0));
    expect(local.getItem('v1:when')).toBeNull();
  });

  it("keeps an id of more digits than a number holds as its text, and refuses a Stratum value it cannot read", () => {
    const local = legacy({ 'last-order': '1234567890123456789', count: '42', newer: 'stratum:99:{"a":1}' });
    const app = webstorage('local', { namespace: 'app' });
    expect(app.adopt('last-order', { as: 'order' })).toBe('1234567890123456789');
    expect(app.get('order')).toBe('1234567890123456789');
    expect(app.adopt('count', { as: 'count' })).toBe(42);
    expect(() => app.adopt('newer', { as: 'newer' })).toThrow(/Stratum's format but cannot be read.*version 99.*Nothing was changed/);
    expect(local.getItem('newer')).toBe('stratum:99:{"a":1}');
    expect(app.get('newer')).toBeUndefined();
  });

  it('says in words what is missing when webstorage() or adopt() is called wrong', () => {
    legacy({ theme: 'dark' });
    expect(() => webstorage('local', null as never)).toThrow('webstorage(kind, options): options is an object ({ namespace? }); got null.');
    const prefs = webstorage('local', { namespace: 'prefs' });
    expect(() => (prefs.adopt as (key: string) => unknown)('theme')).toThrow('adopt("theme", { as }): as, the key to move it to in this namespace, is a string; got no options.');
  });

  it('returns undefined when there is nothing to adopt', () => {
    legacy({});
    expect(webstorage('local', { namespace: 'n' }).adopt('missing', { as: 'x' })).toBeUndefined();
  });

  it('refuses in words when the target exists, changing nothing; overwrite replaces it', () => {
    const local = legacy({ count: '5' });
    const app = webstorage('local', { namespace: 'app' });
    app.set('count', 1);
    expect(() => app.adopt('count', { as: 'count' })).toThrow('"count" already exists in namespace "app"; pass { overwrite: true } to replace it. Nothing was changed.');
    expect(app.get('count')).toBe(1);
    expect(local.getItem('count')).toBe('5');
    expect(app.adopt('count', { as: 'count', overwrite: true })).toBe(5);
    expect(app.get('count')).toBe(5);
    expect(local.getItem('count')).toBeNull();
  });

  it('keeps the old key when the new one does not fit', () => {
    const text = JSON.stringify('x'.repeat(300));
    const local = legacy({ big: text }, 1200);
    const app = webstorage('local', { namespace: 'app' });
    expect(() => app.adopt('big', { as: 'big' })).toThrow(WebStorageQuotaError);
    expect(local.getItem('big')).toBe(text);
    expect(app.has('big')).toBe(false);
  });
});
