/**
 * `npm start`: serves the demo app on 127.0.0.1 (a free port) and prints its URL.
 * (build.mjs has already built dist/ when this runs; see package.json.)
 *
 *   npm start              serve until Ctrl+C
 *   npm start -- --once    serve, check the demo answers, exit (CI runs this)
 */
import { serveRepo } from './serve.js';

const once = process.argv.includes('--once');

function step(name: string, started: number): void {
  console.log(`✓ ${name} (${Math.round(performance.now() - started)} ms)`);
}

async function main(): Promise<void> {
  let started = performance.now();
  const served = await serveRepo();
  const url = `${served.origin}/fixtures/demo/`;
  step(`serving the demo at ${url}`, started);

  started = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the demo did not load: HTTP ${response.status}`);
  step('demo answers', started);

  if (once) {
    await served.close();
    return;
  }
  console.log(`\nOpen ${url} in a browser. Ctrl+C stops the server.`);
  process.on('SIGINT', () => {
    served.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
