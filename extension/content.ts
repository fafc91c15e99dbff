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
import { answerBridgeUrl } from './redux-shim/locate.js';
import { RuntimeClaims } from './inspector/claims.js';
import { Inspector } from './inspector/inspector.js';
import { CONTENT_PORT, isInspectOrder, isProbeOrder, isToContent, PROBE_ATTRIBUTE, type FromContent, type InspectAnswer, type ToContent } from './ports.js';

/** The longest wait between reconnect attempts while the worker will not stay up. */
export const MAX_RECONNECT_MS = 1000;
/**
 * How long after the port is back a client that said hello before has to say it again. A panel
 * or kit that lives reconnects within its 2 s backoff and says hello at once; one that closed
 * while the worker was down never will, and the background (restarted) cannot tell the page.
 */
export const CLIENT_REHELLO_MS = 10_000;

let port: Runtime.Port | undefined;
let seenRuntime = false;
let hidden = false;
let retry = 0;
/** Clients (panels, the kit) that said hello through this frame, until they stop. */
const clients = new Set<string>();
/** Clients that said hello before the port dropped and not since; stopped when the wait ends. */
let unconfirmed = new Set<string>();
let expiry: ReturnType<typeof setTimeout> | undefined;
let seq = 0;
let dropped = 0;
/**
 * Runtimes that spoke in this window. The background sends every panel envelope to every frame
 * of the tab; one addressed to a runtime of another frame must not reach this page (a cross-origin
 * iframe would read the panel's edits, learn the runtime's session and answer in its name).
 */
const sessions = new Set<string>();
const isTop = window === window.top;
/** The page storage inspector, once a panel asked for it (never before: it costs nothing until then). */
let inspector: Inspector | undefined;
/** Heard from the first runtime envelope on, so an inspector started later knows what was said before it. */
const claims = new RuntimeClaims();

function countDrop(reason: string): void {
  dropped++;
  // Debug, not error: any page may post look-alike messages, and that is not our failure.
  console.debug(`stratum content: dropped a message (${reason}); ${dropped} so far`);
}

function connect(): Runtime.Port {
  const next = browser.runtime.connect({ name: CONTENT_PORT });
  next.onMessage.addListener((message: unknown) => {
    // The worker is up and talking: the next drop starts the backoff from the beginning.
    retry = 0;
    if (!isToContent(message)) return countDrop('not a background message');
    if (message.kind === 'probe') {
      // The kit looks for the tab of a page it marked; only the top frame's mark counts.
      const found = isTop && document.documentElement?.getAttribute(PROBE_ATTRIBUTE) === message.nonce;
      next.postMessage({ kind: 'probe', probe: message.probe, found } satisfies FromContent);
      return;
    }
    toPage(message);
  });
  next.onDisconnect.addListener(() => {
    if (port !== next) return;
    port = undefined;
    // The clients that said hello are the background's no longer: each must say it again.
    unconfirmed = new Set([...unconfirmed, ...clients]);
    clearTimeout(expiry);
    expiry = undefined;
    // The MV3 worker was stopped (idle ~30 s) or the extension reloaded: reconnect unless the
    // page is going away (pagehide) — pageshow reconnects after the back/forward cache. A worker
    // that drops every port at once (crashing, or the extension disabled) gets fewer attempts.
    if (!hidden) setTimeout(() => (port ??= connect()), Math.min(MAX_RECONNECT_MS, 50 * 2 ** retry++));
  });
  if (unconfirmed.size > 0) expiry = setTimeout(expireUnconfirmed, CLIENT_REHELLO_MS);
  return next;
}

/** Tells this window's runtimes that clients which did not say hello again are gone. */
function expireUnconfirmed(): void {
  expiry = undefined;
  for (const client of unconfirmed) {
    clients.delete(client);
    stopClient(client);
  }
  unconfirmed = new Set();
}

/** Notes who said hello or stop through this frame (the panel envelope was validated). */
function noteClients(envelope: ContentEnvelope): void {
  for (const message of envelope.batch) {
    if (message.command === Command.hello) {
      clients.add(message.payload.client);
      unconfirmed.delete(message.payload.client);
    } else if (message.command === Command.stop) {
      clients.delete(message.payload.client);
      unconfirmed.delete(message.payload.client);
    }
  }
}

