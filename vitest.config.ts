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
    // The AWS SDK warns on Node 20 about its releases after January 2027; not our test's business.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
