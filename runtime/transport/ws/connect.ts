/**
 * connectDevtools(): the agent a panel talks to in the extension, over a WebSocket to the
 * standalone server (`npx stratumjs devtools`) instead. Nothing is opened until it is called.
 * The same agent answers the same commands with the same validators, redaction (configureDevtools'
 * `redact`) and conflict checks; the socket only carries its envelopes.
 */
import { startAgent, type Agent } from '../../devtools/agent/agent.js';
import { config } from '../../registry/registry.js';
import { PROTOCOL_VERSION, type RuntimeInfo } from '../../protocol/messages.js';
import { RUNTIME_PATH } from './wire.js';
import { reconnectingSocket, type CreateSocket, type SocketStatus } from './socket.js';

/** Set by build.mjs; `dev` when the source runs unbundled (tests). */
declare const __STRATUM_VERSION__: string | undefined;

export interface ConnectDevtoolsOptions {
  /** The URL `stratumjs devtools` printed (http://127.0.0.1:7777/…); ws:// works too. */
  url: string;
  /** The pairing token it printed. */
  token: string;
  /** The name in the panel's runtime picker; default configureDevtools({ name }), then the process or page. */
  name?: string;
  /** Told whenever the connection comes and goes. */
  onStatus?: (status: SocketStatus) => void;
}

export interface DevtoolsConnection {
  readonly connected: boolean;
  /** Closes the socket and silences the agent for good. */
  close(): void;
}

/** http(s)://host:port/anything → ws(s)://host:port/runtime. */
export function runtimeSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  else if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error(`connectDevtools: url must be http(s) or ws(s), got ${url}`);
  parsed.pathname = RUNTIME_PATH;
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/** Where this runtime is: the picker shows `name — frame.url`, so the URL names host and pid. */
export type Whereabouts = { name: string; url: string; title: string };

export function connectWith(create: CreateSocket, where: () => Whereabouts, options: ConnectDevtoolsOptions): DevtoolsConnection {
  if (typeof options.token !== 'string' || !options.token) throw new Error('connectDevtools: token is required (the one `stratumjs devtools` printed)');
  const url = runtimeSocketUrl(options.url);
  if (!config.enabled) {
    // configureDevtools({ enabled: false }) means "send nothing", whoever asks.
    console.warn('stratumjs/devtools: connectDevtools() does nothing while configureDevtools({ enabled: false }) is in effect.');
    return { connected: false, close: () => undefined };
  }
  const place = where();
  const info: RuntimeInfo = {
    id: `rt-${Math.random().toString(36).slice(2, 12)}`,
    name: options.name ?? config.name ?? place.name,
    frame: { url: place.url, top: true, title: place.title },
    protocol: PROTOCOL_VERSION,
    version: typeof __STRATUM_VERSION__ === 'string' ? __STRATUM_VERSION__ : 'dev',
  };
  const receivers = new Set<(data: unknown) => void>();
  let agent: Agent | undefined;
  const socket = reconnectingSocket({
    url,
    token: options.token,
    create,
    onFrame: (frame) => {
      if (frame.kind === 'envelope') for (const receive of [...receivers]) receive(frame.data);
    },
    onStatus: (status) => {
      // The relay says stop for panels whose socket closed, but not when the relay itself went
      // away: the agent stops streaming until a panel says hello again.
      if (status === 'reconnecting') agent?.forgetPanels();
      options.onStatus?.(status);
    },
  });
  agent = startAgent({
    wall: {
      send: (envelope) => socket.send(JSON.stringify({ kind: 'envelope', data: envelope })),
      listen: (listener) => (receivers.add(listener), () => receivers.delete(listener)),
    },
    info,
  });
  return {
    get connected() {
      return socket.connected;
    },
    close() {
      agent?.shutdown();
      agent = undefined;
      socket.close();
    },
  };
}
