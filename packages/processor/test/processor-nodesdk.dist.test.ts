// Runs the NodeSDK setup of the README's "Add it to your service" (the `telemetry.mjs` block, verbatim) in
// a plain `node` child process against a fake OTLP/HTTP collector. Uses the built dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PriceBook } from '@ai-margin/processor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePromText, pick } from './helpers/processor';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const doc = join(root, 'README.md');

function telemetryBlock(): string {
  const md = readFileSync(doc, 'utf8');
  const m = /```js\n(\/\/ telemetry\.mjs[\s\S]*?)```/.exec(md);
  if (!m) throw new Error(`no telemetry.mjs block in ${doc}`);
  return m[1] as string;
}

const DRIVER = `
import { trace } from '@opentelemetry/api';
import { withAttribution } from '@ai-margin/instrumentation';
import { register } from 'prom-client';
import { margin, sdk } from './telemetry.mjs';

await margin.customers.ready;
const tracer = trace.getTracer('driver');
await withAttribution({ customerId: 'acme', feature: 'summarize' }, async () => {
  const span = tracer.startSpan('chat gpt-4o-mini', {
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
    },
  });
  span.setAttributes({
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 300,
  });
  span.end();
  tracer.startSpan('vector.query').end();
});
process.stdout.write(JSON.stringify({ at: Date.now(), metrics: await register.metrics() }));
await sdk.shutdown();
`;

describe('README "Add it to your service" NodeSDK setup', () => {
  const received: Array<{ url: string; body: Buffer }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  const dir = join(here, `.tmp-nodesdk-${process.pid}`);

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    mkdirSync(dir, { recursive: true });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
  });

  it('exports cost spans over OTLP and margin metrics over OTLP and prom-client', async () => {
    for (const pkg of ['processor', 'instrumentation']) {
      const dist = join(root, 'packages', pkg, 'dist', 'index.js');
      if (!existsSync(dist))
        throw new Error(`${dist} missing: run npm run build -w @ai-margin/${pkg}`);
    }
    writeFileSync(join(dir, 'telemetry.mjs'), telemetryBlock());
    writeFileSync(join(dir, 'app.mjs'), DRIVER);
    writeFileSync(
      join(dir, 'customers.json'),
      JSON.stringify([
        { id: 'acme', plan: 'pro', mrrUsd: 499, signupDate: '2025-03-15', segment: 'smb' },
      ]),
    );
    const { port } = server.address() as AddressInfo;
    // Asynchronous spawn: the fake collector in this process must keep answering.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(process.execPath, ['app.mjs'], {
          cwd: dir,
          env: {
            ...process.env,
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
            OTEL_NODE_RESOURCE_DETECTORS: 'none',
            OTEL_LOG_LEVEL: 'error',
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => {
          stdout += c;
        });
        child.stderr.on('data', (c) => {
          stderr += c;
        });
        const timer = setTimeout(() => child.kill(), 60_000);
        child.on('close', (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { at: number; metrics: string };
    const { samples, types } = parsePromText(out.metrics);

    // Expected cost from the shipped price table, computed here from the per-1M prices.
    const lookup = PriceBook.shipped().lookup('openai', 'gpt-4o-mini-2024-07-18', out.at);
    if (!lookup.found) throw new Error(`gpt-4o-mini not in the shipped prices: ${lookup.detail}`);
    const prices = lookup.price.period.prices;
    const expected = (1200 * prices.input + 300 * prices.output) / 1e6;
    expect(types.get('ai_margin_cost_usd_total')).toBe('counter');
    expect(
      pick(samples, 'ai_margin_cost_usd_total', { customer_id: 'acme', cost_type: 'llm' }),
    ).toMatchObject({
      labels: { feature: 'summarize', provider: 'openai', model: 'gpt-4o-mini-2024-07-18' },
      value: expect.closeTo(expected, 12),
    });
    expect(pick(samples, 'ai_margin_cost_usd_total', { cost_type: 'rule' }).value).toBeCloseTo(
      0.0004,
      12,
    );
    expect(pick(samples, 'ai_margin_revenue_usd_total', { customer_id: 'acme' }).value).toBeCloseTo(
      0.02,
      12,
    );
    expect(pick(samples, 'ai_margin_customer_mrr_usd', { customer_id: 'acme' }).value).toBe(499);
    expect(pick(samples, 'ai_margin_fixed_cost_monthly_usd', { pool: 'vector-db' }).value).toBe(
      500,
    );

    const traces = received.filter((r) => r.url === '/v1/traces');
    const metrics = received.filter((r) => r.url === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    const traceBytes = Buffer.concat(traces.map((t) => t.body)).toString('latin1');
    expect(traceBytes).toContain('gen_ai.usage.cost.amount');
    expect(traceBytes).toContain('ai_margin.customer_id');
    const metricBytes = Buffer.concat(metrics.map((m) => m.body)).toString('latin1');
    expect(metricBytes).toContain('ai_margin.cost.usd');
    expect(metricBytes).toContain('ai_margin.customer.info');
    expect(metricBytes).toContain('acme');
  });
});
