import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadChrome, progressBar } from './download.js';
import { cachedChrome } from './host.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stratum-browser-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A download server that answers every request with `handler` (or never, when it does nothing). */
async function server(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const http: Server = createServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    http.closeAllConnections();
    http.close();
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function recorder(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (text: string) => written.push(text) > 0 }, written };
}

describe('progressBar', () => {
  it('draws a bar in place on a terminal and ends the line when done', () => {
    const { out, written } = recorder(true);
    const bar = progressBar('Downloading Chrome for Testing 148', out);
    bar(50 * 1048576, 200 * 1048576);
    bar(200 * 1048576, 200 * 1048576);
    expect(written[0]).toBe(`\rDownloading Chrome for Testing 148 [${'#'.repeat(8)}${'-'.repeat(22)}] 25% 50.0/200.0 MB`);
    expect(written.at(-1)).toBe('\n');
  });

  it('prints one line per quarter elsewhere (CI logs)', () => {
    const { out, written } = recorder(false);
    const bar = progressBar('Chrome', out);
    for (let done = 0; done <= 100; done += 5) bar(done, 100);
    expect(written).toEqual(['Chrome 0% (0.0/0.0 MB)\n', 'Chrome 25% (0.0/0.0 MB)\n', 'Chrome 50% (0.0/0.0 MB)\n', 'Chrome 75% (0.0/0.0 MB)\n', 'Chrome 100% (0.0/0.0 MB)\n']);
  });
});

describe('downloadChrome', () => {
  it('fails fast with the server’s reason when the build is not there', async () => {
    const baseUrl = await server((_request, response) => response.writeHead(404).end());
    const error = await downloadChrome({ buildId: '1.2.3.4', cacheDir: tempDir(), baseUrl, out: recorder(false).out }).catch((caught: Error) => caught);
    expect(String(error)).toContain('server returned code 404');
  });

  it('gives up on a server that never answers after connectMs', async () => {
    const baseUrl = await server(() => undefined);
    const started = Date.now();
    const error = await downloadChrome({ buildId: '1.2.3.4', cacheDir: tempDir(), baseUrl, connectMs: 800, out: recorder(false).out }).catch((caught: Error) => caught);
    expect(String(error)).toContain('no answer from the download server within 0.8 s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when its signal aborts (Ctrl+C in npm start)', async () => {
    const baseUrl = await server(() => undefined);
    const controller = new AbortController();
    const pending = downloadChrome({ buildId: '1.2.3.4', cacheDir: tempDir(), baseUrl, signal: controller.signal, out: recorder(false).out });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toThrow('download interrupted');
  });
});

describe('cachedChrome', () => {
  function install(cacheDir: string, buildId: string): string {
    const dir = path.join(cacheDir, 'chrome', `linux-${buildId}`, 'chrome-linux64');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'chrome');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  }

  it('finds nothing in an empty cache', async () => {
    expect(await cachedChrome(tempDir(), '148.0.7778.97')).toBeUndefined();
  });

  it('prefers puppeteer’s pinned build, else the newest', async () => {
    const cacheDir = tempDir();
    install(cacheDir, '131.0.6778.204');
    const newest = install(cacheDir, '150.0.1.2');
    expect(await cachedChrome(cacheDir, '148.0.7778.97')).toEqual({ executablePath: newest, buildId: '150.0.1.2' });
    const pinned = install(cacheDir, '148.0.7778.97');
    expect(await cachedChrome(cacheDir, '148.0.7778.97')).toEqual({ executablePath: pinned, buildId: '148.0.7778.97' });
  });
});
