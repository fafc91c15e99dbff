/**
 * The isolated-world relay: window.postMessage (the page's runtime agent) ⇄ runtime.Port (the
 * background). It reads a page message only when it comes from this very window, carries the
 * runtime's source tag and validates as a runtime envelope; everything else is dropped and
 * counted. It connects only once a Stratum runtime has spoken, so pages without Stratum never
 * wake the service worker.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import {
  ANY_SESSION,
  Command,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type ContentEnvelope,
} from '../runtime/protocol/messages.js';
import { validateContentEnvelope, validateRuntimeEnvelope } from '../runtime/protocol/validate.js';
import { CONTENT_PORT, isToContent, type FromContent, type ToContent } from './ports.js';

let port: Runtime.Port | undefined;
let seenRuntime = false;
let hidden = false;
let retry = 0;
let seq = 0;
let dropped = 0;

function countDrop(reason: string): void {
  dropped++;
  // Debug, not error: any page may post look-alike messages, and that is not our failure.
  console.debug(`stratum content: dropped a message (${reason}); ${dropped} so far`);
}

function connect(): Runtime.Port {
  const next = browser.runtime.connect({ name: CONTENT_PORT });
  next.onMessage.addListener((message: unknown) => {
    if (!isToContent(message)) return countDrop('not a background message');
    toPage(message);
  });
  next.onDisconnect.addListener(() => {
    if (port !== next) return;
    port = undefined;
    // The MV3 worker was stopped (idle ~30 s) or the extension reloaded: reconnect unless the
    // page is going away (pagehide) — pageshow reconnects after the back/forward cache.
    if (!hidden) setTimeout(() => (port ??= connect()), Math.min(1000, 50 * 2 ** retry++));
  });
  retry = 0;
  return next;
}

function toBackground(message: FromContent): void {
  port ??= connect();
  port.postMessage(message);
}

function toPage(message: ToContent): void {
  if (message.kind === 'client-gone') {
    const stop: ContentEnvelope = {
      source: SOURCE_CONTENT,
      v: PROTOCOL_VERSION,
      session: ANY_SESSION,
      seq: ++seq,
      batch: [{ command: Command.stop, id: `content:${seq}`, payload: { client: message.client } }],
    };
    window.postMessage(stop, '*');
    return;
  }
  const checked = validateContentEnvelope(message.data);
  if (!checked.ok) return countDrop(`panel envelope: ${checked.reason}`);
  // Same window, so '*' names no other recipient; a page's origin may be opaque (sandbox, file:).
  window.postMessage(checked.value, '*');
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== SOURCE_RUNTIME) return;
  const checked = validateRuntimeEnvelope(data);
  if (!checked.ok) return countDrop(`runtime envelope: ${checked.reason}`);
  seenRuntime = true;
  toBackground({ kind: 'envelope', data: checked.value });
});

window.addEventListener('pagehide', () => {
  hidden = true;
  port?.disconnect();
  port = undefined;
});

window.addEventListener('pageshow', (event: PageTransitionEvent) => {
  hidden = false;
  // Restored from the back/forward cache: the runtime is still there but its port is gone.
  if (event.persisted && seenRuntime) port ??= connect();
});
