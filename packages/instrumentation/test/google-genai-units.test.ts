/** Pure helpers of the Google GenAI instrumentation, on inputs the simulator does not produce. */
import { describe, expect, it } from 'vitest';
import { errorForSpan } from '../src/google-genai/errors';
import { normalizeModel } from '../src/google-genai/request';
import { embeddingUsage, geminiUsage } from '../src/google-genai/usage';

describe('Google GenAI helpers', () => {
  it('strips resource-path decoration from model names', () => {
    expect(normalizeModel('gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(normalizeModel('models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(normalizeModel('publishers/google/models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(
      normalizeModel('projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash'),
    ).toBe('gemini-2.0-flash');
    expect(normalizeModel('tunedModels/abc123')).toBe('tunedModels/abc123');
    expect(normalizeModel('')).toBeUndefined();
  });

  it('maps usageMetadata: tool-use prompt tokens are input, thoughts are output', () => {
    expect(
      geminiUsage({
        promptTokenCount: 100,
        toolUsePromptTokenCount: 20,
        cachedContentTokenCount: 30,
        candidatesTokenCount: 40,
        thoughtsTokenCount: 10,
        totalTokenCount: 170,
      }),
    ).toEqual({
      inputTokens: 120,
      outputTokens: 50,
      cacheReadInputTokens: 30,
      reasoningOutputTokens: 10,
    });
    expect(geminiUsage({ promptTokenCount: 5 })).toEqual({ inputTokens: 5 });
    expect(geminiUsage({})).toBeUndefined();
    expect(geminiUsage(undefined)).toBeUndefined();
    expect(embeddingUsage({ embeddings: [{ values: [] }] })).toBeUndefined();
    expect(
      embeddingUsage({
        embeddings: [{ statistics: { tokenCount: 3 } }, { statistics: { tokenCount: 4 } }],
      }),
    ).toEqual({ inputTokens: 7 });
  });

  it('classifies 1.x error shapes through a view, leaving the error itself untouched', () => {
    const client = Object.assign(new Error('got status: 429 Too Many Requests. {}'), {
      name: 'ClientError',
    });
    const view = errorForSpan(client) as Error & { status?: number };
    expect(view.status).toBe(429);
    expect(view.message).toBe(client.message);
    expect((client as { status?: number }).status).toBeUndefined();
    const aborted = new Error('exception AbortError: This operation was aborted sending request');
    expect((errorForSpan(aborted) as Error).name).toBe('AbortError');
    const refused = new Error('exception TypeError: fetch failed sending request');
    expect((errorForSpan(refused) as Error).name).toBe('FetchError');
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errorForSpan(new TypeError('fetch failed', { cause }))).toBe(cause);
    const plain = new Error('other');
    expect(errorForSpan(plain)).toBe(plain);
  });
});
