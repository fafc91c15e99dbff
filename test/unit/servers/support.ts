/** Child processes for the multi-process tests: the worker bundled once, run with plain node. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(decodeURIComponent(new URL('../../..', import.meta.url).pathname));

export async function bundle(name: string): Promise<string> {
  const out = path.join(ROOT, `out/servers-${name}-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, `test/unit/servers/${name}.ts`)],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['pg', 'ioredis', 'esbuild'],
    logLevel: 'warning',
  });
  return out;
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundled script to its end; rejects (with its output) when it fails. */
export function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
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
