import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// A consumer project per moduleResolution, in a temp dir whose node_modules/stratumjs links to
// this repo (package.json + the built dist/), type-checked by tsc with skipLibCheck off and
// target es2020: what a user's project sees after `npm install stratumjs`. Needs `node build.mjs`.
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  // Old `node` (node10) ignores `exports`: the typesVersions fallback must carry it.
  node10: { module: 'commonjs', moduleResolution: 'node10' },
} as const;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function consumer(mode: keyof typeof MODES): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `stratum-types-${mode}-`));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules/stratumjs'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: mode === 'node10' ? 'commonjs' : 'module' }));
  copyFileSync(path.join(import.meta.dirname, 'consumer.ts'), path.join(dir, 'consumer.ts'));
  const compilerOptions = { ...MODES[mode], target: 'es2020', strict: true, skipLibCheck: false, noEmit: true, types: [] };
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
  return dir;
}

describe('the built package type-checks in a consumer project (skipLibCheck false, target es2020)', () => {
  it('has declarations to check', () => {
    expect(existsSync(path.join(ROOT, 'dist/runtime/index.d.ts')), 'run `node build.mjs` first').toBe(true);
  });

  // One tsc at a time: the machine has two cores and each tsc wants one.
  for (const mode of Object.keys(MODES) as (keyof typeof MODES)[]) {
    it(`moduleResolution ${mode}`, async () => {
      const dir = consumer(mode);
      const result = await promisify(execFile)(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' }).then(
        () => '',
        (error: { stdout?: string; message: string }) => error.stdout || error.message,
      );
      expect(result).toBe('');
      // tsc checks React's, Vue's and Preact's own declarations too (skipLibCheck off): ~3 s idle, 10+ s on a busy CI core.
    }, 120_000);
  }
});
