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
  Event,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type ContentEnvelope,
  type RuntimeEnvelope,
} from '#protocol/messages.js';
import { validateContentEnvelope, validateRuntimeEnvelope } from '#protocol/validate.js';
import { CONTENT_PORT, isToContent, type FromContent, type ToContent } from './ports.js';

let port: Runtime.Port | undefined;
let seenRuntime = false;
let hidden = false;
let retry = 0;
let seq = 0;
let dropped = 0;
/**
 * Runtimes that spoke in this window. The background sends every panel envelope to every frame
 * of the tab; one addressed to a runtime of another frame must not reach this page (a cross-origin
 * iframe would read the panel's edits, learn the runtime's session and answer in its name).
 */
const sessions = new Set<string>();
const isTop = window === window.top;

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
    // One stop per runtime of this window: only hello may be addressed to every runtime (ANY_SESSION).
    for (const session of sessions) {
      const stop: ContentEnvelope = {
        source: SOURCE_CONTENT,
        v: PROTOCOL_VERSION,
        session,
        seq: ++seq,
        batch: [{ command: Command.stop, id: `content:${seq}`, payload: { client: message.client } }],
      };
      const checked = validateContentEnvelope(stop);
      if (checked.ok) window.postMessage(checked.value, '*');
      else countDrop(`stop for a client that went away: ${checked.reason}`);
    }
    return;
  }
  const checked = validateContentEnvelope(message.data);
  if (!checked.ok) return countDrop(`panel envelope: ${checked.reason}`);
  if (checked.value.session !== ANY_SESSION && !sessions.has(checked.value.session)) return countDrop('panel envelope for a runtime of another frame');
  // Same window, so '*' names no other recipient; a page's origin may be opaque (sandbox, file:).
  window.postMessage(checked.value, '*');
}

/**
 * What a runtime says about where it runs must be true of this window: panels put the top frame's
 * runtime first, so a subframe answering hello as the top frame (or as another runtime) is dropped.
 */
function misplaced(envelope: RuntimeEnvelope): string | undefined {
  for (const message of envelope.batch) {
    if (message.event !== Event.response || message.payload.command !== Command.hello || !message.payload.ok) continue;
    const { runtime } = message.payload.result;
    if (runtime.id !== envelope.session) return `a hello answer for runtime ${runtime.id} sent as ${envelope.session}`;
    if (runtime.frame.top !== isTop) return `a runtime claiming to run in ${runtime.frame.top ? 'the top frame' : 'a subframe'}`;
  }
  return undefined;
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== SOURCE_RUNTIME) return;
  const checked = validateRuntimeEnvelope(data);
  if (!checked.ok) return countDrop(`runtime envelope: ${checked.reason}`);
  const lie = misplaced(checked.value);
  if (lie) return countDrop(lie);
  sessions.add(checked.value.session);
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
