/**
 * Cost engine against hand-written fixture prices (test/fixtures/prices). Every expected cost is
 * worked out by hand in the comment next to it: tokens × USD per 1M / 1e6, summed per bucket.
 */
import {
  type BucketUsage,
  type CostResult,
  normalizeUsage,
  type PricedCost,
  priceCall,
  type RawUsage,
  type ServiceTier,
  type UsageConvention,
} from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { at, fixtureBook } from './helpers/price-fixtures';
import { buckets } from './helpers/usage';

const book = fixtureBook();
const userBook = fixtureBook('user-overrides.yaml');

const usage = buckets;

function priced(result: CostResult): PricedCost {
  if (!result.priced) throw new Error(`expected a price, got ${result.reason}: ${result.detail}`);
  return result;
}

function cost(
  provider: string,
  model: string,
  iso: string,
  u: Partial<BucketUsage>,
  serviceTier?: ServiceTier,
  b = book,
): PricedCost {
  const req = { provider, model, at: at(iso), usage: usage(u) };
  return priced(priceCall(b, serviceTier ? { ...req, serviceTier } : req));
}

function costRaw(
  provider: string,
  model: string,
  iso: string,
  raw: RawUsage,
  convention: UsageConvention,
): PricedCost {
  const n = normalizeUsage(raw, convention);
  if (!n.ok) throw new Error(`normalize failed: ${n.detail}`);
  return priced(priceCall(book, { provider, model, at: at(iso), usage: n.usage }));
}

const MTOK = 1_000_000;

describe('cliff tiers (claude-sonnet-4-5: 3/15 up to 200k input, 6/22.5 above)', () => {
  it('199,999 input tokens: base rate for input and output', () => {
    const r = cost('anthropic', 'claude-sonnet-4-5-20250929', '2025-10-01T00:00:00Z', {
      input: 199_999,
      output: 1000,
    });
    // 199999 * 3 / 1e6 = 0.599997 ; 1000 * 15 / 1e6 = 0.015
    expect(r.costUsd).toBeCloseTo(0.614997, 9);
    expect(r.breakdown.output).toBeCloseTo(0.015, 12);
    expect(r.tierAboveInputTokens).toBeUndefined();
  });

  it('exactly 200,000 is not above the threshold', () => {
    const r = cost('anthropic', 'claude-sonnet-4-5', '2025-10-01T00:00:00Z', {
      input: 200_000,
      output: 1000,
    });
    expect(r.costUsd).toBeCloseTo(0.615, 9); // 0.6 + 0.015
  });

  it('200,001 input tokens: the whole call, output included, at the tier rate', () => {
    const r = cost('anthropic', 'claude-sonnet-4-5-20250929', '2025-10-01T00:00:00Z', {
      input: 200_001,
      output: 1000,
    });
    // 200001 * 6 / 1e6 = 1.200006 ; 1000 * 22.5 / 1e6 = 0.0225
    expect(r.costUsd).toBeCloseTo(1.222506, 9);
    expect(r.breakdown.input).toBeCloseTo(1.200006, 12);
    expect(r.breakdown.output).toBeCloseTo(0.0225, 12);
    expect(r.tierAboveInputTokens).toBe(200_000);
  });

  it('cache reads and writes count toward the threshold and are billed at tier cache prices', () => {
    const r = cost('anthropic', 'claude-sonnet-4-5', '2025-10-01T00:00:00Z', {
      input: 100_000,
      cacheRead: 90_000,
      cacheWrite5m: 6_000,
      cacheWrite1h: 4_001,
      output: 10,
    });
    // total input 200,001 -> tier. 100000*6=0.6 ; 90000*0.6=0.054 ; 6000*7.5=0.045 ; 4001*12=0.048012 ; 10*22.5=0.000225
    expect(r.tierAboveInputTokens).toBe(200_000);
    expect(r.costUsd).toBeCloseTo(0.6 + 0.054 + 0.045 + 0.048012 + 0.000225, 9);
  });

  it('with several tiers the highest exceeded one applies', () => {
    const t = (input: number) =>
      cost('anthropic', 'three-tier-model', '2025-02-01T00:00:00Z', { input, output: MTOK });
    expect(t(1000).costUsd).toBeCloseTo(0.001 + 10, 9); // base: 1000*1/1e6 + 1e6*10/1e6
    expect(t(1001).costUsd).toBeCloseTo(0.002002 + 20, 9); // tier 1000: 1001*2/1e6 + 20
    expect(t(2001).costUsd).toBeCloseTo(0.008004 + 40, 9); // tier 2000: 2001*4/1e6 + 40
    expect(t(2001).tierAboveInputTokens).toBe(2000);
  });

  it('Bedrock tier combines with the regional uplift', () => {
    const r = cost(
      'aws.bedrock',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      '2025-10-01T00:00:00Z',
      {
        input: 200_001,
      },
    );
    expect(r.costUsd).toBeCloseTo(1.3200066, 9); // 200001 * 6 / 1e6 * 1.1
  });
});

