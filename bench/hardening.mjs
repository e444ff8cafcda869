#!/usr/bin/env node
// Attack figures for docs/reliability.md, against the built packages (run with --expose-gc):
//   1. 10,000 customers x 100 features x 10 models (10M distinct combinations, one span each):
//      series per metric, heap when the budget filled up and at the end, prom-client scrape size
//      and time, OTel collection time and points.
//   2. 1,000,000 distinct revenue types: revenue series and heap.
// Env: HARDENING_CUSTOMERS (default 10000), HARDENING_FEATURES (100), HARDENING_MODELS (10).
import { MarginSpanProcessor, marginMetricViews, PriceBook } from '@ai-margin/processor';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';

const CUSTOMERS = Number(process.env.HARDENING_CUSTOMERS ?? 10_000);
const FEATURES = Number(process.env.HARDENING_FEATURES ?? 100);
const MODELS = Number(process.env.HARDENING_MODELS ?? 10);
const gc = globalThis.gc ?? (() => {});
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

const book = PriceBook.load({
  includeShipped: false,
  userFiles: [
    {
      name: 'hardening.json',
      data: {
        providers: [
          {
            provider: 'openai',
            currency: 'USD',
            models: Array.from({ length: MODELS }, (_, i) => ({
              id: `model-${i}`,
              periods: [
                { effectiveFrom: '2024-01-01', prices: { input: 1, output: 4 }, source: 'bench' },
              ],
            })),
          },
        ],
      },
    },
  ],
});
const CONTEXT = { traceId: '0'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 };
const START = [Math.floor(Date.UTC(2025, 7, 1) / 1000), 0];

function span(customer, feature, model) {
  const attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 10,
    'ai_margin.customer_id': customer,
    'ai_margin.feature': feature,
  };
  return {
    name: 'chat',
    startTime: START,
    attributes,
    spanContext: () => CONTEXT,
    setAttribute(k, v) {
      attributes[k] = v;
      return this;
    },
  };
}

/** Part 1, in a function so that nothing of it stays reachable for part 2's heap figure. */
async function combinations() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader], views: marginMetricViews() });
  const registry = new Registry();
  const p = new MarginSpanProcessor({ prices: book, registry, meterProvider });

  const heapStart = heapMb();
  const t0 = performance.now();
  let spans = 0;
  let heapAtBudget;
  for (let c = 0; c < CUSTOMERS; c++) {
    for (let f = 0; f < FEATURES; f++) {
      for (let m = 0; m < MODELS; m++) {
        const s = span(`customer-${c}`, `feature-${f}`, `model-${m}`);
        p.onStart(s, ROOT_CONTEXT);
        p.onEnding(s);
        p.onEnd(s);
        spans++;
      }
    }
    if (c === Math.floor(CUSTOMERS / 10)) heapAtBudget = heapMb();
  }
  const spanSeconds = (performance.now() - t0) / 1000;
  const heapEnd = heapMb();

  let t = performance.now();
  const text = await registry.metrics();
  const scrapeMs = performance.now() - t;
  const perMetric = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    perMetric.set(name, (perMetric.get(name) ?? 0) + 1);
  }
  t = performance.now();
  await reader.forceFlush();
  const otelMs = performance.now() - t;
  const otelPoints = exporter
    .getMetrics()
    .at(-1)
    .scopeMetrics.flatMap((s) => s.metrics)
    .reduce((a, m) => a + m.dataPoints.length, 0);

  console.log(`Node ${process.version}`);
  console.log(
    `1. ${CUSTOMERS} customers x ${FEATURES} features x ${MODELS} models = ${spans} spans (one per combination) in ${spanSeconds.toFixed(1)} s (${((spanSeconds / spans) * 1e9).toFixed(0)} ns/span)`,
  );
  for (const [name, n] of perMetric) console.log(`   ${name}: ${n} series`);
  console.log(
    `   heap: ${heapStart.toFixed(1)} MB at start, ${heapAtBudget.toFixed(1)} MB after ${Math.floor(CUSTOMERS / 10) + 1} customers (budget full), ${heapEnd.toFixed(1)} MB at the end (+${(heapEnd - heapAtBudget).toFixed(1)} MB over the last ${spans - (Math.floor(CUSTOMERS / 10) + 1) * FEATURES * MODELS} spans); RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
  console.log(
    `   prom-client scrape: ${(Buffer.byteLength(text) / 2 ** 20).toFixed(1)} MB in ${scrapeMs.toFixed(0)} ms; OTel collection: ${otelPoints} points in ${otelMs.toFixed(0)} ms`,
  );
  await meterProvider.shutdown();
}
await combinations();

// 2. A distinct revenue type per event.
const revenueRegistry = new Registry();
const q = new MarginSpanProcessor({
  prices: book,
  registry: revenueRegistry,
  meterProvider: false,
});
const h0 = heapMb();
const t = performance.now();
const N = 1_000_000;
for (let i = 0; i < N; i++)
  q.recordRevenue({
    customerId: `c${i % 1000}`,
    usd: 1,
    type: `type-${i}`,
    idempotencyKey: `k${i}`,
  });
const revSeconds = (performance.now() - t) / 1000;
const revenueSeries = (await revenueRegistry.metrics())
  .split('\n')
  .filter((l) => l.startsWith('ai_margin_revenue_usd_total{')).length;
console.log(
  `2. ${N} revenue events with distinct types (1,000 customers): ${revenueSeries} revenue series, +${(heapMb() - h0).toFixed(1)} MB heap (the 100,000 remembered idempotency keys included) in ${revSeconds.toFixed(1)} s`,
);
