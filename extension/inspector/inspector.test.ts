import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '#codec/index.js';
import { PanelBridge } from '#protocol/bridge.js';
import { memoryWalls } from '#protocol/memory-wall.js';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_RUNTIME, type DatabaseInfo, type EventMessage, type RuntimeEnvelope } from '#protocol/messages.js';
import { RuntimeClaims } from './claims.js';
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

async function page(claims?: RuntimeClaims) {
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
    ...(claims && { claims }),
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

/** What the page's runtime says (the content script hands each validated envelope to the claims). */
function runtimeSays(claims: RuntimeClaims, batch: unknown[]): void {
  claims.hear({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: 'rt-app', seq: 1, batch } as RuntimeEnvelope);
}

function describedBy(name: string, redact: boolean): DatabaseInfo {
  return { id: 7, name, version: 1, provider: 'indexeddb', persistent: true, closed: false, tables: [], cache: false, blobs: false, ...(redact && { redact: true as const }) };
}

const snapshotOf = (databases: DatabaseInfo[]) => ({ event: Event.snapshot, payload: { at: 1, stores: [], webstorages: [], databases, reports: [], trace: false } });
const listed = (events: EventMessage[], name: string) =>
  (events.filter((message) => message.event === 'snapshot').at(-1)?.payload as { databases: DatabaseInfo[] }).databases.find((db) => db.name === name)!;

describe('the inspector and the databases a Stratum runtime redacts', () => {
  it('shows everything as before when the runtime has no redact', async () => {
    const claims = new RuntimeClaims();
    runtimeSays(claims, [{ event: Event.announce, payload: {} }]);
    const { name, panel, events } = await page(claims);
    // The runtime's word comes after the inspector's hello answer: the snapshot waits for it.
    await tick();
    expect(events.some((message) => message.event === 'snapshot')).toBe(false);
    runtimeSays(claims, [snapshotOf([describedBy(name, false)])]);
    await tick();
    const db = listed(events, name);
    expect(db.tables.map((table) => table.count)).toEqual([1]);
    expect(db).not.toHaveProperty('reason');
    const { rows } = await panel.request(Command.dbQuery, { database: db.id, table: 'todos' });
    expect(decode(rows[0]!.value)).toEqual({ id: 1, text: 'milk' });
  });

  it('withdraws a database the panel was shown once its runtime says it redacts, and refuses its rows from then on', async () => {
    const claims = new RuntimeClaims();
    const { name, panel, events } = await page(claims);
    await tick();
    const db = listed(events, name);
    expect(db.tables).toHaveLength(1);
    // A runtime that started after the inspector (an app that loads Stratum late) opens the database.
    runtimeSays(claims, [snapshotOf([])]);
    runtimeSays(claims, [{ event: Event.registered, payload: { kind: 'database', database: describedBy(name, true) } }]);
    await tick();
    const withdrawn = events.filter((message) => message.event === 'registered').map((message) => (message.payload as { database: DatabaseInfo }).database);
    expect(withdrawn).toEqual([expect.objectContaining({ id: db.id, name, version: 1, tables: [], reason: expect.stringMatching(/runtime's view/) })]);
    await expect(panel.request(Command.dbQuery, { database: db.id, table: 'todos' })).rejects.toMatchObject({ code: 'redacted' });
    await expect(panel.request(Command.expand, { target: { kind: 'row', database: db.id, table: 'todos', key: encode(1) }, path: [] })).rejects.toMatchObject({ code: 'redacted' });
    // A write's conflict answer would carry the row: refused before it is read.
    await expect(panel.request(Command.dbPut, { database: db.id, table: 'todos', value: encode({ id: 1, text: 'x' }), baseVersion: 'h0' })).rejects.toMatchObject({ code: 'redacted' });
    await expect(panel.request(Command.dbClear, { database: db.id, table: 'todos' })).rejects.toMatchObject({ code: 'redacted' });
  });

  it('holds every database back while a runtime it heard has not described its databases, WAIT_MS at most', async () => {
    const claims = new RuntimeClaims(40);
    runtimeSays(claims, [{ event: Event.announce, payload: {} }]);
    const { name, panel, events } = await page(claims);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const db = listed(events, name);
    expect(db.tables).toEqual([]);
    expect(db.reason).toMatch(/has not said yet/);
    await expect(panel.request(Command.dbQuery, { database: db.id, table: 'todos' })).rejects.toMatchObject({ code: 'redacted' });
    // Its word arrives (no redact): the next read shows the rows.
    runtimeSays(claims, [snapshotOf([])]);
    const { rows } = await panel.request(Command.dbQuery, { database: db.id, table: 'todos' });
    expect(rows).toHaveLength(1);
  });
});
