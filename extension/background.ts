/**
 * The service worker: pairs content-script ports (one per tab + frame) with client ports (the
 * panel in DevTools, the panel as a tab, the test kit; any number per tab) and forwards both
 * ways. It keeps no state worth losing: Chrome stops an idle MV3 worker after ~30 s, every
 * port drops, and both ends reconnect (content script at once, panels with backoff) and say
 * hello again, which gives the panel a fresh snapshot.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { TabInfo } from '#protocol/kit.js';
import {
  CONTENT_PORT,
  isFromClient,
  isFromContent,
  isInspectRequest,
  isLookup,
  parseClientPortName,
  type FrameInfo,
  type InspectAnswer,
  type ToClient,
  type ToContent,
} from './ports.js';

type Port = Runtime.Port;

const contents = new Map<number, Map<number, { port: Port; url: string }>>();
const clients = new Map<number, Map<Port, string>>();
let dropped = 0;

function framesOf(tabId: number): FrameInfo[] {
  return [...(contents.get(tabId) ?? [])].map(([frameId, { url }]) => ({ frameId, url }));
}

function toClients(tabId: number, message: ToClient): void {
  for (const port of clients.get(tabId)?.keys() ?? []) port.postMessage(message);
}

function toContents(tabId: number, message: ToContent): void {
  for (const { port } of contents.get(tabId)?.values() ?? []) port.postMessage(message);
}

function drop(port: Port, why: string): void {
  dropped++;
  console.error(`stratum background: dropped a message on ${port.name} (${why}); ${dropped} so far`);
}

function connectContent(port: Port): void {
  const tabId = port.sender?.tab?.id;
  const frameId = port.sender?.frameId ?? 0;
  if (tabId === undefined) {
    console.error('stratum background: a content port without a tab; closing it');
    port.disconnect();
    return;
  }
  let frames = contents.get(tabId);
  if (!frames) contents.set(tabId, (frames = new Map()));
  const old = frames.get(frameId);
  if (old) {
    // One document per frame: a second port means the first one's disconnect never arrived.
    console.error(`stratum background: a second content port for tab ${tabId} frame ${frameId}; replacing the first`);
    old.port.disconnect();
    // Its close is ignored when it comes (the frame has the new port): say it now, or the panels
    // would keep its runtimes until two roll calls go unanswered.
    toClients(tabId, { kind: 'page-gone', frameId });
  }
  const url = port.sender?.url ?? '';
  frames.set(frameId, { port, url });
  toClients(tabId, { kind: 'page-ready', frame: { frameId, url } });

  port.onMessage.addListener((message: unknown) => {
    if (!isFromContent(message)) return drop(port, 'not a content message');
    if (message.kind === 'probe') return probes.get(message.probe)?.(tabId, frameId, message.found);
    toClients(tabId, { kind: 'envelope', frameId, data: message.data });
  });
  port.onDisconnect.addListener(() => {
    if (frames.get(frameId)?.port !== port) return;
    frames.delete(frameId);
    if (frames.size === 0) contents.delete(tabId);
    toClients(tabId, { kind: 'page-gone', frameId });
  });
}

function connectClient(port: Port, tabId: number, client: string): void {
  let ports = clients.get(tabId);
  if (!ports) clients.set(tabId, (ports = new Map()));
  ports.set(port, client);
  port.postMessage({ kind: 'frames', frames: framesOf(tabId) } satisfies ToClient);

  port.onMessage.addListener((message: unknown) => {
    if (!isFromClient(message)) return drop(port, 'not a client message');
    if (message.kind === 'frames') port.postMessage({ kind: 'frames', frames: framesOf(tabId) } satisfies ToClient);
    else toContents(tabId, { kind: 'envelope', data: message.data });
  });
  port.onDisconnect.addListener(() => {
    ports.delete(port);
    if (ports.size === 0) clients.delete(tabId);
    // DevTools closed: the panel could not say stop itself, so the page hears it from here.
    toContents(tabId, { kind: 'client-gone', client });
  });
}

/**
 * Whether a port or message comes from one of this extension's own pages (the panel, the panel as
 * a tab, the kit). A content script also counts as "the extension" to the browser, but it runs
 * inside a web page, which must never open a client port (it would read and drive every runtime
 * of the tab) or list the tabs.
 */
function fromOwnPage(sender: Runtime.MessageSender | undefined): boolean {
  if (!sender || sender.id !== browser.runtime.id || typeof sender.url !== 'string') return false;
  return sender.url.startsWith(browser.runtime.getURL(''));
}

/** Probes under way: each top-frame content port answers whether its page carries the nonce. */
const probes = new Map<number, (tabId: number, frameId: number, found: boolean) => void>();
let nextProbe = 0;
/** How long a probe waits for content scripts that do not answer (a page busy or going away). */
const PROBE_WAIT_MS = 1000;

