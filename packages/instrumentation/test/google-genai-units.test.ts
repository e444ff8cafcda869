/** Pure helpers of the Google GenAI instrumentation, on inputs the simulator does not produce. */
import { describe, expect, it } from 'vitest';
import { errorForSpan } from '../src/google-genai/errors';
import { normalizeModel } from '../src/google-genai/request';
import { servedTierOf } from '../src/google-genai/tier';
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
    // 3.x Vertex embedContent: the same count in usageMetadata and statistics, read once.
    expect(
      embeddingUsage({
        embeddings: [{ statistics: { tokenCount: 9 } }],
        usageMetadata: { promptTokenCount: 9 },
      }),
    ).toEqual({ inputTokens: 9 });
    expect(embeddingUsage({ usageMetadata: { promptTokenCount: 4 } })).toEqual({ inputTokens: 4 });
  });

  it('never reads the SDK-computed initialPromptTokenCount (continuation bookkeeping)', () => {
    const hop = { promptTokenCount: 120, candidatesTokenCount: 7 };
    Object.defineProperty(hop, 'initialPromptTokenCount', { value: 100, enumerable: false });
    expect(geminiUsage(hop)).toEqual({ inputTokens: 120, outputTokens: 7 });
  });

  it('reads the served service tier: header, then usageMetadata.serviceTier, then trafficType', () => {
    const headers = (tier: string) => ({
      sdkHttpResponse: { headers: { 'x-gemini-service-tier': tier } },
    });
    expect(servedTierOf(headers('flex'))).toBe('flex');
    expect(servedTierOf(headers('PRIORITY'))).toBe('priority');
    expect(servedTierOf(headers('SERVICE_TIER_FLEX'))).toBe('flex');
    // The header (served) wins over anything in the body.
    expect(
      servedTierOf({
        ...headers('standard'),
        usageMetadata: { trafficType: 'ON_DEMAND_PRIORITY' },
      }),
    ).toBe('standard');
    expect(servedTierOf({ usageMetadata: { serviceTier: 'flex' } })).toBe('flex');
    expect(servedTierOf({ usageMetadata: { trafficType: 'ON_DEMAND' } })).toBe('standard');
    expect(servedTierOf({ usageMetadata: { trafficType: 'ON_DEMAND_FLEX' } })).toBe('flex');
    expect(servedTierOf({ usageMetadata: { trafficType: 'ON_DEMAND_PRIORITY' } })).toBe('priority');
    // No list price to apply: no tier.
    expect(
      servedTierOf({ usageMetadata: { trafficType: 'PROVISIONED_THROUGHPUT' } }),
    ).toBeUndefined();
    expect(servedTierOf({ usageMetadata: { trafficType: 'ON_DEMAND_OFFPEAK' } })).toBeUndefined();
    expect(servedTierOf({ usageMetadata: { trafficType: 'constructor' } })).toBeUndefined();
    expect(servedTierOf({ usageMetadata: { serviceTier: 'unspecified' } })).toBeUndefined();
    expect(servedTierOf({ sdkHttpResponse: { headers: {} } })).toBeUndefined();
    expect(servedTierOf({})).toBeUndefined();
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
