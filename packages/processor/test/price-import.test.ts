/**
 * The price importer on small fixtures (test/fixtures/import): exact output files, conflicts,
 * features and diff, written out by hand from the fixture numbers; plus bad-input errors.
 */
import { readFileSync } from 'node:fs';
import type { ProviderPriceFile } from '@ai-margin/processor';
import {
  buildBook,
  diffBooks,
  ImportError,
  parseOverrides,
  readDataset,
  readGenaiPrices,
  readLitellm,
} from '@ai-margin/processor/price-import';
import { describe, expect, it } from 'vitest';

const fx = (name: string) =>
  readFileSync(new URL(`./fixtures/import/${name}`, import.meta.url), 'utf8');

const GP = 'genai-prices fx prices/providers';
const LL = 'litellm lfx model_prices_and_context_window.json key';

function run() {
  const genai = readDataset('genai-prices', fx('genai-small.json'), 'genai-small.json', 'fx');
  const litellm = readDataset('litellm', fx('litellm-small.json'), 'litellm-small.json', 'lfx');
  const base = [JSON.parse(fx('base-openai.json')) as ProviderPriceFile];
  const overrides = parseOverrides(JSON.parse(fx('overrides-small.json')), 'overrides-small.json');
  const result = buildBook({ sources: [genai, litellm], base, overrides, asOf: '2026-12-01' });
  return { base, result };
}

