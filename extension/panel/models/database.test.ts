/**
 * The Database tab's grid shows one database's table. When that database leaves the page (its
 * object garbage-collected: `unregistered`), the tab falls back to another database: the grid
 * must not go on showing the gone one's rows under the other's name.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { DatabaseInfo, RuntimeEvents } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { DatabaseModel } from './database.js';
import { Ui } from './ui.js';

type Listener = (payload: never) => void;

const db = (id: number, name: string): DatabaseInfo => ({
  id,
  name,
  version: 1,
  provider: 'memory',
  persistent: false,
  closed: false,
  tables: [{ name: 'notes', keyPath: 'id', autoIncrement: false, indexes: [], count: 1, internal: false }],
  cache: false,
  blobs: false,
});

function fakeConnection() {
  const listeners = new Map<string, Listener[]>();
  return {
    target: signal<string | null>('page'),
    bridge: { flush: () => undefined },
    on(name: string, listener: Listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => {};
    },
    emit<K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) {
      for (const listener of listeners.get(name) ?? []) listener(payload as never);
    },
    request: (_name: string, payload: { database: number }) => Promise.resolve({ total: 1, rows: [{ key: 1, value: { from: payload.database }, hash: 'h', redacted: [] }] }),
  };
}

describe('DatabaseModel', () => {
  it('closes the table and row editor of a database a snapshot says was closed meanwhile (deleted while reconnecting)', async () => {
    const model = new DatabaseModel(fakeConnection() as unknown as Connection, new Ui());
    model.applySnapshot([db(1, 'kept'), db(2, 'deleted-meanwhile')]);
    model.selectDatabase('deleted-meanwhile');
    model.selectTable('notes');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const row = model.rows.rowAt(0)!;
    model.rows.select(row, 0);
    expect(model.rows.source()).toBeDefined();

    // The service worker was stopped while the page deleted it: the snapshot after it lists it closed.
    model.applySnapshot([db(1, 'kept'), { ...db(2, 'deleted-meanwhile'), closed: true }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(model.rows.query.peek()).toBeNull();
    expect(model.rows.selectedRow.peek()).toBeNull();
    expect(model.selectedTable.peek()).toBeNull();
  });

  it('stops showing the rows of a database that left the page', async () => {
    const listeners = new Map<string, Listener[]>();
    const connection = {
      target: signal<string | null>('page'),
      bridge: { flush: () => undefined },
      on(name: string, listener: Listener) {
        listeners.set(name, [...(listeners.get(name) ?? []), listener]);
        return () => {};
      },
      emit<K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) {
        for (const listener of listeners.get(name) ?? []) listener(payload as never);
      },
      request: (_name: string, payload: { database: number }) => Promise.resolve({ total: 1, rows: [{ key: 1, value: { from: payload.database }, hash: 'h', redacted: [] }] }),
    };
    const model = new DatabaseModel(connection as unknown as Connection, new Ui());
    model.applySnapshot([db(1, 'user-a'), db(2, 'user-b')]);
    model.selectDatabase('user-b');
    model.selectTable('notes');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(model.rows.query.peek()?.database).toBe(2);

    connection.emit('unregistered', { kind: 'database', id: 2 });
    // The tab now shows user-a (the first left): its notes, or none, but never user-b's rows.
    expect(model.current.peek()?.name).toBe('user-a');
    expect(model.rows.query.peek()?.database).not.toBe(2);
  });
});
