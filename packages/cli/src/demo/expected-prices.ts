/**
 * The demo's own, hand-written price table (USD per 1M tokens), used to size the scenario and
 * by the expectation model. It is deliberately NOT read from the shipped price book or computed
 * by the cost engine: the demo test compares what the processor reports against these figures,
 * so a pricing bug anywhere in the real path shows up as a difference.
 * Figures: /work/shared/reference/pricing-facts.md (provider pricing pages, genai-prices, Langfuse).
 */

export interface ExpectedBucketPrices {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite5m?: number;
}

export interface ExpectedPricePeriod {
  /** Inclusive UTC instant. */
  from: string;
  prices: ExpectedBucketPrices;
  /** Long-context cliff: total input above this bills the WHOLE request at `tier`. */
  cliff?: { aboveInputTokens: number; prices: ExpectedBucketPrices };
}

/** Keyed by `provider/request-model` exactly as the scenario sends it. */
export const EXPECTED_PRICES: Readonly<Record<string, readonly ExpectedPricePeriod[]>> = {
  'openai/gpt-4o-mini': [
    { from: '2024-07-18T00:00:00Z', prices: { input: 0.15, cacheRead: 0.075, output: 0.6 } },
  ],
  'openai/gpt-4o': [
    { from: '2024-08-06T00:00:00Z', prices: { input: 2.5, cacheRead: 1.25, output: 10 } },
  ],
  // The in-place price change inside the demo period: o3 cut by 80% on 2025-06-10.
  'openai/o3': [
    { from: '2025-04-16T00:00:00Z', prices: { input: 10, cacheRead: 2.5, output: 40 } },
    { from: '2025-06-10T00:00:00Z', prices: { input: 2, cacheRead: 0.5, output: 8 } },
  ],
  'openai/text-embedding-3-small': [
    { from: '2024-01-25T00:00:00Z', prices: { input: 0.02, output: 0 } },
  ],
  'anthropic/claude-3-5-haiku-20241022': [
    {
      from: '2024-12-16T00:00:00Z',
      prices: { input: 0.8, cacheWrite5m: 1, cacheRead: 0.08, output: 4 },
    },
  ],
  'anthropic/claude-3-7-sonnet-20250219': [
    {
      from: '2025-02-24T00:00:00Z',
      prices: { input: 3, cacheWrite5m: 3.75, cacheRead: 0.3, output: 15 },
    },
  ],
  'aws.bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0': [
    {
      from: '2025-02-24T00:00:00Z',
      prices: { input: 3, cacheWrite5m: 3.75, cacheRead: 0.3, output: 15 },
    },
  ],
  'gcp.gemini/gemini-2.0-flash': [
    { from: '2025-02-05T00:00:00Z', prices: { input: 0.1, cacheRead: 0.025, output: 0.4 } },
  ],
  'gcp.gemini/gemini-2.5-pro': [
    {
      from: '2025-04-01T00:00:00Z',
      prices: { input: 1.25, cacheRead: 0.125, output: 10 },
      cliff: { aboveInputTokens: 200_000, prices: { input: 2.5, cacheRead: 0.25, output: 15 } },
    },
  ],
};

/** The price period of `key` in force at `at` (epoch ms), or undefined (unpriced). */
export function expectedPeriodAt(key: string, at: number): ExpectedPricePeriod | undefined {
  const periods = EXPECTED_PRICES[key];
  if (!periods) return undefined;
  let found: ExpectedPricePeriod | undefined;
  for (const p of periods) if (Date.parse(p.from) <= at) found = p;
  return found;
}
