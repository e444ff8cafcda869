/**
 * Loads the SDK module under test with Node's own `require` (so the version matrix can point a
 * test run at another installed version through an env var), e.g.
 * `AI_MARGIN_OPENAI_MODULE=/tmp/x/node_modules/openai npx vitest run …/openai.test.ts`
 * (scripts/version-matrix.sh does this for each SDK version it covers).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const OPENAI_MODULE = process.env.AI_MARGIN_OPENAI_MODULE ?? 'openai';
export const ANTHROPIC_MODULE = process.env.AI_MARGIN_ANTHROPIC_MODULE ?? '@anthropic-ai/sdk';

export function loadModule<T = Record<string, unknown>>(name: string): T {
  return require(name) as T;
}
