// Attack: user strings that name Object.prototype members. No lookup may find the prototype
// (issue 13, break 3): every span is counted under the name it carried.

import { MarginSpanProcessor } from '@ai-margin/processor';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { normalizeProvider } from '../src/processor/providers';
import { callSpan, drive, fakeSpan } from './helpers/hardening';
import { parsePromText, testBook } from './helpers/processor';

const PROTO_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'prototype',
];

describe('no prototype lookups where user strings meet objects', () => {
  it('providers named constructor / __proto__ lose no span and keep their own name', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
    const N = 3_000;
    for (let i = 0; i < N; i++) {
      const span = callSpan('acme', 'chat');
      span.attributes['gen_ai.provider.name'] = PROTO_NAMES[i % PROTO_NAMES.length];
      drive(p, span);
    }
    const { samples } = parsePromText(await registry.metrics());
    const requests = samples.filter((s) => s.name === 'ai_margin_requests_total');
    expect(requests.reduce((a, s) => a + s.value, 0)).toBe(N);
    const providers = new Set(requests.map((s) => s.labels.provider));
    expect([...providers].sort()).toEqual(PROTO_NAMES.map((n) => n.toLowerCase()).sort());
    expect(samples.filter((s) => s.name === 'ai_margin_processor_errors_total')).toEqual([]);
    for (const name of PROTO_NAMES) expect(normalizeProvider(name)).toBe(name.toLowerCase());
    // Vercel-style `<provider>.<api>` spellings go through the same table.
    expect(normalizeProvider('constructor.chat')).toBe('constructor.chat');
    await p.shutdown();
  });

  it('customers, features, models and revenue types named like prototype members are plain labels', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
    for (const name of PROTO_NAMES) {
      drive(p, callSpan(name, name, name));
      expect(
        p.recordRevenue({
          customerId: name,
          usd: 1,
          type: name,
          idempotencyKey: name,
          feature: name,
        }),
      ).toBe('recorded');
    }
    const { samples } = parsePromText(await registry.metrics());
    const requests = samples.filter((s) => s.name === 'ai_margin_requests_total');
    expect(new Set(requests.map((s) => s.labels.customer_id))).toEqual(new Set(PROTO_NAMES));
    expect(new Set(requests.map((s) => s.labels.model))).toEqual(new Set(PROTO_NAMES));
    const revenue = samples.filter((s) => s.name === 'ai_margin_revenue_usd_total');
    expect(new Set(revenue.map((s) => s.labels.revenue_type))).toEqual(new Set(PROTO_NAMES));
    expect(revenue.reduce((a, s) => a + s.value, 0)).toBe(PROTO_NAMES.length);
    await p.shutdown();
  });

  it('rules keyed by prototype names match only attributes the span has; unknown token types are refused', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({
      prices: testBook(),
      registry,
      meterProvider: false,
      costRules: [
        { name: 'proto', attributes: { constructor: true }, usdPerCall: 1 },
        { name: 'unit', spanName: 'q', perUnit: { attribute: 'toString', usd: 1 } },
      ],
    });
    drive(p, fakeSpan({ 'db.system': 'x' }, 'other'));
    drive(p, fakeSpan({}, 'q'));
    drive(p, fakeSpan({ constructor: 'yes' }, 'other'));
    const { samples } = parsePromText(await registry.metrics());
    const cost = samples.filter((s) => s.name === 'ai_margin_cost_usd_total');
    expect(cost.map((s) => [s.labels.model, s.value]).sort()).toEqual([
      ['proto', 1],
      ['unit', 0],
    ]);
    expect(
      () =>
        new MarginSpanProcessor({
          revenueRules: [
            { kind: 'per_token', usdPerMillion: 1, tokenTypes: ['constructor' as never] },
          ],
        }),
    ).toThrow(/tokenTypes/);
    await p.shutdown();
  });

  it('property: any provider string maps to a string, and a label is never a function', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...PROTO_NAMES),
          fc.string(),
          fc.constantFrom(...PROTO_NAMES).map((n) => `${n}.chat`),
        ),
        (raw) => {
          const out = normalizeProvider(raw);
          expect(typeof out).toBe('string');
          expect(out).not.toContain('[native code]');
        },
      ),
      { numRuns: 2000, seed: 3 },
    );
  });
});
