import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/fuzz runs only through `npm run fuzz` (FUZZ_RUNS set); npm test keeps the short runs in test/security.
    exclude: process.env['FUZZ_RUNS'] ? ['node_modules/**'] : ['test/fuzz/**', 'node_modules/**'],
    testTimeout: 60000,
    hookTimeout: 120000,
    pool: 'forks',
  },
});
