#!/usr/bin/env node
/**
 * `npm run bench` (see bench/main.ts for the flags). The bench is TypeScript and reuses the
 * project's own server (scripts/serve.ts) and browser launcher (runtime/puppeteer/launch.ts);
 * plain node cannot run those, so this bundles bench/main.ts into out/bench-driver/ first.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(decodeURIComponent(new URL('..', import.meta.url).pathname));
const DRIVER = path.join(ROOT, 'out/bench-driver/main.mjs');

await esbuild.build({
  entryPoints: [path.join(ROOT, 'bench/main.ts')],
  outfile: DRIVER,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // puppeteer and esbuild load from node_modules; only the project's own files are bundled.
  packages: 'external',
  logLevel: 'warning',
});

const { main } = await import(pathToFileURL(DRIVER).href);
try {
  await main(ROOT, process.argv.slice(2));
} catch (error) {
  console.error(`npm run bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
}
// The node suites keep their database connections open (the contenders are reused across cases)
// and a case stopped at its time limit may leave worker processes running: the report is
// written by now, so the bench ends here instead of waiting on them forever.
process.exit(process.exitCode ?? 0);
