// @vitest-environment happy-dom
/**
 * "Inspect this page's storage" in the content script (issue 21): the inspector starts only when
 * the extension asks, announces itself on the port, answers the panel there, and the panel's
 * envelopes addressed to it never reach the page's window.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME, type DatabaseInfo } from '#protocol/messages.js';

const fake = vi.hoisted(() => {
  const state = { posted: [] as unknown[], onPort: [] as ((message: unknown) => void)[], onRuntime: [] as ((message: unknown) => unknown)[], connects: 0 };
  const connect = () => {
    state.connects++;
    return {
      name: 'stratum-content',
      postMessage: (message: unknown) => void state.posted.push(message),
      disconnect: () => undefined,
      onMessage: { addListener: (listener: (message: unknown) => void) => state.onPort.push(listener) },
      onDisconnect: { addListener: () => undefined },
    };
  };
  return { state, connect };
});

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { connect: fake.connect, onMessage: { addListener: (listener: (message: unknown) => unknown) => fake.state.onRuntime.push(listener) } } },
}));

const toPage: unknown[] = [];
type Envelope = { session: string; batch: { event?: string; command?: string; payload: { command?: string; ok?: boolean; result?: { runtime?: { name: string } } } }[] };
const fromInspector = (session: string) => fake.state.posted.map((message) => (message as { data: Envelope }).data).filter((data) => data.session === session);
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));
const panel = (data: unknown) => fake.state.onPort.forEach((listener) => listener({ kind: 'envelope', data }));
/** The inspector's session, once the test that starts it has run. */
let inspected = '';

beforeAll(async () => {
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown) => void toPage.push(message));
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  await import('./content.js');
});

describe('the page storage inspector in the content script', () => {
  it('stays off and unconnected until the extension asks', () => {
    expect(fake.state.connects).toBe(0);
    expect(fake.state.onRuntime).toHaveLength(1);
    expect(fake.state.onRuntime[0]!({ kind: 'something else' })).toBeUndefined();
    expect(fake.state.connects).toBe(0);
  });

  it('starts on request, announces on the port, and keeps the commands meant for it away from the page', async () => {
    const answer = (await fake.state.onRuntime[0]!({ kind: 'inspect' })) as { started: boolean; session: string };
    expect(answer.started).toBe(true);
    inspected = answer.session;
    await tick();
    expect(fromInspector(answer.session).flatMap((envelope) => envelope.batch.map((message) => message.event))).toContain('announce');
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 1, batch: [{ command: Command.hello, id: 'panel-1:1', payload: { protocol: PROTOCOL_VERSION, client: 'panel-1' } }] });
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: answer.session, seq: 2, batch: [{ command: Command.pageFacts, id: 'panel-1:2', payload: {} }] });
    await tick();
    const answers = fromInspector(answer.session).flatMap((envelope) => envelope.batch.filter((message) => message.event === 'response').map((message) => message.payload));
    expect(answers.find((payload) => payload.command === 'hello')?.result?.runtime?.name).toBe('Page storage (no Stratum runtime)');
    expect(answers.find((payload) => payload.command === 'pageFacts')?.ok).toBe(true);
    // The hello went to every runtime (the page's too); the inspector's own command did not.
    const sessions = toPage.map((message) => (message as Envelope).session);
    expect(sessions).toContain(ANY_SESSION);
    expect(sessions).not.toContain(answer.session);
  });
});

/** A database the app made through raw IndexedDB (the page's Stratum runtime opens the same one). */
function makeDatabase(name: string, rows: object[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore('items', { keyPath: 'id' });
      for (const row of rows) store.put(row);
    };
    req.onsuccess = () => (req.result.close(), resolve());
    req.onerror = () => reject(req.error);
  });
}

/** What the page's runtime posts (the content script hears it on its window). */
function fromRuntime(session: string, seq: number, batch: unknown[]): void {
  window.dispatchEvent(new MessageEvent('message', { source: window, data: { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session, seq, batch } }));
}

function described(name: string, redact: boolean): DatabaseInfo {
  const table = { name: 'items', keyPath: 'id', autoIncrement: false, indexes: [], count: 1, internal: false };
  return { id: 1, name, version: 1, provider: 'indexeddb', persistent: true, closed: false, tables: [table], cache: false, blobs: false, ...(redact && { redact: true as const }) };
}

type Sent = { event?: string; payload: { command?: string; ok?: boolean; error?: { code: string }; databases?: DatabaseInfo[] } };
const inspectorSaid = (from: number) => fromInspector(inspected).slice(from).flatMap((envelope) => (envelope as unknown as { batch: Sent[] }).batch);

describe('the inspector beside a runtime with configureDevtools({ redact })', () => {
  it("sends no row of the runtime's database, even when the panel asks before the runtime has answered", async () => {
    await makeDatabase('shop', [{ id: 1, token: 's3cret-token' }]);
    await makeDatabase('notes', [{ id: 1, text: 'a note' }]);
    fromRuntime('rt-app', 1, [{ event: Event.announce, payload: {} }]);
    const before = fromInspector(inspected).length;
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 10, batch: [{ command: Command.hello, id: 'panel-1:10', payload: { protocol: PROTOCOL_VERSION, client: 'panel-1' } }] });
    // The runtime's agent loads on hello and counts its tables first: its word comes a moment later.
    await new Promise((resolve) => setTimeout(resolve, 15));
    const runtime = { id: 'rt-app', name: 'Shop', frame: { url: location.href, top: true, title: '' }, protocol: PROTOCOL_VERSION, version: 'test' };
    fromRuntime('rt-app', 2, [
      { event: Event.response, payload: { id: 'panel-1:10', command: Command.hello, ok: true, result: { runtime, protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION }, compatible: true, dropped: 0 } } },
      { event: Event.snapshot, payload: { at: 1, stores: [], webstorages: [], databases: [described('shop', true)], reports: [], trace: false } },
    ]);
    await tick();
    const snapshot = inspectorSaid(before).find((message) => message.event === Event.snapshot)?.payload;
    const shop = snapshot?.databases?.find((db) => db.name === 'shop');
    expect(shop).toBeDefined();
    // Asked anyway (a panel that listed it before, or the kit): refused, nothing of the row sent.
    panel({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: inspected, seq: 11, batch: [{ command: Command.dbQuery, id: 'panel-1:11', payload: { database: shop!.id, table: 'items' } }] });
    await tick();
    expect(JSON.stringify(inspectorSaid(before))).not.toContain('s3cret-token');
    const answer = inspectorSaid(before).find((message) => message.payload.command === Command.dbQuery)?.payload;
    expect(answer?.error?.code).toBe('redacted');
    // Listed, with no tables, saying where it is shown (a database missing from the list would look lost).
    expect(shop!.tables).toEqual([]);
    expect((shop as { reason?: string }).reason).toMatch(/redact/);
    // A database the runtime does not own is shown as before.
    expect(snapshot?.databases?.find((db) => db.name === 'notes')?.tables.map((table) => table.count)).toEqual([1]);
  });
});
