/** fast-check properties of the cost engine and usage normalisation (fixture prices). */
import {
  type BucketUsage,
  type CostRequest,
  normalizeUsage,
  PriceBook,
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
const featureBook = fixtureBook('features.yaml');

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
  {
    provider: 'openai',
    model: 'retention-model',
    at: at('2026-03-01T00:00:00Z'),
    tiers: ['standard', 'batch', 'flex', 'priority'],
    tiered: true,
  },
];

const INPUT_BUCKETS: TokenBucket[] = ['input', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'];

/** Buckets every fixture call prices; the retention-model prices the retention writes instead. */
const RETENTION_BUCKETS: TokenBucket[] = ['cacheWrite30m', 'cacheWrite12h'];
function bucketsOf(model: string): TokenBucket[] {
  return model === 'retention-model'
    ? TOKEN_BUCKETS.filter((b) => b !== 'cacheWrite5m' && b !== 'cacheWrite1h')
    : TOKEN_BUCKETS.filter((b) => !RETENTION_BUCKETS.includes(b));
}

/** Moves the usage of buckets a call does not price into its input bucket. */
function fit(model: string, u: BucketUsage): BucketUsage {
  const out = { ...u };
  for (const b of TOKEN_BUCKETS) {
    if (!bucketsOf(model).includes(b)) {
      out.input += out[b];
      out[b] = 0;
    }
  }
  return out;
}

const count = (max: number) => fc.oneof(fc.constant(0), fc.nat({ max }), fc.nat({ max: 1000 }));

function usageArb(maxPerBucket: number): fc.Arbitrary<BucketUsage> {
  return fc.record({
    input: count(maxPerBucket),
    cacheRead: count(maxPerBucket),
    cacheWrite5m: count(maxPerBucket),
    cacheWrite1h: count(maxPerBucket),
    cacheWrite30m: count(maxPerBucket),
    cacheWrite12h: count(maxPerBucket),
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
  return {
    provider: call.provider,
    model: call.model,
    at: call.at,
    usage: fit(call.model, usage),
    serviceTier,
  };
}

function costOf(req: CostRequest) {
  const r = priceCall(req.model === 'retention-model' ? featureBook : book, req);
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
        expect(r.toolFeesUsd).toBeUndefined();
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
        fc.constantFrom(...INPUT_BUCKETS, ...RETENTION_BUCKETS),
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
    // Input buckets capped so that total input stays at or below every 200k threshold (6 × 33k); the
    // three-tier fixture (cliffs at 1000/2000) is excluded because any single bucket may cross them.
    const calls = CALLS.filter((c) => c.model !== 'three-tier-model');
    const usage = fc.record({
      input: count(33_000),
      cacheRead: count(33_000),
      cacheWrite5m: count(33_000),
      cacheWrite1h: count(33_000),
      cacheWrite30m: count(33_000),
      cacheWrite12h: count(33_000),
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
              cacheWrite30m: 0,
              cacheWrite12h: 0,
              output: 0,
              reasoning: 0,
              [b]: fit(call.model, u)[b],
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

describe('retention-priced cache writes and per-call tool fees (properties)', () => {
  const t = at('2026-07-01T00:00:00Z');
  const zero: BucketUsage = {
    input: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWrite30m: 0,
    cacheWrite12h: 0,
    output: 0,
    reasoning: 0,
  };
  const calls = fc.record({
    webSearch: fc.nat({ max: 50 }),
    webFetch: fc.nat({ max: 50 }),
    codeExecution: fc.nat({ max: 50 }),
  });

  it('a retention write the period has no price for is unpriced, never priced lower', () => {
    fc.assert(
      fc.property(
        usageArb(1_000_000),
        fc.constantFrom<TokenBucket>('cacheWrite12h', 'cacheWrite5m', 'cacheWrite1h'),
        fc.integer({ min: 1, max: 100_000 }),
        (u, bucket, n) => {
          const r = priceCall(featureBook, {
            provider: 'openai',
            model: 'retention-30m-only',
            at: t,
            usage: { ...u, cacheWrite5m: 0, cacheWrite1h: 0, cacheWrite12h: 0, [bucket]: n },
          });
          expect(r.priced).toBe(false);
          if (!r.priced)
            expect(r.reason).toBe(
              bucket === 'cacheWrite12h' ? 'no_period' : 'missing_usage_detail',
            );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tool fees add calls × fee / 1000 on top of the token cost, whatever the service tier', () => {
    fc.assert(
      fc.property(
        usageArb(100_000),
        fc.record({ webSearch: fc.nat({ max: 50 }), codeExecution: fc.nat({ max: 50 }) }),
        fc.constantFrom<ServiceTier>('standard', 'batch', 'flex', 'priority'),
        (u, c, serviceTier) => {
          const usage = fit('retention-model', u);
          const base = { provider: 'openai', model: 'retention-model', at: t, usage, serviceTier };
          const without = priceCall(featureBook, base);
          const withCalls = priceCall(featureBook, { ...base, toolCalls: c });
          if (!without.priced || !withCalls.priced) throw new Error('unexpectedly unpriced');
          const fees = (c.webSearch * 10 + c.codeExecution * 30) / 1000;
          expect(withCalls.costUsd).toBeCloseTo(without.costUsd + fees, 9);
          expect(withCalls.toolFeesUsd ?? 0).toBeCloseTo(fees, 12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a tool call without a fee in force makes the call unpriced; a fee of 0 prices it', () => {
    fc.assert(
      fc.property(calls, fc.boolean(), (c, beforeFee) => {
        const r = priceCall(featureBook, {
          provider: 'anthropic',
          model: 'tool-fee-model',
          at: at(beforeFee ? '2026-03-01T00:00:00Z' : '2026-07-01T00:00:00Z'),
          usage: { ...zero, input: 1000, output: 100 },
          toolCalls: c,
        });
        const needsMissingFee =
          (beforeFee && (c.webSearch > 0 || c.webFetch > 0 || c.codeExecution > 0)) ||
          (!beforeFee && c.codeExecution > 0);
        expect(r.priced).toBe(!needsMissingFee);
        if (r.priced) {
          expect(r.costUsd).toBeCloseTo(
            (1000 * 3 + 100 * 15) / 1e6 + (c.webSearch * 10) / 1000,
            12,
          );
        } else {
          expect(r.reason).toBe('no_period');
        }
      }),
      { numRuns: 300 },
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

describe('audio tokens and processing regions (properties, shipped book)', () => {
  const shipped = PriceBook.shipped();
  const bucketsArb = fc.record({
    input: fc.nat({ max: 2_000_000 }),
    cacheRead: fc.nat({ max: 1_000_000 }),
    output: fc.nat({ max: 200_000 }),
  });
  const full = (u: { input: number; cacheRead: number; output: number }): BucketUsage => ({
    input: u.input,
    cacheRead: u.cacheRead,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWrite30m: 0,
    cacheWrite12h: 0,
    output: u.output,
    reasoning: 0,
  });

  it('audio input never makes a call cheaper than the same tokens as text, and sums exactly', () => {
    fc.assert(
      fc.property(bucketsArb, fc.double({ min: 0, max: 1, noNaN: true }), (u, share) => {
        const usage = full(u);
        const audioIn = Math.floor((u.input + u.cacheRead) * share);
        const req = {
          provider: 'gcp.gemini',
          model: 'gemini-2.5-flash',
          at: at('2025-12-01T00:00:00Z'),
          usage,
        };
        const text = priceCall(shipped, req);
        const audio = priceCall(shipped, { ...req, audio: { inputTokens: audioIn } });
        expect(text.priced && audio.priced).toBe(true);
        if (!text.priced || !audio.priced) return;
        expect(audio.costUsd).toBeGreaterThanOrEqual(text.costUsd - 1e-12);
        const sum = TOKEN_BUCKETS.reduce((s, b) => s + audio.breakdown[b], 0);
        expect(audio.costUsd).toBe(sum);
      }),
      { numRuns: 300 },
    );
  });

  it('a regional call costs exactly the uplift times the global one', () => {
    const models = [
      { provider: 'openai', model: 'gpt-5.4', at: at('2026-06-01T00:00:00Z'), region: 'eu' },
      {
        provider: 'anthropic',
        model: 'claude-opus-4-6',
        at: at('2026-04-01T00:00:00Z'),
        region: 'us',
      },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        bucketsArb,
        fc.constantFrom<ServiceTier>('standard', 'batch'),
        (m, u, serviceTier) => {
          const req = {
            provider: m.provider,
            model: m.model,
            at: m.at,
            usage: full(u),
            serviceTier,
          };
          const global = priceCall(shipped, req);
          const regional = priceCall(shipped, { ...req, region: m.region });
          expect(global.priced && regional.priced).toBe(true);
          if (!global.priced || !regional.priced) return;
          expect(regional.costUsd).toBeCloseTo(global.costUsd * 1.1, 9);
          expect(regional.regionalProcessingUplift).toBe(1.1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('priceCall never throws, whatever the audio and region', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (audio, region) => {
        const r = priceCall(shipped, {
          provider: 'gcp.gemini',
          model: 'gemini-2.5-flash',
          at: at('2025-12-01T00:00:00Z'),
          usage: full({ input: 1000, cacheRead: 100, output: 10 }),
          audio: audio as CostRequest['audio'],
          region: region as string,
        });
        if (r.priced) expect(r.costUsd).toBeGreaterThanOrEqual(0);
        else expect(r.costUsd).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
