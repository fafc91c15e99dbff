import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repo root, found from this file: scripts/ in the source, dist/tools/ once bundled. */
export const REPO_ROOT = path.resolve(HERE, path.basename(HERE) === 'tools' ? '../..' : '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Served {
  /** e.g. http://127.0.0.1:41234 — `localhost` with the same port is a second origin. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The file a request path names, or why there is none: 400 for a path that cannot be decoded,
 * 403 for one that leaves the root (`/..%2f…` — the URL parser only folds a literal `/../`, an
 * encoded slash survives until decoding; a symlink pointing out counts too), 404 for nothing there.
 */
export function fileFor(root: string, pathname: string): { file: string } | { status: 400 | 403 | 404; message: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400, message: `malformed URL: ${pathname}` };
  }
  if (decoded.includes('\0')) return { status: 400, message: 'malformed URL: a NUL byte' };
  const outside = { status: 403, message: 'outside the served folder' } as const;
  const inside = (file: string) => {
    const relative = path.relative(root, file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  };
  let file = path.resolve(root, `.${path.sep}${decoded}`);
  if (!inside(file)) return outside;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!statSync(file).isFile()) throw new Error('not a file');
    if (!inside(realpathSync(file))) return outside;
  } catch {
    // Missing, unreadable, or not a regular file: all are "not here" to a browser.
    return { status: 404, message: `not found: ${pathname}` };
  }
  return { file };
}

/**
 * Serves files below `root` (default: the repo) on 127.0.0.1, a free port. Never outside root.
 * Every file goes out `no-store`, so a page never runs a stale build; `cache: 'no-cache'` is
 * as fresh (no validators are sent, so every use is a full fetch) yet lets Firefox keep a page
 * in its back/forward cache, which it never does for a `no-store` page (Chromium does).
 */
export async function serveRepo(root: string = REPO_ROOT, options: { cache?: 'no-store' | 'no-cache' } = {}): Promise<Served> {
  const cacheControl = options.cache ?? 'no-store';
  const base = realpathSync(path.resolve(root));
  const server: Server = createServer((request, response) => {
    const plain = (status: number, text: string) => {
      if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(text);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'only GET and HEAD');
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://x').pathname;
    } catch {
      return plain(400, 'malformed URL');
    }
    const found = fileFor(base, pathname);
    if (!('file' in found)) return plain(found.status, found.message);
    const stream = createReadStream(found.file);
    // Headers only once the file is open: a file that vanished or is unreadable gets a 404/500.
    stream.once('open', () => {
      response.writeHead(200, {
        'content-type': TYPES[path.extname(found.file)] ?? 'application/octet-stream',
        'cache-control': cacheControl,
      });
      if (request.method === 'HEAD') {
        stream.destroy();
        response.end();
        return;
      }
      pipeline(stream, response, (error) => {
        // A client that went away mid-file is normal; anything else is worth a line.
        if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error(`serve: ${pathname}: ${error.message}`);
      });
    });
    stream.once('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) return response.destroy(error);
      plain(error.code === 'ENOENT' ? 404 : 500, `cannot read ${pathname}: ${error.code ?? error.message}`);
    });
  });
  // A request Node cannot even parse: answer 400 and drop the socket rather than crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    // close() waits for open connections: idle keep-alive ones are dropped now, busy ones after 1 s.
    close: () =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), 1_000);
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
