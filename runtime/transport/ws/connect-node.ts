/** connectDevtools for Node (the `node` condition of stratumjs/devtools): `ws` for the socket. */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import WebSocket from 'ws';
import { connectWith, type ConnectDevtoolsOptions, type DevtoolsConnection } from './connect.js';
import type { SocketLike } from './socket.js';

export type { ConnectDevtoolsOptions, DevtoolsConnection } from './connect.js';

export function connectDevtools(options: ConnectDevtoolsOptions): DevtoolsConnection {
  const host = hostname();
  const script = basename(process.argv[1] ?? process.title);
  return connectWith(
    // No Origin header: the relay knows a Node runtime from a page by that.
    (url) => new WebSocket(url, { maxPayload: 64 * 1024 * 1024 }) as unknown as SocketLike,
    () => ({ name: script, url: `node://${host}/pid/${process.pid}`, title: `pid ${process.pid} on ${host}` }),
    options,
  );
}