describe('cache buckets for each provider convention', () => {
  it('openai: prompt_tokens include cached tokens', () => {
    const r = costRaw(
      'openai',
      'gpt-4o-2024-08-06',
      '2024-11-01T00:00:00Z',
      { inputTokens: 10_000, cacheReadTokens: 4_000, outputTokens: 500 },
      'openai',
    );
    // uncached 6000*2.5=0.015 ; cached 4000*1.25=0.005 ; output 500*10=0.005
    expect(r.breakdown).toEqual({
      input: expect.closeTo(0.015, 12),
      cacheRead: expect.closeTo(0.005, 12),
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      cacheWrite30m: 0,
      cacheWrite12h: 0,
      output: expect.closeTo(0.005, 12),
      reasoning: 0,
    });
    expect(r.costUsd).toBeCloseTo(0.025, 9);
  });

  it('openai: completion_tokens include reasoning, priced at the output price', () => {
    const r = costRaw(
      'openai',
      'o3',
      '2025-07-01T00:00:00Z',
      { inputTokens: 1000, outputTokens: 3000, reasoningTokens: 2000 },
      'openai',
    );
    // 1000*2=0.002 ; visible output 1000*8=0.008 ; reasoning 2000*8=0.016
    expect(r.breakdown.output).toBeCloseTo(0.008, 12);
    expect(r.breakdown.reasoning).toBeCloseTo(0.016, 12);
    expect(r.costUsd).toBeCloseTo(0.026, 9);
  });

  it('anthropic: input_tokens exclude cache reads and writes (5m and 1h split)', () => {
    const r = costRaw(
      'anthropic',
      'claude-sonnet-4-5-20250929',
      '2025-10-01T00:00:00Z',
      {
        inputTokens: 1000,
        cacheReadTokens: 20_000,
        cacheWrite5mTokens: 3000,
        cacheWrite1hTokens: 2000,
        outputTokens: 400,
      },
      'anthropic',
    );
    // 1000*3=0.003 ; 20000*0.3=0.006 ; 3000*3.75=0.01125 ; 2000*6=0.012 ; 400*15=0.006
    expect(r.breakdown.input).toBeCloseTo(0.003, 12);
    expect(r.breakdown.cacheRead).toBeCloseTo(0.006, 12);
    expect(r.breakdown.cacheWrite5m).toBeCloseTo(0.01125, 12);
    expect(r.breakdown.cacheWrite1h).toBeCloseTo(0.012, 12);
    expect(r.costUsd).toBeCloseTo(0.03825, 9);
  });

  it('anthropic: a total cache write with only the 1h part split out', () => {
    const r = costRaw(
      'anthropic',
      'claude-sonnet-4-5',
      '2025-10-01T00:00:00Z',
      {
        inputTokens: 1000,
        cacheReadTokens: 20_000,
        cacheWriteTokens: 5000,
        cacheWrite1hTokens: 2000,
        outputTokens: 400,
      },
      'anthropic',
    );
    expect(r.costUsd).toBeCloseTo(0.03825, 9); // same as the split above: 5m part = 5000 - 2000
  });

  it('semconv: input_tokens include cache reads and writes; unsplit writes are 5-minute writes', () => {
    const r = costRaw(
      'anthropic',
      'claude-sonnet-4-5',
      '2025-10-01T00:00:00Z',
      { inputTokens: 26_000, cacheReadTokens: 20_000, cacheWriteTokens: 5000, outputTokens: 400 },
      'semconv',
    );
    // uncached 1000*3=0.003 ; 20000*0.3=0.006 ; 5000*3.75=0.01875 ; 400*15=0.006
    expect(r.breakdown.input).toBeCloseTo(0.003, 12);
    expect(r.costUsd).toBeCloseTo(0.03375, 9);
  });

  it('bedrock (Converse): inputTokens exclude cache reads and writes', () => {
    const r = costRaw(
      'aws.bedrock',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      '2025-10-01T00:00:00Z',
      { inputTokens: 1000, cacheReadTokens: 10_000, cacheWriteTokens: 2000, outputTokens: 100 },
      'bedrock',
    );
    // 1000*3=0.003 ; 10000*0.3=0.003 ; 2000*3.75=0.0075 ; 100*15=0.0015 (global: no uplift)
    expect(r.costUsd).toBeCloseTo(0.015, 9);
  });

  it('gemini: thoughts are added on top of candidates and priced apart when the period says so', () => {
    const r = costRaw(
      'gcp.gemini',
      'gemini-2.5-flash-preview-04-17',
      '2025-05-01T00:00:00Z',
      { inputTokens: 10_000, outputTokens: 1000, reasoningTokens: 2000 },
      'gemini',
    );
    // 10000*0.15=0.0015 ; 1000*0.6=0.0006 ; 2000*3.5=0.007
    expect(r.breakdown.reasoning).toBeCloseTo(0.007, 12);
    expect(r.costUsd).toBeCloseTo(0.0091, 9);
  });

  it('gemini: cached content is inside promptTokenCount', () => {
    const r = costRaw(
      'gcp.vertex_ai',
      'gemini-2.5-pro',
      '2025-07-01T00:00:00Z',
      { inputTokens: 100_000, cacheReadTokens: 80_000, outputTokens: 1000 },
      'gemini',
    );
    // 20000*1.25=0.025 ; 80000*0.125=0.01 ; 1000*10=0.01
    expect(r.costUsd).toBeCloseTo(0.045, 9);
  });

  it('missing cache prices fall back: cache read -> input, 1h write -> 5m write -> input', () => {
    // gpt-4o-2024-05-13 has only input 5 / output 15.
    const r = cost('openai', 'gpt-4o-2024-05-13', '2024-06-01T00:00:00Z', {
      cacheRead: MTOK,
      cacheWrite5m: MTOK,
      cacheWrite1h: MTOK,
      reasoning: MTOK,
    });
    expect(r.breakdown).toEqual({
      input: 0,
      cacheRead: 5,
      cacheWrite5m: 5,
      cacheWrite1h: 5,
      cacheWrite30m: 0,
      cacheWrite12h: 0,
      output: 0,
      reasoning: 15,
    });
    // claude-3-5-haiku launch period: cacheWrite5m 1.25, no 1h price -> 1h at 1.25
    const h = cost('anthropic', 'claude-3-5-haiku-20241022', '2024-11-10T00:00:00Z', {
      cacheWrite1h: MTOK,
    });
    expect(h.costUsd).toBeCloseTo(1.25, 9);
  });
});

