import { defineConfig } from 'vitest/config';

// The panel's figures in happy-dom (printed, never asserted), outside the unit suite:
//   npx vitest run --config extension/panel/testing/vitest.measure.config.ts
export default defineConfig({
  test: {
    include: ['extension/panel/testing/measure.perf.tsx'],
    environment: 'happy-dom',
    testTimeout: 300_000,
  },
});
