/**
 * Row 7: brotli bytes. Ours come from build.mjs's own measurement (an entry plus the chunks it
 * imports statically); each peer is bundled from node_modules with the same esbuild settings
 * (minified, ES2022, the same mangling) and compressed with the same brotli call.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

interface BuildModule {
  COMMON: esbuild.BuildOptions;
  measureSizes(): Promise<Array<{ name: string; brotli: number; budget: number }>>;
  brotli(bytes: Uint8Array): number;
}

export interface Sizes {
  /** build.mjs ENTRIES name → brotli bytes. */
  ours: Map<string, number>;
  /** Package specifier → brotli bytes, or the reason it could not be measured. */
  peers: Map<string, number | Error>;
}

export async function measureSizes(root: string, peers: string[]): Promise<Sizes> {
  // build.mjs stays outside the bench bundle: it finds the repo from its own location.
  const build = (await import(pathToFileURL(path.join(root, 'build.mjs')).href)) as BuildModule;
  const ours = new Map((await build.measureSizes()).map((entry) => [entry.name, entry.brotli]));
  const measured = new Map<string, number | Error>();
  for (const specifier of new Set(peers)) {
    try {
      measured.set(specifier, await peerSize(build, root, specifier));
    } catch (error) {
      measured.set(specifier, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return { ours, peers: measured };
}

/** Everything the package exports, as a user's bundler would ship it for a browser. */
async function peerSize(build: BuildModule, root: string, specifier: string): Promise<number> {
  const { entryPoints: _ours, splitting: _one, ...settings } = build.COMMON;
  // Our build keeps the adapters' libraries external (nanostores, zustand): bundling a peer with
  // that list measured a bare re-export (29 B) instead of the library.
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  const external = (settings.external ?? []).filter((pattern) => pattern !== name && pattern !== `${name}/*`);
  const result = await esbuild.build({
    ...settings,
    external,
    stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: root, loader: 'js' },
    // The peers resolve through package.json fields that the neutral platform leaves unread.
    platform: 'browser',
    minify: true,
    write: false,
    outfile: 'peer.js',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`${specifier} bundled to nothing`);
  return build.brotli(file.contents);
}
