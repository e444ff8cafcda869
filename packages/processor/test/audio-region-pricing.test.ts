/**
 * Audio tokens and processing regions on spans. A call whose usage includes audio tokens is priced
 * at the period's audio prices, and unpriced (`no_period`, with the reason on the span) when the
 * period has none, instead of priced as text: providers charge audio several times the text rate.
 * Its tokens are still counted; a zero audio count changes nothing. The processing region comes
 * from `ai_margin.inference_region` (Anthropic `inference_geo`) or OpenAI's data-residency host
 * in `server.address`. Expected costs: hand arithmetic on the providers' figures (see
 * price-uplift-audio.test.ts).
 */
import { METRICS } from '@ai-margin/conventions';
import { PriceBook } from '@ai-margin/processor';
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER, type Harness, harness, promSamples, TEST_PRICES } from './helpers/processor';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const CALL = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'test-model-a',
  'gen_ai.usage.input_tokens': 1000,
  'gen_ai.usage.output_tokens': 100,
  'ai_margin.customer_id': 'acme',
  'ai_margin.feature': 'voice',
};

describe('audio tokens', () => {
  it('without an audio price leave the call unpriced with a reason, tokens still counted', async () => {
    h = harness();
    const span = h.span('chat', AFTER, { ...CALL, 'ai_margin.usage.audio.input_tokens': 600 });
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(span.attributes['ai_margin.unpriced.reason']).toBe('no_period');

    const { samples } = await promSamples(h.registry);
    const unpriced = samples.find((s) => s.name === METRICS.unpricedRequests.promName);
    expect(unpriced?.labels).toMatchObject({ model: 'test-model-a', reason: 'no_period' });
    expect(unpriced?.value).toBe(1);
    const input = samples.find(
      (s) => s.name === METRICS.tokens.promName && s.labels.token_type === 'input',
    );
    expect(input?.value).toBe(1000);
  });

  it('a zero count prices the call as usual', () => {
    h = harness();
    const span = h.span('chat', AFTER, { ...CALL, 'ai_margin.usage.audio.input_tokens': 0 });
    // 1000 x input + 100 x output at the post-change test prices.
    const want = (1000 * TEST_PRICES.new.input + 100 * TEST_PRICES.new.output) / 1e6;
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(want, 12);
  });
});

const at = (date: string): number => Date.parse(`${date}T12:00:00.000Z`);

describe('audio and regions priced from the shipped book', () => {
  it('Gemini 2.5 Flash audio input at the audio price', () => {
    h = harness({ prices: PriceBook.shipped() });
    const span = h.span('generate_content', at('2025-12-01'), {
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      // Semconv: input includes the 2,000 cached tokens; 7,000 of the prompt is audio.
      'gen_ai.usage.input_tokens': 10_000,
      'gen_ai.usage.cache_read.input_tokens': 2_000,
      'gen_ai.usage.output_tokens': 500,
      'ai_margin.usage.audio.input_tokens': 7_000,
    });
    // 1,000 x 0.30 + 7,000 x 1.00 + 2,000 x 0.03 + 500 x 2.50, per 1M.
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.00861, 12);
  });

  it('gpt-5.4 through eu.api.openai.com pays +10%; api.openai.com and no host do not', () => {
    h = harness({ prices: PriceBook.shipped() });
    const call = (host: string | undefined) =>
      h.span('chat', at('2026-06-01'), {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-5.4',
        'gen_ai.usage.input_tokens': 100_000,
        'gen_ai.usage.cache_read.input_tokens': 20_000,
        'gen_ai.usage.output_tokens': 10_000,
        ...(host === undefined ? {} : { 'server.address': host }),
      }).attributes['gen_ai.usage.cost.amount'];
    // 80,000 x 2.5 + 20,000 x 0.25 + 10,000 x 15 = 0.355 USD; x 1.1 = 0.3905.
    expect(call('eu.api.openai.com')).toBeCloseTo(0.3905, 12);
    expect(call('api.openai.com')).toBeCloseTo(0.355, 12);
    expect(call(undefined)).toBeCloseTo(0.355, 12);
    expect(call('my-proxy.example.com')).toBeCloseTo(0.355, 12);
  });

  it('Opus 4.6 with inference_geo us pays 1.1x', () => {
    h = harness({ prices: PriceBook.shipped() });
    const call = (geo: string) =>
      h.span('chat', at('2026-04-01'), {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-opus-4-6',
        'gen_ai.usage.input_tokens': 10_000,
        'gen_ai.usage.output_tokens': 2_000,
        'ai_margin.inference_region': geo,
      }).attributes['gen_ai.usage.cost.amount'];
    // 10,000 x 5 + 2,000 x 25 = 0.1 USD; x 1.1 = 0.11.
    expect(call('global')).toBeCloseTo(0.1, 12);
    expect(call('us')).toBeCloseTo(0.11, 12);
  });

  it('Anthropic fast mode (ai_margin.service_tier fast) on Opus 4.8: 2x', () => {
    h = harness({ prices: PriceBook.shipped() });
    const span = h.span('chat', at('2026-07-01'), {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-opus-4-8',
      'gen_ai.usage.input_tokens': 10_000,
      'gen_ai.usage.output_tokens': 2_000,
      'ai_margin.service_tier': 'fast',
    });
    // 10,000 x 10 + 2,000 x 50 = 0.2 USD ($10 / $50 per MTok).
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.2, 12);
  });
});
