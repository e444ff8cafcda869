import { createHmac } from 'node:crypto';
import { withAttribution } from '@ai-margin/instrumentation';
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER, type Harness, harness, otelSamples, pick, promSamples } from './helpers/processor';

const KEY = 'test-key-0123456789abcdef';
/** Expected pseudonym, computed independently of the processor. */
const expected = (id: string) =>
  `h_${createHmac('sha256', KEY).update(id).digest('hex').slice(0, 32)}`;

const RAW = ['alice@example.com', 'bob-raw-id', 'carol-raw-id', 'dave-raw-id', 'erin-raw-id'];

const call = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'test-model-a',
  'gen_ai.usage.input_tokens': 10,
  'gen_ai.usage.output_tokens': 10,
};

describe('pseudonymisation', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('never lets a raw customer id reach exported spans or metrics (both paths)', async () => {
    h = harness({
      pseudonymize: { key: KEY },
      customers: { 'erin-raw-id': { plan: 'pro', mrrUsd: 10, signupDate: '2025-01-01' } },
      revenueRules: [{ kind: 'per_use', usd: 0.5 }],
    });
    const tracer = h.provider.getTracer('t');
    withAttribution({ customerId: 'alice@example.com', feature: 'chat' }, () =>
      h?.span('chat', AFTER, call),
    );
    h.span('chat', AFTER, { ...call, 'ai_margin.customer_id': 'bob-raw-id' });
    // OpenLLMetry sets its association property while the span runs.
    const s = tracer.startSpan('openai.chat', { startTime: new Date(AFTER) });
    s.setAttributes({ ...call, 'traceloop.association.properties.customer_id': 'carol-raw-id' });
    s.end();
    expect(
      h.processor.recordRevenue({
        customerId: 'dave-raw-id',
        usd: 5,
        type: 'one_time',
        idempotencyKey: 'k',
      }),
    ).toBe('recorded');

    const spansJson = JSON.stringify(h.spans.getFinishedSpans().map((x) => x.attributes));
    const promText = await h.registry.metrics();
    const otelJson = JSON.stringify(await otelSamples(h));
    for (const raw of RAW) {
      expect(spansJson).not.toContain(raw);
      expect(promText).not.toContain(raw);
      expect(otelJson).not.toContain(raw);
    }
    expect(otelJson).toContain(expected('alice@example.com'));
    expect(otelJson).toContain(expected('erin-raw-id'));
    const [a, b, c] = h.spans.getFinishedSpans();
    expect(a?.attributes['ai_margin.customer_id']).toBe(expected('alice@example.com'));
    expect(b?.attributes['ai_margin.customer_id']).toBe(expected('bob-raw-id'));
    expect(c?.attributes['traceloop.association.properties.customer_id']).toBe(
      expected('carol-raw-id'),
    );

    const prom = await promSamples(h.registry);
    for (const id of ['alice@example.com', 'bob-raw-id', 'carol-raw-id']) {
      expect(
        pick(prom.samples, 'ai_margin_requests_total', { customer_id: expected(id) }).value,
      ).toBe(1);
      expect(
        pick(prom.samples, 'ai_margin_revenue_usd_total', { customer_id: expected(id) }).value,
      ).toBe(0.5);
    }
    expect(
      pick(prom.samples, 'ai_margin_revenue_usd_total', { customer_id: expected('dave-raw-id') })
        .value,
    ).toBe(5);
    expect(
      pick(prom.samples, 'ai_margin_customer_mrr_usd', { customer_id: expected('erin-raw-id') })
        .value,
    ).toBe(10);
    expect(
      pick(prom.samples, 'ai_margin_customer_info', { customer_id: expected('erin-raw-id') }).labels
        .plan,
    ).toBe('pro');
  });

  it('rejects a short key', () => {
    expect(() => harness({ pseudonymize: { key: 'short' } })).toThrow(/at least 16 bytes/);
  });
});
