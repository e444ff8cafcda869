/**
 * A call whose usage includes audio tokens is unpriced (`no_period`, with the reason on the span)
 * instead of priced as text: providers charge audio several times the text rate, and the price
 * book has no audio price yet. Its tokens are still counted; a zero audio count changes nothing.
 */
import { METRICS } from '@ai-margin/conventions';
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
  it('leave the call unpriced with a reason, tokens still counted', async () => {
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
