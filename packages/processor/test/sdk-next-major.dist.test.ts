/**
 * No silent nothing for SDK releases newer than the tested range. A child `node` process loads,
 * through the real `require` hook (`--require @ai-margin/instrumentation/register`), two fake
 * "next majors" from a node_modules folder of its own:
 *  - `openai@99.0.0`: the real openai package with only its version changed, so the shape is
 *    recognised: it must be patched (one priced span, exact cost) and reported `untested`;
 *  - `@google/genai@99.0.0`: a reshaped module with none of the methods we wrap: it must be
 *    reported `unpatched` (the unpriced-usage alert reads that) with one diag warning.
 * Both reach prom-client as `ai_margin_sdk_info`. Needs the built packages (`npm test` builds).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILT = ['instrumentation', 'processor', 'provider-sim'].every((p) =>
  existsSync(join(ROOT, 'packages', p, 'dist', 'index.cjs')),
);
// Inside the repo, so the child resolves @ai-margin/*, OTel and prom-client from the root
// node_modules, and the fakes from its own node_modules first.
const DIR = join(dirname(fileURLToPath(import.meta.url)), `.tmp-next-major-${process.pid}`);
const NEXT = '99.0.0';

// 1000 uncached input x $2/M + 200 cache reads x $0.5/M + 300 output x $8/M, by hand.
const EXPECTED_COST = (1000 * 2 + 200 * 0.5 + 300 * 8) / 1e6;

const PRICES = {
  providers: [
    {
      provider: 'openai',
      currency: 'USD',
      models: [
        {
          id: 'next-major-model',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: { input: 2.0, cacheRead: 0.5, output: 8.0 },
              source: 'sdk-next-major.dist.test.ts: hand-written',
            },
          ],
        },
      ],
    },
  ],
};

const APP = `
const api = require('@opentelemetry/api');
api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.WARN);
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
const { withAttribution } = require('@ai-margin/instrumentation');
const { MarginSpanProcessor } = require('@ai-margin/processor');
const { Registry } = require('prom-client');

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const registry = new Registry();
const margin = new MarginSpanProcessor({ registry, meterProvider: false, prices: [${JSON.stringify(join(DIR, 'prices.json'))}] });
const exporter = new InMemorySpanExporter();
api.trace.setGlobalTracerProvider(
  new TracerProvider({ spanProcessors: [margin, new SimpleSpanProcessor({ exporter })] }),
);
const OpenAI = require('openai');
require('@google/genai');
require('@google/genai'); // loaded twice: still one warning

(async () => {
  const { startProviderSim } = await import('@ai-margin/provider-sim');
  const sim = await startProviderSim({ script: () => ({ usage: { input: 1000, cacheRead: 200, output: 300 } }) });
  const client = new (OpenAI.OpenAI ?? OpenAI)({ baseURL: sim.url + '/v1', apiKey: 'test', maxRetries: 0 });
  await withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
    client.chat.completions.create({ model: 'next-major-model', messages: [{ role: 'user', content: 'hi' }] }),
  );
  await sim.close();
  const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));
  process.stdout.write(JSON.stringify({ spans, metrics: await registry.metrics() }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

interface ChildResult {
  spans: Array<{ name: string; attributes: Record<string, unknown> }>;
  metrics: string;
}

describe.skipIf(!BUILT)('an SDK release newer than the tested range (child node)', () => {
  let result: ChildResult;
  let stderr: string;

  beforeAll(() => {
    const modules = join(DIR, 'node_modules');
    // openai@99: the real package, version bumped (dereferenced copy, so Node reads this
    // package.json and not the original's).
    const openai = join(modules, 'openai');
    cpSync(join(ROOT, 'node_modules', 'openai'), openai, { recursive: true, dereference: true });
    const pkgFile = join(openai, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(pkgFile, JSON.stringify({ ...pkg, version: NEXT }));
    // @google/genai@99: a reshaped module, nothing we know how to wrap.
    const genai = join(modules, '@google', 'genai');
    mkdirSync(genai, { recursive: true });
    writeFileSync(
      join(genai, 'package.json'),
      JSON.stringify({ name: '@google/genai', version: NEXT, main: 'index.js' }),
    );
    writeFileSync(
      join(genai, 'index.js'),
      'exports.GoogleGenAI = class GoogleGenAI { constructor() { this.generate = async () => ({}); } };\n',
    );
    writeFileSync(join(DIR, 'prices.json'), JSON.stringify(PRICES));
    writeFileSync(join(DIR, 'app.cjs'), APP);
    const run = spawnSync(
      process.execPath,
      ['--require', '@ai-margin/instrumentation/register', 'app.cjs'],
      { cwd: DIR, encoding: 'utf8', timeout: 60_000 },
    );
    stderr = run.stderr;
    expect(run.status, run.stderr).toBe(0);
    result = JSON.parse(run.stdout) as ChildResult;
  }, 90_000);

  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it('patches a newer major whose shape is recognised, and prices its calls exactly', () => {
    const chat = result.spans.filter((s) => s.name === 'chat next-major-model');
    expect(chat).toHaveLength(1);
    const cost = chat[0]!.attributes['gen_ai.usage.cost.amount'] as number;
    expect(Math.abs(cost - EXPECTED_COST)).toBeLessThan(1e-12);
    expect(chat[0]!.attributes['ai_margin.customer_id']).toBe('acme');
  });

  it('reports both modules in ai_margin_sdk_info, untested and unpatched', () => {
    const info = result.metrics.split('\n').filter((l) => l.startsWith('ai_margin_sdk_info{'));
    expect(info.sort()).toEqual(
      [
        `ai_margin_sdk_info{sdk="@google/genai",sdk_version="${NEXT}",status="unpatched"} 1`,
        `ai_margin_sdk_info{sdk="openai",sdk_version="${NEXT}",status="untested"} 1`,
      ].sort(),
    );
    expect(result.metrics).toMatch(
      /ai_margin_cost_usd_total\{customer_id="acme",feature="chat",provider="openai",model="next-major-model",cost_type="llm"\} 0\.0045/,
    );
  });

  it('warns once per module through diag, naming the SDK, the version and the tested range', () => {
    const lines = stderr.split('\n');
    const genai = lines.filter((l) => l.includes(`@google/genai@${NEXT} was loaded but none`));
    const openai = lines.filter((l) => l.includes(`openai@${NEXT} is outside the tested range`));
    expect(genai).toHaveLength(1);
    expect(openai).toHaveLength(1);
    expect(genai[0]).toMatch(/tested range >=1\.0\.0 <\d+/);
  });
});
