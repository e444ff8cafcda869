import { configDefaults, defineConfig } from 'vitest/config';

// Tests import workspace packages through the `@ai-margin/source` export condition, so they run
// against TypeScript sources; `*.dist.test.ts` files start child `node` processes on the built
// `dist/`.
//
// Tests by kind, one vitest project each, chosen by file name (docs/architecture.md):
//   unit     `*.test.ts`          in-process, no backend, no dist/, no browser (`npm run test:unit`)
//   stress   `*.stress.test.ts`   in-process too, but seconds each: 1M-span floods, heap bounds
//                                 (`npm run test:stress`)
//   dist     `*.dist.test.ts`     child processes on the built dist/ (`npm run test:dist`)
//   backends `*.backend.test.ts`  real VictoriaMetrics / Prometheus / promtool / vmalert /
//                                 Alertmanager from .cache/backends (`npm run test:backends`)
//   browser  `*.browser.test.ts`  headless Chromium (`npm run test:browser`)
//   e2e      `test/e2e/**`        the whole stack, real backends (`npm run test:e2e`)
// `npm test` builds, then runs every project.

const ALL = ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'];
const E2E = ['test/e2e/**/*.test.ts'];
const ROOTS = '{packages/*/test,test,examples}/**';
const BACKENDS = [`${ROOTS}/*.backend.test.ts`];
const DIST = [`${ROOTS}/*.dist.test.ts`];
const BROWSER = [`${ROOTS}/*.browser.test.ts`];
const STRESS = [`${ROOTS}/*.stress.test.ts`];

const kind = (name: string, include: string[], exclude: string[] = []) => ({
  extends: true as const,
  test: { name, include, exclude: [...configDefaults.exclude, ...exclude] },
});

export default defineConfig({
  resolve: { conditions: ['@ai-margin/source'] },
  ssr: {
    resolve: { conditions: ['@ai-margin/source'], externalConditions: ['@ai-margin/source'] },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The AWS SDK warns on Node 20 about its releases after January 2027; not our test's business.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      kind('unit', ALL, [...E2E, ...BACKENDS, ...DIST, ...BROWSER, ...STRESS]),
      kind('stress', STRESS, E2E),
      kind('dist', DIST, E2E),
      kind('backends', BACKENDS, E2E),
      kind('browser', BROWSER, E2E),
      kind('e2e', E2E),
    ],
  },
});
