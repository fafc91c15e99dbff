/** Child processes for the multi-process tests: the worker bundled once, run with plain node. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(decodeURIComponent(new URL('../..', import.meta.url).pathname));

/** Bundles a script (a path from the repository root) into out/ so plain node runs it. */
export async function bundle(source: string): Promise<string> {
  const out = path.join(ROOT, `out/servers-${path.basename(source, '.ts')}-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, source)],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['pg', 'ioredis', 'esbuild', 'ws'],
    logLevel: 'warning',
  });
  return out;
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled script to its end; rejects (with its output) when it fails. `onOutput` hears its stdout so far. */
export function run(script: string, args: string[], env: Record<string, string> = {}, onOutput?: (stdout: string, child: ChildProcess) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve({ code, stdout, stderr });
      else reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${String(code)}:\n${stdout}\n${stderr}`));
    });
  });
}

/** The last line a worker printed, as JSON. */
export function result<T>(exit: Exit): T {
  const lines = exit.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as T;
}

/** Starts a long-running script; resolves with the first line it prints (as JSON) and the process. */
export function start<T>(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; first: T }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line !== undefined) resolve({ child, first: JSON.parse(line) as T });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${path.basename(script)} exited with ${String(code)} before it was ready:\n${stderr}`)));
  });
}
