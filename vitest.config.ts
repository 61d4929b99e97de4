import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // The feature folders' part of applying events, registered as core/wiring.ts does.
    setupFiles: ['tests/harness/store-features.ts'],
    // Argon2id at production parameters and real SQLCipher files are slow on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: 'test-results/unit.json' }]],
  },
});
