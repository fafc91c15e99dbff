/**
 * The panel's transport inside the extension: a client port to the background for one tab.
 * The port drops whenever Chrome stops the idle MV3 worker; this wall reconnects with backoff
 * and reports `reconnecting` meanwhile, and the panel says hello again once it is back.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { clientPortName, isToClient, type FromClient, type InspectAnswer, type InspectRequest, type ToClient } from '../ports.js';
import type { PageFrame, PanelWall, WallStatus } from './wall.js';

const MAX_BACKOFF_MS = 2000;

export function chromeWall(tabId: number, client: string, host: { theme?: 'light' | 'dark'; openResource?: (url: string, line: number) => void } = {}): PanelWall {
  const envelopeListeners = new Set<(data: unknown, frameId?: number) => void>();
  const statusListeners = new Set<(status: WallStatus) => void>();
  const pageListeners = new Set<(frame: PageFrame) => void>();
  const goneListeners = new Set<(frameId: number) => void>();
  let port: Runtime.Port | undefined;
  let closed = false;
  let attempt = 0;

  function setStatus(status: WallStatus): void {
    for (const listener of [...statusListeners]) listener(status);
  }

  function receive(message: ToClient): void {
    switch (message.kind) {
      case 'envelope':
        for (const listener of [...envelopeListeners]) listener(message.data, message.frameId);
        break;
      case 'page-ready':
        for (const listener of [...pageListeners]) listener(message.frame);
        break;
      case 'frames':
        for (const frame of message.frames) for (const listener of [...pageListeners]) listener(frame);
        break;
      case 'page-gone':
        for (const listener of [...goneListeners]) listener(message.frameId);
        break;
    }
  }

  function connect(): void {
    const next = browser.runtime.connect({ name: clientPortName(tabId, client) });
    port = next;
    next.onMessage.addListener((message: unknown) => {
      if (!isToClient(message)) {
        console.error('stratum panel: dropped a message that is not from the background', message);
        return;
      }
      if (attempt > 0 || message.kind === 'frames') {
        attempt = 0;
        setStatus('connected');
      }
      receive(message);
    });
    next.onDisconnect.addListener(() => {
      if (port !== next || closed) return;
      port = undefined;
      setStatus('reconnecting');
      setTimeout(connect, Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt++));
    });
  }

  function post(message: FromClient): void {
    if (!port) return; // reconnecting: the panel says hello again once connected, nothing is queued
    port.postMessage(message);
  }

  connect();
  return {
    tabId,
    client,
    // Outside DevTools (the panel as a tab) none: theme.css follows prefers-color-scheme then, live,
    // where a value read here at load froze the panel in the theme the OS had when it opened.
    theme: host.theme,
    ...(host.openResource && { openResource: host.openResource }),
    send: (envelope) => post({ kind: 'envelope', data: envelope }),
    inspect: () => browser.runtime.sendMessage({ kind: 'inspect', tabId } satisfies InspectRequest) as Promise<InspectAnswer>,
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
    close() {
      closed = true;
      port?.disconnect();
      port = undefined;
    },
  };
}
