import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const THEME = path.join(path.dirname(fileURLToPath(import.meta.url)), 'theme.css');

describe('the panel theme', () => {
  // A brace lost in a merge nested every later rule inside the one before it: the simulation
  // banner and the Budget tab were unstyled, and only a build warning said so.
  it('parses without a warning, so every rule applies at the top level', async () => {
    const result = await esbuild.transform(readFileSync(THEME, 'utf8'), { loader: 'css', sourcefile: 'theme.css' });
    expect(result.warnings.map((warning) => `${warning.location?.line}: ${warning.text}`)).toEqual([]);
  });

  it('styles the simulation banner and the budget grid as rules of their own', async () => {
    const { code } = await esbuild.transform(readFileSync(THEME, 'utf8'), { loader: 'css', minify: true });
    expect(code).toContain('}.stratum-panel .simulation-banner{');
    expect(code).toContain('}.stratum-panel .budget-grid{');
  });
});
