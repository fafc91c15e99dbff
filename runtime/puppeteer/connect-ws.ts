/**
 * connect({ url, token }): the kit's client as one more panel of the standalone server. Loaded
 * only when asked for, so tests against the extension never load `ws`.
 */
import WebSocket from 'ws';
import { decode } from '../codec/index.js';
import { PanelBridge } from '../protocol/bridge.js';
import { CommandError } from '../protocol/errors.js';
import { Command, Event, type CommandName, type CommandRequest, type CommandResult, type Ready } from '../protocol/messages.js';
import { reconnectingSocket, type SocketLike, type SocketStatus } from '../transport/ws/socket.js';
import { PANEL_PATH } from '../transport/ws/wire.js';
import { StratumError, type ServerTarget } from './connect.js';

export async function connectServer(target: ServerTarget, timeout: number): Promise<{
  ready: Ready;
  request: <K extends CommandName>(name: K, payload: CommandRequest<K>) => Promise<CommandResult<K>>;
  close: () => Promise<void>;
}> {
  const url = new URL(PANEL_PATH, target.url);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = `kit-${Math.random().toString(36).slice(2, 10)}`;
  const listeners = new Set<(data: unknown) => void>();
  let onConnected: (() => void) | undefined;
  /** Set while connect waits for its runtime: a runtime that joins the server later is asked too. */
  let onRuntimesChanged: (() => void) | undefined;
  const statusListeners = new Set<(status: SocketStatus) => void>();
  const socket = reconnectingSocket({
    url: url.href,
    token: target.token,
    client,
    create: (href) => new WebSocket(href) as unknown as SocketLike,
    onFrame: (frame) => {
      if (frame.kind === 'envelope') for (const listener of [...listeners]) listener(frame.data);
      else if (frame.kind === 'runtimes-changed') onRuntimesChanged?.();
    },
    onStatus: (status) => {
      if (status === 'connected') onConnected?.();
      for (const listener of [...statusListeners]) listener(status);
    },
  });
  const bridge = new PanelBridge({
    // With the socket's status the bridge fails pending commands with `disconnected` on a drop,
    // rather than letting them time out as if the runtime were gone.
    wall: {
      send: (envelope) => socket.send(JSON.stringify({ kind: 'envelope', data: envelope })),
      listen: (l) => (listeners.add(l), () => listeners.delete(l)),
      onStatus: (l) => (statusListeners.add(l), () => statusListeners.delete(l)),
    },
    client,
    timeout,
  });
  const fail = (message: string) => {
    bridge.shutdown();
    socket.close();
    return new StratumError('not-found', message);
  };
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const timer = setTimeout(() => onConnected?.(), timeout);
  await connected;
  clearTimeout(timer);
  if (!socket.connected) throw fail(`connect: no answer from ${target.url} within ${timeout} ms (is \`stratumjs devtools\` running, and is the token this run's?)`);

  // Every runtime answers hello; take the one named, or the first. A runtime may join the server
  // after the kit (an app started beside the test): each join is asked again, until `timeout`.
  const hello = () => void bridge.hello().catch(() => undefined); // answers arrive through the listener below
  const ready = await new Promise<Ready | undefined>((resolve) => {
    const stop = bridge.on(Event.response, (response) => {
      if (response.command !== Command.hello || !response.ok) return;
      const answer = response.result as Ready;
      if (!answer.compatible || (target.runtime !== undefined && answer.runtime.name !== target.runtime)) return;
      stop();
      clearTimeout(giveUp);
      resolve(answer);
    });
    const giveUp = setTimeout(() => (stop(), resolve(undefined)), timeout);
    onRuntimesChanged = hello;
    hello();
  });
  onRuntimesChanged = undefined;
  if (!ready) throw fail(`connect: no runtime${target.runtime ? ` named "${target.runtime}"` : ''} answered on ${target.url} within ${timeout} ms`);
  bridge.target = ready.runtime.id;

  // A restarted server (or runtime) knows nothing of this client: the runtime answers no command
  // until it hears hello again, and the relay routes to it only once it has spoken. So hello
  // again when the socket is back and whenever a runtime joins, and follow the runtime's answer.
  const name = target.runtime ?? ready.runtime.name;
  const stopAnswers = bridge.on(Event.response, (response) => {
    if (response.command !== Command.hello || !response.ok) return;
    const answer = response.result as Ready;
    if (answer.compatible && answer.runtime.name === name) bridge.target = answer.runtime.id;
  });
  statusListeners.add((status) => status === 'connected' && hello());
  onRuntimesChanged = hello;

  return {
    ready,
    async request(name, payload) {
      try {
        return await bridge.request(name, payload);
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        throw new StratumError(error.code, error.message, error.current && decode(error.current.value));
      }
    },
    async close() {
      stopAnswers();
      statusListeners.clear();
      onRuntimesChanged = undefined;
      bridge.request(Command.stop, { client }).catch(() => undefined); // the socket closes next; the relay says stop too
      bridge.flush();
      bridge.shutdown();
      socket.close();
    },
  };
}
