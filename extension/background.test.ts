/**
 * Issue 14.11: the background pairs client ports (panels, the kit) with a tab's pages. Only the
 * extension's own pages may open a client port or ask which tabs run Stratum: a content script
 * (whose page may be hostile) or another extension asking gets nothing.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

type Listener = (message: unknown) => void;
interface FakePort {
  name: string;
  sender: { id?: string; url?: string; tab?: { id: number }; frameId?: number };
  posted: unknown[];
  disconnected: boolean;
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: Listener): void };
  onDisconnect: { addListener(listener: () => void): void };
  receive(message: unknown): void;
}

const fake = vi.hoisted(() => ({
  onConnect: [] as ((port: unknown) => void)[],
  onMessage: [] as ((message: unknown, sender: unknown) => unknown)[],
}));

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      id: 'stratum-id',
      getURL: (path: string) => `chrome-extension://stratum-id/${path}`,
      onConnect: { addListener: (listener: (port: unknown) => void) => fake.onConnect.push(listener) },
      onMessage: { addListener: (listener: (message: unknown, sender: unknown) => unknown) => fake.onMessage.push(listener) },
    },
    // Every tab here has a content port; tabs without one are asked through tabs.sendMessage (issue 21).
    tabs: { query: () => Promise.resolve([]), sendMessage: () => Promise.reject(new Error('no content script')) },
  },
}));

function port(name: string, sender: FakePort['sender']): FakePort {
  const listeners: Listener[] = [];
  const made: FakePort = {
    name,
    sender,
    posted: [],
    disconnected: false,
    postMessage: (message) => void made.posted.push(message),
    disconnect: () => void (made.disconnected = true),
    onMessage: { addListener: (listener) => void listeners.push(listener) },
    onDisconnect: { addListener: () => undefined },
    receive: (message) => listeners.forEach((listener) => listener(message)),
  };
  for (const listener of fake.onConnect) listener(made);
  return made;
}

const PAGE = { id: 'stratum-id', url: 'https://app.example/', tab: { id: 7 }, frameId: 0 };
const PANEL = { id: 'stratum-id', url: 'chrome-extension://stratum-id/panel/panel.html' };

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await import('./background.js');
});

describe('the background listens to the extension’s own pages only (14.11)', () => {
  it('closes a client port opened by a content script or by another extension', () => {
    const content = port('stratum-content', PAGE);
    const fromPage = port('stratum-client:7:evil', PAGE);
    const fromOther = port('stratum-client:7:evil', { id: 'other-extension', url: 'chrome-extension://other-extension/x.html' });
    expect(fromPage.disconnected).toBe(true);
    expect(fromOther.disconnected).toBe(true);
    content.receive({ kind: 'envelope', data: { hello: 1 } });
    expect(fromPage.posted).toEqual([]);
    expect(fromOther.posted).toEqual([]);
  });

  it('still pairs the panel with the page', () => {
    const panel = port('stratum-client:7:panel-1', PANEL);
    expect(panel.disconnected).toBe(false);
    expect(panel.posted).toEqual([{ kind: 'frames', frames: [{ frameId: 0, url: 'https://app.example/' }] }]);
  });

  it('answers the tab look-up for the extension’s pages, not for a content script', async () => {
    const [listener] = fake.onMessage;
    expect(await listener!({ kind: 'tabs' }, PAGE)).toBeUndefined();
    expect(await listener!({ kind: 'tabs' }, { id: 'other', url: 'chrome-extension://other/kit.html' })).toBeUndefined();
    const tabs = (await listener!({ kind: 'tabs' }, { id: 'stratum-id', url: 'chrome-extension://stratum-id/kit/kit.html' })) as unknown[];
    expect(tabs).toEqual([expect.objectContaining({ tabId: 7, url: 'https://app.example/' })]);
  });

  it('finds the tab of a marked page among pages at the same URL (14.17)', async () => {
    const first = port('stratum-content', { ...PAGE, tab: { id: 8 } });
    const second = port('stratum-content', { ...PAGE, tab: { id: 9 } });
    const [listener] = fake.onMessage;
    const answer = listener!({ kind: 'tabs', nonce: 'n-1' }, PANEL) as Promise<unknown>;
    for (const content of [first, second]) {
      const probe = content.posted.find((message) => (message as { kind: string }).kind === 'probe') as { probe: number; nonce: string };
      expect(probe.nonce).toBe('n-1');
      content.receive({ kind: 'probe', probe: probe.probe, found: content === second });
    }
    // Tab 7 (the first test's page) never answers: the probe ends on its timeout, and says tab 9.
    expect(await answer).toEqual([{ tabId: 9, url: 'https://app.example/' }]);
  });

  it('says a frame’s document is gone when another connects in its frame before the first one’s close arrived', () => {
    const panel = port('stratum-client:11:panel-2', PANEL);
    const first = port('stratum-content', { ...PAGE, tab: { id: 11 } });
    panel.posted.length = 0;
    port('stratum-content', { ...PAGE, tab: { id: 11 }, url: 'https://app.example/next' });
    expect(first.disconnected).toBe(true);
    // The panel drops the first document's runtimes now, not after two unanswered roll calls.
    expect(panel.posted).toEqual([
      { kind: 'page-gone', frameId: 0 },
      { kind: 'page-ready', frame: { frameId: 0, url: 'https://app.example/next' } },
    ]);
  });
});