/**
 * Tabs whose content script never connected (a page with no Stratum runtime, which the panel can
 * still inspect): asked one by one through tabs.sendMessage. tabs.query needs no permission for
 * ids (only URLs and titles do), and the URL comes from the content script's answer.
 */
async function probeUnconnected(nonce: string): Promise<TabInfo[]> {
  const tabs = await browser.tabs.query({});
  const answers = await Promise.all(
    tabs
      .filter((tab) => tab.id !== undefined && !contents.has(tab.id))
      .map((tab) =>
        Promise.race([
          browser.tabs.sendMessage(tab.id!, { kind: 'probe', nonce }, { frameId: 0 }).then(
            (answer: unknown) => {
              const { found, url } = (answer ?? {}) as { found?: unknown; url?: unknown };
              return found === true && typeof url === 'string' ? [{ tabId: tab.id!, url }] : [];
            },
            // No content script there (a browser page, an extension page): not the kit's page.
            () => [],
          ),
          new Promise<TabInfo[]>((resolve) => setTimeout(() => resolve([]), PROBE_WAIT_MS)),
        ]),
      ),
  );
  return answers.flat();
}

/** The tabs whose top frame carries `nonce` in PROBE_ATTRIBUTE (a page the kit marked). */
async function probe(nonce: string): Promise<TabInfo[]> {
  const [connected, unconnected] = await Promise.all([probeConnected(nonce), probeUnconnected(nonce)]);
  return [...connected, ...unconnected];
}

function probeConnected(nonce: string): Promise<TabInfo[]> {
  const asked = [...contents].flatMap(([tabId, frames]) => {
    const top = frames.get(0);
    return top ? [{ tabId, top }] : [];
  });
  if (asked.length === 0) return Promise.resolve([]);
  const id = ++nextProbe;
  return new Promise((resolve) => {
    const found: TabInfo[] = [];
    let waiting = asked.length;
    const finish = () => {
      clearTimeout(timer);
      probes.delete(id);
      resolve(found);
    };
    const timer = setTimeout(finish, PROBE_WAIT_MS);
    probes.set(id, (tabId, frameId, yes) => {
      const entry = asked.find((candidate) => candidate.tabId === tabId);
      if (!entry || frameId !== 0) return;
      if (yes) found.push({ tabId, url: entry.top.url });
      if (--waiting === 0) finish();
    });
    for (const { top } of asked) top.port.postMessage({ kind: 'probe', probe: id, nonce } satisfies ToContent);
  });
}

// The test kit finds the tab of a puppeteer page by a nonce the page carries (a probe), or lists
// them with their URLs: tabs.query would need the "tabs" permission, and the content ports
// already know every Stratum page.
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (isInspectRequest(message)) return inspect(message.tabId, sender);
  if (!isLookup(message)) return undefined;
  if (!fromOwnPage(sender)) {
    console.error(`stratum background: a tab look-up from ${sender.url ?? 'an unknown sender'}; ignored`);
    return undefined;
  }
  if (message.nonce !== undefined) return probe(message.nonce);
  const tabs: TabInfo[] = [];
  for (const [tabId, frames] of contents) {
    const top = frames.get(0);
    if (top) tabs.push({ tabId, url: top.url });
  }
  return Promise.resolve(tabs);
});

/**
 * "Inspect this page's storage": the content script of the tab's top frame starts the inspector
 * (extension/inspector/). Only the extension's own pages may ask; the answer says in words when
 * the page has no content script (a browser page, or one opened before the extension loaded).
 */
function inspect(tabId: number, sender: Runtime.MessageSender): Promise<InspectAnswer> | undefined {
  if (!fromOwnPage(sender)) {
    console.error(`stratum background: an inspect request from ${sender.url ?? 'an unknown sender'}; ignored`);
    return undefined;
  }
  return browser.tabs.sendMessage(tabId, { kind: 'inspect' }, { frameId: 0 }).then(
    (answer: unknown) => (answer as InspectAnswer | undefined) ?? { started: false, reason: 'the page did not answer' },
    (error: unknown) => ({
      started: false,
      reason: `the extension has no access to this page (${error instanceof Error ? error.message : String(error)}): reload the page once the extension is installed; browser pages (chrome://, about:, the web store) cannot be inspected`,
    }),
  );
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name === CONTENT_PORT) return connectContent(port);
  const client = parseClientPortName(port.name);
  if (client && !fromOwnPage(port.sender)) {
    console.error(`stratum background: a client port from ${port.sender?.url ?? 'an unknown sender'}; closing it`);
    port.disconnect();
    return;
  }
  if (client) return connectClient(port, client.tabId, client.client);
  console.error(`stratum background: unknown port "${port.name}"; closing it`);
  port.disconnect();
});
