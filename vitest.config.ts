import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, next to it as *.test.ts) and `integration` (test/integration,
 * against the real Kafka broker and ClickHouse engine; the global setup starts the broker).
 * `npm test` runs both.
 */
export default defineConfig({
  test: {
    // Under CI, also a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vigie/test-results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{features,detectors,streams,services}/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration files share one broker; run them one file at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
