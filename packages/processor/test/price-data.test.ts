/**
 * Structural checks on the shipped price book data (`src/prices/data/*.json`). These read the raw
 * files, not the loader, so they hold the data to its own rules: every period has a source, the
 * periods of a model are ordered and contiguous, the provider-wide ratios (cache discounts, batch,
 * Bedrock uplift) hold, and every model named in pricing-facts.md is covered. The expected values
 * below are written out by hand from docs/pricing-data.md and pricing-facts.md.
 */
import { readFileSync } from 'node:fs';
import type { BucketPrices, PricePeriod, ProviderPriceFile } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';

const FILES = {
  openai: 'openai.json',
  anthropic: 'anthropic.json',
  google: 'google.json',
  bedrock: 'aws-bedrock.json',
} as const;

function load(file: string): ProviderPriceFile {
  const url = new URL(`../src/prices/data/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ProviderPriceFile;
}

const books = {
  openai: load(FILES.openai),
  anthropic: load(FILES.anthropic),
  google: load(FILES.google),
  bedrock: load(FILES.bedrock),
};
const allBooks = Object.entries(books);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
const BUCKETS = [
  'input',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'cacheWrite30m',
  'cacheWrite12h',
  'output',
  'reasoning',
  'inputAudio',
  'cacheReadAudio',
  'outputAudio',
];

function instantMs(value: string): number {
  if (DATE_ONLY.test(value)) return Date.parse(`${value}T00:00:00Z`);
  return Date.parse(value);
}

/** Every id (canonical, alias, moving alias) a provider file answers to. */
function knownIds(book: ProviderPriceFile): Set<string> {
  const ids = new Set<string>();
  for (const m of book.models) {
    ids.add(m.id);
    for (const a of m.aliases ?? []) ids.add(a);
  }
  for (const a of book.movingAliases ?? []) ids.add(a.alias);
  return ids;
}

function model(book: ProviderPriceFile, id: string) {
  const found = book.models.find((m) => m.id === id);
  if (!found) throw new Error(`model ${id} missing from ${book.provider}`);
  return found;
}

function everyPeriod(book: ProviderPriceFile): { id: string; period: PricePeriod; i: number }[] {
  return book.models.flatMap((m) => m.periods.map((period, i) => ({ id: m.id, period, i })));
}

describe('shipped price data: file headers', () => {
  it('names each provider as gen_ai.provider.name and prices in USD', () => {
    expect(books.openai.provider).toBe('openai');
    expect(books.openai.providerAliases).toEqual(['azure.ai.openai']);
    expect(books.anthropic.provider).toBe('anthropic');
    expect(books.google.provider).toBe('gcp.gemini');
    expect(books.google.providerAliases).toEqual(['gcp.vertex_ai', 'gcp.gen_ai']);
    expect(books.bedrock.provider).toBe('aws.bedrock');
    for (const [, book] of allBooks) expect(book.currency).toBe('USD');
  });
});

describe.each(allBooks)('shipped price data: %s periods', (_name, book) => {
  it('has at least one model and every model has periods', () => {
    expect(book.models.length).toBeGreaterThan(0);
    for (const m of book.models) expect(m.periods.length, m.id).toBeGreaterThan(0);
  });

  it('gives every period a source and a UTC effectiveFrom', () => {
    for (const { id, period, i } of everyPeriod(book)) {
      const where = `${book.provider} ${id} periods[${i}]`;
      expect(typeof period.source, where).toBe('string');
      expect(period.source.trim().length, where).toBeGreaterThan(10);
      const utc = DATE_ONLY.test(period.effectiveFrom) || DATE_TIME_UTC.test(period.effectiveFrom);
      expect(utc, `${where} effectiveFrom ${period.effectiveFrom}`).toBe(true);
      expect(Number.isFinite(instantMs(period.effectiveFrom)), where).toBe(true);
    }
  });

  it('keeps periods sorted, non-overlapping and contiguous (no gaps inside a model)', () => {
    for (const m of book.models) {
      for (let k = 1; k < m.periods.length; k++) {
        const prev = m.periods[k - 1]!;
        const next = m.periods[k]!;
        expect(instantMs(next.effectiveFrom), m.id).toBeGreaterThan(instantMs(prev.effectiveFrom));
        // A reprice: the previous period runs until the next one starts (no explicit end, or
        // an end exactly at the next start).
        if (prev.effectiveTo !== undefined) {
          expect(instantMs(prev.effectiveTo), m.id).toBe(instantMs(next.effectiveFrom));
        }
      }
    }
  });

  it('uses only known buckets with finite non-negative prices; tiers ascend and cost more', () => {
    const checkPrices = (prices: BucketPrices, where: string) => {
      for (const [bucket, price] of Object.entries(prices)) {
        expect(BUCKETS, `${where} bucket ${bucket}`).toContain(bucket);
        expect(Number.isFinite(price) && price >= 0, `${where}.${bucket}=${price}`).toBe(true);
      }
      expect(prices.input, where).toBeTypeOf('number');
      expect(prices.output, where).toBeTypeOf('number');
    };
    for (const { id, period, i } of everyPeriod(book)) {
      const where = `${book.provider} ${id} periods[${i}]`;
      checkPrices(period.prices, where);
      let previous = 0;
      for (const tier of period.tiers ?? []) {
        expect(tier.aboveInputTokens, where).toBeGreaterThan(previous);
        previous = tier.aboveInputTokens;
        checkPrices(tier.prices, `${where} tier>${tier.aboveInputTokens}`);
        // Same buckets priced in the tier as in the base, each at least the base price.
        expect(Object.keys(tier.prices).sort(), where).toEqual(Object.keys(period.prices).sort());
        for (const [bucket, price] of Object.entries(tier.prices)) {
          const base = period.prices[bucket as keyof BucketPrices]!;
          expect(price, `${where} tier ${bucket}`).toBeGreaterThan(base);
        }
      }
    }
  });

  it('offers batch at 50% in every period (OpenAI on Bedrock and Claude on Vertex excepted: no batch price but Sonnet 4.5)', () => {
    for (const { id, period, i } of everyPeriod(book)) {
      const noBatch =
        (book.provider === 'aws.bedrock' && id.startsWith('openai.')) ||
        (book.provider === 'gcp.gemini' && id.startsWith('claude-') && id !== 'claude-sonnet-4-5');
      if (noBatch) {
        expect(period.serviceTiers, id).toBeUndefined();
        continue;
      }
      expect(period.serviceTiers?.batch, `${book.provider} ${id} periods[${i}]`).toBe(0.5);
    }
  });

  it('has moving aliases that point at models of this file, inside their periods', () => {
    for (const alias of book.movingAliases ?? []) {
      let previous = Number.NEGATIVE_INFINITY;
      for (const target of alias.targets) {
        const m = model(book, target.model);
        const at = instantMs(target.effectiveFrom);
        expect(at, alias.alias).toBeGreaterThan(previous);
        previous = at;
        expect(at, `${alias.alias} -> ${target.model}`).toBeGreaterThanOrEqual(
          instantMs(m.periods[0]!.effectiveFrom),
        );
        expect(target.source.length, alias.alias).toBeGreaterThan(10);
      }
    }
  });

  it('marks approximate dates and disagreements in notes, never in prices', () => {
    // Every note that mentions a date being approximate says so with the exact marker used in
    // pricing-facts.md, so `grep "(date approximate)"` finds them all.
    for (const { id, period } of everyPeriod(book)) {
      if (period.note && /approximate/i.test(period.note) && /date/i.test(period.note)) {
        expect(period.note, `${book.provider} ${id}`).toMatch(/\(date approximate\)/);
      }
    }
  });
});

describe('shipped price data: coverage of pricing-facts.md', () => {
  const required: Record<keyof typeof books, string[]> = {
    openai: [
      'gpt-4o',
      'gpt-4o-2024-05-13',
      'gpt-4o-2024-08-06',
      'gpt-4o-2024-11-20',
      'gpt-4o-mini',
      'gpt-4o-mini-2024-07-18',
      'gpt-4.1',
      'gpt-4.1-2025-04-14',
      'gpt-4.1-mini',
      'gpt-4.1-mini-2025-04-14',
      'gpt-4.1-nano',
      'gpt-4.1-nano-2025-04-14',
      'o1',
      'o1-2024-12-17',
      'o1-preview',
      'o1-preview-2024-09-12',
      'o1-mini',
      'o1-mini-2024-09-12',
      'o3',
      'o3-2025-04-16',
      'o3-mini',
      'o3-mini-2025-01-31',
      'o4-mini',
      'o4-mini-2025-04-16',
      'gpt-5',
      'gpt-5-2025-08-07',
      'gpt-5-mini',
      'gpt-5-mini-2025-08-07',
      'gpt-5-nano',
      'gpt-5-nano-2025-08-07',
      'text-embedding-3-small',
      'text-embedding-3-large',
    ],
    anthropic: [
      'claude-3-haiku-20240307',
      'claude-3-5-sonnet-20240620',
      'claude-3-5-sonnet-20241022',
      'claude-3-5-sonnet-latest',
      'claude-3-5-haiku-20241022',
      'claude-3-5-haiku-latest',
      'claude-3-7-sonnet-20250219',
      'claude-3-7-sonnet-latest',
      'claude-sonnet-4-20250514',
      'claude-sonnet-4-0',
      'claude-opus-4-20250514',
      'claude-opus-4-0',
      'claude-opus-4-1-20250805',
      'claude-opus-4-1',
      'claude-sonnet-4-5-20250929',
      'claude-sonnet-4-5',
      'claude-haiku-4-5-20251001',
      'claude-haiku-4-5',
      'claude-opus-4-5-20251101',
      'claude-opus-4-5',
    ],
    google: [
      'gemini-1.5-pro',
      'gemini-1.5-pro-002',
      'gemini-1.5-flash',
      'gemini-1.5-flash-002',
      'gemini-2.0-flash',
      'gemini-2.0-flash-001',
      'gemini-2.0-flash-lite',
      'gemini-2.5-pro',
      'gemini-2.5-flash-preview-04-17',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
    ],
    bedrock: [
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'anthropic.claude-3-7-sonnet-20250219-v1:0',
      'anthropic.claude-sonnet-4-20250514-v1:0',
      'anthropic.claude-opus-4-20250514-v1:0',
      'anthropic.claude-opus-4-1-20250805-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-opus-4-5-20251101-v1:0',
    ],
  };

  it.each(Object.entries(required))('%s answers to every required id', (name, ids) => {
    const known = knownIds(books[name as keyof typeof books]);
    const missing = ids.filter((id) => !known.has(id));
    expect(missing).toEqual([]);
  });

  it('models the in-place reprices named in pricing-facts.md as a second period', () => {
    const starts = (book: ProviderPriceFile, id: string) =>
      model(book, id).periods.map((p) => p.effectiveFrom);
    expect(starts(books.openai, 'o3-2025-04-16')).toEqual(['2025-04-16', '2025-06-10']);
    expect(starts(books.openai, 'o1-mini-2024-09-12')).toEqual(['2024-09-12', '2025-02-01']);
    expect(starts(books.anthropic, 'claude-3-5-haiku-20241022')).toEqual([
      '2024-11-04',
      '2024-12-16',
    ]);
    expect(starts(books.anthropic, 'claude-sonnet-4-20250514')).toEqual([
      '2025-05-22',
      '2025-08-12',
    ]);
    expect(starts(books.google, 'gemini-1.5-pro')).toEqual(['2024-05-01', '2024-10-01']);
    expect(starts(books.google, 'gemini-1.5-flash')).toEqual(['2024-05-01', '2024-08-12']);
  });

  it('re-points the gpt-4o alias from the 2024-05-13 snapshot to 2024-08-06', () => {
    const alias = books.openai.movingAliases?.find((a) => a.alias === 'gpt-4o');
    expect(alias?.targets.map((t) => [t.model, t.effectiveFrom])).toEqual([
      ['gpt-4o-2024-05-13', '2024-05-13'],
      ['gpt-4o-2024-08-06', '2024-10-02'],
    ]);
  });
});

describe('shipped price data: provider-wide ratios', () => {
  it('OpenAI cached input is 50%, 25% or 10% of input by model family', () => {
    // pricing-facts.md: 50% off for 4o, 4o-mini, o1 and o3-mini; 75% off for 4.1, o3, o4-mini;
    // 90% off for GPT-5. gpt-4o-2024-05-13 has no cache price; embeddings have none.
    const ratio: Record<string, number | undefined> = {
      'gpt-4o-2024-05-13': undefined,
      'gpt-4o-2024-08-06': 0.5,
      'gpt-4o-2024-11-20': 0.5,
      'gpt-4o-mini-2024-07-18': 0.5,
      'o1-preview-2024-09-12': 0.5,
      'o1-2024-12-17': 0.5,
      'o1-mini-2024-09-12': 0.5,
      'o3-mini-2025-01-31': 0.5,
      'gpt-4.1-2025-04-14': 0.25,
      'gpt-4.1-mini-2025-04-14': 0.25,
      'gpt-4.1-nano-2025-04-14': 0.25,
      'o3-2025-04-16': 0.25,
      'o4-mini-2025-04-16': 0.25,
      'gpt-5-2025-08-07': 0.1,
      'gpt-5-mini-2025-08-07': 0.1,
      'gpt-5-nano-2025-08-07': 0.1,
      // 2026 book (genai-prices 47df840): GPT-5.x keep 90% off; the pro models have no cache price.
      'gpt-5-pro': undefined,
      'gpt-5.1': 0.1,
      'gpt-5.1-codex-mini': 0.1,
      'gpt-5.2': 0.1,
      'gpt-5.2-pro': undefined,
      'gpt-5.3': 0.1,
      'gpt-5.3-codex': 0.1,
      'gpt-5.4': 0.1,
      'gpt-5.4-mini': 0.1,
      'gpt-5.4-nano': 0.1,
      'gpt-5.4-pro': undefined,
      'gpt-5.5': 0.1,
      'gpt-5.5-pro': undefined,
      'gpt-5.6-sol': 0.1,
      'gpt-5.6-terra': 0.1,
      'gpt-5.6-luna': 0.1,
      'text-embedding-3-small': undefined,
      'text-embedding-3-large': undefined,
      // Chat Completions audio models: no cached-input price in the dataset.
      'gpt-audio': undefined,
      'gpt-audio-mini': undefined,
    };
    expect(books.openai.models.map((m) => m.id).sort()).toEqual(Object.keys(ratio).sort());
    for (const { id, period } of everyPeriod(books.openai)) {
      const expected = ratio[id];
      if (expected === undefined) {
        expect(period.prices.cacheRead, id).toBeUndefined();
      } else {
        expect(period.prices.cacheRead, id).toBeCloseTo(period.prices.input * expected, 12);
      }
    }
  });

  it('Anthropic cache write 5m = 1.25x, 1h = 2x, read = 0.1x input (Claude 3 Haiku excepted)', () => {
    const check = (prices: BucketPrices, where: string) => {
      expect(prices.cacheWrite5m, where).toBeCloseTo(prices.input * 1.25, 12);
      expect(prices.cacheRead, where).toBeCloseTo(prices.input * 0.1, 12);
      // 3.5 Haiku's launch period predates the 1-hour TTL and has no 1h price.
      if (prices.cacheWrite1h !== undefined) {
        expect(prices.cacheWrite1h, where).toBeCloseTo(prices.input * 2, 12);
      }
    };
    for (const book of [books.anthropic, books.bedrock]) {
      for (const { id, period, i } of everyPeriod(book)) {
        if (id.includes('claude-3-haiku') || !id.includes('claude')) continue;
        check(period.prices, `${id} periods[${i}]`);
        for (const tier of period.tiers ?? []) check(tier.prices, `${id} periods[${i}] tier`);
      }
    }
    // Claude 3 Haiku's page prices differ from the rule.
    expect(model(books.anthropic, 'claude-3-haiku-20240307').periods[0]!.prices).toEqual({
      input: 0.25,
      output: 1.25,
      cacheRead: 0.03,
      cacheWrite5m: 0.3,
      cacheWrite1h: 0.5,
    });
  });

  it('Anthropic and Bedrock long-context tiers: input x2, output x1.5 above 200k', () => {
    for (const book of [books.anthropic, books.bedrock]) {
      for (const { id, period } of everyPeriod(book)) {
        if (!id.includes('claude')) continue;
        for (const tier of period.tiers ?? []) {
          expect(tier.aboveInputTokens, id).toBe(200000);
          expect(tier.prices.input, id).toBeCloseTo(period.prices.input * 2, 12);
          expect(tier.prices.output, id).toBeCloseTo(period.prices.output * 1.5, 12);
        }
      }
    }
  });

  it('Bedrock: uplift 1.1 exactly on Claude 4.5+ and Nova 2 Lite; none on older Claude or others', () => {
    const uplifted = new Set([
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-opus-4-5-20251101-v1:0',
      'anthropic.claude-opus-4-6-v1:0',
      'anthropic.claude-sonnet-4-6-v1:0',
      'anthropic.claude-opus-4-7-v1:0',
      'anthropic.claude-opus-4-8-v1:0',
      'anthropic.claude-fable-5-v1:0',
      'anthropic.claude-sonnet-5-v1:0',
      'anthropic.claude-opus-5',
      'amazon.nova-2-lite-v1:0',
    ]);
    for (const { id, period } of everyPeriod(books.bedrock)) {
      expect(period.regionalUplift, id).toBe(uplifted.has(id) ? 1.1 : undefined);
    }
  });

  it('Bedrock lists plain model ids only (no geo prefixes, no ARNs)', () => {
    for (const id of knownIds(books.bedrock)) {
      // Vendor-prefixed Bedrock ids (genai-prices also lists bare `claude-…` prefixes as aliases).
      expect(id, id).toMatch(
        /^((anthropic|amazon|meta|mistral|openai)\.)?[a-z0-9.-]+(-v\d+)?(:\d+)?$/,
      );
      expect(id, id).not.toMatch(/^(us|eu|apac|jp|au|global|us-gov|regional)\./);
    }
  });

  it('Bedrock Claude periods mirror the Anthropic API periods (same dates and prices)', () => {
    // Bedrock id -> Anthropic id. Claude 3 Haiku has no cache prices on Bedrock.
    const pairs: [string, string][] = [
      ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
      ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet-20241022'],
      ['anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku-20241022'],
      ['anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet-20250219'],
      ['anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4-20250514'],
      ['anthropic.claude-opus-4-20250514-v1:0', 'claude-opus-4-20250514'],
      ['anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1-20250805'],
      ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
      ['anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5-20251001'],
      ['anthropic.claude-opus-4-5-20251101-v1:0', 'claude-opus-4-5-20251101'],
    ];
    // The 2025 Claude models plus Claude 3 Haiku; 2026 Bedrock Claude is checked below.
    expect(pairs.length + 1).toBe(
      books.bedrock.models.filter(
        (m) =>
          /^anthropic\.claude-(3|sonnet-4-|opus-4-|haiku-4-)/.test(m.id) &&
          !/4-[678]|4-6/.test(m.id),
      ).length,
    );
    for (const [bedrockId, anthropicId] of pairs) {
      const strip = (periods: PricePeriod[]) =>
        periods.map((p) => ({ from: p.effectiveFrom, prices: p.prices, tiers: p.tiers }));
      expect(strip(model(books.bedrock, bedrockId).periods), bedrockId).toEqual(
        strip(model(books.anthropic, anthropicId).periods),
      );
    }
  });
});
