/**
 * `node bench/panel-heap.mjs [--seconds=60]`: the panel's heap after N seconds (60 by default) of
 * 1,000 changes a second, read every 5 s after full collections (bench/pages/panel-heap.ts).
 * Prints the series and writes out/bench/panel-heap.json. Its own Chromium: the precise heap
 * needs flags that slow other rows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { launch } from '../runtime/puppeteer/launch.js';
import { REPO_ROOT, serveRepo } from '../scripts/serve.js';
import type { HeapPoint } from './pages/panel-heap.js';

export async function main(): Promise<void> {
  const flag = process.argv.find((arg) => arg.startsWith('--seconds='));
  const seconds = flag ? Number(flag.slice('--seconds='.length)) : 60;
  if (!Number.isFinite(seconds) || seconds < 5) throw new Error(`--seconds needs a number of at least 5, not ${flag}`);
  const out = path.join(REPO_ROOT, 'out/bench/panel-heap');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'bench/pages/panel-heap.ts')],
    outfile: path.join(out, 'panel-heap.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    define: { 'process.env.NODE_ENV': '"development"' },
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  writeFileSync(
    path.join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="./panel-heap.css"><script type="module">import("./panel-heap.js").then(() => { globalThis.__ready = true; }, (e) => { globalThis.__failed = String(e && e.stack || e); });</script>',
  );
  const served = await serveRepo(out);
  const browser = await launch({
    extension: false,
    headless: true,
    args: ['--enable-precise-memory-info', '--js-flags=--expose-gc', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${served.origin}/index.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as { __ready?: boolean; __failed?: string }).__ready === true || (globalThis as { __failed?: string }).__failed !== undefined);
    const failed = await page.evaluate(() => (globalThis as { __failed?: string }).__failed);
    if (failed) throw new Error(failed);
    process.stderr.write(`panel heap: ${seconds} s of 1,000 changes/s…\n`);
    const points = (await page.evaluate((s) => globalThis.__panelHeap!.run(s), seconds)) as HeapPoint[];
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    for (const point of points) console.log(`${String(point.at).padStart(4)} s  ${mb(point.bytes).padStart(6)} MB  ${point.changes} changes`);
    writeFileSync(path.join(out, 'panel-heap.json'), `${JSON.stringify({ date: new Date().toISOString(), chromium: await browser.version(), seconds, points }, null, 2)}\n`);
  } finally {
    await browser.close();
    await served.close();
  }
}
