// Attack: label values Prometheus or VictoriaMetrics cannot store as given (issue 13, break 6):
// over-long values (VictoriaMetrics drops them) and lone surrogates (which UTF-8 encoding merges).

import { MarginSpanProcessor } from '@ai-margin/processor';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { callSpan, drive } from './helpers/hardening';
import { AFTER, harness, otelSamples, parsePromText, testBook } from './helpers/processor';

const MAX_BYTES = 256; // the documented default of maxLabelValueBytes
const SUFFIX = /~[0-9a-f]{16}$/;

/** The exposition as a scraper decodes it: UTF-8 bytes, read back. */
async function scraped(registry: Registry) {
  const bytes = Buffer.from(await registry.metrics(), 'utf8');
  return parsePromText(bytes.toString('utf8'));
}

function requestsByCustomer(
  samples: ReturnType<typeof parsePromText>['samples'],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== 'ai_margin_requests_total') continue;
    const c = s.labels.customer_id as string;
    out.set(c, (out.get(c) ?? 0) + s.value);
  }
  return out;
}

describe('label values normalised for Prometheus', () => {
  it('a 5,000-character id becomes a label within the limit, with a stable hash suffix, counted', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
    const common = 'x'.repeat(4_990);
    drive(p, callSpan(`${common}-one`, 'chat'));
    drive(p, callSpan(`${common}-two`, 'chat'));
    drive(p, callSpan(`${common}-one`, 'chat'));
    const { samples } = await scraped(registry);
    const byCustomer = requestsByCustomer(samples);
    expect([...byCustomer.values()].sort()).toEqual([1, 2]);
    for (const label of byCustomer.keys()) {
      expect(Buffer.byteLength(label, 'utf8')).toBeLessThanOrEqual(MAX_BYTES);
      expect(label).toMatch(SUFFIX);
      expect(label.startsWith('xxxxxxxx')).toBe(true);
    }
    const fixed = samples.find(
      (s) =>
        s.name === 'ai_margin_label_values_normalized_total' && s.labels.label === 'customer_id',
    );
    expect(fixed?.labels.reason).toBe('too_long');
    expect(fixed?.value).toBeGreaterThanOrEqual(2);
    await p.shutdown();
  });

  it('two ids differing only in lone surrogates stay two series after UTF-8 encoding (both exporters)', async () => {
    const h = harness();
    const ids = ['acme\uD800corp', 'acme\uDC00corp', 'acme\uFFFDcorp'];
    for (const id of ids) h.span('chat', AFTER, callSpan(id, 'chat').attributes);
    const { samples } = await scraped(h.registry);
    const byCustomer = requestsByCustomer(samples);
    expect(byCustomer.size).toBe(3);
    expect([...byCustomer.values()]).toEqual([1, 1, 1]);
    for (const label of byCustomer.keys())
      expect(Buffer.from(label, 'utf8').toString('utf8')).toBe(label);
    const otel = (await otelSamples(h)).filter((s) => s.name === 'ai_margin.requests');
    const otelIds = new Set(
      otel.map((s) => Buffer.from(s.labels.customer_id as string, 'utf8').toString('utf8')),
    );
    expect(otelIds.size).toBe(3);
    const fixed = samples.find(
      (s) =>
        s.name === 'ai_margin_label_values_normalized_total' && s.labels.reason === 'invalid_utf8',
    );
    expect(fixed?.value).toBe(2);
    await h.close();
  });

  it('the limit is configurable, and ordinary values are left exactly as they are', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({
      prices: testBook(),
      registry,
      meterProvider: false,
      maxLabelValueBytes: 100,
    });
    drive(p, callSpan('é'.repeat(80), 'feature-ü'));
    drive(p, callSpan('plain-id', 'chat'));
    const { samples } = await scraped(registry);
    const ids = [...requestsByCustomer(samples).keys()];
    expect(ids).toContain('plain-id');
    const long = ids.find((x) => x !== 'plain-id') ?? '';
    expect(Buffer.byteLength(long, 'utf8')).toBeLessThanOrEqual(100);
    expect(long).toMatch(SUFFIX);
    expect(samples.some((s) => s.labels.feature === 'feature-ü')).toBe(true);
    await p.shutdown();
  });

  it('property: any strings give valid UTF-8 labels within the limit, distinct inputs distinct labels', async () => {
    const weird = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a', '\uD83D\uDE00'),
        maxLength: 12,
      }),
      fc.string({ unit: 'grapheme', minLength: 90, maxLength: 400 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          weird.filter((s) => s !== ''),
          { minLength: 1, maxLength: 30 },
        ),
        async (ids) => {
          const registry = new Registry();
          const p = new MarginSpanProcessor({ prices: testBook(), registry, meterProvider: false });
          for (const id of ids) drive(p, callSpan(id, 'chat'));
          const text = await registry.metrics();
          expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
          const byCustomer = requestsByCustomer(parsePromText(text).samples);
          expect(byCustomer.size).toBe(ids.length);
          for (const label of byCustomer.keys()) {
            expect(Buffer.byteLength(label, 'utf8')).toBeLessThanOrEqual(MAX_BYTES);
          }
          await p.shutdown();
        },
      ),
      { numRuns: 150, seed: 6 },
    );
  });
});