describe('service tiers', () => {
  const u = { input: MTOK, output: MTOK };
  it('batch halves the whole call', () => {
    expect(cost('openai', 'gpt-4o-2024-08-06', '2024-11-01T00:00:00Z', u).costUsd).toBeCloseTo(
      12.5,
      9,
    );
    const batch = cost('openai', 'gpt-4o-2024-08-06', '2024-11-01T00:00:00Z', u, 'batch');
    expect(batch.costUsd).toBeCloseTo(6.25, 9); // (2.5 + 10) * 0.5
    expect(batch.serviceTier).toBe('batch');
    expect(batch.breakdown.input).toBeCloseTo(1.25, 12);
  });

  it('priority multiplies', () => {
    expect(
      cost('openai', 'gpt-4o-2024-08-06', '2024-11-01T00:00:00Z', u, 'priority').costUsd,
    ).toBeCloseTo(21.25, 9);
  });

  it('batch on a tiered call multiplies the tier price', () => {
    const r = cost(
      'anthropic',
      'claude-sonnet-4-5',
      '2025-10-01T00:00:00Z',
      { input: 200_001, output: 1000 },
      'batch',
    );
    expect(r.costUsd).toBeCloseTo(1.222506 * 0.5, 9);
  });

  it('a tier the period does not price is unpriced, naming the tier (never a silent standard price)', () => {
    const r = priceCall(book, {
      provider: 'openai',
      model: 'gpt-4o-2024-05-13',
      at: at('2024-06-01T00:00:00Z'),
      usage: usage(u),
      serviceTier: 'priority',
    });
    expect(r).toMatchObject({ priced: false, costUsd: null, reason: 'no_period' });
    expect(r.priced === false && r.detail).toContain('priority');
  });

  it('flex follows the period: o3 flex exists only after the reprice', () => {
    expect(cost('openai', 'o3', '2025-06-10T00:00:00Z', u, 'flex').costUsd).toBeCloseTo(5, 9); // (2+8)*0.5
    const before = priceCall(book, {
      provider: 'openai',
      model: 'o3',
      at: at('2025-06-09T23:59:59.999Z'),
      usage: usage(u),
      serviceTier: 'flex',
    });
    expect(before).toMatchObject({ priced: false, reason: 'no_period' });
  });

  it('"default" (as OpenAI reports it) means standard', () => {
    const r = priceCall(book, {
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      at: at('2024-11-01T00:00:00Z'),
      usage: usage(u),
      serviceTier: 'default' as ServiceTier,
    });
    expect(priced(r).costUsd).toBeCloseTo(12.5, 9);
  });
});

