// Attack: label mixes that multiply. Each label within its own cap must still not multiply into
// unbounded series (issue 13, break 1); memory must stay flat once the budget is full.

import { OVERFLOW_CUSTOMER } from '@ai-margin/conventions';
import { MarginSpanProcessor, PROCESSOR_DEFAULTS, PriceBook } from '@ai-margin/processor';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { callSpan, countByName, drive, heapMb } from './helpers/hardening';
import { parsePromText, testBook } from './helpers/processor';

/** Ten priced models, `model-0` .. `model-9`. */
function tenModelBook(): PriceBook {
  const models = Array.from({ length: 10 }, (_, i) => ({
    id: `model-${i}`,
    periods: [{ effectiveFrom: '2025-01-01', prices: { input: 1, output: 2 }, source: 'test' }],
  }));
  return PriceBook.load({
    includeShipped: false,
    userFiles: [
      { name: 'ten.json', data: { providers: [{ provider: 'openai', currency: 'USD', models }] } },
    ],
  });
}

const SPAN_METRICS = [
  'ai_margin_cost_usd_total',
  'ai_margin_requests_total',
  'ai_margin_tokens_total',
];

describe('series budget across label combinations', () => {
  it('10,000 customers x 100 features x 10 models: every metric within the budget, flat heap', async () => {
    const budget = 100_000; // the documented default (checked at the end)
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: tenModelBook(), registry, meterProvider: false });
    const CUSTOMERS = 10_000;
    const FEATURES = 100;
    const MODELS = 10;
    // Every (customer, feature) pair once, each with one of the 10 models (1M spans), then a
    // second pass with the other models of the first 100 customers: 1,009,000 distinct combinations.
    const started = performance.now();
    let heapAtBudget = 0;
    let spans = 0;
    for (let c = 0; c < CUSTOMERS; c++) {
      for (let f = 0; f < FEATURES; f++) {
        drive(p, callSpan(`customer-${c}`, `feature-${f}`, `model-${(c + f) % MODELS}`));
        spans++;
      }
      if (c === 1_000) heapAtBudget = heapMb();
    }
    for (let c = 0; c < 100; c++) {
      for (let m = 1; m < MODELS; m++)
        drive(p, callSpan(`customer-${c}`, 'feature-0', `model-${m}`));
      spans += MODELS - 1;
    }
    const heapAtEnd = heapMb();
    const seconds = (performance.now() - started) / 1000;

    const { samples } = parsePromText(await registry.metrics());
    const counts = countByName(samples);
    for (const name of SPAN_METRICS) {
      // The budget, plus the one all-__overflow__ series per fixed label value.
      expect(counts.get(name), name).toBeLessThanOrEqual(budget + 6);
    }
    // Nothing is lost: every span is counted, in its own series or in the overflow one.
    const requests = samples.filter((s) => s.name === 'ai_margin_requests_total');
    expect(requests.reduce((a, s) => a + s.value, 0)).toBe(spans);
    const overflowSeries = requests.filter((s) => s.labels.customer_id === OVERFLOW_CUSTOMER);
    expect(overflowSeries.length).toBeGreaterThan(0);
    const overflowCounter = samples.find(
      (s) => s.name === 'ai_margin_cardinality_overflow_total' && s.labels.metric === 'series',
    );
    expect(overflowCounter?.value).toBeGreaterThan(0);
    const growth = heapAtEnd - heapAtBudget;
    console.log(
      `${spans} spans, ${CUSTOMERS}x${FEATURES}x${MODELS} mix: series ${SPAN_METRICS.map((n) => `${n}=${counts.get(n)}`).join(' ')}; heap ${heapAtBudget.toFixed(1)} MB when the budget was full, ${heapAtEnd.toFixed(1)} MB at the end (+${growth.toFixed(1)} MB); ${seconds.toFixed(1)} s`,
    );
    // Flat: the 900,000 spans after the budget filled up add no series and no state.
    expect(growth).toBeLessThan(8);
    expect(PROCESSOR_DEFAULTS.maxSeriesPerMetric).toBe(budget);
    await p.shutdown();
  }, 60_000);

  it('a distinct revenue type per event is capped (maxRevenueTypes) and the revenue series budgeted', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      p.recordRevenue({ customerId: 'acme', usd: 1, type: `type-${i}`, idempotencyKey: `k${i}` });
    }
    const { samples } = parsePromText(await registry.metrics());
    const revenue = samples.filter((s) => s.name === 'ai_margin_revenue_usd_total');
    const maxTypes = 100; // the documented default
    expect(revenue.length).toBe(maxTypes + 1);
    expect(revenue.reduce((a, s) => a + s.value, 0)).toBe(N);
    expect(
      samples.find(
        (s) =>
          s.name === 'ai_margin_cardinality_overflow_total' && s.labels.metric === 'revenue_type',
      )?.value,
    ).toBe(N - maxTypes);
    expect(PROCESSOR_DEFAULTS.maxRevenueTypes).toBe(maxTypes);
    await p.shutdown();
  });

  it('a flood of unique idempotency keys costs constant time per event once the key memory is full', () => {
    const p = new MarginSpanProcessor({ prices: testBook(), meterProvider: false });
    const FULL = PROCESSOR_DEFAULTS.maxIdempotencyKeys;
    const N = FULL + 300_000;
    let beyond = 0;
    for (let i = 0; i < N; i++) {
      const started = i === FULL ? performance.now() : 0;
      p.recordRevenue({ customerId: 'acme', usd: 1, type: 'usage', idempotencyKey: `evt_${i}` });
      if (i === FULL) beyond = started;
    }
    const seconds = (performance.now() - beyond) / 1000;
    console.log(`300,000 events past ${FULL} remembered keys: ${seconds.toFixed(2)} s`);
    // Evicting through the Map's iterator took about 32 us per event here (~10 s).
    expect(seconds).toBeLessThan(4);
  }, 30_000);

  it('revenue combinations (customer x feature x type) stay within the budget', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({
      prices: testBook(),
      registry,
      meterProvider: false,
      maxSeriesPerMetric: 500,
    });
    let n = 0;
    for (let c = 0; c < 100; c++) {
      for (let f = 0; f < 20; f++) {
        p.recordRevenue({
          customerId: `c${c}`,
          feature: `f${f}`,
          usd: 2,
          type: `t${f % 5}`,
          idempotencyKey: `${n++}`,
        });
      }
    }
    const { samples } = parsePromText(await registry.metrics());
    const revenue = samples.filter((s) => s.name === 'ai_margin_revenue_usd_total');
    expect(revenue.length).toBeLessThanOrEqual(500 + 5);
    expect(revenue.reduce((a, s) => a + s.value, 0)).toBe(2 * n);
    await p.shutdown();
  });

  it('property: any label mix keeps every metric within the budget and loses no request or cost', async () => {
    const label = fc.oneof(
      fc.constantFrom('a', 'b', 'c', '__overflow__', 'unattributed', ''),
      fc.string({ maxLength: 4 }),
    );
    const spanArb = fc.record({
      customer: label,
      feature: label,
      model: fc.constantFrom('test-model-a', 'unknown-1', 'unknown-2'),
      provider: fc.constantFrom('openai', 'anthropic', 'x'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(spanArb, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        async (batch, budget) => {
          const registry = new Registry();
          const p = new MarginSpanProcessor({
            prices: testBook(),
            registry,
            meterProvider: false,
            maxSeriesPerMetric: budget,
            maxCustomers: 30,
          });
          for (const s of batch) {
            const span = callSpan(s.customer, s.feature, s.model);
            span.attributes['gen_ai.provider.name'] = s.provider;
            drive(p, span);
          }
          const { samples } = parsePromText(await registry.metrics());
          const counts = countByName(samples);
          for (const name of SPAN_METRICS) {
            expect(counts.get(name) ?? 0).toBeLessThanOrEqual(budget + 6);
          }
          const requests = samples.filter((x) => x.name === 'ai_margin_requests_total');
          expect(requests.reduce((a, x) => a + x.value, 0)).toBe(batch.length);
          const unpriced = samples.filter((x) => x.name === 'ai_margin_unpriced_requests_total');
          expect(unpriced.length).toBeLessThanOrEqual(budget + 4);
          await p.shutdown();
        },
      ),
      { numRuns: 150, seed: 13 },
    );
  });
});