describe('price import: genai-prices + LiteLLM + base + overrides (fixtures)', () => {
  const { base, result } = run();

  it('writes the dated provider files exactly', () => {
    const xSource = `${GP}/openai.yml id gpt-x`;
    expect(result.files).toEqual([
      {
        provider: 'openai',
        currency: 'USD',
        models: [
          {
            id: 'gpt-old-2025-01-01',
            aliases: ['gpt-old'],
            periods: [
              {
                effectiveFrom: '2025-01-01',
                prices: { input: 3, output: 10 },
                serviceTiers: { batch: 0.5 },
                source: 'our reviewed launch price',
              },
              {
                // A dated change after our last period is added; batch carries over; its audio
                // price comes along. No regional-processing uplift: launched before 2026-01-15.
                effectiveFrom: '2026-02-01',
                prices: { input: 2, output: 8, inputAudio: 40 },
                serviceTiers: { batch: 0.5 },
                source: `${GP}/openai.yml id gpt-old (start_date 2026-02-01)`,
              },
            ],
          },
          {
            id: 'gpt-x',
            aliases: ['gpt-x-2026-01-15'],
            periods: [
              {
                // Launch date from the dataset's dated snapshot id; the cliff from per-key tiers.
                effectiveFrom: '2026-01-15',
                prices: { input: 2, cacheRead: 0.2, cacheWrite30m: 2.5, output: 10 },
                tiers: [
                  {
                    aboveInputTokens: 272000,
                    prices: { input: 4, cacheRead: 0.2, cacheWrite30m: 2.5, output: 15 },
                  },
                ],
                serviceTiers: { batch: 0.5 },
                // Launched on the rule's date: every period pays the regional-processing uplift.
                regionalProcessingUplift: 1.1,
                source: `${xSource}; launch date: genai-prices dated snapshot id gpt-x-2026-01-15; service tiers: OpenAI Batch API 50%; regional processing: residency uplift (example)`,
              },
              {
                effectiveFrom: '2026-06-01',
                prices: { input: 1, cacheRead: 0.1, output: 5 },
                serviceTiers: { batch: 0.5 },
                regionalProcessingUplift: 1.1,
                source: `${xSource} (start_date 2026-06-01); service tiers: OpenAI Batch API 50%; regional processing: residency uplift (example)`,
              },
              {
                // Announced change from the overrides.
                effectiveFrom: '2027-01-01',
                prices: { input: 1.5, output: 6 },
                serviceTiers: { batch: 0.5 },
                regionalProcessingUplift: 1.1,
                source:
                  'announced price rise (example); service tiers: OpenAI Batch API 50%; regional processing: residency uplift (example)',
              },
            ],
          },
        ],
      },
      {
        provider: 'aws.bedrock',
        currency: 'USD',
        models: [
          {
            // global. + regional. entries -> one id, global price, uplift 3.3 / 3 = 1.1.
            id: 'anthropic.claude-y-v1:0',
            aliases: ['anthropic.claude-y'],
            periods: [
              {
                effectiveFrom: '2026-03-01',
                prices: { input: 3, cacheWrite5m: 3.75, output: 15 },
                regionalUplift: 1.1,
                source: `${GP}/aws.yml id global.anthropic.claude-y-v1:0; ${GP}/aws.yml id regional.anthropic.claude-y-v1:0; launch date: announcement X`,
              },
            ],
          },
        ],
      },
    ]);
    // The base book is not mutated.
    expect(base[0]!.models[0]!.periods).toHaveLength(1);
  });

  it('reports every conflict with both values and both sources', () => {
    const rows = result.conflicts.map((c) => [
      c.kind,
      `${c.provider}/${c.model}`,
      c.bucket,
      c.values[0]!.value,
      c.values[1]!.value,
      c.values[1]!.source,
    ]);
    expect(rows).toEqual([
      ['no launch date', 'openai/gpt-nolaunch', undefined, undefined, undefined, 'our book'],
      [
        'price differs',
        'openai/gpt-old-2025-01-01',
        'output',
        10,
        12,
        `${GP}/openai.yml id gpt-old`,
      ],
      ['price differs', 'openai/gpt-x', 'input', 1, 1.2, `${LL} gpt-x`],
      ['service tier differs', 'openai/gpt-x', 'priority', undefined, 1.66666666667, `${LL} gpt-x`],
      [
        'retirement differs',
        'openai/gpt-old-2025-01-01',
        'retiredOn',
        undefined,
        '2026-10-01',
        `${LL} gpt-old`,
      ],
      // The LiteLLM entry has no cache-write price: a conflict too, not a silent gap.
      [
        'price differs',
        'aws.bedrock/anthropic.claude-y-v1:0',
        'cacheWrite5m',
        3.75,
        undefined,
        `${LL} global.anthropic.claude-y-v1:0`,
      ],
      [
        'price differs',
        'aws.bedrock/anthropic.claude-y-v1:0',
        'tiers[>200000]',
        undefined,
        6,
        `${LL} global.anthropic.claude-y-v1:0`,
      ],
    ]);
    expect(result.conflicts[0]!.values[0]!.source).toBe(`${GP}/openai.yml id gpt-nolaunch`);
    expect(result.conflicts[1]!.values[0]!.source).toBe('our book (our reviewed launch price)');
    expect(result.conflicts[1]!.resolution).toBe('kept our book');
  });

  it('lists features not yet representable per model', () => {
    expect(result.features).toEqual([
      {
        provider: 'openai',
        model: 'gpt-x',
        features: [
          '12-hour cache-write price (none published: such writes stay unpriced)',
          'OpenAI EU regional-processing uplift 1.1',
        ],
      },
    ]);
  });

  it('lists the match rules it did not expand into exact ids', () => {
    expect(result.patterns).toEqual([
      { provider: 'openai', model: 'gpt-x', patterns: ['regex ^gpt-x-\\d{4}-\\d{2}-\\d{2}$'] },
      {
        provider: 'aws.bedrock',
        model: 'anthropic.claude-y-v1:0',
        patterns: [
          'contains global.anthropic.claude-y',
          'starts_with anthropic.claude-y',
          'contains us.anthropic.claude-y',
        ],
      },
    ]);
  });

  it('skips non-text entries and explains why', () => {
    expect(result.skipped).toEqual([
      'openai/tts-x: no input_mtok/output_mtok price (not a text-token model)',
      'litellm: bedrock/us-east-1/anthropic.claude-y-v1:0: per-region or per-commitment id (feature: per-region price)',
    ]);
  });

  it('writes a reviewable diff: added models, added periods', () => {
    const diff = diffBooks(base, result.files);
    expect(diff.split('\n')[0]).toBe(
      '2 models added, 1 periods added, 0 periods changed, 0 models removed',
    );
    expect(diff).toContain(
      `+ period gpt-old-2025-01-01 from 2026-02-01: input 2, output 8, inputAudio 40; service tiers {"batch":0.5}`,
    );
    expect(diff).toContain('+ model gpt-x (aliases gpt-x-2026-01-15)');
    expect(diff).toContain(
      '    from 2026-01-15: input 2, cacheRead 0.2, cacheWrite30m 2.5, output 10; above 272000 input tokens: input 4, cacheRead 0.2, cacheWrite30m 2.5, output 15; service tiers {"batch":0.5}',
    );
    expect(diff).toContain(
      '## aws.bedrock\n+ model anthropic.claude-y-v1:0 (aliases anthropic.claude-y)',
    );
  });
});

