/**
 * Acceptance test for the shipped price history: for every dated change in the shipped data (each
 * reprice, each moving-alias re-point, each long-context threshold, each launch that replaces an
 * older id) one call just before and one at the effective instant. Expected costs are written out
 * by hand as arithmetic on literal prices (USD per 1M tokens) from docs/pricing-data.md and
 * pricing-facts.md; nothing here is read from the data under test.
 */
import { readFileSync } from 'node:fs';
import {
  type BucketUsage,
  PriceBook,
  type ProviderPriceFile,
  priceCall,
  type ServiceTier,
  type UnpricedReason,
} from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { buckets } from './helpers/usage';
import { currentModelCases } from './price-current-models.cases';

/** Midnight UTC of a date. */
const at = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
/** One millisecond before midnight UTC of a date. */
const justBefore = (date: string): number => at(date) - 1;
/** Midnight UTC as the price book reports a period start. */
const iso = (date: string): string => `${date}T00:00:00.000Z`;

const u = buckets;

interface Case {
  name: string;
  provider: string;
  model: string;
  at: number;
  usage: BucketUsage;
  serviceTier?: ServiceTier;
  /** Hand-computed USD, or the reason the call must stay unpriced. */
  expected: number | { unpriced: UnpricedReason };
  /** Canonical model id the book must resolve to. */
  resolved?: string;
  /** Date (midnight UTC) of the period that must price the call. */
  from?: string;
  /** Cliff tier expected to apply. */
  tier?: number;
}

const book = PriceBook.shipped();

function run(c: Case): void {
  const result = priceCall(book, {
    provider: c.provider,
    model: c.model,
    at: c.at,
    usage: c.usage,
    ...(c.serviceTier ? { serviceTier: c.serviceTier } : {}),
  });
  if (typeof c.expected !== 'number') {
    expect(result.priced, JSON.stringify(result)).toBe(false);
    if (result.priced) return;
    expect(result.costUsd).toBeNull();
    expect(result.reason).toBe(c.expected.unpriced);
    expect(result.detail.length).toBeGreaterThan(0);
    return;
  }
  expect(result.priced, JSON.stringify(result)).toBe(true);
  if (!result.priced) return;
  expect(Math.abs(result.costUsd - c.expected), `${result.costUsd} vs ${c.expected}`).toBeLessThan(
    1e-9,
  );
  const sum = Object.values(result.breakdown).reduce((a, b) => a + b, 0);
  expect(Math.abs(sum - result.costUsd)).toBeLessThan(1e-12);
  if (c.resolved !== undefined) expect(result.resolvedModel).toBe(c.resolved);
  if (c.from !== undefined) expect(result.period.effectiveFrom).toBe(iso(c.from));
  expect(result.period.source.length).toBeGreaterThan(10);
  expect(result.tierAboveInputTokens).toBe(c.tier);
  expect(result.serviceTier).toBe(c.serviceTier ?? 'standard');
}

const NO_PERIOD = { unpriced: 'no_period' } as const;
const UNKNOWN = { unpriced: 'unknown_model' } as const;