describe('dated prices and moving aliases', () => {
  const u = { input: MTOK, output: MTOK };
  it('o3 reprice at 2025-06-10T00:00Z: 10/40 just before, 2/8 from the instant', () => {
    const before = cost('openai', 'o3', '2025-06-09T23:59:59.999Z', u);
    const after = cost('openai', 'o3', '2025-06-10T00:00:00.000Z', u);
    expect(before.costUsd).toBeCloseTo(50, 9);
    expect(after.costUsd).toBeCloseTo(10, 9);
    expect(before.period.effectiveFrom).toBe('2025-04-16T00:00:00.000Z');
    expect(before.period.effectiveTo).toBe('2025-06-10T00:00:00.000Z');
    expect(after.period).toMatchObject({
      id: 'openai/o3-2025-04-16@2025-06-10T00:00:00.000Z',
      provider: 'openai',
      model: 'o3-2025-04-16',
      source: 'fixture: reprice',
    });
    expect(after.resolvedModel).toBe('o3-2025-04-16');
  });

  it('gpt-4o alias points at 2024-05-13 (5/15) until 2024-10-02, then at 2024-08-06 (2.5/10)', () => {
    const before = cost('openai', 'gpt-4o', '2024-10-01T23:59:59.999Z', u);
    const after = cost('openai', 'gpt-4o', '2024-10-02T00:00:00Z', u);
    expect(before.costUsd).toBeCloseTo(20, 9);
    expect(before.resolvedModel).toBe('gpt-4o-2024-05-13');
    expect(after.costUsd).toBeCloseTo(12.5, 9);
    expect(after.resolvedModel).toBe('gpt-4o-2024-08-06');
  });

  it('the alias before its first target is unpriced (no_period)', () => {
    const r = priceCall(book, {
      provider: 'openai',
      model: 'gpt-4o',
      at: at('2024-05-12T00:00:00Z'),
      usage: usage(u),
    });
    expect(r).toMatchObject({ priced: false, costUsd: null, reason: 'no_period' });
  });

  it('3.5 Haiku cut on 2024-12-16', () => {
    expect(
      cost('anthropic', 'claude-3-5-haiku-20241022', '2024-12-15T23:59:59Z', u).costUsd,
    ).toBeCloseTo(6, 9);
    expect(
      cost('anthropic', 'claude-3-5-haiku-20241022', '2024-12-16T00:00:00Z', u).costUsd,
    ).toBeCloseTo(4.8, 9);
  });

  it('effectiveTo ends a period; gaps and times before the first period are no_period', () => {
    const p = (iso: string) =>
      priceCall(book, { provider: 'openai', model: 'legacy-model', at: at(iso), usage: usage(u) });
    expect(priced(p('2024-05-31T23:59:59.999Z')).costUsd).toBeCloseTo(3, 9);
    expect(p('2024-06-01T00:00:00Z')).toMatchObject({ priced: false, reason: 'no_period' });
    expect(priced(p('2024-09-15T00:00:00Z')).costUsd).toBeCloseTo(7, 9);
    expect(p('2024-10-01T00:00:00Z')).toMatchObject({ priced: false, reason: 'no_period' });
    expect(p('2023-12-31T23:59:59.999Z')).toMatchObject({ priced: false, reason: 'no_period' });
  });

  it('a snapshot before its launch date is no_period', () => {
    const r = priceCall(book, {
      provider: 'openai',
      model: 'o3',
      at: at('2025-04-15T00:00:00Z'),
      usage: usage(u),
    });
    expect(r).toMatchObject({ priced: false, reason: 'no_period' });
    expect(r.priced === false && r.detail).toContain('o3-2025-04-16');
  });
});

