/**
 * `ai_margin_long_context_tokens_total`: the buckets of calls whose total input exceeds a
 * long-context threshold, under the highest threshold exceeded (what-if repricing re-applies
 * cliffs from it). A subset of `ai_margin_tokens_total`; nothing for calls below 128k.
 */
import { METRICS } from '@ai-margin/conventions';
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER, type Harness, harness, promSamples } from './helpers/processor';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

function call(input: number, cacheRead: number, output: number) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'test-model-a',
    // Semconv input_tokens includes cache reads.
    'gen_ai.usage.input_tokens': input + cacheRead,
    'gen_ai.usage.cache_read.input_tokens': cacheRead,
    'gen_ai.usage.output_tokens': output,
    'ai_margin.customer_id': 'acme',
    'ai_margin.feature': 'chat',
  };
}

describe('long-context token series', () => {
  it('counts each bucket under the highest threshold the total input exceeds', async () => {
    h = harness();
    h.span('small', AFTER, call(100_000, 20_000, 1_000)); // 120,000: below every threshold
    h.span('at-128k', AFTER, call(128_000, 0, 10)); // exactly 128,000: not above
    h.span('band-128k', AFTER, call(150_000, 0, 2_000)); // 150,000 > 128,000
    h.span('band-200k', AFTER, call(150_000, 60_000, 3_000)); // 210,000 > 200,000
    h.span('band-272k', AFTER, call(300_000, 0, 4_000)); // 300,000 > 272,000
    h.span('band-200k-again', AFTER, call(190_000, 20_000, 500)); // 210,000 again

    const { samples } = await promSamples(h.registry);
    const got = new Map(
      samples
        .filter((s) => s.name === METRICS.longContextTokens.promName)
        .map((s) => [`${s.labels.context_above}|${s.labels.token_type}`, s.value]),
    );
    expect(Object.fromEntries(got)).toEqual({
      '128000|input': 150_000,
      '128000|output': 2_000,
      '200000|input': 150_000 + 190_000,
      '200000|cache_read': 60_000 + 20_000,
      '200000|output': 3_000 + 500,
      '272000|input': 300_000,
      '272000|output': 4_000,
    });
    const labels = samples.find((s) => s.name === METRICS.longContextTokens.promName)?.labels;
    expect(labels).toMatchObject({
      customer_id: 'acme',
      feature: 'chat',
      provider: 'openai',
      model: 'test-model-a',
    });
  });
});
