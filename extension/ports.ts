/**
 * What travels over the extension's own ports, around the protocol's envelopes. The envelopes
 * themselves (runtime/protocol/messages.ts) pass through untouched; these wrappers only add
 * what the background knows: which frame an envelope came from, which frames are there,
 * and that a client went away.
 */

/** Port names: one content port per tab + frame; any number of client ports per tab. */
export const CONTENT_PORT = 'stratum-content';
export const CLIENT_PORT_PREFIX = 'stratum-client:';

/** `stratum-client:<tabId>:<client>` — the client name is the panel's (or the kit's) id in hello/stop. */
export function clientPortName(tabId: number, client: string): string {
  return `${CLIENT_PORT_PREFIX}${tabId}:${client}`;
}

export function parseClientPortName(name: string): { tabId: number; client: string } | undefined {
  if (!name.startsWith(CLIENT_PORT_PREFIX)) return undefined;
  const rest = name.slice(CLIENT_PORT_PREFIX.length);
  const colon = rest.indexOf(':');
  const tabId = Number(rest.slice(0, colon));
  const client = rest.slice(colon + 1);
  if (colon < 1 || !Number.isInteger(tabId) || tabId < 0 || client === '') return undefined;
  return { tabId, client };
}

export interface FrameInfo {
  frameId: number;
  url: string;
}

/**
 * The attribute a test puts on a page's root element for the kit to find its tab: the tab whose
 * top-frame content script reads the same random value there is the page (URLs can repeat, and
 * a pushState or hash-routed app is no longer at the URL it loaded).
 */
export const PROBE_ATTRIBUTE = 'data-stratum-kit-probe';

/** content script → background */
export type FromContent = { kind: 'envelope'; data: unknown } | { kind: 'probe'; probe: number; found: boolean };

/** background → content script */
export type ToContent = { kind: 'envelope'; data: unknown } | { kind: 'client-gone'; client: string } | { kind: 'probe'; probe: number; nonce: string };

/** client (panel, kit) → background */
export type FromClient = { kind: 'envelope'; data: unknown } | { kind: 'frames' };

/** background → client */
export type ToClient =
  | { kind: 'envelope'; frameId: number; data: unknown }
  | { kind: 'page-ready'; frame: FrameInfo }
  | { kind: 'page-gone'; frameId: number }
  | { kind: 'frames'; frames: FrameInfo[] };

/**
 * A one-off question to the background (runtime.sendMessage): which tabs have a Stratum page;
 * with `nonce`, only the tab whose top frame carries it in PROBE_ATTRIBUTE.
 */
export type Lookup = { kind: 'tabs'; nonce?: string };

/**
 * A client asks the background to start the page storage inspector in a tab's top frame
 * (extension/inspector/): runtime.sendMessage to the background, tabs.sendMessage on to the
 * content script, whose answer comes back. Content scripts hear it on runtime.onMessage, which
 * only the extension can reach.
 */
export type InspectRequest = { kind: 'inspect'; tabId: number };
export type InspectAnswer = { started: true; session: string } | { started: false; reason: string };

export function isInspectRequest(value: unknown): value is InspectRequest {
  return isObject(value) && value.kind === 'inspect' && typeof value.tabId === 'number' && Number.isInteger(value.tabId);
}

/** The kit's probe for a tab whose content script has no port (background.ts probeUnconnected). */
export function isProbeOrder(value: unknown): value is { kind: 'probe'; nonce: string } {
  return isObject(value) && value.kind === 'probe' && typeof value.nonce === 'string';
}

/** What the background passes on to the content script. */
export function isInspectOrder(value: unknown): value is { kind: 'inspect' } {
  return isObject(value) && value.kind === 'inspect';
}
export type { TabInfo } from '#protocol/kit.js';

export function isLookup(value: unknown): value is Lookup {
  return isObject(value) && value.kind === 'tabs' && (value.nonce === undefined || typeof value.nonce === 'string');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Shape checks for what arrives on a port: anything else is dropped by the receiver, loudly. */
export function isFromContent(value: unknown): value is FromContent {
  if (!isObject(value)) return false;
  if (value.kind === 'probe') return typeof value.probe === 'number' && typeof value.found === 'boolean';
  return value.kind === 'envelope' && 'data' in value;
}

export function isToContent(value: unknown): value is ToContent {
  if (!isObject(value)) return false;
  if (value.kind === 'envelope') return 'data' in value;
  if (value.kind === 'probe') return typeof value.probe === 'number' && typeof value.nonce === 'string';
  return value.kind === 'client-gone' && typeof value.client === 'string';
}

export function isFromClient(value: unknown): value is FromClient {
  return isObject(value) && ((value.kind === 'envelope' && 'data' in value) || value.kind === 'frames');
}

export function isToClient(value: unknown): value is ToClient {
  if (!isObject(value)) return false;
  switch (value.kind) {
    case 'envelope':
      return typeof value.frameId === 'number' && 'data' in value;
    case 'page-ready':
      return isObject(value.frame) && typeof value.frame.frameId === 'number';
    case 'page-gone':
      return typeof value.frameId === 'number';
    case 'frames':
      return Array.isArray(value.frames);
    default:
      return false;
  }
}