describe('price import: readers', () => {
  it('LiteLLM: per-token -> per-1M without float noise, batch/priority ratios, geo uplift, deprecation', () => {
    const set = readLitellm(JSON.parse(fx('litellm-small.json')), 'l.json', 'lfx');
    const x = set.models.find((m) => m.id === 'gpt-x')!;
    expect(x.periods).toEqual([
      {
        prices: { input: 1.2, output: 5, cacheRead: 0.1 },
        serviceTiers: { batch: 0.5, priority: 1.66666666667 },
      },
    ]);
    const y = set.models.find((m) => m.id === 'anthropic.claude-y-v1:0')!;
    expect(y.periods[0]).toEqual({
      prices: { input: 3, output: 15 },
      tiers: [{ aboveInputTokens: 200000, prices: { input: 6, output: 22.5 } }],
      regionalUplift: 1.1,
    });
    expect(set.models.find((m) => m.id === 'gpt-old')!.retiredOn).toBe('2026-10-01');
    expect(set.models.some((m) => m.id === 'dall-e-9')).toBe(false);
  });

  it('without a launch date anywhere, a new model is skipped, never dated by guess', () => {
    const set = readGenaiPrices(JSON.parse(fx('genai-small.json')), 'g.json', 'fx');
    const result = buildBook({ sources: [set], asOf: '2026-12-01' });
    // gpt-old's launch comes from its dated snapshot id gpt-old-2025-01-01 in the dataset.
    expect(result.files.flatMap((f) => f.models.map((m) => m.id))).toEqual(['gpt-x', 'gpt-old']);
    expect(
      result.files.find((f) => f.provider === 'openai')!.models[1]!.periods[0]!.effectiveFrom,
    ).toBe('2025-01-01');
    expect(result.conflicts.filter((c) => c.kind === 'no launch date').map((c) => c.model)).toEqual(
      ['gpt-nolaunch', 'anthropic.claude-y-v1:0'],
    );
  });
});

