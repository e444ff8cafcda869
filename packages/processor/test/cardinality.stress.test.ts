import { METRICS, OVERFLOW_CUSTOMER } from '@ai-margin/conventions';
import { MarginSpanProcessor, marginMetricViews, PROCESSOR_DEFAULTS } from '@ai-margin/processor';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AFTER, parsePromText, TEST_PRICES, testBook } from './helpers/processor';

/** A minimal writable span, so a million spans run through onStart/onEnding/onEnd quickly. */
function fakeSpan(customer: string, model: string) {
  const attributes: Record<string, unknown> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': 100,
    'gen_ai.usage.output_tokens': 10,
    'ai_margin.customer_id': customer,
    'ai_margin.feature': 'chat',
  };
  return {
    name: 'chat',
    startTime: [Math.floor(AFTER / 1000), 0],
    attributes,
    setAttribute(key: string, value: unknown) {
      attributes[key] = value;
      return this;
    },
  };
}

function drive(p: MarginSpanProcessor, span: ReturnType<typeof fakeSpan>): void {
  // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for an SDK span
  const s = span as any;
  p.onStart(s, ROOT_CONTEXT);
  p.onEnding(s);
  p.onEnd(s);
}

describe('cardinality limits', () => {
  it('1,000,000 distinct customers -> cap + 1 overflow series, bounded heap', async () => {
    expect(PROCESSOR_DEFAULTS.maxCustomers).toBe(10_000);
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
    const N = 1_000_000;
    const cap = PROCESSOR_DEFAULTS.maxCustomers;
    // Warm up with the first cap customers (these get their own series), then measure the rest.
    for (let i = 0; i < cap; i++) drive(p, fakeSpan(`customer-${i}`, 'test-model-a'));
    const heapAfterCap = process.memoryUsage().heapUsed;
    for (let i = cap; i < N; i++) drive(p, fakeSpan(`customer-${i}`, 'test-model-a'));
    const heapAfterAll = process.memoryUsage().heapUsed;
    const growthMb = (heapAfterAll - heapAfterCap) / 2 ** 20;
    // Reported in the test output; garbage from 990,000 spans may still be uncollected, so the
    // bound is generous: unbounded growth (a series per customer) would be far above it.
    console.log(`heap growth over ${N - cap} customers beyond the cap: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(64);

    const { samples } = parsePromText(await registry.metrics());
    const cost = samples.filter((s) => s.name === 'ai_margin_cost_usd_total');
    expect(cost).toHaveLength(cap + 1);
    const overflow = cost.find((s) => s.labels.customer_id === OVERFLOW_CUSTOMER);
    const perCall = (100 * TEST_PRICES.new.input + 10 * TEST_PRICES.new.output) / 1e6;
    expect(overflow?.value).toBeCloseTo((N - cap) * perCall, 6);
    expect(samples.filter((s) => s.name === 'ai_margin_requests_total')).toHaveLength(cap + 1);
    expect(samples.filter((s) => s.name === 'ai_margin_tokens_total')).toHaveLength(2 * (cap + 1));
    const overflowCounter = samples.find(
      (s) => s.name === 'ai_margin_cardinality_overflow_total' && s.labels.metric === 'customer_id',
    );
    expect(overflowCounter?.value).toBe(N - cap);
    await p.shutdown();
  }, 120_000);

  it('caps distinct models from arbitrary spans and honours a configured customer cap', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({
      prices: testBook(),
      registry,
      meterProvider: false,
      maxCustomers: 3,
      maxModels: 5,
    });
    for (let i = 0; i < 1000; i++) drive(p, fakeSpan(`c${i % 10}`, `random-model-${i}`));
    const { samples } = parsePromText(await registry.metrics());
    const requests = samples.filter((s) => s.name === 'ai_margin_requests_total');
    const customers = new Set(requests.map((s) => s.labels.customer_id));
    const models = new Set(requests.map((s) => s.labels.model));
    expect(customers.size).toBe(4);
    expect(customers.has(OVERFLOW_CUSTOMER)).toBe(true);
    expect(models.size).toBe(6);
    expect(requests.reduce((a, s) => a + s.value, 0)).toBe(1000);
    const unpriced = samples.filter((s) => s.name === 'ai_margin_unpriced_requests_total');
    expect(unpriced.length).toBeLessThanOrEqual(6);
    expect(
      samples.find(
        (s) => s.name === 'ai_margin_cardinality_overflow_total' && s.labels.metric === 'model',
      )?.value,
    ).toBe(995);
  });

  it('marginMetricViews() lifts the OTel SDK default of 2,000 series per metric', async () => {
    async function otelCostSeries(withViews: boolean): Promise<number> {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: 3_600_000,
      });
      const mp = new MeterProvider({
        readers: [reader],
        views: withViews ? marginMetricViews() : [],
      });
      const p = new MarginSpanProcessor({ prices: testBook(), meterProvider: mp });
      for (let i = 0; i < 3000; i++) drive(p, fakeSpan(`c${i}`, 'test-model-a'));
      await reader.forceFlush();
      const metric = exporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((sm) => sm.metrics)
        .find((m) => m.descriptor.name === METRICS.cost.otelName);
      await mp.shutdown();
      return metric?.dataPoints.length ?? 0;
    }
    expect(await otelCostSeries(true)).toBe(3000);
    expect(await otelCostSeries(false)).toBeLessThanOrEqual(2000);
  });
});
