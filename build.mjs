#!/usr/bin/env node
/**
 * Builds Stratum.
 *
 *   node build.mjs            build dist/runtime (ESM + .d.ts) and dist/runtime/production (the same
 *                             entries without the devtools agent), print brotli sizes, fail over budget
 *   node build.mjs --watch    rebuild on change (no declarations, no budget check)
 *
 * dist/runtime/<entry>.js is one file per public entry; code shared between entries (the
 * devtools registry above all, which must be one instance per page) goes to dist/runtime/chunks/.
 * A size is the brotli bytes of an entry's minified file plus every chunk it imports statically;
 * what it imports lazily (persistence adapters, the devtools agent) does not count against it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = path.dirname(new URL(import.meta.url).pathname);
const OUT = path.join(ROOT, 'dist/runtime');

/** Public runtime entries: package export → source, and the brotli budget in bytes. */
const ENTRIES = [
  // index carries store, webstorage (+ codec) and db (IndexedDB, idb): ~20.2 kB with db.
  // +128 B for the store's ChangeHook (the devtools agent's lowest-floor hook, issue 17).
  { name: 'index', source: 'runtime/index.ts', budget: 20608 },
  // Every entry carries the registry with its panel listener (~0.5 kB: the window listener,
  // announce, the lazy import of the agent); the production variant drops the listener.
  { name: 'store', source: 'runtime/store/index.ts', budget: 3840 },
  // webstorage carries the codec (~5.7 kB of its ~8.7 kB): every stored value goes through it.
  { name: 'webstorage', source: 'runtime/webstorage/index.ts', budget: 9216 },
  { name: 'webstorage.node', source: 'runtime/webstorage/node.ts', budget: 9216 },
  // db: IndexedDB (idb included) with tables, transactions, Cache and blobs; the memory engine
  // and state persistence load lazily and do not count.
  { name: 'db', source: 'runtime/db/index.ts', budget: 11264 },
  // SQLite through libSQL for Node; @libsql/client itself stays external (an optional peer).
  { name: 'db/libsql', source: 'runtime/db/libsql.ts', budget: 12800 },
  // The agent (protocol, validators, commands) plus the codec (~5.7 kB, shared with webstorage);
  // the other entries reach it lazily, on a panel's hello, so it never counts against them.
  // History (issue 10) adds ~1.3 kB: call-site traces, labels, the snapshot commands' validators;
  // the snapshot code itself (~8.4 kB) loads on the first snapshot command and does not count.
  { name: 'devtools', source: 'runtime/devtools/index.ts', production: 'runtime/devtools/production.ts', budget: 22528 },
  // Node only: launch(), openPanel(), connect(), snapshot()/restore()/diff() for users' puppeteer
  // tests (with the codec and the snapshot validator); puppeteer stays external.
  { name: 'puppeteer', source: 'runtime/puppeteer/index.ts', budget: 16384 },
];

/**
 * The extension: manifest.json at the root is the single source; dist/chrome and dist/firefox
 * are derived from it. Scripts are IIFEs (a content script cannot be a module), with a budget each.
 */
const EXTENSION_SCRIPTS = [
  { name: 'background', source: 'extension/background.ts', budget: 8192 },
  { name: 'content', source: 'extension/content.ts', budget: 10240 },
  { name: 'devtools', source: 'extension/devtools.ts', budget: 6144 },
  { name: 'panel', source: 'extension/panel/index.tsx', budget: 65536 },
  // The test kit's page: one more client of the background, driven by stratumjs/puppeteer.
  { name: 'kit', source: 'extension/kit/kit.ts', budget: 16384 },
];
const EXTENSION_STATIC = [
  ['extension/devtools.html', 'devtools.html'],
  ['extension/kit/kit.html', 'kit.html'],
  ['extension/panel/panel.html', 'panel.html'],
  ['extension/panel/theme.css', 'theme.css'],
  ['extension/icons', 'icons'],
];
const FIREFOX_GECKO = {
  id: 'stratum-devtools@stratum.dev',
  strict_min_version: '142.0',
  // Firefox asks every new extension to declare what it collects; Stratum collects nothing.
  data_collection_permissions: { required: ['none'] },
};

/** Node programs of the project itself (npm start), bundled so plain `node` runs them. */
const TOOLS = [
  { name: 'start', source: 'scripts/start.ts' },
  { name: 'screenshots', source: 'scripts/screenshots.ts' },
];

/** Never bundled: optional peers and Node built-ins stay imports. */
const EXTERNAL = ['@libsql/client', 'puppeteer', 'puppeteer-core', 'node:*'];

const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

export const COMMON = {
  entryPoints: ENTRIES.map((entry) => ({ in: path.join(ROOT, entry.source), out: entry.name })),
  define: { __STRATUM_VERSION__: JSON.stringify(VERSION) },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: EXTERNAL,
  chunkNames: 'chunks/[name]-[hash]',
  // Private members are spelled `_name` (TS `private`), so minifiers may shorten them; `#name`
  // fields cannot be renamed by esbuild and cost the store a third of its budget.
  mangleProps: /^_[a-z][A-Za-z]*$/,
  logLevel: 'warning',
};

async function buildRuntime() {
  rmSync(OUT, { recursive: true, force: true });
  await esbuild.build({ ...COMMON, outdir: OUT, sourcemap: true });
}