describe('Bedrock ids: geo prefixes, ARNs, regional uplift', () => {
  // 100k input stays under the 200k cliff. Global price: 100000*3/1e6 + 1e6*15/1e6 = 0.3 + 15 = 15.3
  const u = { input: 100_000, output: MTOK };
  const sonnet = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
  const when = '2025-10-01T00:00:00Z';

  it.each([
    [`us.${sonnet}`, 16.83, 'us'],
    [`eu.${sonnet}`, 16.83, 'eu'],
    [`apac.${sonnet}`, 16.83, 'apac'],
    [`jp.${sonnet}`, 16.83, 'jp'],
    [`au.${sonnet}`, 16.83, 'au'],
    [`us-gov.${sonnet}`, 16.83, 'us-gov'],
    [sonnet, 16.83, undefined], // in-region: uplift applies (15.3 * 1.1)
    [`global.${sonnet}`, 15.3, 'global'], // no uplift
  ])('%s costs %d for 100k in + 1M out', (model, expected, geo) => {
    const r = cost('aws.bedrock', model, when, u);
    expect(r.costUsd).toBeCloseTo(expected, 9);
    expect(r.resolvedModel).toBe(sonnet);
    expect(r.geo).toBe(geo);
    expect(r.regionalUplift).toBe(geo === 'global' ? undefined : 1.1);
  });

  it('inference-profile ARN with a geo prefix', () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.${sonnet}`;
    const r = cost('aws.bedrock', arn, when, u);
    expect(r.costUsd).toBeCloseTo(16.83, 9);
    expect(r.geo).toBe('eu');
  });

  it('global inference-profile ARN', () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.${sonnet}`;
    expect(cost('aws.bedrock', arn, when, u).costUsd).toBeCloseTo(15.3, 9);
  });

  it('foundation-model ARN (no account) and a model without uplift', () => {
    const arn =
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
    expect(cost('aws.bedrock', arn, when, u).costUsd).toBeCloseTo(1.275, 9); // 100000*0.25/1e6 + 1.25
    expect(
      cost('aws.bedrock', 'apac.anthropic.claude-3-haiku-20240307-v1:0', when, u).costUsd,
    ).toBeCloseTo(1.275, 9);
  });

  it('application inference profile ARNs cannot be resolved: unknown_model with a reason', () => {
    const r = priceCall(book, {
      provider: 'aws.bedrock',
      model: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abcd1234',
      at: at(when),
      usage: usage(u),
    });
    expect(r).toMatchObject({ priced: false, costUsd: null, reason: 'unknown_model' });
    expect(r.priced === false && r.detail).toContain('application inference profile');
  });
});

