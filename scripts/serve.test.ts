import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepo, type Served } from './serve.js';

// One folder holding the served root and, beside it, what must never be served: a "sibling"
// folder, and one whose name starts with the root's (a prefix check would let it through).
const top = mkdtempSync(path.join(tmpdir(), 'stratum-serve-test-'));
const root = path.join(top, 'site');
let served: Served;

beforeAll(async () => {
  for (const dir of ['site/sub', 'sibling', 'site-sibling']) mkdirSync(path.join(top, dir), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(path.join(root, 'sub/index.html'), '<h1>sub</h1>');
  writeFileSync(path.join(root, 'a b.txt'), 'spaced');
  writeFileSync(path.join(top, 'sibling/secret.txt'), 'secret');
  writeFileSync(path.join(top, 'site-sibling/secret.txt'), 'secret');
  symlinkSync(path.join(top, 'sibling'), path.join(root, 'escape'));
  writeFileSync(path.join(root, 'locked.txt'), 'locked');
  chmodSync(path.join(root, 'locked.txt'), 0);
  served = await serveRepo(root);
});

afterAll(async () => {
  rmSync(top, { recursive: true, force: true });
  await served.close();
});

/** The raw path is sent as is (no client-side normalising), as an attacker would. */
function get(rawPath: string, method = 'GET'): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port: served.port, path: rawPath, method }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, type: response.headers['content-type'] }));
    });
    outgoing.on('error', reject).end();
  });
}

describe('serveRepo', () => {
  it('sends every file no-store, or no-cache when asked (a page Firefox may keep in its back/forward cache)', async () => {
    const cacheOf = (port: number) =>
      new Promise<string | undefined>((resolve, reject) => request({ host: '127.0.0.1', port, path: '/' }, (response) => (response.resume(), resolve(response.headers['cache-control']))).on('error', reject).end());
    expect(await cacheOf(served.port)).toBe('no-store');
    const cached = await serveRepo(root, { cache: 'no-cache' });
    try {
      expect(await cacheOf(cached.port)).toBe('no-cache');
    } finally {
      await cached.close();
    }
  });

  it('serves files and folders’ index.html below its root, decoding the path', async () => {
    expect(await get('/')).toMatchObject({ status: 200, body: '<h1>home</h1>', type: 'text/html; charset=utf-8' });
    expect(await get('/sub/')).toMatchObject({ status: 200, body: '<h1>sub</h1>' });
    expect(await get('/a%20b.txt')).toMatchObject({ status: 200, body: 'spaced' });
    expect(await get('/a%20b.txt', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get('/missing.js')).toMatchObject({ status: 404 });
  });

  it('never serves outside its root: encoded slashes, encoded dots, a prefix-named sibling, a symlink out', async () => {
    for (const attack of ['/..%2fsibling/secret.txt', '/..%2fsite-sibling/secret.txt', '/%2e%2e%2fsibling/secret.txt', '/..%5csibling/secret.txt', '/escape/secret.txt']) {
      const answer = await get(attack);
      expect(answer.body, attack).not.toContain('secret');
      expect([403, 404], attack).toContain(answer.status);
    }
    expect((await get('/..%2fsibling/secret.txt')).status).toBe(403);
  });

  it('answers a malformed URL with 400, and keeps serving', async () => {
    expect(await get('/%E0%A4%A')).toMatchObject({ status: 400, body: 'malformed URL: /%E0%A4%A' });
    expect(await get('/x%00.txt')).toMatchObject({ status: 400 });
    expect((await get('/')).status).toBe(200);
  });

  it('answers a request line Node cannot parse with 400, and keeps serving', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(served.port, '127.0.0.1', () => socket.write('GET /\u0001 nonsense\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await get('/')).status).toBe(200);
  });

  // Root reads every file whatever its mode, so there the open error cannot be provoked.
  it.skipIf(process.getuid?.() === 0)('answers a file it cannot open with 500, not a crash', async () => {
    expect((await get('/locked.txt')).status).toBe(500);
    expect((await get('/')).status).toBe(200);
  });

  // /proc/self/fd lists this process's open files (Linux only): the served file must be closed.
  it.runIf(process.platform === 'linux')('closes the file when the client goes away mid-download', async () => {
    writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(32 * 1024 * 1024));
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    await new Promise<void>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port: served.port, path: '/big.bin' }, (response) => {
        response.once('data', () => {
          outgoing.destroy();
          resolve();
        });
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve() : reject(error))).end();
    });
    await expect.poll(open, { timeout: 2_000 }).toBeLessThanOrEqual(before);
    expect((await get('/')).status).toBe(200);
  });

  it('refuses other methods', async () => {
    expect((await get('/', 'POST')).status).toBe(405);
  });
});
