/**
 * Bundles the bench: every file in bench/pages/ becomes a page script (our runtime from source,
 * the peers from node_modules), every suite a small HTML page; bench/node/ suites become node
 * modules. Each file is bundled on its own, so a runtime module that does not exist yet costs
 * only the rows that import it: its error is kept as their "not available" reason.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Suite } from './rows.js';

export interface Built {
  /** The folder to serve: <suite>.html and <name>.js. */
  www: string;
  /** Node suites: name → module file. */
  node: Map<string, string>;
  /** Suite or page name → why it could not be bundled. */
  failed: Map<string, string>;
}

/**
 * The page that loads a suite, then says whether it loaded. The driver waits for one of the
 * two flags, so a suite that throws while loading is a reason, not a hang.
 */
function html(name: string, css: boolean): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>bench: ${name}</title>
${css ? `<link rel="stylesheet" href="./${name}.css">\n` : ''}<div id="app"></div>
<script type="module">
import('./${name}.js').then(
  () => { globalThis.__benchReady = true; },
  (error) => { globalThis.__benchError = String(error && error.stack || error); },
);
</script>
`;
}

function firstError(error: unknown): string {
  const failure = error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> };
  const first = failure.errors?.[0];
  if (!first) return error instanceof Error ? error.message : String(error);
  return first.location ? `${first.text} (${first.location.file}:${first.location.line})` : first.text;
}

async function bundle(options: esbuild.BuildOptions): Promise<string | undefined> {
  try {
    await esbuild.build({ bundle: true, format: 'esm', target: 'es2022', logLevel: 'silent', ...options });
    return undefined;
  } catch (error) {
    return firstError(error);
  }
}

export async function buildBench(root: string, out: string, suites: Suite[]): Promise<Built> {
  const www = path.join(out, 'www');
  const nodeOut = path.join(out, 'node');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(www, { recursive: true });
  mkdirSync(nodeOut, { recursive: true });
  const failed = new Map<string, string>();
  const node = new Map<string, string>();

  const pages = readdirSync(path.join(root, 'bench/pages')).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  const browserBuilds = pages.map(async (file) => {
    const name = file.slice(0, -'.ts'.length);
    const error = await bundle({
      entryPoints: [path.join(root, 'bench/pages', file)],
      outfile: path.join(www, `${name}.js`),
      platform: 'browser',
      // Minified, as an app ships. esbuild then defines NODE_ENV as production, which turns our
      // devtools off; "no panel connected" is what a developer pays while nobody watches, so the
      // bench says development. (Of the peers only nanostores reads it, off its hot paths.)
      minify: true,
      // As build.mjs's development builds: fault hooks folded to one property read.
      define: { 'process.env.NODE_ENV': '"development"', __STRATUM_NO_AGENT__: 'undefined' },
      sourcemap: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
    });
    if (error) failed.set(name, error);
  });
  const nodeBuilds = suites
    .filter((suite) => suite.where === 'node')
    .map(async (suite) => {
      const outfile = path.join(nodeOut, `${suite.name}.mjs`);
      const error = await bundle({
        entryPoints: [path.join(root, 'bench/node', `${suite.name}.ts`)],
        outfile,
        platform: 'node',
        target: 'node20',
        // Packages (@libsql/client above all, with its native binding) load from node_modules.
        packages: 'external',
      });
      if (error) failed.set(suite.name, error);
      else node.set(suite.name, outfile);
    });
  await Promise.all([...browserBuilds, ...nodeBuilds]);

  for (const suite of suites) {
    // A page that imports CSS (the panel's theme) gets it from esbuild as a sibling file.
    const css = existsSync(path.join(www, `${suite.name}.css`));
    if (suite.where === 'browser') writeFileSync(path.join(www, `${suite.name}.html`), html(suite.name, css));
  }
  return { www, node, failed };
}
