/**
 * Regional-processing uplifts and audio tokens, priced from the shipped book. Expected costs are
 * arithmetic on the providers' published figures, written out by hand (never read from the book):
 * - OpenAI data residency: +10% for models released on or after 2026-03-05
 *   (developers.openai.com/api/docs/guides/data-residency); gpt-5.4 2.5 / cached 0.25 / 15, above
 *   272k input 5 / 0.5 / 22.5; gpt-5.3-codex (2026-03-02) 1.75 / 0.175 / 14, no uplift.
 * - Anthropic `inference_geo: "us"`: 1.1x on Opus 4.6 and later (platform.claude.com data
 *   residency); Opus 4.6 5 / write 6.25 / read 0.5 / 25; Sonnet 4.5 3 / 3.75 / 0.3 / 15, no uplift.
 * - Gemini 2.5 Flash (ai.google.dev pricing, genai-prices): text 0.30, audio 1.00, cached text
 *   0.03, cached audio 0.10, output 2.50; no audio output price.
 * - OpenAI gpt-audio (openai.com/api/pricing, genai-prices): text 2.50 / 10, audio 32 / 64.
 * - Flex and priority: gpt-5.4 flex 0.5x, priority 2x (as OpenAI prices gpt-5; LiteLLM `_flex`,
 *   `_priority`); gpt-5.2 has no flex price in any source; Gemini 3.5 Flash 1.5 / 0.15 / 9,
 *   priority 1.8x (genai-prices says 1.8x for 3.7 Flash, LiteLLM for 3.5).
 * - Anthropic fast mode (platform.claude.com/docs/en/build-with-claude/fast-mode): Opus 4.6 $30 /
 *   $150 per MTok up to 200K input, $60 / $225 above; Opus 4.8 $10 / $50; stacks with the other
 *   modifiers (cache prices, data residency). Sonnet has no fast mode.
 */
import { type CostRequest, PriceBook, priceCall, type UnpricedReason } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { buckets } from './helpers/usage';

const book = PriceBook.shipped();
const at = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);

const u = buckets;

interface Case {
  name: string;
  req: CostRequest;
  expected: number | { unpriced: UnpricedReason };
  uplift?: number;
}

const M = 1e6;
// gpt-5.4: 80,000 uncached + 20,000 cached input, 10,000 output.
const GPT54 = u({ input: 80_000, cacheRead: 20_000, output: 10_000 });
// Global: 80,000 x 2.5 + 20,000 x 0.25 + 10,000 x 15 = 0.355 USD.
// Opus 4.6: 10,000 input, 50,000 cache read, 4,000 5-minute writes, 2,000 output.
const OPUS = u({ input: 10_000, cacheRead: 50_000, cacheWrite5m: 4_000, output: 2_000 });
// Global: 10,000 x 5 + 50,000 x 0.5 + 4,000 x 6.25 + 2,000 x 25 = 0.15 USD.
// Gemini 2.5 Flash: 8,000 uncached + 2,000 cached prompt tokens, 500 output.
const FLASH = u({ input: 8_000, cacheRead: 2_000, output: 500 });

const openai = (region: string | undefined, extra: Partial<CostRequest> = {}): CostRequest => ({
  provider: 'openai',
  model: 'gpt-5.4',
  at: at('2026-06-01'),
  usage: GPT54,
  ...(region === undefined ? {} : { region }),
  ...extra,
});
const opus = (region: string | undefined, extra: Partial<CostRequest> = {}): CostRequest => ({
  provider: 'anthropic',
  model: 'claude-opus-4-6',
  at: at('2026-04-01'),
  usage: OPUS,
  ...(region === undefined ? {} : { region }),
  ...extra,
});
const flash = (audio: CostRequest['audio'], usage = FLASH): CostRequest => ({
  provider: 'gcp.gemini',
  model: 'gemini-2.5-flash',
  at: at('2025-12-01'),
  usage,
  ...(audio ? { audio } : {}),
});

