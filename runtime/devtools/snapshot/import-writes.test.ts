// @vitest-environment happy-dom
/**
 * What an import writes into webstorage and states: every entry that differs from the file (no
 * entry left as the page held it because the comparison called it "the same"), and, when a
 * namespace write fails, the exact texts it held before (other code's keys included).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { faults } from '../../registry/faults.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';
import { exportSnapshot, importSnapshot } from './index.js';

afterEach(() => {
  delete faults.storage;
});

describe('import writes what differs', () => {
  it('restores a state whose value is a plain object with keys `$t: "blob"` and `ref`', async () => {
    const source = new Store({ name: `writes-${Math.random()}` });
    const state = source.createState<Record<string, string>>({ $t: 'blob', ref: 'from-the-file' }, { key: 'k', scope: 'app' });
    const file = await exportSnapshot({ stores: [source], webstorages: [], databases: [] });
    state.set({ $t: 'blob', ref: 'on-the-page' });
    await importSnapshot(file, { targets: { stores: [source], webstorages: [], databases: [] } });
    expect(state.get()).toEqual({ $t: 'blob', ref: 'from-the-file' });
  });

  it('restores a webstorage key that holds raw text where the file holds the JSON of that string', async () => {
    const ns = `writes${Math.floor(Math.random() * 1e9)}`;
    const storage = webstorage('local', { namespace: ns });
    storage.set('theme', 'dark');
    const file = await exportSnapshot({ stores: [], webstorages: [storage], databases: [] });
    localStorage.setItem(`${ns}:theme`, 'dark'); // other code wrote it raw: unreadable as JSON
    expect(storage.get('theme', 'unreadable')).toBe('unreadable');
    await importSnapshot(file, { targets: { stores: [], webstorages: [storage], databases: [] } });
    expect(storage.get('theme', 'unreadable')).toBe('dark');
  });
});

describe('a namespace write that fails is put back as it was', () => {
  it('puts back the exact text of keys other code wrote (raw text, plain JSON)', async () => {
    const ns = `writes${Math.floor(Math.random() * 1e9)}`;
    const storage = webstorage('local', { namespace: ns });
    localStorage.setItem(`${ns}:legacy`, 'not json'); // other code's keys in the namespace
    localStorage.setItem(`${ns}:json`, '{"x":1}');
    storage.set('b', 2);
    const file = await exportSnapshot({ stores: [], webstorages: [storage], databases: [] });
    localStorage.setItem(`${ns}:legacy`, 'changed');
    localStorage.setItem(`${ns}:json`, '{"x":2}');
    localStorage.setItem(`${ns}:extra`, 'raw, and not in the file');
    storage.set('b', 20);
    // The import removes extra, rewrites legacy and json, then runs over quota on b.
    faults.storage = (_kind, op, _namespace, _storage, full) => {
      if (op === 'setItem' && full === `${ns}:b` && !failed) {
        failed = true;
        throw new DOMException('over quota', 'QuotaExceededError');
      }
    };
    let failed = false;
    await expect(importSnapshot(file, { targets: { stores: [], webstorages: [storage], databases: [] } })).rejects.toThrow(/put back/);
    expect(failed).toBe(true);
    const texts = ['legacy', 'json', 'extra'].map((key) => localStorage.getItem(`${ns}:${key}`));
    expect([...texts, storage.get('b')]).toEqual(['changed', '{"x":2}', 'raw, and not in the file', 20]);
  });

  it('writes the texts of the file as they were exported (raw text, plain JSON)', async () => {
    const ns = `writes${Math.floor(Math.random() * 1e9)}`;
    const storage = webstorage('local', { namespace: ns });
    localStorage.setItem(`${ns}:legacy`, 'not json');
    localStorage.setItem(`${ns}:json`, '{"x":1}');
    const file = await exportSnapshot({ stores: [], webstorages: [storage], databases: [] });
    localStorage.setItem(`${ns}:legacy`, 'changed');
    localStorage.setItem(`${ns}:json`, '{"x":2}');
    await importSnapshot(file, { targets: { stores: [], webstorages: [storage], databases: [] } });
    expect([localStorage.getItem(`${ns}:legacy`), localStorage.getItem(`${ns}:json`)]).toEqual(['not json', '{"x":1}']);
  });
});
