import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// web-ext has no type declarations; this is the part of its API the test uses.
interface LintMessage {
  code: string;
  message: string;
  file?: string;
}
interface LintResult {
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

const FIREFOX = path.resolve(import.meta.dirname, '../../dist/firefox');

// The one warning Firefox's linter gives: Preact's renderer assigns innerHTML where a component
// uses dangerouslySetInnerHTML. No Stratum component does; page strings are always text.
// And redux-shim.js (issue 21): its main-world `import(url)` of the extension's own bridge, the URL
// being runtime.getURL's answer from the content script; what it loads runs with the page's rights only.
const KNOWN_WARNINGS = new Set(['UNSAFE_VAR_ASSIGNMENT']);
const WARNED_FILES = new Set(['panel.js', 'redux-shim.js']);

describe('the Firefox build', () => {
  it('passes web-ext lint with no errors and no unknown warnings', async () => {
    if (!existsSync(path.join(FIREFOX, 'manifest.json'))) {
      throw new Error('dist/firefox is missing: run `npm run build` first (npm test does).');
    }
    const webExt = (await import('web-ext' as string)) as {
      default: { cmd: { lint(params: object, options: object): Promise<LintResult> } };
    };
    const result = await webExt.default.cmd.lint(
      { sourceDir: FIREFOX, selfHosted: true, output: 'none', boring: true },
      { shouldExitProgram: false },
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((warning) => !KNOWN_WARNINGS.has(warning.code))).toEqual([]);
    expect(result.warnings.filter((warning) => !WARNED_FILES.has(warning.file ?? ''))).toEqual([]);
  }, 60_000);
});
