import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '#codec/index.js';
import { PanelBridge } from '#protocol/bridge.js';
import { memoryWalls } from '#protocol/memory-wall.js';
import { ANY_SESSION, Command, PROTOCOL_VERSION, type EventMessage, type RuntimeEnvelope } from '#protocol/messages.js';
import { INSPECTOR_NAME, Inspector } from './inspector.js';

/** A Storage as the browser's, enough for the inspector. */
function memoryStorage(entries: Record<string, string>): Storage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
    clear: () => map.clear(),
  };
}

async function page() {
  const name = `inspected-${Math.random()}`;
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('todos', { keyPath: 'id' }).put({ id: 1, text: 'milk' });
    req.onsuccess = () => (req.result.close(), resolve());
    req.onerror = () => reject(req.error);
  });
  const localStorage = memoryStorage({ theme: 'dark', prefs: '{"a":1}' });
  const fakeWindow = {
    localStorage,
    sessionStorage: memoryStorage({}),
    location: { href: 'https://app.example/' },
    document: { title: 'App' },
    navigator: {},
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as Window;
  const [contentWall, panelWall] = memoryWalls();
  const events: EventMessage[] = [];
  const inspector = new Inspector({
    send: (envelope) => contentWall.send(envelope),
    window: fakeWindow,
    indexedDB,
    top: true,
    schedule: (flush) => (queueMicrotask(flush), () => {}),
  });
  contentWall.listen((data) => inspector.receive(data));
  panelWall.listen((data) => events.push(...(data as RuntimeEnvelope).batch));
  const panel = new PanelBridge({ wall: panelWall, client: 'panel-1', schedule: (flush) => (queueMicrotask(flush), () => {}) });
  const ready = await panel.request(Command.hello, { protocol: PROTOCOL_VERSION, client: 'panel-1' }, ANY_SESSION);
  panel.target = inspector.session;
  return { name, inspector, panel, ready, events, localStorage };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the page storage inspector as a runtime', () => {
  it('answers hello under its own name, then sends a snapshot of the databases and keys', async () => {
    const { name, ready, events } = await page();
    expect(ready.compatible).toBe(true);
    expect(ready.runtime.name).toBe(INSPECTOR_NAME);
    await tick();
    const snapshot = events.find((message) => message.event === 'snapshot')?.payload as { databases: { name: string }[]; webstorages: { keys: { key: string }[] }[] };
    expect(snapshot.databases.map((db) => db.name)).toContain(name);
    expect(snapshot.webstorages[0]!.keys.map((entry) => entry.key)).toEqual(['theme', 'prefs']);
  });

  it('a panel write is answered and shows at once as a change; what it cannot do is refused in words', async () => {
    const { name, panel, events, localStorage } = await page();
    await tick();
    const snapshot = events.find((message) => message.event === 'snapshot')?.payload as { databases: { id: number; name: string }[] };
    const database = snapshot.databases.find((db) => db.name === name)!.id;
    const { rows } = await panel.request(Command.dbQuery, { database, table: 'todos' });
    await panel.request(Command.edit, { target: { kind: 'row', database, table: 'todos', key: rows[0]!.key }, path: ['text'], op: 'set', value: encode('oat milk'), baseVersion: rows[0]!.hash });
    await tick();
    const changed = events.filter((message) => message.event === 'dbChanged').map((message) => message.payload as { keys: unknown[] });
    expect(changed.map((change) => change.keys.map((key) => decode(key as never)))).toEqual([[1]]);
    const again = await panel.request(Command.dbQuery, { database, table: 'todos' });
    expect(decode(again.rows[0]!.value)).toEqual({ id: 1, text: 'oat milk' });

    // A "new key" over one that exists is a conflict, not an overwrite.
    await expect(panel.request(Command.webstorageSet, { storage: 1, key: 'theme', value: encode('light'), baseVersion: null })).rejects.toMatchObject({ code: 'conflict' });
    expect(localStorage.getItem('theme')).toBe('dark');
    await expect(panel.request(Command.stateSet, { store: 1, state: 'x', value: encode(1), baseVersion: 0 })).rejects.toThrow(/needs a Stratum runtime/);
  });
});