describe('unknown models are unpriced, never $0', () => {
  const u = usage({ input: 1000, output: 1000 });
  it.each([
    ['openai', 'gpt-9'],
    ['openai', 'ft:gpt-4o-mini-2024-07-18:acme::abc123'],
    ['openai', 'gpt-4o-2024-08-06-extra'],
    ['aws.bedrock', 'us.anthropic.claude-unknown-v1:0'],
    ['no-such-provider', 'gpt-4o'],
  ])('%s %s', (provider, model) => {
    const r = priceCall(book, { provider, model, at: at('2025-10-01T00:00:00Z'), usage: u });
    expect(r).toMatchObject({ priced: false, costUsd: null, reason: 'unknown_model' });
    expect(r.priced === false && r.detail.length).toBeGreaterThan(10);
  });

  it('a fine-tuned id does not fall back to its base model', () => {
    const r = priceCall(book, {
      provider: 'openai',
      model: 'ft:gpt-4o-2024-08-06:acme::x1',
      at: at('2025-10-01T00:00:00Z'),
      usage: u,
    });
    expect(r).toMatchObject({ priced: false, reason: 'unknown_model' });
    expect(r.priced === false && r.detail).toContain('fine-tuned');
  });

  it('invalid usage and instants are unpriced, not thrown', () => {
    const base = { provider: 'openai', model: 'o3', at: at('2025-07-01T00:00:00Z') };
    expect(priceCall(book, { ...base, usage: usage({ input: -1 }) })).toMatchObject({
      reason: 'invalid_usage',
    });
    expect(priceCall(book, { ...base, usage: usage({ output: Number.NaN }) })).toMatchObject({
      reason: 'invalid_usage',
    });
    expect(priceCall(book, { ...base, usage: undefined as unknown as BucketUsage })).toMatchObject({
      reason: 'missing_usage',
    });
    expect(priceCall(book, { ...base, at: Number.NaN, usage: u })).toMatchObject({
      reason: 'no_period',
    });
    expect(priceCall(book, null as never)).toMatchObject({ priced: false });
  });
});

