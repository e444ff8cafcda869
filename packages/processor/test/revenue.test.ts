import { withAttribution } from '@ai-margin/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AFTER,
  type Harness,
  harness,
  pick,
  promSamples,
  TEST_PRICES,
  usd,
} from './helpers/processor';

const call = (input: number, output: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'test-model-a',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
});

describe('revenue', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('recordRevenue counts an idempotency key once and rejects invalid events', async () => {
    h = harness();
    const p = h.processor;
    const event = { customerId: 'acme', usd: 120.5, type: 'one_time', idempotencyKey: 'evt_1' };
    expect(p.recordRevenue(event)).toBe('recorded');
    expect(p.recordRevenue(event)).toBe('duplicate');
    expect(p.recordRevenue({ ...event, usd: 999 })).toBe('duplicate');
    expect(p.recordRevenue({ ...event, idempotencyKey: 'evt_2', usd: 10, feature: 'export' })).toBe(
      'recorded',
    );
    expect(p.recordRevenue({ ...event, idempotencyKey: 'evt_3', usd: -5 })).toBe('invalid');
    expect(p.recordRevenue({ ...event, idempotencyKey: 'evt_4', usd: Number.NaN })).toBe('invalid');
    expect(p.recordRevenue({ ...event, idempotencyKey: '' })).toBe('invalid');
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
    expect(p.recordRevenue(null as any)).toBe('invalid');
    const prom = await promSamples(h.registry);
    expect(
      pick(prom.samples, 'ai_margin_revenue_usd_total', {
        customer_id: 'acme',
        feature: 'unattributed',
      }),
    ).toEqual({
      name: 'ai_margin_revenue_usd_total',
      labels: { customer_id: 'acme', feature: 'unattributed', revenue_type: 'one_time' },
      value: 120.5,
    });
    expect(pick(prom.samples, 'ai_margin_revenue_usd_total', { feature: 'export' }).value).toBe(10);
  });

  it('forgets the oldest keys beyond maxIdempotencyKeys (documented bound)', async () => {
    h = harness({ maxIdempotencyKeys: 2 });
    const p = h.processor;
    const e = (k: string) => ({ customerId: 'c', usd: 1, type: 'one_time', idempotencyKey: k });
    expect(p.recordRevenue(e('k1'))).toBe('recorded');
    expect(p.recordRevenue(e('k2'))).toBe('recorded');
    expect(p.recordRevenue(e('k3'))).toBe('recorded');
    expect(p.recordRevenue(e('k2'))).toBe('duplicate');
    expect(p.recordRevenue(e('k1'))).toBe('recorded');
  });

  it('applies per-use, per-token and markup revenue rules on the span that produced the cost', async () => {
    h = harness({
      revenueRules: [
        { kind: 'per_use', usd: 0.01, feature: 'summarize' },
        { kind: 'per_token', usdPerMillion: 5, tokenTypes: ['output'], revenueType: 'tokens' },
        { kind: 'markup', percent: 20, feature: ['chat'], revenueType: 'resale' },
      ],
    });
    withAttribution({ customerId: 'acme', feature: 'summarize' }, () => {
      h?.span('chat', AFTER, call(1000, 200));
      h?.span('chat', AFTER, call(1000, 200));
    });
    withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
      h?.span('chat', AFTER, call(4000, 1000)),
    );
    const chatCost = usd({ input: 4000, output: 1000 }, TEST_PRICES.new);
    const prom = await promSamples(h.registry);
    const rev = (feature: string, revenue_type: string) =>
      pick(prom.samples, 'ai_margin_revenue_usd_total', {
        customer_id: 'acme',
        feature,
        revenue_type,
      }).value;
    expect(rev('summarize', 'usage')).toBeCloseTo(0.02, 12);
    expect(rev('summarize', 'tokens')).toBeCloseTo((400 * 5) / 1e6, 12);
    expect(rev('chat', 'tokens')).toBeCloseTo((1000 * 5) / 1e6, 12);
    expect(rev('chat', 'resale')).toBeCloseTo(chatCost * 1.2, 12);
    expect(
      prom.samples.some(
        (s) =>
          s.name === 'ai_margin_revenue_usd_total' &&
          s.labels.feature === 'chat' &&
          s.labels.revenue_type === 'usage',
      ),
    ).toBe(false);
  });

  it('prices non-LLM spans by cost rules (per call + per unit) as cost_type="rule"', async () => {
    h = harness({
      costRules: [
        {
          name: 'pinecone.query',
          provider: 'pinecone',
          spanName: /^pinecone\./,
          attributes: { 'db.operation.name': 'query' },
          usdPerCall: 0.0001,
          perUnit: { attribute: 'db.vector.query.top_k', usd: 0.00001 },
        },
        { name: 'search', spanName: 'GET /search', usdPerCall: 0.002 },
      ],
      revenueRules: [{ kind: 'markup', percent: 50 }],
    });
    withAttribution({ customerId: 'acme', feature: 'rag' }, () => {
      h?.span('pinecone.query', AFTER, {
        'db.operation.name': 'query',
        'db.vector.query.top_k': 50,
      });
      h?.span('pinecone.upsert', AFTER, { 'db.operation.name': 'upsert' });
      h?.span('GET /search', AFTER, {});
      h?.span('GET /other', AFTER, {});
    });
    const spans = h.spans.getFinishedSpans();
    expect(spans[0]?.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0001 + 50 * 0.00001, 12);
    expect(spans[0]?.attributes['ai_margin.cost.rule']).toBe('pinecone.query');
    expect(spans[1]?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(spans[3]?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    const prom = await promSamples(h.registry);
    expect(pick(prom.samples, 'ai_margin_cost_usd_total', { model: 'pinecone.query' })).toEqual({
      name: 'ai_margin_cost_usd_total',
      labels: {
        customer_id: 'acme',
        feature: 'rag',
        provider: 'pinecone',
        model: 'pinecone.query',
        cost_type: 'rule',
      },
      value: expect.closeTo(0.0006, 12),
    });
    expect(
      pick(prom.samples, 'ai_margin_cost_usd_total', { model: 'search' }).labels.provider,
    ).toBe('internal');
    expect(prom.samples.some((s) => s.name === 'ai_margin_requests_total')).toBe(false);
    expect(pick(prom.samples, 'ai_margin_revenue_usd_total', { feature: 'rag' }).value).toBeCloseTo(
      (0.0006 + 0.002) * 1.5,
      12,
    );
  });

  it('exports fixed-cost pools and rejects bad rule config with an error naming the rule', async () => {
    h = harness({
      fixedCosts: [
        { pool: 'vector-db', monthlyUsd: 1200, allocateBy: 'requests' },
        { pool: 'gpu', monthlyUsd: 8000.5, allocateBy: 'tokens' },
      ],
    });
    const prom = await promSamples(h.registry);
    expect(prom.types.get('ai_margin_fixed_cost_monthly_usd')).toBe('gauge');
    expect(pick(prom.samples, 'ai_margin_fixed_cost_monthly_usd', { pool: 'gpu' })).toEqual({
      name: 'ai_margin_fixed_cost_monthly_usd',
      labels: { pool: 'gpu', allocate_by: 'tokens' },
      value: 8000.5,
    });
    expect(() => harness({ costRules: [{ name: 'x', usdPerCall: 1 }] })).toThrow(
      /costRules\[0\] \(x\).*spanName/,
    );
    expect(() => harness({ revenueRules: [{ kind: 'per_use', usd: -1 }] })).toThrow(
      /revenueRules\[0\]/,
    );
    expect(() =>
      // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid driver
      harness({ fixedCosts: [{ pool: 'p', monthlyUsd: 1, allocateBy: 'seats' as any }] }),
    ).toThrow(/fixedCosts\[0\] \(p\).*allocateBy/);
  });
});
