import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
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

/** A one-file zip (stored, not deflated) whose file is executable: a stand-in Chrome archive. */
function zipOf(name: string, content: Buffer): Buffer {
  const file = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(file.length, 28);
  central.writeUInt32LE(((0o100755 << 16) >>> 0), 38);
  const centralStart = local.length + file.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(centralStart, 16);
  return Buffer.concat([local, file, content, central, file, end]);
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
  // The archive's name and layout are Linux x64's (chrome-linux64.zip); other systems fetch others.
  it.runIf(process.platform === 'linux' && process.arch === 'x64')('downloads and unpacks into the cache, drawing progress, and returns the executable', async () => {
    const archive = zipOf('chrome-linux64/chrome', Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.alloc(2 * 1024 * 1024)]));
    const requested: string[] = [];
    const baseUrl = await server((request, response) => {
      requested.push(request.url ?? '');
      response.writeHead(200, { 'content-length': archive.length }).end(archive);
    });
    const cacheDir = tempDir();
    const { out, written } = recorder(false);
    const installed = await downloadChrome({ buildId: '1.2.3.4', cacheDir, baseUrl, out });
    expect(requested).toEqual(['/1.2.3.4/linux64/chrome-linux64.zip']);
    expect(installed).toEqual({ executablePath: path.join(cacheDir, 'chrome', 'linux-1.2.3.4', 'chrome-linux64', 'chrome'), buildId: '1.2.3.4' });
    expect(written.at(-1)).toBe('Downloading Chrome for Testing 1.2.3.4 100% (2.0/2.0 MB)\n');
    expect(await cachedChrome(cacheDir, '1.2.3.4')).toEqual(installed);
  });

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
