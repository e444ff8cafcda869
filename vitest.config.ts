import { defineConfig } from 'vitest/config';

// Tests import workspace packages through the `@ai-margin/source` export condition, so they run
// against TypeScript sources; child-process tests (ESM loader hook, CJS) use the built `dist/`.
export default defineConfig({
  resolve: { conditions: ['@ai-margin/source'] },
  ssr: {
    resolve: { conditions: ['@ai-margin/source'], externalConditions: ['@ai-margin/source'] },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