const CASES: Case[] = [
  // OpenAI regional processing.
  { name: 'gpt-5.4 global host', req: openai('global'), expected: 0.355 },
  { name: 'gpt-5.4 region unknown: global rate', req: openai(undefined), expected: 0.355 },
  { name: 'gpt-5.4 eu.api.openai.com: +10%', req: openai('eu'), expected: 0.3905, uplift: 1.1 },
  { name: 'gpt-5.4 us.api.openai.com: +10%', req: openai('us'), expected: 0.3905, uplift: 1.1 },
  {
    name: 'gpt-5.4 eu, batch: x0.5 x1.1',
    req: openai('eu', { serviceTier: 'batch' }),
    expected: 0.19525,
    uplift: 1.1,
  },
  // Flex and priority (OpenAI: flex 0.5x, priority 2x on gpt-5.4, as on gpt-5; LiteLLM's
  // `_flex`/`_priority` prices). Gemini 3.5 Flash 1.5 / cached 0.15 / 9, priority 1.8x.
  {
    name: 'gpt-5.4 eu, flex: x0.5 x1.1',
    req: openai('eu', { serviceTier: 'flex' }),
    expected: 0.19525,
    uplift: 1.1,
  },
  {
    name: 'gpt-5.4 priority: 2x',
    req: openai('global', { serviceTier: 'priority' }),
    expected: 0.71,
  },
  {
    name: 'gpt-5.2 flex: no source prices it, unpriced',
    req: openai(undefined, { serviceTier: 'flex', model: 'gpt-5.2' }),
    expected: { unpriced: 'no_period' },
  },
  {
    // (8,000 x 1.5 + 2,000 x 0.15 + 500 x 9) x 1.8 = 0.030240.
    name: 'gemini-3.5-flash priority: 1.8x',
    req: {
      ...flash(undefined),
      model: 'gemini-3.5-flash',
      at: at('2026-08-01'),
      serviceTier: 'priority',
    },
    expected: ((8_000 * 1.5 + 2_000 * 0.15 + 500 * 9) / M) * 1.8,
  },
  {
    // 300,000 input > 272k: every bucket at 5 / 0.5 / 22.5, then +10%.
    name: 'gpt-5.4 eu above the 272k cliff',
    req: openai('eu', { usage: u({ input: 250_000, cacheRead: 50_000, output: 10_000 }) }),
    expected: ((250_000 * 5 + 50_000 * 0.5 + 10_000 * 22.5) / M) * 1.1, // 1.65
    uplift: 1.1,
  },
  {
    // Released 2026-03-02, before the 2026-03-05 cut-off: no uplift.
    name: 'gpt-5.3-codex eu: no uplift',
    req: openai('eu', { model: 'gpt-5.3-codex' }),
    expected: (80_000 * 1.75 + 20_000 * 0.175 + 10_000 * 14) / M, // 0.2835
  },
  // Anthropic inference_geo.
  { name: 'opus 4.6 global', req: opus('global'), expected: 0.15 },
  { name: 'opus 4.6 us: 1.1x', req: opus('us'), expected: 0.165, uplift: 1.1 },
  {
    name: 'opus 4.6 us, batch: x0.5 x1.1',
    req: opus('us', { serviceTier: 'batch' }),
    expected: 0.0825,
    uplift: 1.1,
  },
  {
    name: 'sonnet 4.5 us: older model, no uplift',
    req: opus('us', { model: 'claude-sonnet-4-5-20250929' }),
    expected: (10_000 * 3 + 50_000 * 0.3 + 4_000 * 3.75 + 2_000 * 15) / M, // 0.09
  },
  // Anthropic fast mode.
  {
    // 10,000 x 30 + 50,000 x 3 (cache read 0.1x of 30) + 4,000 x 37.5 + 2,000 x 150 = 0.9.
    name: 'opus 4.6 fast: 6x',
    req: opus(undefined, { serviceTier: 'fast' }),
    expected: 0.9,
  },
  {
    name: 'opus 4.6 fast and inference_geo us: 6x x1.1',
    req: opus('us', { serviceTier: 'fast' }),
    expected: 0.99,
    uplift: 1.1,
  },
  {
    // Before 2026-03-13, above 200K input: $60 / $225 -> 250,000 x 60 + 1,000 x 225.
    name: 'opus 4.6 fast above 200K (2026-03-01): 60 / 225',
    req: opus(undefined, {
      serviceTier: 'fast',
      at: at('2026-03-01'),
      usage: u({ input: 250_000, output: 1_000 }),
    }),
    expected: 15.225,
  },
  {
    // 10,000 x 10 + 50,000 x 1 + 4,000 x 12.5 + 2,000 x 50 = 0.3.
    name: 'opus 4.8 fast: 2x',
    req: opus(undefined, { serviceTier: 'fast', model: 'claude-opus-4-8', at: at('2026-07-01') }),
    expected: 0.3,
  },
  {
    name: 'sonnet 4.6 fast: no fast mode, unpriced',
    req: opus(undefined, { serviceTier: 'fast', model: 'claude-sonnet-4-6' }),
    expected: { unpriced: 'no_period' },
  },
  // Audio tokens.
  {
    // 7,000 audio of the 8,000 uncached: 1,000 x 0.30 + 7,000 x 1.00 + 2,000 x 0.03 + 500 x 2.50.
    name: 'gemini-2.5-flash audio input, uncached',
    req: flash({ inputTokens: 7_000 }),
    expected: (1_000 * 0.3 + 7_000 * 1 + 2_000 * 0.03 + 500 * 2.5) / M, // 0.00861
  },
  {
    // 9,000 audio: 8,000 uncached at 1.00, 1,000 cached at 0.10, 1,000 cached text at 0.03.
    name: 'gemini-2.5-flash audio beyond the uncached input is cached audio',
    req: flash({ inputTokens: 9_000 }),
    expected: (8_000 * 1 + 1_000 * 0.1 + 1_000 * 0.03 + 500 * 2.5) / M, // 0.00938
  },
  {
    name: 'gemini-2.5-flash zero audio: text price',
    req: flash({ inputTokens: 0, outputTokens: 0 }),
    expected: (8_000 * 0.3 + 2_000 * 0.03 + 500 * 2.5) / M, // 0.00371
  },
  {
    name: 'gemini-2.0-flash audio input at 0.70',
    req: { ...flash({ inputTokens: 4_000 }), model: 'gemini-2.0-flash' },
    expected: (4_000 * 0.1 + 4_000 * 0.7 + 2_000 * 0.025 + 500 * 0.4) / M, // 0.00345
  },
  {
    // Chat Completions: 1,000 prompt tokens (800 audio), 500 completion tokens (400 audio).
    // 200 x 2.50 + 800 x 32 + 100 x 10 + 400 x 64, per 1M.
    name: 'gpt-audio audio input and output',
    req: {
      provider: 'openai',
      model: 'gpt-audio-2025-08-28',
      at: at('2025-12-01'),
      usage: u({ input: 1_000, output: 500 }),
      audio: { inputTokens: 800, outputTokens: 400 },
    },
    expected: 0.0527,
  },
  {
    name: 'gemini-2.5-flash audio output: no price, unpriced',
    req: flash({ outputTokens: 100 }),
    expected: { unpriced: 'no_period' },
  },
  {
    name: 'gpt-5.4 audio input: no audio price, unpriced',
    req: openai(undefined, { audio: { inputTokens: 10 } }),
    expected: { unpriced: 'no_period' },
  },
  {
    name: 'audio beyond the whole input is invalid',
    req: flash({ inputTokens: 10_001 }),
    expected: { unpriced: 'invalid_usage' },
  },
  {
    name: 'audio output beyond the output is invalid',
    req: flash({ outputTokens: 501 }),
    expected: { unpriced: 'invalid_usage' },
  },
];

describe('regional-processing uplifts and audio tokens (hand-computed)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = priceCall(book, c.req);
    if (typeof c.expected === 'number') {
      expect(result.priced, result.priced ? '' : result.detail).toBe(true);
      if (!result.priced) return;
      expect(result.costUsd).toBeCloseTo(c.expected, 12);
      expect(result.regionalProcessingUplift).toBe(c.uplift);
      // The breakdown sums to the cost, audio included.
      const sum = Object.values(result.breakdown).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(result.costUsd, 12);
    } else {
      expect(result.priced).toBe(false);
      if (result.priced) return;
      expect(result.reason).toBe(c.expected.unpriced);
    }
  });

  it('names the missing audio price and the processing region', () => {
    const noAudio = priceCall(book, flash({ outputTokens: 100 }));
    expect(noAudio.priced ? '' : noAudio.detail).toBe(
      'no outputAudio price for gemini-2.5-flash (100 audio output tokens): priced as text they would be too cheap',
    );
    const eu = priceCall(book, openai('eu'));
    expect(eu.priced && eu.region).toBe('eu');
    const audio = priceCall(book, flash({ inputTokens: 7_000 }));
    expect(audio.priced && audio.audioUsd).toBeCloseTo(0.007, 12);
  });
});
