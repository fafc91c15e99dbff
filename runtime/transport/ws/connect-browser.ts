/** connectDevtools for a page without the extension (Safari, a phone, Electron): the browser's WebSocket. */
import { connectWith, type ConnectDevtoolsOptions, type DevtoolsConnection } from './connect.js';
import type { SocketLike } from './socket.js';

export type { ConnectDevtoolsOptions, DevtoolsConnection } from './connect.js';

export function connectDevtools(options: ConnectDevtoolsOptions): DevtoolsConnection {
  if (typeof WebSocket !== 'function') throw new Error('connectDevtools: this environment has no WebSocket; in Node, import stratumjs/devtools under the "node" condition');
  return connectWith(
    (url) => new WebSocket(url) as unknown as SocketLike,
    () => ({ name: document.title || location.origin, url: location.href, title: document.title }),
    options,
  );
}
