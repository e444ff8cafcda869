/** fast-check properties of the cost engine and usage normalisation (fixture prices). */
import {
  type BucketUsage,
  type CostRequest,
  normalizeUsage,
  priceCall,
  type ServiceTier,
  TOKEN_BUCKETS,
  type TokenBucket,
  type UsageConvention,
} from '@ai-margin/processor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, fixtureBook } from './helpers/price-fixtures';

const book = fixtureBook('user-overrides.yaml');

/** Priced calls across providers, periods, tiers, uplift and discounts. */
const CALLS: Array<{
  provider: string;
  model: string;
  at: number;
  tiers: ServiceTier[];
  tiered: boolean;
}> = [
  {
    provider: 'openai',
    model: 'gpt-4o',
    at: at('2024-06-01T00:00:00Z'),
    tiers: ['standard', 'batch'],
    tiered: false,
  },
  {
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    at: at('2025-03-01T00:00:00Z'),
    tiers: ['standard', 'batch', 'priority'],
    tiered: false,
  },
  {
    provider: 'openai',
    model: 'o3',
    at: at('2025-07-15T00:00:00Z'),
    tiers: ['standard', 'flex'],
    tiered: false,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    at: at('2025-10-01T00:00:00Z'),
    tiers: ['standard', 'batch'],
    tiered: true,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-haiku-20241022',
    at: at('2025-01-01T00:00:00Z'),
    tiers: ['standard'],
    tiered: false,
  },
  {
    provider: 'anthropic',
    model: 'three-tier-model',
    at: at('2025-02-01T00:00:00Z'),
    tiers: ['standard'],
    tiered: true,
  },
  {
    provider: 'aws.bedrock',
    model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
    at: at('2025-10-01T00:00:00Z'),
    tiers: ['standard'],
    tiered: true,
  },
  {
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-preview-04-17',
    at: at('2025-05-01T00:00:00Z'),
    tiers: ['standard'],
    tiered: false,
  },
];

