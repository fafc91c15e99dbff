import { describe, expect, it } from 'vitest';
import { encode, type Encoded } from '../codec/index.js';
import { diff } from './diff.js';
import { SNAPSHOT_FORMAT, type SnapshotDatabase, type SnapshotFile } from './format.js';

function file(parts: Partial<SnapshotFile> = {}): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    version: 1,
    codec: 1,
    createdAt: new Date(0).toISOString(),
    page: { url: 'http://a/', title: 'a' },
    stores: [],
    webstorages: [],
    databases: [],
    bytes: {},
    ...parts,
  };
}

function db(rows: { id: number; text: string }[], blob?: { ref: string }): SnapshotDatabase {
  return {
    name: 'notes',
    version: 1,
    provider: 'memory',
    tables: [{ name: 'notes', schema: { keyPath: 'id', autoIncrement: false, indexes: [] }, rows: rows.map((row) => ({ key: row.id, value: row })) }],
    ...(blob && { blobs: [{ id: 'x', name: '', type: 'text/plain', size: 3, created: 1, data: { $t: 'blob', type: 'text/plain', size: 3, ref: blob.ref } }] }),
  };
}

describe('diff', () => {
  it('is empty for the same data, whatever the files’ dates, pages, blob refs and client ids', () => {
    const a = file({
      stores: [{ name: 'app', clientId: 'tab-1', userId: null, states: [{ scope: '$client:tab-1', key: 'draft', value: 'x' }] }],
      databases: [db([{ id: 1, text: 'a' }], { ref: 'b1' })],
      bytes: { b1: 'YWJj' },
    });
    const b = file({
      createdAt: new Date(5).toISOString(),
      page: { url: 'http://b/', title: 'b' },
      stores: [{ name: 'app', clientId: 'tab-2', userId: null, states: [{ scope: '$client:tab-2', key: 'draft', value: 'x' }] }],
      databases: [{ ...db([{ id: 1, text: 'a' }], { ref: 'b7' }), provider: 'indexeddb' }],
      bytes: { b7: 'YWJj' },
    });
    expect(diff(a, b)).toEqual([]);
  });

  it('lists changes inside values by path, and whole entries added or removed', () => {
    const a = file({
      stores: [{ name: 'app', clientId: null, userId: null, states: [{ scope: 'ui', key: 'prefs', value: { theme: 'dark', size: 12, old: true } }] }],
      webstorages: [{ kind: 'local', namespace: 'shop', entries: [{ key: 'cart', text: 'stratum:1:[1,2]' }, { key: 'gone', text: '"x"' }] }],
      databases: [db([{ id: 1, text: 'a' }, { id: 2, text: 'b' }])],
    });
    const b = file({
      stores: [{ name: 'app', clientId: null, userId: null, states: [{ scope: 'ui', key: 'prefs', value: { theme: 'light', size: 12, added: encode(new Date(0)) } }] }],
      webstorages: [{ kind: 'local', namespace: 'shop', entries: [{ key: 'cart', text: 'stratum:1:[1,3]' }] }],
      databases: [db([{ id: 1, text: 'a!' }, { id: 3, text: 'c' }])],
    });
    expect(diff(a, b)).toEqual([
      { path: ['webstorage', 'local', 'shop', 'gone'], kind: 'removed', before: 'x' },
      { path: ['row', 'notes', 'notes', 2], kind: 'removed', before: { id: 2, text: 'b' } },
      { path: ['state', 'app', 'ui', 'prefs', 'theme'], kind: 'changed', before: 'dark', after: 'light' },
      { path: ['state', 'app', 'ui', 'prefs', 'old'], kind: 'removed', before: true },
      { path: ['state', 'app', 'ui', 'prefs', 'added'], kind: 'added', after: { $t: 'date', v: '1970-01-01T00:00:00.000Z' } },
      { path: ['webstorage', 'local', 'shop', 'cart', 1], kind: 'changed', before: 2, after: 3 },
      { path: ['row', 'notes', 'notes', 1, 'text'], kind: 'changed', before: 'a', after: 'a!' },
      { path: ['row', 'notes', 'notes', 3], kind: 'added', after: { id: 3, text: 'c' } },
    ]);
  });

  it('compares blobs by their bytes; a foreign JSON value equals the same value stored by Stratum', () => {
    const a = file({ databases: [db([], { ref: 'b1' })], bytes: { b1: 'YWJj' }, webstorages: [{ kind: 'session', namespace: 'n', entries: [{ key: 'k', text: '{"a":1}' }] }] });
    const b = file({ databases: [db([], { ref: 'b1' })], bytes: { b1: 'YWJk' }, webstorages: [{ kind: 'session', namespace: 'n', entries: [{ key: 'k', text: 'stratum:1:{"a":1}' }] }] });
    expect(diff(a, b)).toEqual([
      {
        path: ['blob', 'notes', 'x', 'data'],
        kind: 'changed',
        before: { $t: 'blob', type: 'text/plain', size: 3, ref: 'b1' },
        after: { $t: 'blob', type: 'text/plain', size: 3, ref: 'b1' },
      },
    ]);
  });

  it('reports a schema or version difference on the database entry', () => {
    const a = file({ databases: [db([])] });
    const b = file({ databases: [{ ...db([]), version: 2, tables: [{ ...db([]).tables[0]!, schema: { keyPath: 'uuid', autoIncrement: false, indexes: [] } }] }] });
    expect(diff(a, b)).toEqual([
      { path: ['database', 'notes', 'version'], kind: 'changed', before: 1, after: 2 },
      { path: ['database', 'notes', 'tables', 'notes', 'keyPath'], kind: 'changed', before: 'id', after: 'uuid' },
    ]);
  });

  it('tells a raw stored text from the JSON of the same string', () => {
    const a = file({ webstorages: [{ kind: 'local', namespace: 'app', entries: [{ key: 'theme', text: 'dark' }] }] });
    const b = file({ webstorages: [{ kind: 'local', namespace: 'app', entries: [{ key: 'theme', text: '"dark"' }] }] });
    expect(diff(a, b)).toEqual([{ path: ['webstorage', 'local', 'app', 'theme'], kind: 'changed', before: 'dark', after: 'dark' }]);
    expect(diff(a, structuredClone(a))).toEqual([]);
  });

  it('tells apart two plain objects whose own keys are `$t: "blob"` and `ref`', () => {
    const state = (ref: string) => ({ scope: 'app', key: 'k', value: encode({ $t: 'blob', ref }) });
    const a = file({ stores: [{ name: 'app', clientId: null, userId: null, states: [state('a')] }] });
    const b = file({ stores: [{ name: 'app', clientId: null, userId: null, states: [state('b')] }] });
    expect(diff(a, b)).toHaveLength(1);
  });

  it('does not mix up the second store named "app" with a store named "app#2"', () => {
    const stores = (second: number) => [
      { name: 'app', clientId: null, userId: null, states: [{ scope: 'app', key: 'k', value: 1 }] },
      { name: 'app', clientId: null, userId: null, states: [{ scope: 'app', key: 'k', value: second }] },
      { name: 'app#2', clientId: null, userId: null, states: [{ scope: 'app', key: 'k', value: 3 }] },
    ];
    expect(diff(file({ stores: stores(2) }), file({ stores: stores(9) }))).toHaveLength(1);
  });
});

