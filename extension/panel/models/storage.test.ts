/**
 * The Storage tab's key detail shows the selected key of the storage shown. When that storage
 * leaves the page (a server request's memory when the request ends; an instance collected), the
 * tab falls back to another storage: a key of the same name there is another value, and must not
 * open in the detail (and its editor) as if it were the one the user picked.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { RuntimeEvents, WebstorageInfo } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { StorageModel } from './storage.js';
import { Ui } from './ui.js';

type Listener = (payload: never) => void;

const storage = (id: number, namespace: string, value: string, request?: number): WebstorageInfo => ({
  id,
  kind: 'memory',
  backend: 'memory',
  available: true,
  namespace,
  keys: [{ key: 'token', value, hash: `h${id}`, size: 10, redacted: [] }],
  bytes: 10,
  ...(request !== undefined && { request: { id: request, name: `request #${request} GET /`, since: 0 } }),
});

function fakeConnection() {
  const listeners = new Map<string, Listener[]>();
  return {
    target: signal<string | null>('page'),
    on(name: string, listener: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => {};
    },
    emit<K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) {
      for (const listener of listeners.get(name) ?? []) listener(payload as never);
    },
  };
}

/** What the tab's detail opens: the selected key, when the storage shown holds it. */
const detail = (model: StorageModel) => {
  const key = model.selectedKey.peek();
  const item = model.current.peek();
  return key !== null && item?.keys.peek().has(key) ? `${item.uid}:${key}` : null;
};

describe('StorageModel', () => {
  it('opens no key of another storage when the selected one leaves the page', () => {
    const connection = fakeConnection();
    const model = new StorageModel(connection as unknown as Connection, new Ui());
    model.applySnapshot([storage(1, 'app', 'shared'), storage(2, 'app', 'request-own', 7)]);
    model.selected.value = model.items.peek()[1]!.uid;
    model.selectedKey.value = 'token';
    expect(detail(model)).toBe('memory:app@request-7:token');

    connection.emit('unregistered', { kind: 'webstorage', id: 2 });
    expect(model.current.peek()?.info.id).toBe(1);
    expect(detail(model)).toBeNull();
  });

  it('opens no key of another storage when a snapshot no longer lists the selected one', () => {
    const connection = fakeConnection();
    const model = new StorageModel(connection as unknown as Connection, new Ui());
    model.applySnapshot([storage(1, 'app', 'shared'), storage(2, 'app', 'request-own', 7)]);
    model.selected.value = model.items.peek()[1]!.uid;
    model.selectedKey.value = 'token';
    // The request ended while the panel was reconnecting: the next snapshot does not list it.
    model.applySnapshot([storage(1, 'app', 'shared')]);
    expect(detail(model)).toBeNull();
    // A reconnect that lists it still keeps the selection.
    model.applySnapshot([storage(1, 'app', 'shared'), storage(3, 'app', 'again', 8)]);
    model.selected.value = model.items.peek()[0]!.uid;
    model.selectedKey.value = 'token';
    model.applySnapshot([storage(1, 'app', 'shared')]);
    expect(detail(model)).toBe('memory:app:token');
    // No runtime for a moment (an empty snapshot), then the page again: the selection comes back.
    model.applySnapshot([]);
    model.applySnapshot([storage(1, 'app', 'shared')]);
    expect(detail(model)).toBe('memory:app:token');
  });
});