// ---------------------------------------------------------------------------------------------
// OpenAI
// ---------------------------------------------------------------------------------------------
const openai: Case[] = [
  // gpt-4o moving alias: launched as gpt-4o-2024-05-13, re-pointed to 2024-08-06 on 2024-10-02.
  {
    name: 'gpt-4o alias 1 ms before it existed',
    provider: 'openai',
    model: 'gpt-4o',
    at: justBefore('2024-05-13'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-4o alias at 2024-05-13 -> 2024-05-13 snapshot at 5/15',
    provider: 'openai',
    model: 'gpt-4o',
    at: at('2024-05-13'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 5) / 1e6 + (500 * 15) / 1e6,
    resolved: 'gpt-4o-2024-05-13',
    from: '2024-05-13',
  },
  {
    name: 'gpt-4o alias 1 ms before the 2024-10-02 re-point -> still 5/15',
    provider: 'openai',
    model: 'gpt-4o',
    at: justBefore('2024-10-02'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 5) / 1e6 + (500 * 15) / 1e6,
    resolved: 'gpt-4o-2024-05-13',
  },
  {
    name: 'gpt-4o alias at 2024-10-02 -> 2024-08-06 snapshot at 2.50/10',
    provider: 'openai',
    model: 'gpt-4o',
    at: at('2024-10-02'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2.5) / 1e6 + (500 * 10) / 1e6,
    resolved: 'gpt-4o-2024-08-06',
    from: '2024-08-06',
  },
  {
    name: 'gpt-4o alias with cached input after the re-point (cache 1.25)',
    provider: 'openai',
    model: 'gpt-4o',
    at: at('2024-10-02') + 1000,
    usage: u({ input: 600, cacheRead: 400, output: 500 }),
    expected: (600 * 2.5) / 1e6 + (400 * 1.25) / 1e6 + (500 * 10) / 1e6,
    resolved: 'gpt-4o-2024-08-06',
  },
  {
    name: 'gpt-4o-2024-05-13 keeps 5/15 after the alias moved (a 2024 snapshot at its own price)',
    provider: 'openai',
    model: 'gpt-4o-2024-05-13',
    at: at('2025-03-01'),
    usage: u({ input: 600, cacheRead: 400, output: 500 }),
    // No cache price for this snapshot: cached tokens bill at the input price.
    expected: (600 * 5) / 1e6 + (400 * 5) / 1e6 + (500 * 15) / 1e6,
    resolved: 'gpt-4o-2024-05-13',
  },
  {
    name: 'gpt-4o-2024-08-06 1 ms before its launch',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    at: justBefore('2024-08-06'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-4o-2024-08-06 at its launch',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    at: at('2024-08-06'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2.5) / 1e6 + (500 * 10) / 1e6,
    from: '2024-08-06',
  },
  {
    name: 'gpt-4o-2024-11-20 1 ms before its launch',
    provider: 'openai',
    model: 'gpt-4o-2024-11-20',
    at: justBefore('2024-11-20'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-4o-2024-11-20 at its launch, cached input 1.25',
    provider: 'openai',
    model: 'gpt-4o-2024-11-20',
    at: at('2024-11-20'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    expected: (1000 * 2.5) / 1e6 + (2000 * 1.25) / 1e6 + (500 * 10) / 1e6,
  },
  // o1-mini: 3/12 (cache 1.50) cut to 1.10/4.40 (cache 0.55) on ~2025-02-01.
  {
    name: 'o1-mini 1 ms before the 2025-02-01 cut',
    provider: 'openai',
    model: 'o1-mini',
    at: justBefore('2025-02-01'),
    usage: u({ input: 1000, cacheRead: 200, output: 500, reasoning: 300 }),
    expected: (1000 * 3) / 1e6 + (200 * 1.5) / 1e6 + (500 * 12) / 1e6 + (300 * 12) / 1e6,
    resolved: 'o1-mini-2024-09-12',
    from: '2024-09-12',
  },
  {
    name: 'o1-mini at the 2025-02-01 cut',
    provider: 'openai',
    model: 'o1-mini',
    at: at('2025-02-01'),
    usage: u({ input: 1000, cacheRead: 200, output: 500, reasoning: 300 }),
    expected: (1000 * 1.1) / 1e6 + (200 * 0.55) / 1e6 + (500 * 4.4) / 1e6 + (300 * 4.4) / 1e6,
    resolved: 'o1-mini-2024-09-12',
    from: '2025-02-01',
  },
  // o3: 10/40 (cache 2.50) cut to 2/8 (cache 0.50) on 2025-06-10.
  {
    name: 'o3 1 ms before the 2025-06-10 cut (cache read 2.50, not genai-prices 0.5)',
    provider: 'openai',
    model: 'o3',
    at: justBefore('2025-06-10'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500, reasoning: 300 }),
    expected: (1000 * 10) / 1e6 + (2000 * 2.5) / 1e6 + (500 * 40) / 1e6 + (300 * 40) / 1e6,
    resolved: 'o3-2025-04-16',
    from: '2025-04-16',
  },
  {
    name: 'o3 at the 2025-06-10 cut',
    provider: 'openai',
    model: 'o3-2025-04-16',
    at: at('2025-06-10'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500, reasoning: 300 }),
    expected: (1000 * 2) / 1e6 + (2000 * 0.5) / 1e6 + (500 * 8) / 1e6 + (300 * 8) / 1e6,
    resolved: 'o3-2025-04-16',
    from: '2025-06-10',
  },
  {
    name: 'o3 flex 1 ms before the cut (5/20, cache 1.25)',
    provider: 'openai',
    model: 'o3',
    at: justBefore('2025-06-10'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    serviceTier: 'flex',
    expected: (1000 * 5) / 1e6 + (2000 * 1.25) / 1e6 + (500 * 20) / 1e6,
  },
  {
    name: 'o3 flex at the cut (1/4, cache 0.25; Langfuse flex 1/4)',
    provider: 'openai',
    model: 'o3',
    at: at('2025-06-10'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    serviceTier: 'flex',
    expected: (1000 * 1) / 1e6 + (2000 * 0.25) / 1e6 + (500 * 4) / 1e6,
  },
  {
    name: 'o3 priority before the cut has no source: unpriced, not a silent standard price',
    provider: 'openai',
    model: 'o3',
    at: justBefore('2025-06-10'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'priority',
    expected: NO_PERIOD,
  },
  {
    name: 'o3 priority at the cut (3.50 / cache 0.875 / 14)',
    provider: 'openai',
    model: 'o3',
    at: at('2025-06-10'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    serviceTier: 'priority',
    expected: (1000 * 3.5) / 1e6 + (2000 * 0.875) / 1e6 + (500 * 14) / 1e6,
  },
  // Launches of ids whose price differs from their predecessor.
  {
    name: 'o3-mini 1 ms before its launch',
    provider: 'openai',
    model: 'o3-mini',
    at: justBefore('2025-01-31'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'o3-mini at its launch (1.10 / cache 0.55 / 4.40), batch',
    provider: 'openai',
    model: 'o3-mini',
    at: at('2025-01-31'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: (1000 * 0.55) / 1e6 + (1000 * 0.275) / 1e6 + (500 * 2.2) / 1e6,
  },
  {
    name: 'o1 1 ms before o1-2024-12-17 launched',
    provider: 'openai',
    model: 'o1',
    at: justBefore('2024-12-17'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'o1 at launch (15 / cache 7.50 / 60)',
    provider: 'openai',
    model: 'o1',
    at: at('2024-12-17'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500, reasoning: 500 }),
    expected: (1000 * 15) / 1e6 + (1000 * 7.5) / 1e6 + (500 * 60) / 1e6 + (500 * 60) / 1e6,
    resolved: 'o1-2024-12-17',
  },
  {
    name: 'o1-preview (15 / cache 7.50 / 60)',
    provider: 'openai',
    model: 'o1-preview',
    at: at('2024-10-15'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 15) / 1e6 + (1000 * 7.5) / 1e6 + (500 * 60) / 1e6,
    resolved: 'o1-preview-2024-09-12',
  },
  {
    name: 'o4-mini 1 ms before its launch',
    provider: 'openai',
    model: 'o4-mini',
    at: justBefore('2025-04-16'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'o4-mini at launch (1.10 / cache 0.275 / 4.40)',
    provider: 'openai',
    model: 'o4-mini',
    at: at('2025-04-16'),
    usage: u({ input: 1000, cacheRead: 4000, output: 500 }),
    expected: (1000 * 1.1) / 1e6 + (4000 * 0.275) / 1e6 + (500 * 4.4) / 1e6,
    resolved: 'o4-mini-2025-04-16',
  },
  {
    name: 'o4-mini priority (2.00 / cache 0.50 / 8.00)',
    provider: 'openai',
    model: 'o4-mini',
    at: at('2025-07-01'),
    usage: u({ input: 1000, cacheRead: 4000, output: 500 }),
    serviceTier: 'priority',
    expected: (1000 * 2) / 1e6 + (4000 * 0.5) / 1e6 + (500 * 8) / 1e6,
  },
  {
    name: 'gpt-4.1 1 ms before its launch',
    provider: 'openai',
    model: 'gpt-4.1',
    at: justBefore('2025-04-14'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-4.1 at launch with 75%-off cached input (2 / 0.50 / 8)',
    provider: 'openai',
    model: 'gpt-4.1',
    at: at('2025-04-14'),
    usage: u({ input: 3000, cacheRead: 1000, output: 200 }),
    expected: (3000 * 2) / 1e6 + (1000 * 0.5) / 1e6 + (200 * 8) / 1e6,
    resolved: 'gpt-4.1-2025-04-14',
  },
  {
    name: 'gpt-4.1-mini (0.40 / 0.10 / 1.60)',
    provider: 'openai',
    model: 'gpt-4.1-mini-2025-04-14',
    at: at('2025-05-01'),
    usage: u({ input: 3000, cacheRead: 1000, output: 200 }),
    expected: (3000 * 0.4) / 1e6 + (1000 * 0.1) / 1e6 + (200 * 1.6) / 1e6,
  },
  {
    name: 'gpt-4.1-nano priority (0.20 / 0.05 / 0.80)',
    provider: 'openai',
    model: 'gpt-4.1-nano',
    at: at('2025-08-01'),
    usage: u({ input: 3000, cacheRead: 1000, output: 200 }),
    serviceTier: 'priority',
    expected: (3000 * 0.2) / 1e6 + (1000 * 0.05) / 1e6 + (200 * 0.8) / 1e6,
  },
  {
    name: 'gpt-5 1 ms before its launch',
    provider: 'openai',
    model: 'gpt-5',
    at: justBefore('2025-08-07'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-5 at launch with 90%-off cached input (1.25 / 0.125 / 10), reasoning at output price',
    provider: 'openai',
    model: 'gpt-5',
    at: at('2025-08-07'),
    usage: u({ input: 2000, cacheRead: 8000, output: 300, reasoning: 700 }),
    expected: (2000 * 1.25) / 1e6 + (8000 * 0.125) / 1e6 + (300 * 10) / 1e6 + (700 * 10) / 1e6,
    resolved: 'gpt-5-2025-08-07',
  },
  {
    name: 'gpt-5-mini priority (0.45 / 0.045 / 3.60)',
    provider: 'openai',
    model: 'gpt-5-mini',
    at: at('2025-09-01'),
    usage: u({ input: 2000, cacheRead: 8000, output: 1000 }),
    serviceTier: 'priority',
    expected: (2000 * 0.45) / 1e6 + (8000 * 0.045) / 1e6 + (1000 * 3.6) / 1e6,
  },
  {
    name: 'gpt-5-nano flex (0.025 / 0.0025 / 0.20)',
    provider: 'openai',
    model: 'gpt-5-nano',
    at: at('2025-09-01'),
    usage: u({ input: 2000, cacheRead: 8000, output: 1000 }),
    serviceTier: 'flex',
    expected: (2000 * 0.025) / 1e6 + (8000 * 0.0025) / 1e6 + (1000 * 0.2) / 1e6,
  },
  {
    name: 'gpt-4o-2024-08-06 batch (1.25 / 5.00, LiteLLM)',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    at: at('2025-01-15'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: (1000 * 1.25) / 1e6 + (500 * 5) / 1e6,
  },
  {
    name: 'gpt-4o-2024-08-06 priority (4.25 / 2.125 / 17, Langfuse fast mode)',
    provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    at: at('2025-07-01'),
    usage: u({ input: 1000, cacheRead: 200, output: 500 }),
    serviceTier: 'priority',
    expected: (1000 * 4.25) / 1e6 + (200 * 2.125) / 1e6 + (500 * 17) / 1e6,
  },
  {
    name: 'gpt-4o-2024-05-13 batch (2.50 / 7.50)',
    provider: 'openai',
    model: 'gpt-4o-2024-05-13',
    at: at('2024-06-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: (1000 * 2.5) / 1e6 + (500 * 7.5) / 1e6,
  },
  {
    name: 'gpt-4o-mini 1 ms before its launch',
    provider: 'openai',
    model: 'gpt-4o-mini',
    at: justBefore('2024-07-18'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-4o-mini at launch (0.15 / cache 0.075 / 0.60)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    at: at('2024-07-18'),
    usage: u({ input: 10000, cacheRead: 4000, output: 1000 }),
    expected: (10000 * 0.15) / 1e6 + (4000 * 0.075) / 1e6 + (1000 * 0.6) / 1e6,
    resolved: 'gpt-4o-mini-2024-07-18',
  },
  {
    name: 'gpt-4o-mini priority (0.25 / 0.125 / 1.00)',
    provider: 'openai',
    model: 'gpt-4o-mini',
    at: at('2025-07-01'),
    usage: u({ input: 10000, cacheRead: 4000, output: 1000 }),
    serviceTier: 'priority',
    expected: (10000 * 0.25) / 1e6 + (4000 * 0.125) / 1e6 + (1000 * 1) / 1e6,
  },
  {
    name: 'text-embedding-3-small (0.02, input only)',
    provider: 'openai',
    model: 'text-embedding-3-small',
    at: at('2024-01-25'),
    usage: u({ input: 1000 }),
    expected: (1000 * 0.02) / 1e6,
  },
  {
    name: 'text-embedding-3-large batch (0.065)',
    provider: 'openai',
    model: 'text-embedding-3-large',
    at: at('2025-01-01'),
    usage: u({ input: 100000 }),
    serviceTier: 'batch',
    expected: (100000 * 0.065) / 1e6,
  },
  {
    name: 'text-embedding-3-large 1 ms before its launch',
    provider: 'openai',
    model: 'text-embedding-3-large',
    at: justBefore('2024-01-25'),
    usage: u({ input: 1000 }),
    expected: NO_PERIOD,
  },
  {
    name: 'azure.ai.openai prices from the OpenAI list (gpt-4.1)',
    provider: 'azure.ai.openai',
    model: 'gpt-4.1',
    at: at('2025-05-01'),
    usage: u({ input: 3000, cacheRead: 1000, output: 200 }),
    expected: (3000 * 2) / 1e6 + (1000 * 0.5) / 1e6 + (200 * 8) / 1e6,
  },
  {
    name: 'unknown OpenAI model is unpriced, never $0',
    provider: 'openai',
    model: 'gpt-4o-2099-01-01',
    at: at('2025-05-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: UNKNOWN,
  },
];

// ---------------------------------------------------------------------------------------------
// Anthropic
// ---------------------------------------------------------------------------------------------
const anthropic: Case[] = [
  // Claude 3.5 Haiku: 1/5 (write 1.25, read 0.10) cut to 0.80/4 (write 1, 1h 1.60, read 0.08).
  {
    name: 'claude-3-5-haiku 1 ms before the ~2024-12-16 cut, with cache read and 5m write',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-20241022',
    at: justBefore('2024-12-16'),
    usage: u({ input: 1000, cacheRead: 2000, cacheWrite5m: 400, output: 500 }),
    expected: (1000 * 1) / 1e6 + (2000 * 0.1) / 1e6 + (400 * 1.25) / 1e6 + (500 * 5) / 1e6,
    from: '2024-11-04',
  },
  {
    name: 'claude-3-5-haiku at the cut',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-20241022',
    at: at('2024-12-16'),
    usage: u({ input: 1000, cacheRead: 2000, cacheWrite5m: 400, output: 500 }),
    expected: (1000 * 0.8) / 1e6 + (2000 * 0.08) / 1e6 + (400 * 1) / 1e6 + (500 * 4) / 1e6,
    from: '2024-12-16',
  },
  {
    name: 'claude-3-5-haiku 1h write before the cut: no 1h price, billed as a 5m write (1.25)',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-20241022',
    at: justBefore('2024-12-16'),
    usage: u({ cacheWrite1h: 400, output: 500 }),
    expected: (400 * 1.25) / 1e6 + (500 * 5) / 1e6,
  },
  {
    name: 'claude-3-5-haiku 1h write after the cut (1.60)',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-20241022',
    at: at('2024-12-16'),
    usage: u({ cacheWrite1h: 400, output: 500 }),
    expected: (400 * 1.6) / 1e6 + (500 * 4) / 1e6,
  },
  {
    name: 'claude-3-5-haiku-latest 1 ms before the alias existed',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-latest',
    at: justBefore('2024-11-04'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-3-5-haiku-latest at 2024-11-04 -> 20241022 at 1/5',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-latest',
    at: at('2024-11-04'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 1) / 1e6 + (500 * 5) / 1e6,
    resolved: 'claude-3-5-haiku-20241022',
  },
  {
    name: 'claude-3-5-haiku-latest follows the cut',
    provider: 'anthropic',
    model: 'claude-3-5-haiku-latest',
    at: at('2024-12-16'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.8) / 1e6 + (500 * 4) / 1e6,
    resolved: 'claude-3-5-haiku-20241022',
  },
  // Claude 3.5 Sonnet snapshots and the -latest alias.
  {
    name: 'claude-3-5-sonnet-20240620 1 ms before its launch',
    provider: 'anthropic',
    model: 'claude-3-5-sonnet-20240620',
    at: justBefore('2024-06-20'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-3-5-sonnet-20240620 at launch with cache (3.75 / 6 / 0.30)',
    provider: 'anthropic',
    model: 'claude-3-5-sonnet-20240620',
    at: at('2024-06-20'),
    usage: u({ input: 1000, cacheRead: 5000, cacheWrite5m: 2000, cacheWrite1h: 1000, output: 500 }),
    expected:
      (1000 * 3) / 1e6 +
      (5000 * 0.3) / 1e6 +
      (2000 * 3.75) / 1e6 +
      (1000 * 6) / 1e6 +
      (500 * 15) / 1e6,
  },
  {
    name: 'claude-3-5-sonnet-latest 1 ms before 2024-10-22',
    provider: 'anthropic',
    model: 'claude-3-5-sonnet-latest',
    at: justBefore('2024-10-22'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-3-5-sonnet-latest at 2024-10-22 -> 20241022 at 3/15',
    provider: 'anthropic',
    model: 'claude-3-5-sonnet-latest',
    at: at('2024-10-22'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3) / 1e6 + (500 * 15) / 1e6,
    resolved: 'claude-3-5-sonnet-20241022',
  },
  {
    name: 'claude-3-7-sonnet-latest 1 ms before 2025-02-24',
    provider: 'anthropic',
    model: 'claude-3-7-sonnet-latest',
    at: justBefore('2025-02-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-3-7-sonnet-latest at 2025-02-24 -> 20250219, thinking billed as output',
    provider: 'anthropic',
    model: 'claude-3-7-sonnet-latest',
    at: at('2025-02-24'),
    usage: u({ input: 1000, output: 500, reasoning: 1500 }),
    expected: (1000 * 3) / 1e6 + (500 * 15) / 1e6 + (1500 * 15) / 1e6,
    resolved: 'claude-3-7-sonnet-20250219',
  },
  // Sonnet 4: the >200k tier (6 / 22.50, cache 7.50 / 12 / 0.60) from ~2025-08-12.
  {
    name: 'claude-sonnet-4 at 250k input 1 ms before the long-context period: base price',
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    at: justBefore('2025-08-12'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 3) / 1e6 + (1000 * 15) / 1e6,
    from: '2025-05-22',
  },
  {
    name: 'claude-sonnet-4 at 250k input at 2025-08-12: tier 6 / 22.50',
    provider: 'anthropic',
    model: 'claude-sonnet-4-0',
    at: at('2025-08-12'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 6) / 1e6 + (1000 * 22.5) / 1e6,
    resolved: 'claude-sonnet-4-20250514',
    from: '2025-08-12',
    tier: 200000,
  },
  {
    name: 'claude-sonnet-4 exactly 200,000 input tokens: base',
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    at: at('2025-09-01'),
    usage: u({ input: 200000, output: 1000 }),
    expected: (200000 * 3) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'claude-sonnet-4 200,001 input tokens (cache reads count): every bucket at the tier',
    provider: 'anthropic',
    model: 'claude-sonnet-4-20250514',
    at: at('2025-09-01'),
    usage: u({
      input: 1,
      cacheRead: 150000,
      cacheWrite5m: 30000,
      cacheWrite1h: 20000,
      output: 1000,
    }),
    expected:
      (1 * 6) / 1e6 +
      (150000 * 0.6) / 1e6 +
      (30000 * 7.5) / 1e6 +
      (20000 * 12) / 1e6 +
      (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  // Sonnet 4.5: the cliff at 200k.
  {
    name: 'claude-sonnet-4-5 1 ms before its launch',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    at: justBefore('2025-09-29'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-sonnet-4-5 199,999 input tokens: base 3 / 15',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    at: at('2025-09-29'),
    usage: u({ input: 199999, output: 1000 }),
    expected: (199999 * 3) / 1e6 + (1000 * 15) / 1e6,
    resolved: 'claude-sonnet-4-5-20250929',
  },
  {
    name: 'claude-sonnet-4-5 200,000 input tokens: base (the tier is above 200k)',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    at: at('2025-10-01'),
    usage: u({ input: 200000, output: 1000 }),
    expected: (200000 * 3) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'claude-sonnet-4-5 200,001 input tokens: whole request at 6 / 22.50',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    at: at('2025-10-01'),
    usage: u({ input: 200001, output: 1000 }),
    expected: (200001 * 6) / 1e6 + (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  {
    name: 'claude-sonnet-4-5 50,000 + 149,999 cache read + 1 write = 200,000: base with cache prices',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    at: at('2025-10-01'),
    usage: u({ input: 50000, cacheRead: 149999, cacheWrite5m: 1, output: 1000 }),
    expected: (50000 * 3) / 1e6 + (149999 * 0.3) / 1e6 + (1 * 3.75) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'claude-sonnet-4-5 50,000 + 150,001 cache read = 200,001: tier cache prices',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    at: at('2025-10-01'),
    usage: u({ input: 50000, cacheRead: 150001, cacheWrite1h: 0, output: 1000 }),
    expected: (50000 * 6) / 1e6 + (150001 * 0.6) / 1e6 + (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  {
    name: 'claude-sonnet-4-5 batch with cache (half of 3 / 0.30 / 15)',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    at: at('2025-10-01'),
    usage: u({ input: 1000, cacheRead: 5000, output: 500 }),
    serviceTier: 'batch',
    expected: (1000 * 1.5) / 1e6 + (5000 * 0.15) / 1e6 + (500 * 7.5) / 1e6,
  },
  // Haiku 4.5, Opus 4 / 4.1 / 4.5.
  {
    name: 'claude-haiku-4-5 1 ms before its launch',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    at: justBefore('2025-10-15'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-haiku-4-5 at launch, every cache bucket (1.25 / 2 / 0.10)',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    at: at('2025-10-15'),
    usage: u({
      input: 1000,
      cacheRead: 10000,
      cacheWrite5m: 2000,
      cacheWrite1h: 3000,
      output: 700,
    }),
    expected:
      (1000 * 1) / 1e6 +
      (10000 * 0.1) / 1e6 +
      (2000 * 1.25) / 1e6 +
      (3000 * 2) / 1e6 +
      (700 * 5) / 1e6,
    resolved: 'claude-haiku-4-5-20251001',
  },
  {
    name: 'claude-3-haiku cache prices from the pricing page (0.30 / 0.50 / 0.03)',
    provider: 'anthropic',
    model: 'claude-3-haiku-20240307',
    at: at('2025-01-01'),
    usage: u({
      input: 1000,
      cacheRead: 10000,
      cacheWrite5m: 2000,
      cacheWrite1h: 3000,
      output: 700,
    }),
    expected:
      (1000 * 0.25) / 1e6 +
      (10000 * 0.03) / 1e6 +
      (2000 * 0.3) / 1e6 +
      (3000 * 0.5) / 1e6 +
      (700 * 1.25) / 1e6,
  },
  {
    name: 'claude-3-haiku 1 ms before its launch',
    provider: 'anthropic',
    model: 'claude-3-haiku-20240307',
    at: justBefore('2024-03-13'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-opus-4 (15 / 75, cache 18.75 / 30 / 1.50)',
    provider: 'anthropic',
    model: 'claude-opus-4-0',
    at: at('2025-05-22'),
    usage: u({ input: 1000, cacheRead: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000, output: 500 }),
    expected:
      (1000 * 15) / 1e6 +
      (1000 * 1.5) / 1e6 +
      (1000 * 18.75) / 1e6 +
      (1000 * 30) / 1e6 +
      (500 * 75) / 1e6,
    resolved: 'claude-opus-4-20250514',
  },
  {
    name: 'claude-opus-4-1 1 ms before its launch',
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    at: justBefore('2025-08-05'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-opus-4-1 at launch (15 / 75)',
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    at: at('2025-08-05'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 15) / 1e6 + (500 * 75) / 1e6,
    resolved: 'claude-opus-4-1-20250805',
  },
  {
    name: 'claude-opus-4-5 1 ms before its launch (a new id, not a reprice)',
    provider: 'anthropic',
    model: 'claude-opus-4-5',
    at: justBefore('2025-11-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-opus-4-5 at launch (5 / 25, cache 6.25 / 10 / 0.50)',
    provider: 'anthropic',
    model: 'claude-opus-4-5',
    at: at('2025-11-24'),
    usage: u({ input: 1000, cacheRead: 1000, cacheWrite5m: 1000, cacheWrite1h: 1000, output: 500 }),
    expected:
      (1000 * 5) / 1e6 +
      (1000 * 0.5) / 1e6 +
      (1000 * 6.25) / 1e6 +
      (1000 * 10) / 1e6 +
      (500 * 25) / 1e6,
    resolved: 'claude-opus-4-5-20251101',
  },
  {
    name: 'claude-opus-4-1 keeps 15 / 75 after Opus 4.5 launched',
    provider: 'anthropic',
    model: 'claude-opus-4-1-20250805',
    at: at('2025-11-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 15) / 1e6 + (500 * 75) / 1e6,
  },
  {
    name: 'unknown Anthropic model is unpriced, never $0',
    provider: 'anthropic',
    model: 'claude-4-imaginary-20990101',
    at: at('2025-05-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: UNKNOWN,
  },
];

// ---------------------------------------------------------------------------------------------
// Google Gemini
// ---------------------------------------------------------------------------------------------
const google: Case[] = [
  // gemini-1.5-pro: 3.50/10.50 (>128k 7/21) cut to 1.25/5 (>128k 2.50/10) on ~2024-10-01.
  {
    name: 'gemini-1.5-pro 1 ms before its first period',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: justBefore('2024-05-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gemini-1.5-pro-002 <=128k 1 ms before the 2024-10-01 cut',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro-002',
    at: justBefore('2024-10-01'),
    usage: u({ input: 100000, output: 1000 }),
    expected: (100000 * 3.5) / 1e6 + (1000 * 10.5) / 1e6,
    resolved: 'gemini-1.5-pro',
    from: '2024-05-01',
  },
  {
    name: 'gemini-1.5-pro-002 <=128k at the cut',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro-002',
    at: at('2024-10-01'),
    usage: u({ input: 100000, output: 1000 }),
    expected: (100000 * 1.25) / 1e6 + (1000 * 5) / 1e6,
    resolved: 'gemini-1.5-pro',
    from: '2024-10-01',
  },
  {
    name: 'gemini-1.5-pro >128k 1 ms before the cut (7 / 21)',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: justBefore('2024-10-01'),
    usage: u({ input: 130000, output: 1000 }),
    expected: (130000 * 7) / 1e6 + (1000 * 21) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-pro >128k at the cut (2.50 / 10)',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: at('2024-10-01'),
    usage: u({ input: 130000, output: 1000 }),
    expected: (130000 * 2.5) / 1e6 + (1000 * 10) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-pro exactly 128,000 input tokens: base',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: at('2024-11-01'),
    usage: u({ input: 128000, output: 1000 }),
    expected: (128000 * 1.25) / 1e6 + (1000 * 5) / 1e6,
  },
  {
    name: 'gemini-1.5-pro 128,001 input tokens: whole request at the tier',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: at('2024-11-01'),
    usage: u({ input: 128001, output: 1000 }),
    expected: (128001 * 2.5) / 1e6 + (1000 * 10) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-pro before the cut, exactly 128,000 input tokens: base 3.50 / 10.50',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: at('2024-06-01'),
    usage: u({ input: 128000, output: 1000 }),
    expected: (128000 * 3.5) / 1e6 + (1000 * 10.5) / 1e6,
  },
  {
    name: 'gemini-1.5-pro before the cut, 128,001 input tokens: tier 7 / 21',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-pro',
    at: at('2024-06-01'),
    usage: u({ input: 128001, output: 1000 }),
    expected: (128001 * 7) / 1e6 + (1000 * 21) / 1e6,
    tier: 128000,
  },
  // gemini-1.5-flash: 0.35/1.05 (>128k 0.70/2.10, no cache price) cut to 0.075/0.30 (>128k
  // 0.15/0.60; cache 0.01875/0.0375) on ~2024-08-12.
  {
    name: 'gemini-1.5-flash 1 ms before the 2024-08-12 cut: cached tokens at the input price',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash',
    at: justBefore('2024-08-12'),
    usage: u({ input: 10000, cacheRead: 4000, output: 1000 }),
    expected: (10000 * 0.35) / 1e6 + (4000 * 0.35) / 1e6 + (1000 * 1.05) / 1e6,
    from: '2024-05-01',
  },
  {
    name: 'gemini-1.5-flash at the cut with cache 0.01875',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash-001',
    at: at('2024-08-12'),
    usage: u({ input: 10000, cacheRead: 4000, output: 1000 }),
    expected: (10000 * 0.075) / 1e6 + (4000 * 0.01875) / 1e6 + (1000 * 0.3) / 1e6,
    resolved: 'gemini-1.5-flash',
    from: '2024-08-12',
  },
  {
    name: 'gemini-1.5-flash >128k 1 ms before the cut (0.70 / 2.10)',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash',
    at: justBefore('2024-08-12'),
    usage: u({ input: 200000, output: 1000 }),
    expected: (200000 * 0.7) / 1e6 + (1000 * 2.1) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-flash >128k at the cut, cache 0.0375',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash',
    at: at('2024-08-12'),
    usage: u({ input: 100000, cacheRead: 50000, output: 1000 }),
    expected: (100000 * 0.15) / 1e6 + (50000 * 0.0375) / 1e6 + (1000 * 0.6) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-flash before the cut, 127,999 input tokens: base 0.35 / 1.05',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash',
    at: at('2024-07-01'),
    usage: u({ input: 127999, output: 1000 }),
    expected: (127999 * 0.35) / 1e6 + (1000 * 1.05) / 1e6,
  },
  {
    name: 'gemini-1.5-flash before the cut, 128,001 input tokens: tier 0.70 / 2.10',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash',
    at: at('2024-07-01'),
    usage: u({ input: 128001, output: 1000 }),
    expected: (128001 * 0.7) / 1e6 + (1000 * 2.1) / 1e6,
    tier: 128000,
  },
  {
    name: 'gemini-1.5-flash after the cut, 100,000 + 28,000 cached = 128,000: base with cache',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash-002',
    at: at('2024-11-01'),
    usage: u({ input: 100000, cacheRead: 28000, output: 1000 }),
    expected: (100000 * 0.075) / 1e6 + (28000 * 0.01875) / 1e6 + (1000 * 0.3) / 1e6,
  },
  {
    name: 'gemini-1.5-flash after the cut, 100,000 + 28,001 cached = 128,001: tier with cache',
    provider: 'gcp.gemini',
    model: 'gemini-1.5-flash-002',
    at: at('2024-11-01'),
    usage: u({ input: 100000, cacheRead: 28001, output: 1000 }),
    expected: (100000 * 0.15) / 1e6 + (28001 * 0.0375) / 1e6 + (1000 * 0.6) / 1e6,
    tier: 128000,
  },
  // Gemini 2.0 and 2.5.
  {
    name: 'gemini-2.0-flash 1 ms before GA',
    provider: 'gcp.gemini',
    model: 'gemini-2.0-flash',
    at: justBefore('2025-02-05'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gemini-2.0-flash at GA (0.10 / cache 0.025 / 0.40)',
    provider: 'gcp.gemini',
    model: 'gemini-2.0-flash-001',
    at: at('2025-02-05'),
    usage: u({ input: 10000, cacheRead: 4000, output: 1000 }),
    expected: (10000 * 0.1) / 1e6 + (4000 * 0.025) / 1e6 + (1000 * 0.4) / 1e6,
    resolved: 'gemini-2.0-flash',
  },
  {
    name: 'gemini-2.0-flash batch (0.05 / 0.20)',
    provider: 'gcp.gemini',
    model: 'gemini-2.0-flash',
    at: at('2025-08-01'),
    usage: u({ input: 10000, output: 1000 }),
    serviceTier: 'batch',
    expected: (10000 * 0.05) / 1e6 + (1000 * 0.2) / 1e6,
  },
  {
    name: 'gemini-2.0-flash-lite (0.075 / 0.30)',
    provider: 'gcp.gemini',
    model: 'gemini-2.0-flash-lite',
    at: at('2025-02-05'),
    usage: u({ input: 10000, output: 1000 }),
    expected: (10000 * 0.075) / 1e6 + (1000 * 0.3) / 1e6,
  },
  {
    name: 'gemini-2.5-pro 1 ms before its first period',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-pro-preview-03-25',
    at: justBefore('2025-04-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gemini-2.5-pro 150,000 + 50,000 cached = 200,000: base, thinking at output price',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-pro',
    at: at('2025-04-01'),
    usage: u({ input: 150000, cacheRead: 50000, output: 1000, reasoning: 500 }),
    expected: (150000 * 1.25) / 1e6 + (50000 * 0.125) / 1e6 + (1000 * 10) / 1e6 + (500 * 10) / 1e6,
  },
  {
    name: 'gemini-2.5-pro 150,000 + 50,001 cached = 200,001: tier 2.50 / 0.25 / 15 (Vertex alias)',
    provider: 'gcp.vertex_ai',
    model: 'gemini-2.5-pro',
    at: at('2025-07-01'),
    usage: u({ input: 150000, cacheRead: 50001, output: 1000, reasoning: 500 }),
    expected: (150000 * 2.5) / 1e6 + (50001 * 0.25) / 1e6 + (1000 * 15) / 1e6 + (500 * 15) / 1e6,
    tier: 200000,
  },
  // 2.5 Flash: preview id (thinking priced apart) then GA id at a new price from ~2025-06-17.
  {
    name: 'gemini-2.5-flash-preview-04-17 1 ms before its launch',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-preview-04-17',
    at: justBefore('2025-04-17'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gemini-2.5-flash-preview-04-17: 0.15 in, 0.60 output, 3.50 thinking',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-preview-04-17',
    at: at('2025-04-17'),
    usage: u({ input: 10000, output: 1000, reasoning: 3000 }),
    expected: (10000 * 0.15) / 1e6 + (1000 * 0.6) / 1e6 + (3000 * 3.5) / 1e6,
  },
  {
    name: 'gemini-2.5-flash GA id 1 ms before ~2025-06-17',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash',
    at: justBefore('2025-06-17'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gemini-2.5-flash GA at 2025-06-17: 0.30 / cache 0.03 / 2.50 (thinking included)',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash',
    at: at('2025-06-17'),
    usage: u({ input: 10000, cacheRead: 2000, output: 1000, reasoning: 3000 }),
    expected: (10000 * 0.3) / 1e6 + (2000 * 0.03) / 1e6 + (1000 * 2.5) / 1e6 + (3000 * 2.5) / 1e6,
    from: '2025-06-17',
  },
  {
    name: 'the preview id keeps its own price after GA',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-preview-05-20',
    at: at('2025-06-17'),
    usage: u({ input: 10000, output: 1000, reasoning: 3000 }),
    expected: (10000 * 0.15) / 1e6 + (1000 * 0.6) / 1e6 + (3000 * 3.5) / 1e6,
    resolved: 'gemini-2.5-flash-preview-04-17',
  },
  {
    name: 'gemini-2.5-flash-lite (0.10 / cache 0.01 / 0.40), gcp.gen_ai alias',
    provider: 'gcp.gen_ai',
    model: 'gemini-2.5-flash-lite',
    at: at('2025-08-01'),
    usage: u({ input: 10000, cacheRead: 5000, output: 1000 }),
    expected: (10000 * 0.1) / 1e6 + (5000 * 0.01) / 1e6 + (1000 * 0.4) / 1e6,
  },
  {
    name: 'gemini-2.5-flash-lite 1 ms before its first period',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-lite-preview-06-17',
    at: justBefore('2025-06-17'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'unknown Gemini model is unpriced, never $0',
    provider: 'gcp.gemini',
    model: 'gemini-9.9-ultra',
    at: at('2025-05-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: UNKNOWN,
  },
];

// ---------------------------------------------------------------------------------------------
// AWS Bedrock
// ---------------------------------------------------------------------------------------------
const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const ARN_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/';
const bedrock: Case[] = [
  {
    name: 'us. Claude 3.5 Haiku 1 ms before the ~2024-12-16 cut (no uplift for <= 4.1)',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    at: justBefore('2024-12-16'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    expected: (1000 * 1) / 1e6 + (2000 * 0.1) / 1e6 + (500 * 5) / 1e6,
    resolved: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    from: '2024-11-04',
  },
  {
    name: 'us. Claude 3.5 Haiku at the cut',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    at: at('2024-12-16'),
    usage: u({ input: 1000, cacheRead: 2000, output: 500 }),
    expected: (1000 * 0.8) / 1e6 + (2000 * 0.08) / 1e6 + (500 * 4) / 1e6,
    from: '2024-12-16',
  },
  {
    name: 'us. Sonnet 4 at 250k input 1 ms before the long-context period',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    at: justBefore('2025-08-12'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 3) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'us. Sonnet 4 at 250k input at 2025-08-12: tier 6 / 22.50',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    at: at('2025-08-12'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 6) / 1e6 + (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  {
    name: 'us. Sonnet 4 exactly 200,000 input tokens (cache included): base',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    at: at('2025-09-01'),
    usage: u({ input: 100000, cacheRead: 100000, output: 1000 }),
    expected: (100000 * 3) / 1e6 + (100000 * 0.3) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'us. Sonnet 4 200,001 input tokens (cache included): tier, no uplift',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    at: at('2025-09-01'),
    usage: u({ input: 100000, cacheRead: 100001, output: 1000 }),
    expected: (100000 * 6) / 1e6 + (100001 * 0.6) / 1e6 + (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  {
    name: 'Sonnet 4.5 1 ms before its launch',
    provider: 'aws.bedrock',
    model: `global.${SONNET_45}`,
    at: justBefore('2025-09-29'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'global. Sonnet 4.5: the global price 3 / 15, cache 3.75 / 0.30',
    provider: 'aws.bedrock',
    model: `global.${SONNET_45}`,
    at: at('2025-09-29'),
    usage: u({ input: 1000, cacheRead: 200, cacheWrite5m: 100, output: 500 }),
    expected: (1000 * 3) / 1e6 + (200 * 0.3) / 1e6 + (100 * 3.75) / 1e6 + (500 * 15) / 1e6,
    resolved: SONNET_45,
  },
  ...['us', 'eu', 'apac', 'jp', 'au'].map(
    (geo): Case => ({
      name: `${geo}. Sonnet 4.5: +10% regional, 3.30 / 16.50, cache 4.125 / 0.33`,
      provider: 'aws.bedrock',
      model: `${geo}.${SONNET_45}`,
      at: at('2025-10-01'),
      usage: u({ input: 1000, cacheRead: 200, cacheWrite5m: 100, output: 500 }),
      expected: (1000 * 3.3) / 1e6 + (200 * 0.33) / 1e6 + (100 * 4.125) / 1e6 + (500 * 16.5) / 1e6,
      resolved: SONNET_45,
    }),
  ),
  {
    name: 'in-region Sonnet 4.5 (no prefix): +10%',
    provider: 'aws.bedrock',
    model: SONNET_45,
    at: at('2025-10-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3.3) / 1e6 + (500 * 16.5) / 1e6,
  },
  {
    name: 'inference-profile ARN of us. Sonnet 4.5: +10%',
    provider: 'aws.bedrock',
    model: `${ARN_PROFILE}us.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3.3) / 1e6 + (500 * 16.5) / 1e6,
    resolved: SONNET_45,
  },
  {
    name: 'inference-profile ARN of global. Sonnet 4.5: global price',
    provider: 'aws.bedrock',
    model: `${ARN_PROFILE}global.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3) / 1e6 + (500 * 15) / 1e6,
    resolved: SONNET_45,
  },
  {
    name: 'global. Sonnet 4.5 199,999 input tokens: base',
    provider: 'aws.bedrock',
    model: `global.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 199999, output: 1000 }),
    expected: (199999 * 3) / 1e6 + (1000 * 15) / 1e6,
  },
  {
    name: 'global. Sonnet 4.5 200,001 input tokens: tier 6 / 22.50',
    provider: 'aws.bedrock',
    model: `global.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 200001, output: 1000 }),
    expected: (200001 * 6) / 1e6 + (1000 * 22.5) / 1e6,
    tier: 200000,
  },
  {
    name: 'us. Sonnet 4.5 200,001 input tokens: tier with uplift, 6.60 / 24.75',
    provider: 'aws.bedrock',
    model: `us.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 200001, output: 1000 }),
    expected: (200001 * 6.6) / 1e6 + (1000 * 24.75) / 1e6,
    tier: 200000,
  },
  {
    name: 'us. Sonnet 4.5 batch: 50% of the regional price, 1.65 / 8.25',
    provider: 'aws.bedrock',
    model: `us.${SONNET_45}`,
    at: at('2025-10-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: (1000 * 1.65) / 1e6 + (500 * 8.25) / 1e6,
  },
  {
    name: 'us. Haiku 4.5 with cache: 1.10 / 5.50, cache 1.375 / 0.11',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    at: at('2025-10-15'),
    usage: u({ input: 1000, cacheRead: 10000, cacheWrite5m: 2000, output: 500 }),
    expected: (1000 * 1.1) / 1e6 + (10000 * 0.11) / 1e6 + (2000 * 1.375) / 1e6 + (500 * 5.5) / 1e6,
  },
  {
    name: 'Haiku 4.5 1 ms before its launch',
    provider: 'aws.bedrock',
    model: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    at: justBefore('2025-10-15'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'Opus 4.5 1 ms before its launch',
    provider: 'aws.bedrock',
    model: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
    at: justBefore('2025-11-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'global. Opus 4.5 at launch (5 / 25)',
    provider: 'aws.bedrock',
    model: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
    at: at('2025-11-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 5) / 1e6 + (500 * 25) / 1e6,
  },
  {
    name: 'apac. Opus 4.5 (5.50 / 27.50)',
    provider: 'aws.bedrock',
    model: 'apac.anthropic.claude-opus-4-5-20251101-v1:0',
    at: at('2025-11-24'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 5.5) / 1e6 + (500 * 27.5) / 1e6,
  },
  {
    name: 'eu. Opus 4.1: Anthropic list price, no uplift',
    provider: 'aws.bedrock',
    model: 'eu.anthropic.claude-opus-4-1-20250805-v1:0',
    at: at('2025-09-01'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 15) / 1e6 + (1000 * 1.5) / 1e6 + (500 * 75) / 1e6,
  },
  {
    name: 'us. Opus 4 (15 / 75)',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-opus-4-20250514-v1:0',
    at: at('2025-05-22'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 15) / 1e6 + (500 * 75) / 1e6,
  },
  {
    name: 'us. Claude 3.7 Sonnet with a 5m cache write, no uplift',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    at: at('2025-03-01'),
    usage: u({ input: 1000, cacheWrite5m: 2000, output: 500 }),
    expected: (1000 * 3) / 1e6 + (2000 * 3.75) / 1e6 + (500 * 15) / 1e6,
  },
  {
    name: 'foundation-model ARN of Claude 3.5 Sonnet v1 (3 / 15)',
    provider: 'aws.bedrock',
    model: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    at: at('2024-07-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3) / 1e6 + (500 * 15) / 1e6,
    resolved: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  },
  {
    name: 'Claude 3.5 Sonnet v2 1 ms before its launch',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    at: justBefore('2024-10-22'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'us. Claude 3.5 Sonnet v2 at launch (3 / 15)',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    at: at('2024-10-22'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 3) / 1e6 + (500 * 15) / 1e6,
  },
  {
    name: 'apac. Claude 3 Haiku: no Bedrock cache price, cached tokens at the input price',
    provider: 'aws.bedrock',
    model: 'apac.anthropic.claude-3-haiku-20240307-v1:0',
    at: at('2024-06-01'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 0.25) / 1e6 + (1000 * 0.25) / 1e6 + (500 * 1.25) / 1e6,
  },
  {
    name: 'application-inference-profile ARN names no model: unpriced',
    provider: 'aws.bedrock',
    model: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
    at: at('2025-10-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: UNKNOWN,
  },
];

describe('shipped price history: OpenAI', () => {
  it.each(openai.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('shipped price history: Anthropic', () => {
  it.each(anthropic.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('shipped price history: Google Gemini', () => {
  it.each(google.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});
describe('shipped price history: AWS Bedrock', () => {
  it.each(bedrock.map((c) => [c.name, c] as const))('%s', (_n, c) => run(c));
});

/**
 * Completeness: every dated instant in the shipped files (period starts, moving-alias targets,
 * tier thresholds) must be exercised by a hand-written case above, so a new dated change in the
 * data fails here until someone writes its before/after expectations.
 */
describe('shipped price history: every dated change has a hand-written case', () => {
  // The 2026 models' hand-written cases live in price-current-models.cases.ts.
  const all: Case[] = [...openai, ...anthropic, ...google, ...bedrock, ...currentModelCases];
  const files: [string, ProviderPriceFile][] = (
    ['openai', 'anthropic', 'google', 'aws-bedrock'] as const
  ).map((f) => [
    f,
    JSON.parse(
      readFileSync(new URL(`../src/prices/data/${f}.json`, import.meta.url), 'utf8'),
    ) as ProviderPriceFile,
  ]);

  const covered = (provider: string, ids: string[], date: string) => {
    const t = at(date);
    const matches = (c: Case) =>
      (c.provider === provider || (provider === 'gcp.gemini' && c.provider.startsWith('gcp.'))) &&
      ids.some((id) => c.model === id || c.model.endsWith(`.${id}`) || c.model.endsWith(`/${id}`));
    const before = all.some((c) => matches(c) && c.at === t - 1);
    const after = all.some((c) => matches(c) && c.at === t);
    return before && after;
  };

  for (const [file, data] of files) {
    it(`${file}: each period start after the first has a case 1 ms before and at it`, () => {
      const missing: string[] = [];
      for (const m of data.models) {
        const ids = [m.id, ...(m.aliases ?? [])];
        for (const p of m.periods.slice(1)) {
          if (!covered(data.provider, ids, p.effectiveFrom))
            missing.push(`${m.id}@${p.effectiveFrom}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it(`${file}: each moving-alias target has a case 1 ms before and at it`, () => {
      const missing: string[] = [];
      for (const a of data.movingAliases ?? []) {
        for (const t of a.targets) {
          if (!covered(data.provider, [a.alias], t.effectiveFrom)) {
            missing.push(`${a.alias}@${t.effectiveFrom}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });

    it(`${file}: each tier threshold of each period is tested at/just below and just above it`, () => {
      const missing: string[] = [];
      const totalInput = (c: Case) =>
        c.usage.input + c.usage.cacheRead + c.usage.cacheWrite5m + c.usage.cacheWrite1h;
      for (const m of data.models) {
        const ids = [m.id, ...(m.aliases ?? [])];
        m.periods.forEach((p, i) => {
          const from = at(p.effectiveFrom);
          const next = m.periods[i + 1];
          const to = next ? at(next.effectiveFrom) : Number.POSITIVE_INFINITY;
          const cases = all.filter(
            (c) =>
              typeof c.expected === 'number' &&
              c.at >= from &&
              c.at < to &&
              ids.some((id) => c.model === id || c.model.endsWith(`.${id}`)),
          );
          for (const tier of p.tiers ?? []) {
            const threshold = tier.aboveInputTokens;
            const below = cases.some(
              (c) => totalInput(c) <= threshold && totalInput(c) >= threshold - 1,
            );
            const above = cases.some((c) => totalInput(c) === threshold + 1);
            if (!below || !above) missing.push(`${m.id}@${p.effectiveFrom} > ${threshold}`);
          }
        });
      }
      expect(missing).toEqual([]);
    });
  }
});
