/**
 * The worker side of the devtools channel, loaded only in a worker whose page relayed
 * (relayWorker). Each hand-over is one page: its own port, its own agent (a shared worker serves
 * several pages, each with its own panel and frame), loaded on that port's first hello like the
 * page's agent is on the window's.
 */
import { ANNOUNCE, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/frozen.js';
import { agentLoader, saysHello, type Listening, type Via } from './listen.js';
import { SOURCE_RELAY, type RelayHello } from './worker-relay.js';

/** Envelopes kept while the agent loads; more are dropped (a panel re-sends hello). */
const MAX_WAITING = 64;

interface Link {
  port: MessagePort;
  stop?: () => void;
}

/** The relay's hand-over, checked: a page is trusted as much as the worker it started, not more. */
function readHello(data: unknown): RelayHello | undefined {
  const hello = data as Partial<RelayHello> | null;
  const frame = hello?.frame;
  if (hello?.source !== SOURCE_RELAY || hello.v !== 1 || (hello.kind !== 'dedicated' && hello.kind !== 'shared')) return undefined;
  if (typeof hello.name !== 'string' || !frame || typeof frame.url !== 'string' || typeof frame.top !== 'boolean' || typeof frame.title !== 'string') return undefined;
  return hello as RelayHello;
}

/** The worker's name: the one the page gave, else `new Worker(url, { name })`, else its script's file name. */
function workerName(given: string): string {
  const own = (globalThis as { name?: unknown }).name;
  if (given) return given;
  if (typeof own === 'string' && own) return own;
  return location.pathname.split('/').pop() || location.href;
}

/**
 * Links every hand-over the listener held and every later one (the held list's push becomes the
 * link); returns what stops them all.
 */
export function linker(listening: Listening, held: MessageEvent[]): () => void {
  const links = new Set<Link>();
  const link = ({ data, ports }: MessageEvent): number => {
    const hello = readHello(data);
    const port = ports[0];
    if (!hello || !port) return listening.dropped++;
    const entry: Link = { port };
    links.add(entry);
    const via: Via = {
      send: (envelope) => port.postMessage(envelope),
      frame: hello.frame,
      worker: { kind: hello.kind, name: workerName(hello.name), url: location.href },
    };
    let deliver: ((data: unknown) => void) | undefined;
    let waiting: unknown[] | undefined;
    port.onmessage = (event: MessageEvent) => {
      const envelope = event.data as { source?: unknown; batch?: unknown } | null;
      if (!listening.on || envelope?.source !== SOURCE_CONTENT) return void listening.dropped++;
      if (deliver) return deliver(envelope);
      if (waiting) return void (waiting.length < MAX_WAITING ? waiting.push(envelope) : listening.dropped++);
      const load = agentLoader();
      if (!load || !saysHello(envelope.batch)) return void listening.dropped++;
      waiting = [envelope];
      load().then(
        ({ connect }) => {
          const queued = waiting ?? [];
          waiting = undefined;
          if (!listening.on || !links.has(entry)) return;
          const agent = connect(listening, via);
          deliver = agent.deliver;
          entry.stop = agent.stop;
          queued.forEach(deliver);
        },
        (error: unknown) => {
          waiting = undefined;
          console.error('stratum: the devtools agent could not be loaded in this worker; the panel will not see it.', error);
        },
      );
    };
    // A panel already open hears of this worker as it hears of a page that loaded.
    port.postMessage({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: listening.id, seq: 0, batch: [{ event: ANNOUNCE, payload: {} }] });
    return links.size;
  };
  const stop = (): void => {
    for (const entry of links) {
      entry.stop?.();
      entry.port.close();
    }
    links.clear();
  };
  held.splice(0).forEach(link);
  held.push = (...later: MessageEvent[]) => later.reduce((_, handover) => link(handover), 0);
  return stop;
}