const INPUT_BUCKETS: TokenBucket[] = ['input', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'];

const count = (max: number) => fc.oneof(fc.constant(0), fc.nat({ max }), fc.nat({ max: 1000 }));

function usageArb(maxPerBucket: number): fc.Arbitrary<BucketUsage> {
  return fc.record({
    input: count(maxPerBucket),
    cacheRead: count(maxPerBucket),
    cacheWrite5m: count(maxPerBucket),
    cacheWrite1h: count(maxPerBucket),
    output: count(maxPerBucket),
    reasoning: count(maxPerBucket),
  });
}

const callArb = fc
  .constantFrom(...CALLS)
  .chain((c) => fc.record({ call: fc.constant(c), serviceTier: fc.constantFrom(...c.tiers) }));

function request(
  call: (typeof CALLS)[number],
  serviceTier: ServiceTier,
  usage: BucketUsage,
): CostRequest {
  return { provider: call.provider, model: call.model, at: call.at, usage, serviceTier };
}

function costOf(req: CostRequest) {
  const r = priceCall(book, req);
  if (!r.priced) throw new Error(`unexpectedly unpriced: ${r.reason} ${r.detail}`);
  return r;
}

describe('cost engine properties', () => {
  it('cost is never NaN or negative, and the breakdown sums to it', () => {
    fc.assert(
      fc.property(callArb, usageArb(50_000_000), ({ call, serviceTier }, usage) => {
        const r = costOf(request(call, serviceTier, usage));
        expect(Number.isFinite(r.costUsd)).toBe(true);
        expect(r.costUsd).toBeGreaterThanOrEqual(0);
        let sum = 0;
        for (const b of TOKEN_BUCKETS) {
          expect(r.breakdown[b]).toBeGreaterThanOrEqual(0);
          sum += r.breakdown[b];
        }
        expect(sum).toBe(r.costUsd);
      }),
      { numRuns: 500 },
    );
  });

  it('cost never decreases when one bucket grows (within the same tier)', () => {
    fc.assert(
      fc.property(
        callArb,
        usageArb(2_000_000),
        fc.constantFrom(...TOKEN_BUCKETS),
        fc.integer({ min: 1, max: 500_000 }),
        ({ call, serviceTier }, usage, bucket, delta) => {
          const base = costOf(request(call, serviceTier, usage));
          const grown = costOf(
            request(call, serviceTier, { ...usage, [bucket]: usage[bucket] + delta }),
          );
          fc.pre(grown.tierAboveInputTokens === base.tierAboveInputTokens);
          expect(grown.costUsd).toBeGreaterThanOrEqual(base.costUsd);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('crossing a cliff upward never makes a call cheaper', () => {
    // Prices above a threshold are higher in every fixture tier, so growth across tiers also holds.
    fc.assert(
      fc.property(
        fc.constantFrom(...CALLS.filter((c) => c.tiered)),
        usageArb(150_000),
        fc.constantFrom(...INPUT_BUCKETS),
        fc.integer({ min: 1, max: 400_000 }),
        (call, usage, bucket, delta) => {
          const base = costOf(request(call, 'standard', usage));
          const grown = costOf(
            request(call, 'standard', { ...usage, [bucket]: usage[bucket] + delta }),
          );
          expect(grown.costUsd).toBeGreaterThanOrEqual(base.costUsd);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cost is additive over buckets (within the base tier)', () => {
    // Input buckets capped so that total input stays at or below every 200k threshold; the
    // three-tier fixture (cliffs at 1000/2000) is excluded because any single bucket may cross them.
    const calls = CALLS.filter((c) => c.model !== 'three-tier-model');
    const usage = fc.record({
      input: count(50_000),
      cacheRead: count(50_000),
      cacheWrite5m: count(50_000),
      cacheWrite1h: count(50_000),
      output: count(5_000_000),
      reasoning: count(5_000_000),
    });
    fc.assert(
      fc.property(
        fc
          .constantFrom(...calls)
          .chain((c) =>
            fc.record({ call: fc.constant(c), serviceTier: fc.constantFrom(...c.tiers) }),
          ),
        usage,
        ({ call, serviceTier }, u) => {
          const whole = costOf(request(call, serviceTier, u));
          let sum = 0;
          for (const b of TOKEN_BUCKETS) {
            const single = {
              input: 0,
              cacheRead: 0,
              cacheWrite5m: 0,
              cacheWrite1h: 0,
              output: 0,
              reasoning: 0,
              [b]: u[b],
            };
            const part = costOf(request(call, serviceTier, single));
            expect(part.tierAboveInputTokens).toBe(whole.tierAboveInputTokens);
            sum += part.costUsd;
          }
          expect(Math.abs(sum - whole.costUsd)).toBeLessThanOrEqual(1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('priceCall never throws, whatever the request', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('openai', 'anthropic', 'aws.bedrock'), fc.string()),
        fc.oneof(fc.constantFrom('o3', 'gpt-4o', 'arn:aws:bedrock:x', 'us.', 'ft:'), fc.string()),
        fc.oneof(fc.double(), fc.integer(), fc.constant(at('2025-07-01T00:00:00Z'))),
        fc.anything(),
        fc.anything(),
        (provider, model, when, usage, tier) => {
          const r = priceCall(book, {
            provider,
            model,
            at: when,
            usage: usage as BucketUsage,
            serviceTier: tier as ServiceTier,
          });
          expect(typeof r.priced).toBe('boolean');
          if (r.priced) expect(r.costUsd).toBeGreaterThanOrEqual(0);
          else expect(r.costUsd).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizeUsage properties', () => {
  const conventions: UsageConvention[] = ['semconv', 'openai', 'anthropic', 'bedrock', 'gemini'];

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.oneof(fc.constantFrom(...conventions), fc.string()),
        (raw, convention) => {
          const r = normalizeUsage(raw as never, convention as UsageConvention);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws on objects with arbitrary values in the usage fields', () => {
    const field = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            inputTokens: field,
            outputTokens: field,
            cacheReadTokens: field,
            cacheWriteTokens: field,
            cacheWrite5mTokens: field,
            cacheWrite1hTokens: field,
            reasoningTokens: field,
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(...conventions),
        (raw, convention) => {
          const r = normalizeUsage(raw as never, convention);
          if (r.ok)
            for (const b of TOKEN_BUCKETS)
              expect(Number.isInteger(r.usage[b]) && r.usage[b] >= 0).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('semconv/openai conserve tokens: buckets add back up to the reported input and output', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.constantFrom<UsageConvention>('semconv', 'openai'),
        (a, b, c, d, convention) => {
          const input = a + b + c; // cache reads b and writes c inside it
          const output = d + (a % 1000); // reasoning a % 1000 inside it
          const r = normalizeUsage(
            {
              inputTokens: input,
              cacheReadTokens: b,
              cacheWriteTokens: c,
              outputTokens: output,
              reasoningTokens: a % 1000,
            },
            convention,
          );
          if (!r.ok) throw new Error(r.detail);
          const u = r.usage;
          expect(u.input + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h).toBe(input);
          expect(u.output + u.reasoning).toBe(output);
          expect(u.input).toBe(a);
        },
      ),
    );
  });
});
