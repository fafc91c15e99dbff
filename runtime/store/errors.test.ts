import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from './index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'stratum-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The store entry as build.mjs builds its `production` variant: the define that drops the words. */
async function productionStore(): Promise<{ text: string; Store: typeof Store }> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'runtime/store/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // Minified as a user's production bundler does: the define folds each test, the words go.
    minify: true,
    write: false,
    logLevel: 'silent',
    define: { __STRATUM_NO_AGENT__: 'true', __STRATUM_VERSION__: '"0.0.0"', 'process.env.NODE_ENV': '"production"' },
  });
  const text = result.outputFiles[0]!.text;
  const file = path.join(dir, 'store.mjs');
  writeFileSync(file, text);
  return { text, ...((await import(pathToFileURL(file).href)) as { Store: typeof Store }) };
}

describe('error messages', () => {
  it('are words in development', () => {
    expect(() => new Store().forClient('')).toThrow('clientId must be a non-empty string.');
  });

  it('refuse an empty client or user id given to the constructor, as forClient and setUser do', () => {
    // '' would make Scopes.Client / Scopes.User resolve to `$client:` / `$user:`, a scope no
    // client or user owns, where states of different stores' misconfigured users would meet.
    expect(() => new Store({ clientId: '' })).toThrow('clientId must be a non-empty string.');
    expect(() => new Store({ userId: '' })).toThrow('userId must be a non-empty string, or null to sign out.');
    expect(() => new Store({ userId: 7 as unknown as string })).toThrow(TypeError);
    expect(() => new Store().forClient(undefined as unknown as string)).toThrow('clientId must be a non-empty string.');
    // What was accepted still is.
    expect(new Store({ clientId: 'tab-1', userId: null }).clientId).toBe('tab-1');
    expect(new Store({ userId: 'ada' }).userId).toBe('ada');
    expect(new Store().forClient('tab-2').userId).toBeNull();
  });

  it('are codes with their values in a production build, and the words are not in it', async () => {
    const production = await productionStore();
    const store = new production.Store({ name: 'main' });
    expect(() => store.forClient('')).toThrow(/^stratum error 1: see docs\/ERRORS\.md/);
    expect(() => new production.Store({ clientId: '' })).toThrow(/^stratum error 1: /);
    expect(() => new production.Store({ userId: '' })).toThrow(/^stratum error 2: /);
    expect(() => store.createState(0, { key: 'count' })).toThrow('stratum error 4 (count)');
    expect(() => store.createState(0, { key: 'k', scope: '$mine' })).toThrow('stratum error 7 ($mine)');
    store.createState(0, { key: 'k', scope: 'app' });
    expect(() => store.createState(0, { key: 'k', scope: 'app' })).toThrow('stratum error 8 (k, app, main)');
    expect(() => store.createState(0, { key: '', scope: 'app' })).toThrow('stratum error 9 (key, an empty string)');
    expect(production.text).not.toContain('may not start with');
    expect(production.text).not.toContain('use useState to get it');
  });

  it('each code is listed in docs/ERRORS.md', () => {
    const listed = readFileSync(path.join(ROOT, 'docs/ERRORS.md'), 'utf8');
    const used = new Set<number>();
    const sources = readdirSync(import.meta.dirname).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    for (const file of sources) {
      const source = readFileSync(path.join(import.meta.dirname, file), 'utf8');
      for (const match of source.matchAll(/coded\((\d+)/g)) used.add(Number(match[1]));
    }
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(listed).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
