/**
 * Hand-written cases for the models the 2026 import added (genai-prices 47df840 + overrides).
 * Expected costs are arithmetic on literal prices (USD per 1M tokens) copied from the dataset
 * entries in data-sources/genai-prices/data.v2.trimmed.json and its price_comments, never read
 * from the book under test. Used by price-current-models.test.ts and by price-history.test.ts'
 * completeness check (every dated change and cliff has a case just before and at it).
 */
import type { BucketUsage, ServiceTier, ToolCalls, UnpricedReason } from '@ai-margin/processor';

export interface CurrentCase {
  name: string;
  provider: string;
  model: string;
  at: number;
  usage: BucketUsage;
  serviceTier?: ServiceTier;
  /** Server-tool calls billed per call (web search). */
  toolCalls?: Partial<ToolCalls>;
  expected: number | { unpriced: UnpricedReason };
  resolved?: string;
  from?: string;
  tier?: number;
}

const at = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
const justBefore = (date: string): number => at(date) - 1;
const M = 1e6;

function u(partial: Partial<BucketUsage>): BucketUsage {
  return {
    input: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWrite30m: 0,
    cacheWrite12h: 0,
    output: 0,
    reasoning: 0,
    ...partial,
  };
}

const NO_PERIOD = { unpriced: 'no_period' } as const;
const UNKNOWN = { unpriced: 'unknown_model' } as const;
const NO_RETENTION = { unpriced: 'missing_usage_detail' } as const;