describe('user prices: override, fine-tuned models, discounts', () => {
  const u = { input: MTOK, output: MTOK };
  it('a fine-tuned model priced exactly in the user file', () => {
    const r = cost(
      'openai',
      'ft:gpt-4o-mini-2024-07-18:acme::abc123',
      '2024-10-01T00:00:00Z',
      {
        input: 100_000,
        output: 10_000,
      },
      undefined,
      userBook,
    );
    expect(r.costUsd).toBeCloseTo(0.042, 9); // 100000*0.3=0.03 ; 10000*1.2=0.012 ; no discount yet
    expect(r.discountPercent).toBeUndefined();
  });

  it('a user model with a shipped id replaces its periods', () => {
    // The fixture o3 launch period starts 2025-04-16; the user period starts 2025-01-01.
    const r = cost('openai', 'o3', '2025-03-01T00:00:00Z', u, undefined, userBook);
    expect(r.costUsd).toBeCloseTo(4.5, 9); // (1 + 4) * (1 - 10%)
    expect(r.period.source).toBe('enterprise contract');
    // No fixture reprice any more: still the user price after 2025-06-10.
    expect(
      cost('openai', 'o3', '2025-06-20T00:00:00Z', u, undefined, userBook).costUsd,
    ).toBeCloseTo(4.5, 9);
  });

  it('a model-specific discount beats the provider-wide one, within its dates', () => {
    const o3 = (iso: string) => cost('openai', 'o3-2025-04-16', iso, u, undefined, userBook);
    expect(o3('2025-06-30T23:59:59.999Z').costUsd).toBeCloseTo(4.5, 9); // provider 10%
    expect(o3('2025-07-01T00:00:00Z').costUsd).toBeCloseTo(4, 9); // model 20%: 5 * 0.8
    expect(o3('2025-07-01T00:00:00Z').discountPercent).toBe(20);
    expect(o3('2025-08-01T00:00:00Z').costUsd).toBeCloseTo(4.5, 9); // model discount ended (exclusive)
  });

  it('the provider-wide discount starts on its date and applies after tier multipliers', () => {
    const g = (iso: string, tier?: ServiceTier) =>
      cost('openai', 'gpt-4o-2024-08-06', iso, u, tier, userBook);
    expect(g('2024-12-31T23:59:59.999Z').costUsd).toBeCloseTo(12.5, 9);
    expect(g('2025-01-01T00:00:00Z').costUsd).toBeCloseTo(11.25, 9); // 12.5 * 0.9
    expect(g('2025-02-01T00:00:00Z', 'batch').costUsd).toBeCloseTo(5.625, 9); // 12.5 * 0.5 * 0.9
    const flex = cost('openai', 'o3', '2025-07-15T00:00:00Z', u, 'flex', userBook);
    expect(flex.costUsd).toBeCloseTo(2, 9); // (1 + 4) * 0.5 * 0.8
  });

  it('a user model can take over a shipped alias; the snapshot id keeps its own price', () => {
    expect(
      cost('openai', 'gpt-5', '2025-09-01T00:00:00Z', u, undefined, userBook).costUsd,
    ).toBeCloseTo(1.8, 9); // (1+1)*0.9
    expect(
      cost('openai', 'gpt-5-2025-08-07', '2025-09-01T00:00:00Z', u, undefined, userBook).costUsd,
    ).toBeCloseTo(
      10.125, // (1.25 + 10) * 0.9
      9,
    );
    const listed = userBook.list('openai').find((e) => e.model === 'gpt-5-2025-08-07');
    expect(listed?.aliases).toEqual([]);
  });

  it('user files leave other books untouched', () => {
    expect(
      cost('openai', 'o3', '2025-03-01T00:00:00Z'.replace('03-01', '05-01'), u).costUsd,
    ).toBeCloseTo(50, 9);
  });
});

describe('breakdown', () => {
  it('sums to costUsd and is per bucket', () => {
    const r = cost('anthropic', 'claude-sonnet-4-5', '2025-10-01T00:00:00Z', {
      input: 1234,
      cacheRead: 5678,
      cacheWrite5m: 910,
      cacheWrite1h: 1112,
      output: 1314,
      reasoning: 1516,
    });
    const sum = Object.values(r.breakdown).reduce((a, b) => a + b, 0);
    expect(sum).toBe(r.costUsd);
    // 1234*3 + 5678*0.3 + 910*3.75 + 1112*6 + 1314*15 + 1516*15, all / 1e6
    expect(r.costUsd).toBeCloseTo((3702 + 1703.4 + 3412.5 + 6672 + 19710 + 22740) / 1e6, 12);
  });
});
