/**
 * The standalone server behind `npx stratumjs devtools`: serves the panel's files and relays
 * between runtimes and panels over `ws`. Loopback only unless a host is given; a random token
 * per run; panel sockets only from the server's own origin; HTTP requests only with a Host
 * header naming the server (a page elsewhere cannot reach it through DNS rebinding).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { Relay } from './relay.js';
import { DEFAULT_PORT } from './server-defaults.js';
import { MAX_FRAME_BYTES, PANEL_PATH, RUNTIME_PATH, AUTH_TIMEOUT_MS, CLOSE } from './wire.js';

export interface DevtoolsServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  readOnly?: boolean;
  /** Fixed token (tests); default 24 random bytes, new every run. */
  token?: string;
  /** The built standalone panel (index.html, panel.js, theme.css). */
  root: string;
  onDrop?: (reason: string) => void;
}

export interface DevtoolsServer {
  /** http://host:port/ — the panel; runtimes connect to the same origin. */
  readonly url: string;
  /** The URL that opens the panel already paired (the token in the fragment, which is never sent to a server). */
  readonly panelUrl: string;
  readonly token: string;
  readonly relay: Relay;
  close(): Promise<void>;
}

export { DEFAULT_PORT } from './server-defaults.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The request's path, or undefined when its target is not a URL (`//[` throws in `new URL`). */
function pathnameOf(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://x').pathname;
  } catch (error) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
}

export async function startDevtoolsServer(options: DevtoolsServerOptions): Promise<DevtoolsServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  let origins: string[] = [];
  const relay = new Relay({
    token,
    readOnly: options.readOnly === true,
    get panelOrigins() {
      return origins;
    },
    ...(options.onDrop && { onDrop: options.onDrop }),
  });

  const serveFile = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const hostHeader = request.headers.host ?? '';
    if (!origins.some((origin) => origin === `http://${hostHeader}`)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end(`stratum devtools: unexpected Host "${hostHeader}"`);
      return;
    }
    const pathname = pathnameOf(request);
    if (pathname === undefined) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('stratum devtools: the request path is not a URL');
      return;
    }
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    // Only the few flat files of the panel: no path walks out of root.
    if (!/^[\w.-]+$/.test(name)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(options.root, name));
      response.writeHead(200, {
        'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: data:; style-src 'self' 'unsafe-inline'",
      });
      response.end(body);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      response.writeHead(missing ? 404 : 500, { 'content-type': 'text/plain' }).end(missing ? 'not found' : String(error));
    }
  };

  const http: Server = createServer((request, response) => {
    serveFile(request, response).catch((error: unknown) => {
      console.error('stratum devtools: serving a file failed', error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  http.on('upgrade', (request, socket, head) => {
    const pathname = pathnameOf(request);
    if (pathname === undefined) {
      // An exception here would be uncaught (an event handler) and end the whole server.
      options.onDrop?.('an upgrade whose path is not a URL');
      const body = 'stratum devtools: the request path is not a URL';
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, () => socket.destroy());
      return;
    }
    const role = pathname === RUNTIME_PATH ? 'runtime' : pathname === PANEL_PATH ? 'panel' : undefined;
    if (!role) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const connection = relay.accept(
        { send: (text) => ws.readyState === ws.OPEN && ws.send(text), close: (code, reason) => ws.close(code, reason) },
        role,
        request.headers.origin,
      );
      const timer = setTimeout(() => ws.close(CLOSE.timeout, 'no auth in time'), AUTH_TIMEOUT_MS);
      ws.on('message', (data, binary) => {
        if (binary) {
          // Frames are JSON text; before auth a binary one is as wrong a first frame as any other.
          if (!connection.authed) {
            options.onDrop?.('a binary frame before auth');
            return ws.close(CLOSE.badFrame, 'send auth with the token first');
          }
          return void options.onDrop?.('a binary frame');
        }
        connection.receive(data.toString());
        // Only a socket that authenticated is spared the deadline; any other frame does not count.
        if (connection.authed) clearTimeout(timer);
      });
      ws.on('close', () => {
        clearTimeout(timer);
        connection.closed();
      });
      ws.on('error', (error) => console.error('stratum devtools: socket error', error));
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const names = new Set([hostForUrl(host), '127.0.0.1', 'localhost', '[::1]']);
  // A panel opened through any loopback name (or the given host) is the server's own page.
  origins = host === '127.0.0.1' || host === 'localhost' || host === '::1' ? [...names].map((name) => `http://${name}:${port}`) : [`http://${hostForUrl(host)}:${port}`, ...[...names].map((name) => `http://${name}:${port}`)];
  const url = `http://${hostForUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}/`;
  return {
    url,
    panelUrl: `${url}#token=${token}`,
    token,
    relay,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
