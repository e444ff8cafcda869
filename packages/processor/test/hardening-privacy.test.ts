// Attack: ways around pseudonymisation (issue 13, break 4), and a grep of every exporter's bytes
// for raw ids set every way an application can set them.

import { createHmac } from 'node:crypto';
import { withAttribution } from '@ai-margin/instrumentation';
import { MarginSpanProcessor } from '@ai-margin/processor';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { drive, fakeSpan } from './helpers/hardening';
import { AFTER, type Harness, harness, otelSamples, testBook } from './helpers/processor';

const KEY = 'hardening-key-0123456789';
const hmac = (id: string) => `h_${createHmac('sha256', KEY).update(id).digest('hex').slice(0, 32)}`;
const call = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'test-model-a',
  'gen_ai.usage.input_tokens': 10,
  'gen_ai.usage.output_tokens': 10,
};

/** Everything that leaves the process: exported spans, the prom-client text, OTLP metric points. */
async function exportedBytes(h: Harness): Promise<string> {
  const spans = JSON.stringify(
    h.spans
      .getFinishedSpans()
      .map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
  );
  return `${spans}\n${await h.registry.metrics()}\n${JSON.stringify(await otelSamples(h))}`;
}

describe('pseudonymisation cannot be bypassed', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('an id set with setAttribute after a non-GenAI span started is pseudonymised on the exported span', async () => {
    h = harness({ pseudonymize: { key: KEY } });
    const tracer = h.provider.getTracer('t');
    const s = tracer.startSpan('GET /checkout', { startTime: new Date(AFTER) });
    s.setAttribute('ai_margin.customer_id', 'late-raw-id');
    s.setAttribute('traceloop.association.properties.customer_id', 'late-raw-id-2');
    s.end();
    const [span] = h.spans.getFinishedSpans();
    expect(span?.attributes['ai_margin.customer_id']).toBe(hmac('late-raw-id'));
    expect(span?.attributes['traceloop.association.properties.customer_id']).toBe(
      hmac('late-raw-id-2'),
    );
    expect(await exportedBytes(h)).not.toMatch(/late-raw-id/);
  });

  it('a real id shaped like a pseudonym (h_ + 32 hex) is hashed like any other id, once', async () => {
    h = harness({ pseudonymize: { key: KEY } });
    const shaped = `h_${'0123456789abcdef'.repeat(2)}`;
    const shaped2 = `h_${'fedcba9876543210'.repeat(2)}`;
    withAttribution({ customerId: shaped, feature: 'chat' }, () => h?.span('chat', AFTER, call));
    h.span('chat', AFTER, { ...call, 'ai_margin.customer_id': shaped2 });
    expect(
      h.processor.recordRevenue({
        customerId: shaped,
        usd: 1,
        type: 'one_time',
        idempotencyKey: 'k',
      }),
    ).toBe('recorded');
    const [a, b] = h.spans.getFinishedSpans();
    expect(a?.attributes['ai_margin.customer_id']).toBe(hmac(shaped));
    expect(b?.attributes['ai_margin.customer_id']).toBe(hmac(shaped2));
    const bytes = await exportedBytes(h);
    expect(bytes).not.toContain(shaped);
    expect(bytes).not.toContain(shaped2);
    // Hashed once, not twice: the metrics carry the same pseudonym as the span.
    expect(await h.registry.metrics()).toContain(`customer_id="${hmac(shaped)}"`);
    expect(await h.registry.metrics()).not.toContain(hmac(hmac(shaped)));
  });

  it('one malformed customer attribute does not stop the other keys from being pseudonymised', () => {
    const p = new MarginSpanProcessor({
      prices: testBook(),
      meterProvider: false,
      pseudonymize: { key: KEY },
    });
    for (const bad of [
      Object.create(null),
      {
        toString: () => {
          throw new Error('no');
        },
      },
    ]) {
      const span = fakeSpan({
        ...call,
        'ai_margin.customer_id': bad,
        'traceloop.association.properties.customer_id': 'carol-raw',
        'ai.telemetry.metadata.customerId': 'dave-raw',
      });
      drive(p, span);
      expect(span.attributes['traceloop.association.properties.customer_id']).toBe(
        hmac('carol-raw'),
      );
      expect(span.attributes['ai.telemetry.metadata.customerId']).toBe(hmac('dave-raw'));
      // The unreadable value is replaced too, never left as it was.
      expect(span.attributes['ai_margin.customer_id']).toBe('h_unreadable');
    }
  });

  it("extra withAttribution keys: 'hash' pseudonymises them, 'drop' leaves them out, default keeps them", async () => {
    const extras = { customerId: 'c1', feature: 'chat', email: 'someone@example.com' };
    h = harness({ pseudonymize: { key: KEY }, extraAttribution: 'hash' });
    withAttribution(extras, () => h?.span('chat', AFTER, call));
    expect(h.spans.getFinishedSpans()[0]?.attributes['ai_margin.attr.email']).toBe(
      hmac('someone@example.com'),
    );
    expect(await exportedBytes(h)).not.toContain('someone@example.com');
    await h.close();

    h = harness({ extraAttribution: 'drop' });
    withAttribution(extras, () => h?.span('chat', AFTER, call));
    expect(h.spans.getFinishedSpans()[0]?.attributes['ai_margin.attr.email']).toBeUndefined();
    expect(await exportedBytes(h)).not.toContain('someone@example.com');
    await h.close();

    h = harness();
    withAttribution(extras, () => h?.span('chat', AFTER, call));
    expect(h.spans.getFinishedSpans()[0]?.attributes['ai_margin.attr.email']).toBe(
      'someone@example.com',
    );
    expect(() => harness({ extraAttribution: 'hash' })).toThrow(/pseudonymize/);
  });

  it('property: no raw id, however set, appears in any exporter output', async () => {
    const id = fc.oneof(
      fc.uuid().map((u) => `cust-${u}`),
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 })
        .map((x) => `h_${x}`),
      fc.string({ minLength: 12, maxLength: 40 }).map((x) => `raw:${x}`),
    );
    const how = fc.constantFrom(
      'attribution',
      'start',
      'late-genai',
      'late-other',
      'late-peer',
      'revenue',
      'directory',
    );
    const cases = fc.sample(fc.tuple(id, how), { numRuns: 300, seed: 4 });
    const directory = cases
      .filter(([, w]) => w === 'directory')
      .map(([i]) => ({ id: i, plan: 'pro', mrrUsd: 5 }));
    h = harness({
      pseudonymize: { key: KEY },
      customers: directory,
      revenueRules: [{ kind: 'per_use', usd: 0.1 }],
    });
    const tracer = h.provider.getTracer('t');
    let k = 0;
    for (const [raw, way] of cases) {
      if (way === 'attribution')
        withAttribution({ customerId: raw }, () => h?.span('chat', AFTER, call));
      else if (way === 'start') h.span('chat', AFTER, { ...call, 'ai_margin.customer_id': raw });
      else if (way === 'revenue')
        h.processor.recordRevenue({ customerId: raw, usd: 1, type: 't', idempotencyKey: `${k++}` });
      else if (way !== 'directory') {
        const s = tracer.startSpan(way === 'late-other' ? 'db.query' : 'chat', {
          startTime: new Date(AFTER),
          attributes: way === 'late-other' ? {} : call,
        });
        s.setAttribute(
          way === 'late-peer' ? 'ai.telemetry.metadata.customer_id' : 'ai_margin.customer_id',
          raw,
        );
        s.end();
      }
    }
    const bytes = await exportedBytes(h);
    for (const [raw] of cases) expect(bytes.includes(raw), raw).toBe(false);
  });
});