/**
 * dist/runtime/production/: the entries again, for the `production` export condition. The define
 * makes the registry never listen, so its lazy import of the agent is dead code; chunks that no
 * entry reaches any more (the agent's) are deleted.
 */
async function buildProduction() {
  const out = path.join(OUT, 'production');
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: ENTRIES.map((entry) => ({ in: path.join(ROOT, entry.production ?? entry.source), out: entry.name })),
    define: { ...COMMON.define, __STRATUM_NO_AGENT__: 'true', 'process.env.NODE_ENV': '"production"' },
    outdir: out,
    minify: true,
    metafile: true,
  });
  const reached = new Set();
  for (const entry of ENTRIES) reachable(result.metafile, path.relative(ROOT, path.join(out, `${entry.name}.js`)), reached);
  for (const file of Object.keys(result.metafile.outputs)) if (!reached.has(file)) rmSync(path.join(ROOT, file));
}

/** Every output `start` can load, lazily included. */
function reachable(metafile, start, seen) {
  if (seen.has(start)) return;
  seen.add(start);
  for (const imported of metafile.outputs[start]?.imports ?? []) if (!imported.external) reachable(metafile, imported.path, seen);
}

async function buildTools() {
  await esbuild.build({
    entryPoints: TOOLS.map((tool) => ({ in: path.join(ROOT, tool.source), out: tool.name })),
    outdir: path.join(ROOT, 'dist/tools'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}

/** Both browsers' builds: the same scripts, the manifest adapted. Returns the scripts' sizes. */
async function buildExtension() {
  const chrome = path.join(ROOT, 'dist/chrome');
  const firefox = path.join(ROOT, 'dist/firefox');
  rmSync(chrome, { recursive: true, force: true });
  rmSync(firefox, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: EXTENSION_SCRIPTS.map((script) => ({ in: path.join(ROOT, script.source), out: script.name })),
    outdir: chrome,
    define: COMMON.define,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox142'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  for (const [from, to] of EXTENSION_STATIC) cpSync(path.join(ROOT, from), path.join(chrome, to), { recursive: true });
  cpSync(chrome, firefox, { recursive: true });
  const manifest = { ...JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8')), version: VERSION };
  writeFileSync(path.join(chrome, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(firefox, 'manifest.json'), `${JSON.stringify(firefoxManifest(manifest), null, 2)}\n`);
  return EXTENSION_SCRIPTS.map((script) => {
    const file = path.join(chrome, `${script.name}.js`);
    return { ...script, name: `ext/${script.name}`, brotli: brotli(readFileSync(file)) };
  });
}

/** Firefox runs MV3 background scripts as an event page, not a service worker. */
function firefoxManifest(chrome) {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = chrome;
  return { ...rest, background: { scripts: [background.service_worker] }, browser_specific_settings: { gecko: FIREFOX_GECKO } };
}

function buildDeclarations() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Minified, in memory, with a metafile: what a user's bundler would ship of each entry. */
export async function measureSizes() {
  const result = await esbuild.build({ ...COMMON, outdir: OUT, minify: true, write: false, metafile: true });
  const files = new Map(result.outputFiles.map((file) => [path.relative(ROOT, file.path), file.contents]));
  return ENTRIES.map((entry) => {
    const outfile = path.relative(ROOT, path.join(OUT, `${entry.name}.js`));
    const closure = staticClosure(result.metafile, outfile);
    const bytes = Buffer.concat([...closure].map((file) => Buffer.from(files.get(file))));
    return { ...entry, brotli: brotli(bytes), files: closure.size };
  });
}

/** The output file and every chunk it reaches through static imports. */
function staticClosure(metafile, start, seen = new Set()) {
  if (seen.has(start)) return seen;
  seen.add(start);
  for (const imported of metafile.outputs[start]?.imports ?? []) {
    if (imported.kind === 'import-statement' && !imported.external) staticClosure(metafile, imported.path, seen);
  }
  return seen;
}

export function brotli(bytes) {
  return brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

function printSizes(sizes) {
  console.log('entry            brotli   budget');
  for (const size of sizes) {
    const mark = size.brotli > size.budget ? '  OVER BUDGET' : '';
    console.log(`${size.name.padEnd(16)} ${String(size.brotli).padStart(6)} B ${String(size.budget).padStart(6)} B${mark}`);
  }
  return sizes.filter((size) => size.brotli > size.budget);
}

async function watch() {
  const context = await esbuild.context({ ...COMMON, outdir: OUT, sourcemap: true, logLevel: 'info' });
  await context.watch();
  console.log('watching runtime/ for changes (Ctrl+C to stop)');
}

async function main() {
  if (process.argv.includes('--watch')) return watch();
  const started = performance.now();
  await buildRuntime();
  const [, , extension] = await Promise.all([buildProduction(), buildTools(), buildExtension()]);
  buildDeclarations();
  const over = printSizes([...(await measureSizes()), ...extension]);
  console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
  if (over.length) {
    console.error(`over budget: ${over.map((size) => size.name).join(', ')}`);
    process.exitCode = 1;
  }
}

// Imported (bench/sizes.ts measures the peers with the same settings), it only exports.
if (path.resolve(process.argv[1] ?? '') === decodeURIComponent(new URL(import.meta.url).pathname)) await main();
