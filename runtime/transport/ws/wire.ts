/**
 * What travels over the devtools WebSocket, besides protocol envelopes. Every socket first
 * sends `auth` with the run's token; the relay relays nothing before it, and closes a socket
 * whose first frame is anything else. Frames are JSON text; the protocol validators check the
 * envelopes inside, these checks only the wrapper.
 */

/** The relay's paths: runtimes (Node processes, pages) and panels connect to different ones. */
export const RUNTIME_PATH = '/runtime';
export const PANEL_PATH = '/panel';
/** Larger frames are refused unread (a snapshot of 10,000 states is a few MB). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** A socket that has not authenticated within this time is closed. */
export const AUTH_TIMEOUT_MS = 5000;

/** Close codes (4000–4999 are the application's). */
export const CLOSE = { badToken: 4401, badOrigin: 4403, badFrame: 4400, timeout: 4408 } as const;

export type Role = 'runtime' | 'panel';

export interface AuthFrame {
  kind: 'auth';
  token: string;
  /** The panel's client name (its `stop` is sent for it when the socket closes). */
  client?: string;
}

export interface EnvelopeFrame {
  kind: 'envelope';
  data: unknown;
}

/** Relay → panel: after auth, and whenever a runtime joins or leaves (the panel says hello again). */
export interface WelcomeFrame {
  kind: 'welcome';
  readOnly: boolean;
}
export interface RuntimesFrame {
  kind: 'runtimes-changed';
  count: number;
}

/**
 * Relay → panel: an envelope with the number of the runtime socket it came from. The panel takes
 * it as the envelope's frame (the extension's frame id): one socket cannot speak for another's
 * runtime, and `runtime-gone` names what went.
 */
export interface RelayedFrame extends EnvelopeFrame {
  from?: number;
}
/** Relay → panel: that runtime socket closed (the process ended): its runtimes are gone, now. */
export interface RuntimeGoneFrame {
  kind: 'runtime-gone';
  from: number;
}

export type FromPeer = AuthFrame | EnvelopeFrame;
export type ToPanel = RelayedFrame | WelcomeFrame | RuntimesFrame | RuntimeGoneFrame;
export type ToRuntime = EnvelopeFrame | WelcomeFrame;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One text frame from a peer, or why it is refused. */
export function parsePeerFrame(text: string): { ok: true; frame: FromPeer } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (!isObject(value)) return { ok: false, reason: 'a frame must be a JSON object' };
  if (value.kind === 'auth') {
    if (typeof value.token !== 'string') return { ok: false, reason: 'auth needs a token string' };
    if (value.client !== undefined && (typeof value.client !== 'string' || value.client.length > 200)) {
      return { ok: false, reason: 'auth client must be a short string' };
    }
    return { ok: true, frame: { kind: 'auth', token: value.token, ...(value.client !== undefined && { client: value.client as string }) } };
  }
  if (value.kind === 'envelope') return { ok: true, frame: { kind: 'envelope', data: value.data } };
  return { ok: false, reason: `unknown frame kind ${JSON.stringify(value.kind)?.slice(0, 40)}` };
}

/** A frame from the relay, for the clients; undefined when it is not one. */
export function parseRelayFrame(text: string): ToPanel | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Read as a frame of an unknown kind: the caller skips what it cannot read, so a panel older
    // than its relay keeps working (the relay, not a peer, wrote it; there is no one to answer).
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (value.kind === 'envelope') return { kind: 'envelope', data: value.data, ...(Number.isInteger(value.from) && { from: value.from as number }) };
  if (value.kind === 'runtime-gone' && Number.isInteger(value.from)) return { kind: 'runtime-gone', from: value.from as number };
  if (value.kind === 'welcome' && typeof value.readOnly === 'boolean') return { kind: 'welcome', readOnly: value.readOnly };
  if (value.kind === 'runtimes-changed' && typeof value.count === 'number') return { kind: 'runtimes-changed', count: value.count };
  return undefined;
}
