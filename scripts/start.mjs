#!/usr/bin/env node
// `npm start`: build, then run the bundled start program (dist/tools/start.js), timing each step.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
console.log('… build');
try {
  execFileSync(process.execPath, [path.join(root, 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
} catch (error) {
  // Ctrl+C reaches the build too (same process group): exit as interrupted, not as a failure.
  if (error.signal === 'SIGINT') process.exit(130);
  console.error(`npm start failed: the build failed (${error.status === null ? error.signal : `exit ${error.status}`}); see its output above`);
  process.exit(1);
}
console.log(`✓ build (${Math.round(performance.now() - started)} ms)`);
await import(path.join(root, 'dist/tools/start.js'));
