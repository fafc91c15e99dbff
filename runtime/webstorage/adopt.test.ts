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
