import { defineConfig } from 'vitest/config';

// Unit tests: node by default; a test that needs a DOM says `// @vitest-environment happy-dom`.
export default defineConfig({
  test: {
    include: ['runtime/**/*.test.ts', 'runtime/**/*.test.tsx', 'extension/**/*.test.{ts,tsx}', 'test/lint/**/*.test.ts', 'test/bundles/**/*.test.ts', 'test/types/**/*.test.ts', 'test/servers/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts', 'test/reliability/*.test.ts'],
    environment: 'node',
    reporters: ['default', ['json', { outputFile: 'out/vitest-unit.json' }]],
    testTimeout: 20_000,
  },
});