describe('diff of deep values', () => {
  const DEPTH = 20_000;

  /** DEPTH levels, objects and arrays by turns (an object outermost), around `leaf`; `path` is the steps down to it. */
  function deep(leaf: Encoded): { value: Encoded; path: (string | number)[] } {
    let value = leaf;
    const path: (string | number)[] = [];
    for (let i = 0; i < DEPTH; i++) {
      if (i % 2 === 0) {
        value = [i, value];
        path.push(1);
      } else {
        value = { n: i, next: value };
        path.push('next');
      }
    }
    return { value, path: path.reverse() };
  }

  const state = (value: Encoded) => file({ stores: [{ name: 'app', clientId: null, userId: null, states: [{ scope: 'ui', key: 'doc', value }] }] });

  it(`finds a change ${DEPTH} levels down by its whole path, in document order with the others`, () => {
    const before = deep(encode(new Date(0)));
    const after = deep(encode(new Date(1)));
    (after.value as Record<string, Encoded>)['added'] = true;
    (before.value as Record<string, Encoded>)['gone'] = 1;
    const root = ['state', 'app', 'ui', 'doc'];
    expect(diff(state(before.value), state(after.value))).toEqual([
      { path: [...root, ...before.path], kind: 'changed', before: encode(new Date(0)), after: encode(new Date(1)) },
      { path: [...root, 'gone'], kind: 'removed', before: 1 },
      { path: [...root, 'added'], kind: 'added', after: true },
    ]);
    expect(diff(state(before.value), state(deep(encode(new Date(0))).value))).toEqual([{ path: [...root, 'gone'], kind: 'removed', before: 1 }]);
  });
});
