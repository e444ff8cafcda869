/** normalizeUsage: one mapping per provider convention into non-overlapping buckets. */
import { normalizeUsage, type RawUsage, type UsageConvention } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { buckets } from './helpers/usage';

const zero = buckets();

function ok(raw: RawUsage, convention: UsageConvention) {
  const r = normalizeUsage(raw, convention);
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.detail}`);
  return r.usage;
}

describe('normalizeUsage', () => {
  it('semconv: input includes cache reads and writes; output includes reasoning', () => {
    expect(
      ok(
        {
          inputTokens: 1000,
          cacheReadTokens: 300,
          cacheWrite5mTokens: 100,
          cacheWrite1hTokens: 50,
          outputTokens: 400,
          reasoningTokens: 150,
        },
        'semconv',
      ),
    ).toEqual({
      ...zero,
      input: 550,
      cacheRead: 300,
      cacheWrite5m: 100,
      cacheWrite1h: 50,
      output: 250,
      reasoning: 150,
    });
  });

  it('openai: prompt_tokens include cached_tokens; completion_tokens include reasoning_tokens', () => {
    expect(
      ok(
        { inputTokens: 2000, cacheReadTokens: 1536, outputTokens: 300, reasoningTokens: 256 },
        'openai',
      ),
    ).toEqual({
      ...zero,
      input: 464,
      cacheRead: 1536,
      output: 44,
      reasoning: 256,
    });
  });

  it('anthropic: input_tokens exclude cache reads and writes', () => {
    expect(
      ok(
        { inputTokens: 10, cacheReadTokens: 5000, cacheWriteTokens: 2000, outputTokens: 20 },
        'anthropic',
      ),
    ).toEqual({ ...zero, input: 10, cacheRead: 5000, cacheWrite5m: 2000, output: 20 });
  });

  it('anthropic: the TTL split wins over the total; a missing 5m part is total - 1h', () => {
    expect(
      ok(
        { inputTokens: 10, cacheWriteTokens: 2000, cacheWrite1hTokens: 500, outputTokens: 1 },
        'anthropic',
      ),
    ).toEqual({ ...zero, input: 10, cacheWrite5m: 1500, cacheWrite1h: 500, output: 1 });
    expect(
      ok(
        { inputTokens: 10, cacheWrite5mTokens: 700, cacheWrite1hTokens: 300, outputTokens: 1 },
        'anthropic',
      ),
    ).toEqual({ ...zero, input: 10, cacheWrite5m: 700, cacheWrite1h: 300, output: 1 });
  });

  it('bedrock: like anthropic', () => {
    expect(ok({ inputTokens: 10, cacheReadTokens: 90, outputTokens: 5 }, 'bedrock')).toEqual({
      ...zero,
      input: 10,
      cacheRead: 90,
      output: 5,
    });
  });

  it('anthropic and bedrock: output includes thinking tokens, so reasoning comes out of it', () => {
    for (const convention of ['anthropic', 'bedrock'] as const) {
      expect(ok({ inputTokens: 10, outputTokens: 50, reasoningTokens: 30 }, convention)).toEqual({
        ...zero,
        input: 10,
        output: 20,
        reasoning: 30,
      });
    }
  });

  it('openai retention writes: the 30-min and 12-h parts come out of the total and the input', () => {
    expect(
      ok(
        {
          inputTokens: 1000,
          cacheReadTokens: 100,
          cacheWriteTokens: 300,
          cacheWrite30mTokens: 200,
          cacheWrite12hTokens: 100,
          outputTokens: 50,
        },
        'openai',
      ),
    ).toEqual({
      ...zero,
      input: 600,
      cacheRead: 100,
      cacheWrite30m: 200,
      cacheWrite12h: 100,
      output: 50,
    });
    // Only the 30-min part known: the rest of the total has no known retention (5-minute bucket).
    expect(
      ok({ inputTokens: 1000, cacheWriteTokens: 300, cacheWrite30mTokens: 200 }, 'openai'),
    ).toEqual({ ...zero, input: 700, cacheWrite30m: 200, cacheWrite5m: 100 });
    expect(normalizeUsage({ inputTokens: 100, cacheWrite12hTokens: 101 }, 'openai')).toMatchObject({
      ok: false,
      reason: 'invalid_usage',
    });
  });

  it('gemini: cached content inside the prompt; thoughts added on top of candidates', () => {
    expect(
      ok(
        { inputTokens: 1000, cacheReadTokens: 600, outputTokens: 100, reasoningTokens: 900 },
        'gemini',
      ),
    ).toEqual({
      ...zero,
      input: 400,
      cacheRead: 600,
      output: 100,
      reasoning: 900,
    });
  });

  it('absent counts are zero; output-only and input-only calls are fine', () => {
    expect(ok({ outputTokens: 7 }, 'openai')).toEqual({ ...zero, output: 7 });
    expect(ok({ inputTokens: 7 }, 'semconv')).toEqual({ ...zero, input: 7 });
    expect(ok({ inputTokens: 0, outputTokens: 0 }, 'semconv')).toEqual(zero);
  });

  it('no input and no output at all is missing_usage', () => {
    expect(normalizeUsage({}, 'openai')).toMatchObject({ ok: false, reason: 'missing_usage' });
    expect(normalizeUsage({ cacheReadTokens: 5 }, 'anthropic')).toMatchObject({
      ok: false,
      reason: 'missing_usage',
    });
    expect(normalizeUsage(undefined as unknown as RawUsage, 'openai')).toMatchObject({
      ok: false,
      reason: 'missing_usage',
    });
  });

  it.each([
    ['inputTokens', -1],
    ['outputTokens', 1.5],
    ['cacheReadTokens', Number.NaN],
    ['cacheWrite1hTokens', Number.POSITIVE_INFINITY],
    ['reasoningTokens', '12'],
  ])('%s = %s is invalid_usage naming the field', (field, value) => {
    const r = normalizeUsage(
      { inputTokens: 100, outputTokens: 100, [field]: value } as RawUsage,
      'semconv',
    );
    expect(r).toMatchObject({ ok: false, reason: 'invalid_usage' });
    expect(!r.ok && r.detail).toContain(field);
  });

  it('cache tokens exceeding input under semconv/openai are invalid_usage', () => {
    for (const convention of ['semconv', 'openai'] as const) {
      const r = normalizeUsage(
        { inputTokens: 100, cacheReadTokens: 101, outputTokens: 1 },
        convention,
      );
      expect(r).toMatchObject({ ok: false, reason: 'invalid_usage' });
    }
    // ...but fine under anthropic, where input excludes the cache.
    expect(
      normalizeUsage({ inputTokens: 100, cacheReadTokens: 101, outputTokens: 1 }, 'anthropic').ok,
    ).toBe(true);
  });

  it('reasoning exceeding output (where output includes it) is invalid_usage', () => {
    expect(
      normalizeUsage({ inputTokens: 1, outputTokens: 10, reasoningTokens: 11 }, 'openai'),
    ).toMatchObject({
      ok: false,
      reason: 'invalid_usage',
    });
    expect(
      normalizeUsage({ inputTokens: 1, outputTokens: 10, reasoningTokens: 11 }, 'gemini').ok,
    ).toBe(true);
  });

  it('non-object usage and unknown conventions do not throw', () => {
    expect(normalizeUsage(42 as unknown as RawUsage, 'openai')).toMatchObject({
      ok: false,
      reason: 'invalid_usage',
    });
    expect(normalizeUsage({ inputTokens: 1 }, 'cohere' as UsageConvention)).toMatchObject({
      ok: false,
      reason: 'invalid_usage',
    });
    const hostile = {
      get inputTokens(): number {
        throw new Error('boom');
      },
    };
    expect(normalizeUsage(hostile, 'openai')).toMatchObject({ ok: false, reason: 'invalid_usage' });
  });
});
