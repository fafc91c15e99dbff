/**
 * Runs a snippet of TypeScript in a Node process of its own, with a heap cap and a time limit:
 * for work that, when it goes wrong, runs a process out of memory (V8 then aborts, which in the
 * test's own worker would take the whole file down instead of failing one test). The snippet is
 * bundled from the repository root, so it imports sources by their path (`./runtime/…`), and
 * prints what the test checks as JSON on its last line of stdout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Guarded {
  /** The last line of stdout, parsed; undefined when the process did not finish. */
  result: unknown;
  /** Why it did not finish, in words (exit code or signal, the limit it hit, stderr's end). */
  failure?: string;
  ms: number;
}

export async function runGuarded(source: string, { heapMb = 256, timeoutMs = 15_000 } = {}): Promise<Guarded> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratum-guarded-'));
  try {
    const script = path.join(dir, 'snippet.mjs');
    const built = await esbuild.build({
      stdin: { contents: source, loader: 'ts', resolveDir: ROOT, sourcefile: 'snippet.ts' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      external: ['pg', 'ioredis', 'ws', '@libsql/client', 'puppeteer', 'puppeteer-core'],
    });
    writeFileSync(script, built.outputFiles[0]!.text);
    const started = performance.now();
    return await new Promise<Guarded>((resolve) => {
      const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        if (code === 0) {
          const last = stdout.trim().split('\n').at(-1) ?? '';
          resolve({ result: JSON.parse(last) as unknown, ms });
          return;
        }
        const why = timedOut ? `still running after ${timeoutMs} ms` : `exited with ${signal ?? `code ${code}`} (heap capped at ${heapMb} MB)`;
        resolve({ result: undefined, failure: `${why}: ${stderr.trim().split('\n').slice(-6).join(' | ')}`, ms });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
