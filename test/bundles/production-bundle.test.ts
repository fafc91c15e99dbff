import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

// The README's production recipes, run: a small app built with esbuild and with Vite the way a
// user's project would (node_modules/stratumjs linked to this repo's built package). A string
// only the devtools agent holds tells whether the agent came along. Needs `node build.mjs`.
const ROOT = path.resolve(import.meta.dirname, '../..');
const AGENT_MARKER = 'Update the Stratum DevTools extension';
const APP = `import { Store, webstorage, openDatabase } from 'stratumjs';
const store = new Store({ name: 'app' });
const count = store.createState(0, { key: 'count', scope: 'app' });
count.set((n) => n + 1);
webstorage('local', { namespace: 'app' }).set('visits', count.get());
export const db = openDatabase('app', { version: 1, tables: { notes: { key: 'id' } } });
`;

/** The same measure as build.mjs: brotli at quality 11. */
function brotli(bytes: Uint8Array): number {
  return brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stratum-production-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules/stratumjs'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(path.join(dir, 'app.js'), APP);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function esbuildApp(production: boolean): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(dir, 'app.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    // The recipe: the `production` condition, and NODE_ENV for everything else in the bundle.
    ...(production && { conditions: ['production'], define: { 'process.env.NODE_ENV': '"production"' } }),
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}

/**
 * Failure simulation (issue 22): the hook object the strata read (its `clockOffset` field, a
 * property name no minifier renames) and the simulated errors' words, which only the agent's
 * simulate chunk holds.
 */
const SIMULATION_MARKERS = ['clockOffset', 'Access is denied for this document', 'Internal error opening backing store', 'stratum-devtools/simulate'];

describe('production builds leave the devtools agent out', () => {
  it('and failure simulation with it: no hook object, no simulated error (esbuild)', async () => {
    const development = await esbuildApp(false);
    const production = await esbuildApp(true);
    for (const marker of SIMULATION_MARKERS) {
      expect(development, marker).toContain(marker);
      expect(production, marker).not.toContain(marker);
    }
  });

  it('esbuild with conditions: ["production"]', async () => {
    const development = await esbuildApp(false);
    const production = await esbuildApp(true);
    expect(development).toContain(AGENT_MARKER);
    expect(production).not.toContain(AGENT_MARKER);
    const [dev, prod] = [brotli(Buffer.from(development)), brotli(Buffer.from(production))];
    console.log(`esbuild app, brotli: ${dev} B with the agent, ${prod} B in production (−${dev - prod} B)`);
    expect(prod).toBeLessThan(dev);
  });

  it('Vite 7 `vite build`, with no configuration (its default conditions add production under NODE_ENV=production)', async () => {
    const { build } = await import('vite');
    // `vite build` sets NODE_ENV=production when unset; vitest set it to "test", so set it as the CLI would.
    const was = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const output = await build({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      mode: 'production',
      build: { write: false, rollupOptions: { input: path.join(dir, 'app.js'), preserveEntrySignatures: 'exports-only' } },
    }).finally(() => {
      process.env.NODE_ENV = was;
    });
    const bundles = Array.isArray(output) ? output : [output];
    const code = bundles
      .flatMap((bundle) => ('output' in bundle ? bundle.output : []))
      .map((chunk) => (chunk.type === 'chunk' ? chunk.code : ''))
      .join('\n');
    expect(code).toContain('visits');
    expect(code).not.toContain(AGENT_MARKER);
    for (const marker of SIMULATION_MARKERS) expect(code, marker).not.toContain(marker);
    console.log(`vite app, brotli: ${brotli(Buffer.from(code))} B in production`);
  });
});
