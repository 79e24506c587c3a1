import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.{ts,tsx}', 'tests/integration/**/*.test.ts'],
    // LanceDB and onnxruntime are native addons: forks isolate them better than threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      QUARRY_SHARED: process.env.QUARRY_SHARED ?? path.resolve(import.meta.dirname, '../shared'),
    },
  },
});
