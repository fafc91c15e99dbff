/**
 * What the registry's listener loads on the first hello: an agent on the page's window. The
 * listener has already checked `event.source === window` and the source tag of every envelope
 * it delivers; the agent's bridge validates the rest.
 */
import { PROTOCOL_VERSION, type RuntimeInfo } from '../../protocol/messages.js';
import type { Listening, Via } from '../../registry/listen.js';
import { config } from '../../registry/registry.js';
import { startAgent } from './agent.js';

/** Set by build.mjs; `dev` when the source runs unbundled (tests). */
declare const __STRATUM_VERSION__: string | undefined;

/** What the runtime tells a panel about itself; in a worker, the page's frame and the worker. */
export function runtimeInfo(id: string, via?: Via): RuntimeInfo {
  const version = typeof __STRATUM_VERSION__ === 'string' ? __STRATUM_VERSION__ : 'dev';
  if (via) return { id, name: config.name ?? via.worker.name, frame: via.frame, worker: via.worker, protocol: PROTOCOL_VERSION, version };
  const title = typeof document === 'undefined' ? '' : document.title;
  return {
    id,
    name: config.name ?? (title || location.origin),
    frame: { url: location.href, top: window === window.top, title },
    protocol: PROTOCOL_VERSION,
    version,
  };
}

/** An agent on the page's window, or (via) in a worker, on the port its page's relay handed over. */
export function connect(listening: Listening, via?: Via): { deliver: (data: unknown) => void; stop: () => void } {
  const receivers = new Set<(data: unknown) => void>();
  const agent = startAgent({
    wall: {
      // '*': a sandboxed or file: page has an opaque origin no target string matches; the
      // message never leaves this window, whose scripts can read it either way.
      send: via ? via.send : (envelope) => window.postMessage(envelope, '*'),
      listen: (listener) => (receivers.add(listener), () => receivers.delete(listener)),
    },
    info: runtimeInfo(listening.id, via),
    dropped: () => listening.dropped,
  });
  return { deliver: (data) => receivers.forEach((receive) => receive(data)), stop: () => agent.shutdown() };
}
