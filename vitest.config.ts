// Test runner configuration: tests mirror src/ under test/. Integration tests
// spawn real processes and sockets on 127.0.0.1, so they get generous timeouts;
// no test may depend on wall-clock performance.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