export const openaiCases: CurrentCase[] = [
  // gpt-5.2: launch from the dated snapshot id gpt-5.2-2025-12-11; 1.75 / cache 0.175 / 14.
  {
    name: 'gpt-5.2 1 ms before its 2025-12-11 launch is unpriced',
    provider: 'openai',
    model: 'gpt-5.2',
    at: justBefore('2025-12-11'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-5.2 at launch: 1.75 / 14, cache read 0.175',
    provider: 'openai',
    model: 'gpt-5.2',
    at: at('2025-12-11'),
    usage: u({ input: 1000, cacheRead: 4000, output: 500 }),
    expected: (1000 * 1.75) / M + (4000 * 0.175) / M + (500 * 14) / M,
    resolved: 'gpt-5.2',
    from: '2025-12-11',
  },
  {
    name: 'gpt-5.2-2025-12-11 snapshot id is an alias, batch 50%',
    provider: 'openai',
    model: 'gpt-5.2-2025-12-11',
    at: at('2026-12-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: ((1000 * 1.75) / M + (500 * 14) / M) * 0.5,
    resolved: 'gpt-5.2',
  },
  // gpt-5.4 (2026-03-05): 2.5 / 15, cache 0.25; above 272K input: 5 / 22.5, cache 0.5.
  {
    name: 'gpt-5.4 at exactly 272,000 input tokens: base prices',
    provider: 'openai',
    model: 'gpt-5.4',
    at: at('2026-06-01'),
    usage: u({ input: 262000, cacheRead: 10000, output: 1000 }),
    expected: (262000 * 2.5) / M + (10000 * 0.25) / M + (1000 * 15) / M,
  },
  {
    name: 'gpt-5.4 at 272,001 input tokens: every token at the long-context price',
    provider: 'openai',
    model: 'gpt-5.4',
    at: at('2026-06-01'),
    usage: u({ input: 262001, cacheRead: 10000, output: 1000 }),
    expected: (262001 * 5) / M + (10000 * 0.5) / M + (1000 * 22.5) / M,
    tier: 272000,
  },
  // gpt-5.4-pro: 30 / 180; above 272K: 60 / 270.
  {
    name: 'gpt-5.4-pro at 272,000: 30 / 180',
    provider: 'openai',
    model: 'gpt-5.4-pro',
    at: at('2026-06-01'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 30) / M + (1000 * 180) / M,
  },
  {
    name: 'gpt-5.4-pro at 272,001: 60 / 270',
    provider: 'openai',
    model: 'gpt-5.4-pro',
    at: at('2026-06-01'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 60) / M + (1000 * 270) / M,
    tier: 272000,
  },
  // gpt-5.6-sol: 5 / 30, cache 0.5; above 272K: 10 / 45, cache 1. `gpt-5.6` names Sol.
  {
    name: 'gpt-5.6 (alias of Sol) at 272,000',
    provider: 'openai',
    model: 'gpt-5.6',
    at: at('2026-08-15'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 5) / M + (1000 * 30) / M,
    resolved: 'gpt-5.6-sol',
  },
  {
    name: 'gpt-5.6-sol at 272,001 (cache read included in the threshold)',
    provider: 'openai',
    model: 'gpt-5.6-sol',
    at: at('2026-08-15'),
    usage: u({ input: 200001, cacheRead: 72000, output: 1000 }),
    expected: (200001 * 10) / M + (72000 * 1) / M + (1000 * 45) / M,
    tier: 272000,
  },
  // gpt-5.6-terra: 2.5 / 15 (cache 0.25; >272K 5 / 22.5 / 0.5) until 2026-07-30, then 20% off:
  // 2 / 12 (cache 0.2; >272K 4 / 18 / 0.4).
  {
    name: 'gpt-5.6-terra 1 ms before the 2026-07-30 cut: 2.5 / 15',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: justBefore('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2.5) / M + (500 * 15) / M,
  },
  {
    name: 'gpt-5.6-terra at the 2026-07-30 cut: 2 / 12',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: at('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2) / M + (500 * 12) / M,
    from: '2026-07-30',
  },
  {
    name: 'gpt-5.6-terra before the cut at 272,000',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: at('2026-07-20'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 2.5) / M + (1000 * 15) / M,
  },
  {
    name: 'gpt-5.6-terra before the cut at 272,001',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: at('2026-07-20'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 5) / M + (1000 * 22.5) / M,
    tier: 272000,
  },
  {
    name: 'gpt-5.6-terra after the cut at 272,000',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: at('2026-09-01'),
    usage: u({ input: 262000, cacheRead: 10000, output: 1000 }),
    expected: (262000 * 2) / M + (10000 * 0.2) / M + (1000 * 12) / M,
  },
  {
    name: 'gpt-5.6-terra after the cut at 272,001',
    provider: 'openai',
    model: 'gpt-5.6-terra',
    at: at('2026-09-01'),
    usage: u({ input: 262001, cacheRead: 10000, output: 1000 }),
    expected: (262001 * 4) / M + (10000 * 0.4) / M + (1000 * 18) / M,
    tier: 272000,
  },
  // gpt-5.6-luna: 1 / 6 (cache 0.1; >272K 2 / 9 / 0.2) until 2026-07-30, then 80% off:
  // 0.2 / 1.2 (cache 0.02; >272K 0.4 / 1.8 / 0.04).
  {
    name: 'gpt-5.6-luna 1 ms before the 2026-07-30 cut: 1 / 6',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: justBefore('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 1) / M + (500 * 6) / M,
  },
  {
    name: 'gpt-5.6-luna at the 2026-07-30 cut: 0.2 / 1.2',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.2) / M + (500 * 1.2) / M,
    from: '2026-07-30',
  },
  {
    name: 'gpt-5.6-luna before the cut at 272,000',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-07-20'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 1) / M + (1000 * 6) / M,
  },
  {
    name: 'gpt-5.6-luna before the cut at 272,001',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-07-20'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 2) / M + (1000 * 9) / M,
    tier: 272000,
  },
  {
    name: 'gpt-5.6-luna after the cut at 272,000',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-12-01'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 0.2) / M + (1000 * 1.2) / M,
  },
  {
    name: 'gpt-5.6-luna after the cut at 272,001, batch 50%',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-12-01'),
    usage: u({ input: 272001, output: 1000 }),
    serviceTier: 'batch',
    expected: ((272001 * 0.4) / M + (1000 * 1.8) / M) * 0.5,
    tier: 272000,
  },
  {
    name: 'gpt-5.6-sol-mini is not in any dataset: unpriced, never $0',
    provider: 'openai',
    model: 'gpt-5.6-sol-mini',
    at: at('2026-12-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: UNKNOWN,
  },
  // OpenAI cache writes (genai-prices cache_write_mtok, "billed at 1.25x the uncached input
  // rate"): 30-minute writes. gpt-5.6-luna 1.25 (>272K 2.5) until 2026-07-30, then 0.25 (0.5).
  {
    name: 'gpt-5.6-luna 30-min cache writes 1 ms before the 2026-07-30 cut: 1.25',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: justBefore('2026-07-30'),
    usage: u({ input: 10000, cacheWrite30m: 20000, output: 1000 }),
    expected: (10000 * 1) / M + (20000 * 1.25) / M + (1000 * 6) / M,
  },
  {
    name: 'gpt-5.6-luna 30-min cache writes at the 2026-07-30 cut: 0.25',
    provider: 'openai',
    model: 'gpt-5.6-luna',
    at: at('2026-07-30'),
    usage: u({ input: 10000, cacheWrite30m: 20000, output: 1000 }),
    expected: (10000 * 0.2) / M + (20000 * 0.25) / M + (1000 * 1.2) / M,
  },
  {
    name: 'gpt-5.6-sol: 30-min cache writes count toward the 272K cliff (6.25 -> 12.5)',
    provider: 'openai',
    model: 'gpt-5.6-sol',
    at: at('2026-10-01'),
    usage: u({ input: 200000, cacheRead: 50000, cacheWrite30m: 22001, output: 1000 }),
    expected: (200000 * 10) / M + (50000 * 1) / M + (22001 * 12.5) / M + (1000 * 45) / M,
    tier: 272000,
  },
  {
    name: 'gpt-5.6-sol: 30-min cache writes below the cliff at 6.25, batch 50%',
    provider: 'openai',
    model: 'gpt-5.6-sol',
    at: at('2026-10-01'),
    usage: u({ input: 10000, cacheWrite30m: 4000, output: 1000 }),
    serviceTier: 'batch',
    expected: ((10000 * 5) / M + (4000 * 6.25) / M + (1000 * 30) / M) * 0.5,
  },
  {
    name: 'gpt-5.6-sol: 12-hour cache writes have no published price: unpriced',
    provider: 'openai',
    model: 'gpt-5.6-sol',
    at: at('2026-10-01'),
    usage: u({ input: 10000, cacheWrite12h: 4000, output: 1000 }),
    expected: NO_PERIOD,
  },
  {
    name: 'gpt-5.6-sol: cache writes without their retention are unpriced, not priced as input',
    provider: 'openai',
    model: 'gpt-5.6-sol',
    at: at('2026-10-01'),
    usage: u({ input: 10000, cacheWrite5m: 4000, output: 1000 }),
    expected: NO_RETENTION,
  },
  {
    name: 'gpt-5.4 with web searches: no per-call fee in our sources, so unpriced',
    provider: 'openai',
    model: 'gpt-5.4',
    at: at('2026-06-01'),
    usage: u({ input: 1000, output: 100 }),
    toolCalls: { webSearch: 1 },
    expected: NO_PERIOD,
  },
];

export const anthropicCases: CurrentCase[] = [
  // Opus 4.6: 5 / 25, write 6.25 / 1h 10, read 0.5; above 200K (until 2026-03-13): 10 / 37.5,
  // write 12.5 / 1h 20, read 1. The surcharge was dropped on 2026-03-13.
  {
    name: 'claude-opus-4-6 at 200,000 input tokens (all buckets) before 2026-03-13: base',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    at: at('2026-03-01'),
    usage: u({
      input: 190000,
      cacheRead: 5000,
      cacheWrite5m: 3000,
      cacheWrite1h: 2000,
      output: 1000,
    }),
    expected:
      (190000 * 5) / M + (5000 * 0.5) / M + (3000 * 6.25) / M + (2000 * 10) / M + (1000 * 25) / M,
  },
  {
    name: 'claude-opus-4-6 at 200,001 before 2026-03-13: every bucket at the >200K price',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    at: at('2026-03-01'),
    usage: u({
      input: 190001,
      cacheRead: 5000,
      cacheWrite5m: 3000,
      cacheWrite1h: 2000,
      output: 1000,
    }),
    expected:
      (190001 * 10) / M + (5000 * 1) / M + (3000 * 12.5) / M + (2000 * 20) / M + (1000 * 37.5) / M,
    tier: 200000,
  },
  {
    name: 'claude-opus-4-6 250K input 1 ms before the surcharge ends: 10 / 37.5',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    at: justBefore('2026-03-13'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 10) / M + (1000 * 37.5) / M,
    tier: 200000,
  },
  {
    name: 'claude-opus-4-6 250K input at 2026-03-13: flat 5 / 25',
    provider: 'anthropic',
    model: 'claude-opus-4.6',
    at: at('2026-03-13'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 5) / M + (1000 * 25) / M,
    resolved: 'claude-opus-4-6',
    from: '2026-03-13',
  },
  // Sonnet 4.6: 3 / 15 (>200K 6 / 22.5) until 2026-03-13, then flat.
  {
    name: 'claude-sonnet-4-6 at 200,000 before 2026-03-13',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    at: at('2026-03-01'),
    usage: u({ input: 200000, output: 1000 }),
    expected: (200000 * 3) / M + (1000 * 15) / M,
  },
  {
    name: 'claude-sonnet-4-6 at 200,001 before 2026-03-13',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    at: at('2026-03-01'),
    usage: u({ input: 200001, output: 1000 }),
    expected: (200001 * 6) / M + (1000 * 22.5) / M,
    tier: 200000,
  },
  {
    name: 'claude-sonnet-4-6 250K 1 ms before 2026-03-13: 6 / 22.5',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    at: justBefore('2026-03-13'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 6) / M + (1000 * 22.5) / M,
    tier: 200000,
  },
  {
    name: 'claude-sonnet-4-6 250K at 2026-03-13: 3 / 15',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    at: at('2026-03-13'),
    usage: u({ input: 250000, output: 1000 }),
    expected: (250000 * 3) / M + (1000 * 15) / M,
  },
  // Sonnet 5: introductory 2 / 10 (write 2.5 / 1h 4, read 0.2) through 2026-08-31; 3 / 15
  // (write 3.75 / 1h 6, read 0.3) from 2026-09-01. Flat over the 1M window.
  {
    name: 'claude-sonnet-5 1 ms before its launch (first listed 2026-06-30) is unpriced',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: justBefore('2026-06-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: NO_PERIOD,
  },
  {
    name: 'claude-sonnet-5 1 ms before 2026-09-01: introductory price, cache buckets',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: justBefore('2026-09-01'),
    usage: u({ input: 10000, cacheRead: 20000, cacheWrite1h: 5000, output: 2000 }),
    expected: (10000 * 2) / M + (20000 * 0.2) / M + (5000 * 4) / M + (2000 * 10) / M,
  },
  {
    name: 'claude-sonnet-5 at 2026-09-01: standard price',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: at('2026-09-01'),
    usage: u({ input: 10000, cacheRead: 20000, cacheWrite1h: 5000, output: 2000 }),
    expected: (10000 * 3) / M + (20000 * 0.3) / M + (5000 * 6) / M + (2000 * 15) / M,
    from: '2026-09-01',
  },
  {
    name: 'claude-sonnet-5 500K input after 2026-09-01: no cliff, batch 50%',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: at('2026-11-01'),
    usage: u({ input: 500000, output: 1000 }),
    serviceTier: 'batch',
    expected: ((500000 * 3) / M + (1000 * 15) / M) * 0.5,
  },
  {
    name: 'claude-opus-4-8 with a 5-minute cache write',
    provider: 'anthropic',
    model: 'claude-opus-4-8',
    at: at('2026-12-01'),
    usage: u({ input: 1000, cacheRead: 1000, cacheWrite5m: 1000, output: 500 }),
    expected: (1000 * 5) / M + (1000 * 0.5) / M + (1000 * 6.25) / M + (500 * 25) / M,
  },
  {
    name: 'claude-opus-5 (alias claude-5-opus)',
    provider: 'anthropic',
    model: 'claude-5-opus',
    at: at('2026-12-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 5) / M + (500 * 25) / M,
    resolved: 'claude-opus-5',
  },
  // Web search: $10 per 1,000 searches (genai-prices web_searches_kcount 10), on top of tokens.
  {
    name: 'claude-sonnet-5 introductory price with 3 web searches: 2 / 10 + 3 × $0.01',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: justBefore('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    toolCalls: { webSearch: 3 },
    expected: (1000 * 2) / M + (500 * 10) / M + 3 * 0.01,
  },
  {
    name: 'claude-sonnet-5 after 2026-09-01, batch, 3 web searches: the fee is not halved',
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    at: at('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    toolCalls: { webSearch: 3 },
    expected: ((1000 * 3) / M + (500 * 15) / M) * 0.5 + 3 * 0.01,
  },
  {
    name: 'claude-opus-4-6 1-hour cache writes over the 200K cliff before 2026-03-13: 20',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    at: justBefore('2026-03-13'),
    usage: u({ input: 150000, cacheWrite1h: 50001, output: 1000 }),
    expected: (150000 * 10) / M + (50001 * 20) / M + (1000 * 37.5) / M,
    tier: 200000,
  },
  {
    name: 'claude-opus-4-6 1-hour cache writes after the surcharge ended 2026-03-13: 10',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    at: at('2026-03-13'),
    usage: u({ input: 150000, cacheWrite1h: 50001, output: 1000 }),
    expected: (150000 * 5) / M + (50001 * 10) / M + (1000 * 25) / M,
  },
];

export const googleCases: CurrentCase[] = [
  // Gemini flex and priority (genai-prices price_comments: "Batch and Flex tiers offer 50%
  // discount", 3.7 Flash "Priority tier is 1.8x"). 3.7 Flash 0.75 / 3.75 until 2027-01-01.
  {
    name: 'gemini-3.7-flash on the priority tier before 2027-01-01: 1.8 × 0.75 / 3.75',
    provider: 'gcp.gemini',
    model: 'gemini-3.7-flash',
    at: justBefore('2027-01-01'),
    usage: u({ input: 10000, output: 1000 }),
    serviceTier: 'priority',
    expected: ((10000 * 0.75) / M + (1000 * 3.75) / M) * 1.8,
  },
  {
    name: 'gemini-3.7-flash on the priority tier from 2027-01-01: 1.8 × 1.5 / 7.5',
    provider: 'gcp.gemini',
    model: 'gemini-3.7-flash',
    at: at('2027-01-01'),
    usage: u({ input: 10000, output: 1000 }),
    serviceTier: 'priority',
    expected: ((10000 * 1.5) / M + (1000 * 7.5) / M) * 1.8,
  },
  {
    name: 'gemini-3.6-flash on the flex tier: 50% of 0.75 / 3.75',
    provider: 'gcp.gemini',
    model: 'gemini-3.6-flash',
    at: at('2026-10-01'),
    usage: u({ input: 10000, output: 1000 }),
    serviceTier: 'flex',
    expected: ((10000 * 0.75) / M + (1000 * 3.75) / M) * 0.5,
  },
  {
    name: 'gemini-3.6-flash on the priority tier: no priority price in this snapshot, unpriced',
    provider: 'gcp.gemini',
    model: 'gemini-3.6-flash',
    at: at('2026-10-01'),
    usage: u({ input: 10000, output: 1000 }),
    serviceTier: 'priority',
    expected: NO_PERIOD,
  },
  // Gemini 3.6 Flash: introductory 0.75 / 3.75 (cache 0.075) through 2026-12-31; 1.5 / 7.5
  // (cache 0.15) from 2027-01-01. Gemini 3.7 Flash has the same schedule.
  {
    name: 'gemini-3.6-flash 1 ms before 2027-01-01: introductory',
    provider: 'gcp.gemini',
    model: 'gemini-3.6-flash',
    at: justBefore('2027-01-01'),
    usage: u({ input: 10000, cacheRead: 10000, output: 1000 }),
    expected: (10000 * 0.75) / M + (10000 * 0.075) / M + (1000 * 3.75) / M,
  },
  {
    name: 'gemini-3.6-flash at 2027-01-01 (Vertex provider name): doubled',
    provider: 'gcp.vertex_ai',
    model: 'gemini-3.6-flash',
    at: at('2027-01-01'),
    usage: u({ input: 10000, cacheRead: 10000, output: 1000 }),
    expected: (10000 * 1.5) / M + (10000 * 0.15) / M + (1000 * 7.5) / M,
    from: '2027-01-01',
  },
  {
    name: 'gemini-3.7-flash 1 ms before 2027-01-01',
    provider: 'gcp.gemini',
    model: 'gemini-3.7-flash',
    at: justBefore('2027-01-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.75) / M + (500 * 3.75) / M,
  },
  {
    name: 'gemini-3.7-flash at 2027-01-01, batch 50%',
    provider: 'gcp.gemini',
    model: 'gemini-3.7-flash',
    at: at('2027-01-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: ((1000 * 1.5) / M + (500 * 7.5) / M) * 0.5,
  },
  // Gemini 3 Pro / 3.1 Pro preview: 2 / 12 (cache 0.2); above 200K: 4 / 18 (cache 0.4).
  {
    name: 'gemini-3-pro-preview at 200,000',
    provider: 'gcp.gemini',
    model: 'gemini-3-pro-preview',
    at: at('2026-01-15'),
    usage: u({ input: 200000, output: 1000 }),
    expected: (200000 * 2) / M + (1000 * 12) / M,
  },
  {
    name: 'gemini-3-pro-preview at 200,001',
    provider: 'gcp.gemini',
    model: 'gemini-3-pro-preview',
    at: at('2026-01-15'),
    usage: u({ input: 200001, output: 1000 }),
    expected: (200001 * 4) / M + (1000 * 18) / M,
    tier: 200000,
  },
  {
    name: 'gemini-3.1-pro-preview at 200,000 with cache reads',
    provider: 'gcp.gemini',
    model: 'gemini-3.1-pro-preview',
    at: at('2026-06-01'),
    usage: u({ input: 150000, cacheRead: 50000, output: 1000 }),
    expected: (150000 * 2) / M + (50000 * 0.2) / M + (1000 * 12) / M,
  },
  {
    name: 'gemini-3.1-pro-preview at 200,001 with cache reads',
    provider: 'gcp.gemini',
    model: 'gemini-3.1-pro-preview',
    at: at('2026-06-01'),
    usage: u({ input: 150001, cacheRead: 50000, output: 1000 }),
    expected: (150001 * 4) / M + (50000 * 0.4) / M + (1000 * 18) / M,
    tier: 200000,
  },
  {
    name: 'gemini-3.1-flash-lite-preview id (alias) after launch',
    provider: 'gcp.gemini',
    model: 'gemini-3.1-flash-lite-preview',
    at: at('2026-06-01'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 0.25) / M + (1000 * 0.025) / M + (500 * 1.5) / M,
    resolved: 'gemini-3.1-flash-lite',
  },
  {
    name: 'gemini-2.5-flash-preview-04-17 is retired (2025-07-15) but keeps its history',
    provider: 'gcp.gemini',
    model: 'gemini-2.5-flash-preview-04-17',
    at: at('2025-07-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.15) / M + (500 * 0.6) / M,
  },
];

export const bedrockCases: CurrentCase[] = [
  // Bedrock OpenAI models: cache writes "(30m TTL)" 3.4375 at GA, 2.75 (>272K 5.5) from the cut.
  {
    name: 'Bedrock openai.gpt-5.6-terra 30-min cache writes 1 ms before the cut: 3.4375',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: justBefore('2026-07-30'),
    usage: u({ input: 1000, cacheWrite30m: 8000, output: 500 }),
    expected: (1000 * 2.75) / M + (8000 * 3.4375) / M + (500 * 16.5) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-terra 30-min cache writes over 272K after the cut: 5.5',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: at('2026-08-10'),
    usage: u({ input: 200000, cacheWrite30m: 72001, output: 500 }),
    expected: (200000 * 4.4) / M + (72001 * 5.5) / M + (500 * 19.8) / M,
    tier: 272000,
  },
  // Bedrock flex/priority: no multiplier in our sources, so a call served on them (the
  // instrumentation reports Converse serviceTier.type) is unpriced, not priced as standard.
  {
    name: 'Bedrock Claude served on the flex tier: no flex price, unpriced',
    provider: 'aws.bedrock',
    model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    at: at('2026-10-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'flex',
    expected: NO_PERIOD,
  },
  // Bedrock GPT-5.6 Terra: 2.75 / 16.5 from GA 2026-07-13; 20% off on 2026-07-30: 2.2 / 13.2,
  // above 272K 4.4 / 19.8. No uplift (no global/regional pair in the dataset).
  {
    name: 'Bedrock openai.gpt-5.6-terra 1 ms before the 2026-07-30 cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: justBefore('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2.75) / M + (500 * 16.5) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-terra at the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: at('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 2.2) / M + (500 * 13.2) / M,
    from: '2026-07-30',
  },
  {
    name: 'Bedrock openai.gpt-5.6-terra at 272,000 after the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: at('2026-09-01'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 2.2) / M + (1000 * 13.2) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-terra at 272,001 after the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-terra',
    at: at('2026-09-01'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 4.4) / M + (1000 * 19.8) / M,
    tier: 272000,
  },
  // Luna: 1.1 / 6.6 from 2026-07-13; 0.22 / 1.32 (>272K 0.44 / 1.98) from 2026-07-30.
  {
    name: 'Bedrock openai.gpt-5.6-luna 1 ms before the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-luna',
    at: justBefore('2026-07-30'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 1.1) / M + (500 * 6.6) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-luna at the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-luna',
    at: at('2026-07-30'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 0.22) / M + (1000 * 0.022) / M + (500 * 1.32) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-luna at 272,000 after the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-luna',
    at: at('2026-09-01'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 0.22) / M + (1000 * 1.32) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-luna at 272,001 after the cut',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-luna',
    at: at('2026-09-01'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 0.44) / M + (1000 * 1.98) / M,
    tier: 272000,
  },
  // Sol: 5.5 / 33, above 272K 11 / 49.5.
  {
    name: 'Bedrock openai.gpt-5.6-sol at 272,000',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-sol',
    at: at('2026-09-01'),
    usage: u({ input: 272000, output: 1000 }),
    expected: (272000 * 5.5) / M + (1000 * 33) / M,
  },
  {
    name: 'Bedrock openai.gpt-5.6-sol at 272,001',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-sol',
    at: at('2026-09-01'),
    usage: u({ input: 272001, output: 1000 }),
    expected: (272001 * 11) / M + (1000 * 49.5) / M,
    tier: 272000,
  },
  {
    name: 'Bedrock openai.gpt-5.6-sol batch: no batch price -> unpriced',
    provider: 'aws.bedrock',
    model: 'openai.gpt-5.6-sol',
    at: at('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: NO_PERIOD,
  },
  // Sonnet 5 on Bedrock: global 2 / 10 until 2026-08-31, 3 / 15 from 2026-09-01; regional +10%.
  {
    name: 'Bedrock us.anthropic.claude-sonnet-5-v1:0 1 ms before 2026-09-01: 2 / 10 x1.1',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-5-v1:0',
    at: justBefore('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: ((1000 * 2) / M + (500 * 10) / M) * 1.1,
  },
  {
    name: 'Bedrock us.anthropic.claude-sonnet-5-v1:0 at 2026-09-01: 3 / 15 x1.1',
    provider: 'aws.bedrock',
    model: 'us.anthropic.claude-sonnet-5-v1:0',
    at: at('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: ((1000 * 3) / M + (500 * 15) / M) * 1.1,
  },
  {
    name: 'Bedrock global.anthropic.claude-sonnet-5-v1:0 at 2026-09-01: no uplift',
    provider: 'aws.bedrock',
    model: 'global.anthropic.claude-sonnet-5-v1:0',
    at: at('2026-09-01'),
    usage: u({ input: 1000, cacheWrite5m: 1000, output: 500 }),
    expected: (1000 * 3) / M + (1000 * 3.75) / M + (500 * 15) / M,
  },
  {
    name: 'Bedrock eu.anthropic.claude-opus-4-6-v1:0: 5 / 25 x1.1',
    provider: 'aws.bedrock',
    model: 'eu.anthropic.claude-opus-4-6-v1:0',
    at: at('2026-06-01'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: ((1000 * 5) / M + (1000 * 0.5) / M + (500 * 25) / M) * 1.1,
  },
  {
    name: 'Bedrock amazon.nova-pro-v1:0 with cache reads',
    provider: 'aws.bedrock',
    model: 'amazon.nova-pro-v1:0',
    at: at('2026-06-01'),
    usage: u({ input: 1000, cacheRead: 1000, output: 500 }),
    expected: (1000 * 0.8) / M + (1000 * 0.2) / M + (500 * 3.2) / M,
  },
  {
    name: 'Bedrock us.amazon.nova-2-lite-v1:0: 0.3 / 2.5 x1.1',
    provider: 'aws.bedrock',
    model: 'us.amazon.nova-2-lite-v1:0',
    at: at('2026-09-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: ((1000 * 0.3) / M + (500 * 2.5) / M) * 1.1,
  },
  {
    name: 'Bedrock meta.llama4-maverick-17b-instruct-v1:0, batch 50%',
    provider: 'aws.bedrock',
    model: 'meta.llama4-maverick-17b-instruct-v1:0',
    at: at('2026-06-01'),
    usage: u({ input: 1000, output: 500 }),
    serviceTier: 'batch',
    expected: ((1000 * 0.24) / M + (500 * 0.97) / M) * 0.5,
  },
  {
    name: 'Bedrock meta.llama3-3-70b-instruct-v1:0',
    provider: 'aws.bedrock',
    model: 'meta.llama3-3-70b-instruct-v1:0',
    at: at('2026-06-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.72) / M + (500 * 0.72) / M,
  },
  {
    name: 'Bedrock mistral.mistral-large-3-675b-instruct',
    provider: 'aws.bedrock',
    model: 'mistral.mistral-large-3-675b-instruct',
    at: at('2026-07-01'),
    usage: u({ input: 1000, output: 500 }),
    expected: (1000 * 0.5) / M + (500 * 1.5) / M,
  },
];

export const currentModelCases: CurrentCase[] = [
  ...openaiCases,
  ...anthropicCases,
  ...googleCases,
  ...bedrockCases,
];
