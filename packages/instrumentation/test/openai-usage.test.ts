/** The OpenAI usage mapping (src/openai/usage.ts) on hand-written usage objects. */
import { describe, expect, it } from 'vitest';
import { chatUsage, responsesUsage, usageExtraAttributes } from '../src/openai/usage';

describe('openai usage mapping', () => {
  it('openai 6 shapes: no cache writes, no extra attributes', () => {
    const chat = {
      prompt_tokens: 140,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 10 },
    };
    expect(chatUsage(chat)).toEqual({
      inputTokens: 140,
      outputTokens: 30,
      cacheReadInputTokens: 40,
      cacheCreationInputTokens: undefined,
      reasoningOutputTokens: 10,
    });
    expect(usageExtraAttributes(chat)).toBeUndefined();
  });

  it('chat: cache_write_tokens are all cache writes; input is copied (it includes them)', () => {
    const u = chatUsage({
      prompt_tokens: 220,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 40, cache_write_tokens: 80 },
    });
    expect(u).toMatchObject({ inputTokens: 220, cacheCreationInputTokens: 80 });
  });

  it('responses: total and retention split; the split alone gives the total', () => {
    const full = {
      input_tokens: 220,
      output_tokens: 30,
      input_tokens_details: {
        cached_tokens: 40,
        cache_write_tokens: 80,
        cache_write_tokens_details: { ttl_30m_tokens: 20, ttl_12h_tokens: 60 },
      },
      output_tokens_details: { reasoning_tokens: 10 },
      compute_units: 3,
    };
    expect(responsesUsage(full)).toEqual({
      inputTokens: 220,
      outputTokens: 30,
      cacheReadInputTokens: 40,
      cacheCreationInputTokens: 80,
      reasoningOutputTokens: 10,
    });
    expect(usageExtraAttributes(full)).toEqual({
      'ai_margin.usage.cache_write_30m.input_tokens': 20,
      'ai_margin.usage.cache_write_12h.input_tokens': 60,
      'ai_margin.usage.compute_units': 3,
    });
    const splitOnly = {
      input_tokens: 100,
      input_tokens_details: { cache_write_tokens_details: { ttl_12h_tokens: 25 } },
    };
    // 0 (30 min, absent) + 25 (12 h) = 25
    expect(responsesUsage(splitOnly)?.cacheCreationInputTokens).toBe(25);
    expect(usageExtraAttributes(splitOnly)).toEqual({
      'ai_margin.usage.cache_write_12h.input_tokens': 25,
    });
  });

  it('ignores unusable counts instead of recording them', () => {
    const u = {
      input_tokens: 10,
      input_tokens_details: {
        cache_write_tokens: -1,
        cache_write_tokens_details: { ttl_30m_tokens: Number.NaN, ttl_12h_tokens: '5' },
      },
      compute_units: Number.POSITIVE_INFINITY,
    };
    expect(responsesUsage(u)?.cacheCreationInputTokens).toBeUndefined();
    expect(usageExtraAttributes(u)).toBeUndefined();
    expect(usageExtraAttributes(null)).toBeUndefined();
  });
});
