/**
 * One side's reconnecting WebSocket (a runtime's or a panel's): authenticates with the token on
 * every open, reports `connected` once the relay welcomed it, and after a close (a server
 * restart, a network blip) opens again with backoff. Frames sent while not connected are
 * dropped, not queued: after a reconnect the panel says hello again and the runtime answers with
 * a fresh snapshot, which supersedes anything that was missed.
 */
import { CLOSE, parseRelayFrame, type ToPanel } from './wire.js';

/** The part of the WebSocket API used here: the browser's, Node 22's global and `ws` all have it. */
export interface SocketLike {
  readonly readyState: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type CreateSocket = (url: string) => SocketLike;

export type SocketStatus = 'connecting' | 'connected' | 'reconnecting';

export interface SocketOptions {
  url: string;
  token: string;
  client?: string;
  create: CreateSocket;
  onFrame(frame: ToPanel): void;
  /** `refused`: the relay closed the socket over the token or the origin (retrying will not help until that changes). */
  onStatus?(status: SocketStatus, why?: string, refused?: boolean): void;
  /** First retry delay; doubles up to MAX_BACKOFF_MS. */
  backoff?: number;
}

export const MAX_BACKOFF_MS = 5000;
const OPEN = 1;

export interface ReconnectingSocket {
  send(text: string): void;
  readonly connected: boolean;
  close(): void;
}

export function reconnectingSocket(options: SocketOptions): ReconnectingSocket {
  const first = options.backoff ?? 100;
  let socket: SocketLike | undefined;
  let welcomed = false;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let warned = false;

  function open(): void {
    let next: SocketLike;
    try {
      next = options.create(options.url);
    } catch (error) {
      // A malformed URL fails the same way every time: say so, do not spin.
      console.error(`stratum devtools: cannot open ${options.url}`, error);
      return;
    }
    socket = next;
    next.onopen = () => next.send(JSON.stringify({ kind: 'auth', token: options.token, ...(options.client && { client: options.client }) }));
    next.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const frame = parseRelayFrame(event.data);
      if (!frame) return;
      if (frame.kind === 'welcome' && !welcomed) {
        welcomed = true;
        attempt = 0;
        warned = false;
        options.onStatus?.('connected');
      }
      options.onFrame(frame);
    };
    // The close event follows; reconnecting is decided there.
    next.onerror = () => undefined;
    next.onclose = (event) => {
      if (socket !== next) return;
      socket = undefined;
      welcomed = false;
      if (closed) return;
      const refused = event.code === CLOSE.badToken || event.code === CLOSE.badOrigin;
      if (refused && !warned) {
        warned = true;
        console.warn(`stratum devtools: ${options.url} refused this connection (${event.reason}); retrying`);
      }
      options.onStatus?.('reconnecting', event.reason, refused);
      const delay = refused ? MAX_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, first * 2 ** attempt++);
      timer = setTimeout(open, delay);
      (timer as { unref?: () => void }).unref?.();
    };
  }

  options.onStatus?.('connecting');
  open();
  return {
    send(text) {
      if (socket && welcomed && socket.readyState === OPEN) socket.send(text);
    },
    get connected() {
      return welcomed;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000, 'closed');
      socket = undefined;
    },
  };
}
