#!/usr/bin/env node
/** `node bench/trace.mjs`: bundles bench/trace.ts (TypeScript) into out/ and runs it. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(decodeURIComponent(new URL('..', import.meta.url).pathname));
const OUT = path.join(ROOT, 'out/bench-trace.mjs');

await esbuild.build({
  entryPoints: [path.join(ROOT, 'bench/trace.ts')],
  outfile: OUT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
await (await import(pathToFileURL(OUT).href)).main();
