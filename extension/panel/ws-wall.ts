/**
 * The panel's transport in the standalone panel: a WebSocket to the relay of
 * `npx stratumjs devtools`. Each runtime socket is a frame (the relay numbers them): one joining
 * or leaving counts as a page frame being ready (the panel says hello again), one whose socket
 * closed as a page gone (its runtimes are dropped at once; one merely busy keeps its socket, so
 * only two silent roll calls drop it). The socket reconnects with backoff after a server restart,
 * as the extension's port does.
 */
import { reconnectingSocket, type CreateSocket } from '#runtime/transport/ws/socket.js';
import { PANEL_PATH } from '#runtime/transport/ws/wire.js';
import type { PageFrame, PanelWall, WallStatus } from './wall.js';

export interface WsWallOptions {
  origin: string;
  token: string;
  client: string;
  create?: CreateSocket;
  /** The relay refused this panel (a token from an earlier run, a foreign origin), in its words. */
  onRefused?: (why: string) => void;
}

export function wsWall(options: WsWallOptions): PanelWall {
  const envelopeListeners = new Set<(data: unknown, frameId?: number) => void>();
  const goneListeners = new Set<(frameId: number) => void>();
  const statusListeners = new Set<(status: WallStatus) => void>();
  const pageListeners = new Set<(frame: PageFrame) => void>();
  const url = new URL(PANEL_PATH, options.origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = reconnectingSocket({
    url: url.href,
    token: options.token,
    client: options.client,
    create: options.create ?? ((href) => new WebSocket(href) as unknown as ReturnType<CreateSocket>),
    onStatus: (status, why, refused) => {
      if (refused) options.onRefused?.(why ?? 'refused');
      for (const listener of [...statusListeners]) listener(status);
    },
    onFrame: (frame) => {
      if (frame.kind === 'envelope') for (const listener of [...envelopeListeners]) listener(frame.data, frame.from);
      else if (frame.kind === 'runtime-gone') for (const listener of [...goneListeners]) listener(frame.from);
      else if (frame.kind === 'runtimes-changed') for (const listener of [...pageListeners]) listener({ frameId: 0, url: options.origin });
    },
  });
  return {
    tabId: 0,
    client: options.client,
    // No DevTools theme here: theme.css follows prefers-color-scheme, live (read at load, it froze).
    theme: undefined,
    send: (envelope) => socket.send(JSON.stringify({ kind: 'envelope', data: envelope })),
    listen(listener) {
      envelopeListeners.add(listener);
      return () => envelopeListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onPageReady(listener) {
      pageListeners.add(listener);
      return () => pageListeners.delete(listener);
    },
    onPageGone(listener) {
      goneListeners.add(listener);
      return () => goneListeners.delete(listener);
    },
    close: () => socket.close(),
  };
}
