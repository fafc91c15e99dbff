/**
 * Runs a TypeScript bench script with plain node: bundles bench/<name>.ts into out/ and calls
 * its exported main(). Used by the one-off benches (agent.mjs, trace.mjs).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(decodeURIComponent(new URL('..', import.meta.url).pathname));

/** `external`: packages load from node_modules (puppeteer, esbuild) instead of being bundled. */
export async function runTs(name, { external = false } = {}) {
  const out = path.join(ROOT, `out/bench-${name}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, `bench/${name}.ts`)],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    ...(external && { packages: 'external' }),
  });
  await (await import(pathToFileURL(out).href)).main();
}
