import { defineConfig } from 'vitest/config';

// End-to-end specs drive real Chromium and Firefox ESR (the `x.firefox.spec.ts` wrappers): one browser per spec file, spec files one at a time
// (the CI machine has two cores, and every browser wants both).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.spec.ts', 'test/reliability/**/*.spec.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'out/vitest-e2e.json' }]],
  },
});
