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
  isLookup,
  parseClientPortName,
  type FrameInfo,
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
  }
  const url = port.sender?.url ?? '';
  frames.set(frameId, { port, url });
  toClients(tabId, { kind: 'page-ready', frame: { frameId, url } });

  port.onMessage.addListener((message: unknown) => {
    if (!isFromContent(message)) return drop(port, 'not a content message');
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

// The test kit finds the tab of a puppeteer page by its URL: tabs.query would need the
// "tabs" permission, and the content ports already know every Stratum page.
browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isLookup(message)) return undefined;
  const tabs: TabInfo[] = [];
  for (const [tabId, frames] of contents) {
    const top = frames.get(0);
    if (top) tabs.push({ tabId, url: top.url });
  }
  return Promise.resolve(tabs);
});

browser.runtime.onConnect.addListener((port) => {
  if (port.name === CONTENT_PORT) return connectContent(port);
  const client = parseClientPortName(port.name);
  if (client) return connectClient(port, client.tabId, client.client);
  console.error(`stratum background: unknown port "${port.name}"; closing it`);
  port.disconnect();
});