describe('price import: a model only the secondary dataset lists', () => {
  const genai = readGenaiPrices(JSON.parse(fx('genai-small.json')), 'g.json', 'fx');
  const litellm = readLitellm(
    {
      'vertex_ai/claude-z': {
        litellm_provider: 'vertex_ai-anthropic_models',
        mode: 'chat',
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
        cache_read_input_token_cost: 3e-7,
      },
      'gpt-w': {
        litellm_provider: 'openai',
        mode: 'chat',
        input_cost_per_token: 2e-6,
        output_cost_per_token: 8e-6,
        cache_creation_input_token_cost: 2.5e-6,
      },
    },
    'l.json',
    'lfx',
  );
  const build = (models: unknown[]) =>
    buildBook({
      sources: [genai, litellm],
      overrides: parseOverrides({ models }, 'o.json'),
      asOf: '2026-12-01',
    });

  it('enters the book when an override names it with "dataset" and a launch date', () => {
    const result = build([
      {
        provider: 'gcp.gemini',
        from: 'vertex_ai/claude-z',
        dataset: 'litellm',
        launch: { date: '2026-05-01', source: 'launch post' },
        aliases: ['claude-z@default'],
        serviceTiers: {},
      },
    ]);
    const google = result.files.find((f) => f.provider === 'gcp.gemini')!;
    expect(google.models.find((m) => m.id === 'claude-z')).toEqual({
      id: 'claude-z',
      aliases: ['claude-z@default'],
      periods: [
        {
          effectiveFrom: '2026-05-01',
          prices: { input: 3, output: 15, cacheRead: 0.3 },
          source: `${LL} vertex_ai/claude-z; launch date: launch post`,
        },
      ],
    });
    // Compared with itself: no conflict.
    expect(result.conflicts.filter((c) => c.model === 'claude-z')).toEqual([]);
  });

  it('without a launch date it is skipped as "no launch date"; unknown keys are listed', () => {
    const result = build([
      { provider: 'gcp.gemini', from: 'vertex_ai/claude-z', dataset: 'litellm' },
      { provider: 'openai', from: 'gpt-nowhere', dataset: 'litellm' },
    ]);
    expect(result.files.some((f) => f.models.some((m) => m.id === 'claude-z'))).toBe(false);
    expect(result.conflicts.find((c) => c.model === 'claude-z')?.kind).toBe('no launch date');
    expect(result.skipped).toContain(
      'openai/gpt-nowhere: listed in the overrides (dataset litellm) but not in litellm lfx',
    );
  });

  it("reads an OpenAI model's cache_creation_input_token_cost as a 30-minute write", () => {
    const w = litellm.models.find((m) => m.id === 'gpt-w')!;
    expect(w.periods[0]!.prices).toEqual({ input: 2, output: 8, cacheWrite30m: 2.5 });
  });

  it('refuses an unknown dataset name', () => {
    expect(() =>
      parseOverrides(
        { models: [{ provider: 'openai', from: 'x', dataset: 'openrouter' }] },
        'o.json',
      ),
    ).toThrow(/openai\/x.*dataset|dataset.*openai\/x/);
  });
});

describe('price import: bad input names file, model and field', () => {
  it.each([
    ['not an array', '{}', /g\.json: genai-prices data\.json must be a JSON array/],
    ['bad JSON', '[', /g\.json: not valid JSON/],
    [
      'negative price',
      '[{"id":"openai","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":-1,"output_mtok":1}}]}]',
      /g\.json \(model "openai\/m", field "prices\.input_mtok"\): must be a non-negative number/,
    ],
    [
      'bad start_date',
      '[{"id":"openai","models":[{"id":"m","match":{"equals":"m"},"prices":[{"prices":{"input_mtok":1,"output_mtok":1}},{"constraint":{"start_date":"soon"},"prices":{"input_mtok":1,"output_mtok":1}}]}]}]',
      /model "openai\/m", field "prices\[1\]\.constraint\.start_date"\): unparsable start_date "soon"/,
    ],
    [
      'two defaults',
      '[{"id":"openai","models":[{"id":"m","match":{"equals":"m"},"prices":[{"prices":{"input_mtok":1,"output_mtok":1}},{"prices":{"input_mtok":1,"output_mtok":1}}]}]}]',
      /needs exactly one price without a constraint \(found 2\)/,
    ],
  ])('genai-prices: %s', (_name, text, message) => {
    expect(() => readDataset('genai-prices', text, 'g.json', 'x')).toThrow(ImportError);
    expect(() => readDataset('genai-prices', text, 'g.json', 'x')).toThrow(message);
  });

  it('LiteLLM: a string price names the key and field', () => {
    const text = '{"m":{"litellm_provider":"openai","mode":"chat","input_cost_per_token":"3e-6"}}';
    expect(() => readDataset('litellm', text, 'l.json', 'x')).toThrow(
      /l\.json \(model "m", field "input_cost_per_token"\): must be a non-negative number/,
    );
  });

  it('refuses an unbounded input', () => {
    const huge = `[${' '.repeat(33 * 1024 * 1024)}]`;
    expect(() => readDataset('genai-prices', huge, 'big.json', 'x')).toThrow(
      /refusing an unbounded input/,
    );
  });

  it('overrides: a launch date without a source is refused', () => {
    expect(() =>
      parseOverrides(
        { models: [{ provider: 'openai', from: 'm', launch: { date: '2026-01-01' } }] },
        'o.json',
      ),
    ).toThrow(/o\.json \(model "openai\/m", field "launch\.source"\): every date needs a source/);
  });
});
