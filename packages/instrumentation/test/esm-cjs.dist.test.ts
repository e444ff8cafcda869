/**
 * The real hook paths, in plain `node` child processes against the BUILT packages:
 * - ESM: `node --import @ai-margin/instrumentation/register esm-app.mjs` (static `import OpenAI
 *   from 'openai'`, patched through the import-in-the-middle loader hook);
 * - CJS: `node cjs-app.cjs` (instrumentations registered, then `require('openai')`).
 */
import { execFile, execSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const fixtures = join(here, 'fixtures');

interface ChildSpan {
  name: string;
  kind: number;
  scope: string;
  attributes: Record<string, unknown>;
}

let sim: ProviderSim;

beforeAll(async () => {
  execSync(
    'npm run build -w @ai-margin/conventions -w @ai-margin/provider-sim -w @ai-margin/instrumentation',
    {
      cwd: root,
      stdio: 'pipe',
    },
  );
  sim = await startProviderSim();
}, 180_000);

afterAll(async () => {
  await sim?.close();
});

async function runChild(args: string[], env: Record<string, string> = {}): Promise<ChildSpan[]> {
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: root,
    env: { ...process.env, SIM_URL: sim.url, ANTHROPIC_OPEN_TELEMETRY: undefined, ...env },
    timeout: 30_000,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '[]';
  return JSON.parse(line) as ChildSpan[];
}

// Default script, by hand: messages JSON '[{"role":"user","content":"Hello"}]' is 35 chars ->
// ceil(35 / 4) = 9 input tokens; 20 output tokens.
function expectAppSpans(spans: ChildSpan[]) {
  expect(spans.map((s) => s.name)).toEqual([
    'chat gpt-4o-mini',
    'chat gpt-4o-mini',
    'chat claude-sonnet-5-5',
  ]);
  for (const s of spans) {
    expect(s.kind).toBe(2); // SpanKind.CLIENT
    expect(s.scope).toBe('@ai-margin/instrumentation');
    expect(s.attributes['gen_ai.usage.input_tokens']).toBe(9);
    expect(s.attributes['gen_ai.usage.output_tokens']).toBe(20);
    expect(s.attributes['server.port']).toBe(sim.port);
  }
  expect(spans[1]?.attributes['gen_ai.request.stream']).toBe(true);
  expect(spans[2]?.attributes['gen_ai.provider.name']).toBe('anthropic');
}

describe('child processes against the built packages', () => {
  it('ESM: node --import @ai-margin/instrumentation/register', async () => {
    const spans = await runChild([
      '--import',
      '@ai-margin/instrumentation/register',
      join(fixtures, 'esm-app.mjs'),
    ]);
    // Three spans only: the Anthropic SDK's own span is suppressed (a global tracer provider
    // is registered in the child, so the SDK would trace itself).
    expectAppSpans(spans);
  });

  it('ESM without the hook: nothing of ours is patched (control)', async () => {
    const spans = await runChild([join(fixtures, 'esm-app.mjs')]);
    expect(spans.filter((s) => s.scope === '@ai-margin/instrumentation')).toEqual([]);
  });

  it('CJS: node app.cjs with require()', async () => {
    expectAppSpans(await runChild([join(fixtures, 'cjs-app.cjs')]));
  });

  it('CJS: node --require @ai-margin/instrumentation/register', async () => {
    const spans = await runChild(
      ['--require', '@ai-margin/instrumentation/register', join(fixtures, 'cjs-app.cjs')],
      { SELF_REGISTER: '0' },
    );
    expectAppSpans(spans);
  });
});