function toBackground(message: FromContent): void {
  port ??= connect();
  port.postMessage(message);
}

/** One stop per runtime of this window: only hello may be addressed to every runtime (ANY_SESSION). */
function stopClient(client: string): void {
  for (const session of sessions) {
      const stop: ContentEnvelope = {
      source: SOURCE_CONTENT,
      v: PROTOCOL_VERSION,
      session,
      seq: ++seq,
      batch: [{ command: Command.stop, id: `content:${seq}`, payload: { client } }],
    };
    const checked = validateContentEnvelope(stop);
    if (checked.ok && session === inspector?.session) inspector.receive(checked.value);
    else if (checked.ok) window.postMessage(checked.value, '*');
    else countDrop(`stop for a client that went away: ${checked.reason}`);
  }
}

function toPage(message: Exclude<ToContent, { kind: 'probe' }>): void {
  if (message.kind === 'client-gone') {
    clients.delete(message.client);
    unconfirmed.delete(message.client);
    return stopClient(message.client);
  }
  const checked = validateContentEnvelope(message.data);
  if (!checked.ok) return countDrop(`panel envelope: ${checked.reason}`);
  if (checked.value.session !== ANY_SESSION && !sessions.has(checked.value.session)) return countDrop('panel envelope for a runtime of another frame');
  noteClients(checked.value);
  if (inspector && (checked.value.session === ANY_SESSION || checked.value.session === inspector.session)) {
    inspector.receive(checked.value);
    // The inspector's commands stay in this world: the page never sees them.
    if (checked.value.session === inspector.session) return;
  }
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

/**
 * The page's message as an object of this world. Firefox hands a content script the page's
 * objects through Xray wrappers, whose prototypes are not this world's Object.prototype, so the
 * validator (which accepts plain objects only) would drop every message; a structured clone made
 * here is plain. Chrome already gives the isolated world its own copy, which is kept as it is.
 */
function ownCopy(data: object): unknown {
  const proto: unknown = Object.getPrototypeOf(data);
  if (proto === Object.prototype || proto === null) return data;
  try {
    return structuredClone(data);
  } catch (error) {
    countDrop(`runtime envelope could not be copied: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window) return;
  const raw: unknown = event.data;
  if (typeof raw !== 'object' || raw === null || (raw as { source?: unknown }).source !== SOURCE_RUNTIME) return;
  const data = ownCopy(raw);
  if (data === undefined) return;
  const checked = validateRuntimeEnvelope(data);
  if (!checked.ok) return countDrop(`runtime envelope: ${checked.reason}`);
  const lie = misplaced(checked.value);
  if (lie) return countDrop(lie);
  sessions.add(checked.value.session);
  seenRuntime = true;
  claims.hear(checked.value);
  toBackground({ kind: 'envelope', data: checked.value });
});

/** Starts the inspector (once per page load) and announces it, so the asking panel says hello. */
function startInspector(): InspectAnswer {
  if (!inspector) {
    try {
      inspector = new Inspector({
        send: (envelope) => toBackground({ kind: 'envelope', data: envelope }),
        window,
        indexedDB,
        top: isTop,
        claims,
      });
    } catch (error) {
      return { started: false, reason: `the inspector could not start here: ${error instanceof Error ? error.message : String(error)}` };
    }
    sessions.add(inspector.session);
    seenRuntime = true;
  }
  inspector.announce();
  return { started: true, session: inspector.session };
}

// Only the extension reaches runtime.onMessage in a content script (the background passes the
// panel's "Inspect this page's storage" on to the top frame).
browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isTop) return undefined;
  if (isInspectOrder(message)) return Promise.resolve(startInspector());
  // The kit looks for a page with no runtime (so no port) that it marked: see background.ts probe().
  if (isProbeOrder(message)) {
    const found = document.documentElement?.getAttribute(PROBE_ATTRIBUTE) === message.nonce;
    return Promise.resolve({ found, url: location.href });
  }
  return undefined;
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

// Issue 21: the main-world Redux DevTools shim asks here where its bridge is (redux-shim/locate.ts).
answerBridgeUrl(window, () => browser.runtime.getURL('redux-bridge.js'));
