import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

/**
 * One runner, three layers: unit tests beside the code (no I/O), integration tests on the
 * real engines of the local stack, and end-to-end tests through the router with every
 * service running as its own process.
 */
const summaryFile = process.env['EMPORIUM_TEST_SUMMARY'];

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for everyone (it ignores the "module" field), while
    // Vite would pick the ES build for our files: two graphql instances that reject each
    // other's schemas. Resolve ours the way Node does.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    reporters: ['default', ['./packages/testing/src/summary-reporter.ts', { outputFile: summaryFile }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            '{packages/*,infra,router,bench,payment-provider}/src/**/*.test.ts',
            'subgraphs/*/src/**/*.test.ts',
            'storefront/{src,server}/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages/*,infra,router,payment-provider}/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts'],
          globalSetup: ['./infra/src/test-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['./e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // A browser page or a replica on a loaded 2-core machine can take seconds to show a
          // fact; polls still end the moment it holds, so only a failure waits this long.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
