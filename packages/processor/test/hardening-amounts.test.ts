// Attack: finite inputs whose sums overflow. Every number either exporter sees must be finite
// (issue 13, break 2); amounts outside [0, 1e9] USD are rejected and counted, never summed.

import { MarginSpanProcessor } from '@ai-margin/processor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { callSpan, drive, fakeSpan } from './helpers/hardening';
import {
  AFTER,
  type Harness,
  harness,
  otelSamples,
  promSamples,
  testBook,
} from './helpers/processor';

const HUGE = 1.7e308;

/** A GenAI call this price book cannot price, carrying someone else's cost. */
function externallyPriced(cost: number) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'not-in-the-book',
    'gen_ai.usage.input_tokens': 10,
    'gen_ai.usage.output_tokens': 10,
    'gen_ai.usage.cost.amount': cost,
    'ai_margin.customer_id': 'acme',
  };
}

async function everyValueFinite(h: Harness): Promise<void> {
  const prom = await promSamples(h.registry);
  for (const s of prom.samples) expect(Number.isFinite(s.value), `${s.name}`).toBe(true);
  for (const s of await otelSamples(h)) expect(Number.isFinite(s.value), `${s.name}`).toBe(true);
  // The exposition text itself: no +Inf, -Inf or NaN sample anywhere.
  expect(await h.registry.metrics()).not.toMatch(/ (\+Inf|-Inf|NaN)$/m);
}

describe('finite numbers on both exporters', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('two external costs of 1.7e308 do not make +Inf; they are rejected and counted', async () => {
    h = harness();
    h.span('chat', AFTER, externallyPriced(HUGE));
    h.span('chat', AFTER, externallyPriced(HUGE));
    h.span('chat', AFTER, externallyPriced(0.25));
    await everyValueFinite(h);
    const prom = await promSamples(h.registry);
    const cost = prom.samples.filter((s) => s.name === 'ai_margin_cost_usd_total');
    expect(cost.reduce((a, s) => a + s.value, 0)).toBe(0.25);
    const rejected = prom.samples.find(
      (s) => s.name === 'ai_margin_rejected_amounts_total' && s.labels.kind === 'external_cost',
    );
    expect(rejected?.value).toBe(2);
    // The two rejected calls are still requests, unpriced.
    const unpriced = prom.samples.filter(
      (s) => s.name === 'ai_margin_requests_total' && s.labels.priced === 'false',
    );
    expect(unpriced.reduce((a, s) => a + s.value, 0)).toBe(2);
  });

  it('two revenues of 1.7e308 do not make +Inf: recordRevenue says invalid and counts them', async () => {
    h = harness();
    const p = h.processor;
    const e = (k: string, usd: number) => ({
      customerId: 'acme',
      usd,
      type: 'one_time',
      idempotencyKey: k,
    });
    expect(p.recordRevenue(e('a', HUGE))).toBe('invalid');
    expect(p.recordRevenue(e('b', HUGE))).toBe('invalid');
    expect(p.recordRevenue(e('c', 1e9))).toBe('recorded');
    expect(p.recordRevenue(e('d', 1e9 + 1))).toBe('invalid');
    await everyValueFinite(h);
    const prom = await promSamples(h.registry);
    const revenue = prom.samples.filter((s) => s.name === 'ai_margin_revenue_usd_total');
    expect(revenue.reduce((a, s) => a + s.value, 0)).toBe(1e9);
    expect(
      prom.samples.find(
        (s) => s.name === 'ai_margin_rejected_amounts_total' && s.labels.kind === 'revenue_event',
      )?.value,
    ).toBe(3);
  });

  it('revenue rules and cost rules whose results are absurd are rejected, not summed', async () => {
    h = harness({
      revenueRules: [{ kind: 'markup', percent: 1e300 }],
      costRules: [
        { name: 'vec', spanName: 'vector.query', perUnit: { attribute: 'n', usd: 1e297 } },
      ],
    });
    for (let i = 0; i < 3; i++) {
      h.span('chat', AFTER, callSpan('acme', 'chat').attributes);
      h.span('vector.query', AFTER, { n: 1e11 });
    }
    await everyValueFinite(h);
    const prom = await promSamples(h.registry);
    const kinds = new Map(
      prom.samples
        .filter((s) => s.name === 'ai_margin_rejected_amounts_total')
        .map((s) => [s.labels.kind, s.value]),
    );
    expect(kinds.get('revenue_rule')).toBe(3);
    expect(kinds.get('cost_rule')).toBe(3);
  });

  it('rule configuration above 1e9 USD per call is refused at construction, naming the rule', () => {
    expect(
      () =>
        new MarginSpanProcessor({ costRules: [{ name: 'x', spanName: 's', usdPerCall: 1e308 }] }),
    ).toThrow(/costRules\[0\] \(x\).*usdPerCall/);
    expect(
      () => new MarginSpanProcessor({ revenueRules: [{ kind: 'per_use', usd: 2e9 }] }),
    ).toThrow(/revenueRules\[0\].*usd/);
  });

  it('property: any sequence of amounts from every entry point exports only finite numbers', async () => {
    const amount = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(HUGE, Number.MAX_VALUE, 1e9, 1e9 + 1, -0, Number.NaN, Infinity, 5e307),
    );
    const p = new MarginSpanProcessor({
      prices: testBook(),
      meterProvider: false,
      revenueRules: [{ kind: 'markup', percent: 1e6 }],
      costRules: [{ name: 'r', spanName: 'rule', perUnit: { attribute: 'n', usd: 1e8 } }],
    });
    h = harness();
    const q = h.processor;
    let k = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('ext', 'rev', 'rule'), amount), { maxLength: 20 }),
        (ops) => {
          for (const [op, v] of ops) {
            for (const proc of [p, q]) {
              if (op === 'ext') drive(proc, fakeSpan(externallyPriced(v)));
              else if (op === 'rev')
                proc.recordRevenue({
                  customerId: 'c',
                  usd: v,
                  type: 't',
                  idempotencyKey: `${k++}`,
                });
              else drive(proc, fakeSpan({ n: v }, 'rule'));
            }
          }
        },
      ),
      { numRuns: 200, seed: 2 },
    );
    await everyValueFinite(h);
    await p.shutdown();
  });
});
