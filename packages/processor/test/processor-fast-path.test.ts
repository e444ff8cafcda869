/**
 * The span path prices the common case through an allocation-free fast path (and the price book
 * memoises resolutions). These differential tests pin both to the general path through the public
 * API: every span must get exactly what readGenAiCall -> normalizeUsage -> priceCall gives, and a
 * long-lived (memoised) book must answer every lookup like a freshly loaded one.
 */
import {
  type CostResult,
  MarginSpanProcessor,
  normalizeUsage,
  PriceBook,
  parseInstant,
  priceCall,
} from '@ai-margin/processor';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { readGenAiCall } from '../src/processor/span-reader';
import { FIXTURE_FILES, fixture } from './helpers/price-fixtures';
import { PRICE_CHANGE, parsePromText, TEST_PRICE_FILE, testBook } from './helpers/processor';

const TOTAL_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
];
const PART_KEYS = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'ai_margin.usage.cache_write_1h.input_tokens',
  'anthropic.usage.cache_creation.ephemeral_1h_input_tokens',
  'anthropic.usage.cache_creation.ephemeral_5m_input_tokens',
  'ai_margin.usage.cache_write_30m.input_tokens',
  'ai_margin.usage.cache_write_12h.input_tokens',
  'ai_margin.usage.server_tool.web_search.calls',
  'ai_margin.usage.server_tool.code_execution.calls',
];

/** Mostly plausible counts, so most spans are priced; some that every path must refuse. */
const odd = fc.constantFrom(0, 0.5, 1e12, 1e12 + 1, -1, Number.NaN, 1e300);
const total = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 3_000_000 }) },
  { weight: 1, arbitrary: odd },
);
const part = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
  { weight: 1, arbitrary: odd },
);

/** Start instants on both sides of the test file's price change, including its exact edges. */
const startMs = fc.oneof(
  fc.constantFrom(PRICE_CHANGE, PRICE_CHANGE - 1, PRICE_CHANGE + 1, Date.UTC(2025, 0, 1) - 1),
  fc.integer({ min: Date.UTC(2024, 11, 1), max: Date.UTC(2026, 0, 1) }),
);

const genAiSpan = fc.record({
  call: fc.oneof(
    { weight: 6, arbitrary: fc.constant(['openai', 'test-model-a']) },
    { weight: 2, arbitrary: fc.constant(['azure.ai.openai', 'test-model-a']) },
    { weight: 4, arbitrary: fc.constant(['anthropic', 'test-claude']) },
    { weight: 3, arbitrary: fc.constant(['openai', 'test-retention']) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constantFrom('openai', 'anthropic', 'az.ai.openai', 'mystery'),
        fc.constantFrom('test-model-a', 'test-claude', 'unknown-model'),
      ),
    },
  ),
  responseModel: fc.option(fc.constantFrom('test-model-a', 'test-claude'), { nil: undefined }),
  tier: fc.option(fc.constantFrom('flex', 'batch', 'priority', 'default', 'scale'), {
    nil: undefined,
  }),
  totals: fc.dictionary(fc.constantFrom(...TOTAL_KEYS), total, { maxKeys: 3 }),
  parts: fc.dictionary(fc.constantFrom(...PART_KEYS), part, { maxKeys: 3 }),
  startMs,
  startNanos: fc.integer({ min: 0, max: 999_999_999 }),
});

describe('fast path = general path (fast-check)', () => {
  it('every span gets the cost, period and reason of readGenAiCall -> normalizeUsage -> priceCall', async () => {
    const book = testBook();
    const registry = new Registry();
    const p = new MarginSpanProcessor({ prices: book, registry, meterProvider: false });
    const expectedCost = new Map<string, number>();
    let priced = 0;
    fc.assert(
      fc.property(genAiSpan, (g) => {
        const attributes: Record<string, unknown> = {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': g.call[0],
          'gen_ai.request.model': g.call[1],
          'ai_margin.customer_id': 'c1',
          ...g.totals,
          ...g.parts,
        };
        if (g.responseModel !== undefined) attributes['gen_ai.response.model'] = g.responseModel;
        if (g.tier !== undefined) attributes['openai.response.service_tier'] = g.tier;
        const startTime = [
          Math.floor(g.startMs / 1000),
          (g.startMs % 1000) * 1e6 + (g.startNanos % 1e6),
        ];

        // The general path, through the public API.
        const call = readGenAiCall({ ...attributes } as never);
        expect(call).toBeDefined();
        if (call === undefined) return;
        let expected: CostResult | undefined;
        if (call.invalidAttribute === undefined && call.hasUsage) {
          const n = normalizeUsage(call.usage, call.convention);
          if (n.ok && call.model !== undefined) {
            expected = priceCall(book, {
              provider: call.provider,
              model: call.model,
              at: (startTime[0] as number) * 1000 + (startTime[1] as number) / 1e6,
              usage: n.usage,
              serviceTier: call.serviceTier,
              ...(call.toolCalls ? { toolCalls: call.toolCalls } : {}),
            });
          }
        }

        const span = {
          name: 'chat',
          startTime,
          attributes,
          setAttribute(key: string, value: unknown) {
            attributes[key] = value;
            return this;
          },
        };
        // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for an SDK span
        p.onEnding(span as any);
        if (expected?.priced) {
          priced++;
          expect(attributes['gen_ai.usage.cost.amount']).toBe(expected.costUsd);
          expect(attributes['ai_margin.price.period']).toBe(expected.period.id);
          expect(attributes['ai_margin.price.model']).toBe(expected.resolvedModel);
          expect(attributes['ai_margin.unpriced.reason']).toBeUndefined();
          const key = `${call.provider}/${call.model}`;
          expectedCost.set(key, (expectedCost.get(key) ?? 0) + expected.costUsd);
        } else {
          expect(attributes['gen_ai.usage.cost.amount']).toBeUndefined();
          expect(attributes['ai_margin.price.period']).toBeUndefined();
          if (expected !== undefined) {
            expect(attributes['ai_margin.unpriced.reason']).toBe(expected.reason);
          } else expect(typeof attributes['ai_margin.unpriced.reason']).toBe('string');
        }
      }),
      { numRuns: 4000, seed: 7 },
    );
    // Enough spans took the fast path for the comparison to mean something.
    expect(priced).toBeGreaterThan(500);
    const { samples } = parsePromText(await registry.metrics());
    const cost = new Map<string, number>();
    for (const s of samples) {
      if (s.name !== 'ai_margin_cost_usd_total' || s.labels.cost_type !== 'llm') continue;
      const key = `${s.labels.provider}/${s.labels.model}`;
      cost.set(key, (cost.get(key) ?? 0) + s.value);
    }
    // Same additions in the same order: the aggregates hold exactly the per-span costs' sums.
    expect(cost).toEqual(expectedCost);
  });
});

describe.each([
  ['the fixture files', FIXTURE_FILES],
  // Its discounts cover openai and azure: those providers are then resolved without the memo.
  ['the fixture files and user overrides', [...FIXTURE_FILES, fixture('user-overrides.yaml')]],
])('price book memo over %s (fast-check)', (_, files) => {
  const load = () => PriceBook.load({ includeShipped: false, userFiles: files });
  // Lives across every query of every run, so its memo is warm with earlier answers.
  const warm = load();
  const fresh = load();

  // Every id, alias, moving alias and provider alias, each with the instants where its answer
  // changes (period edges, alias switches), so that bursts cross them.
  interface Name {
    provider: string;
    model: string;
    edges: number[];
  }
  const names: Name[] = [];
  const edgesOf = (isos: Array<string | undefined>) =>
    isos.flatMap((iso) => {
      const ms = iso === undefined ? undefined : parseInstant(iso);
      return ms === undefined ? [] : [ms - 1, ms, ms + 1];
    });
  const modelEdges = new Map<string, number[]>();
  for (const e of fresh.list()) {
    const edges = edgesOf(e.periods.flatMap((p) => [p.effectiveFrom, p.effectiveTo]));
    modelEdges.set(`${e.provider}/${e.model}`, edges);
    for (const model of [e.model, ...e.aliases]) names.push({ provider: e.provider, model, edges });
  }
  for (const a of fresh.listMovingAliases()) {
    const edges = edgesOf(a.targets.map((t) => t.effectiveFrom));
    for (const t of a.targets) edges.push(...(modelEdges.get(`${a.provider}/${t.model}`) ?? []));
    names.push({ provider: a.provider, model: a.alias, edges });
  }
  for (const p of fresh.listProviders()) {
    for (const alias of p.aliases) {
      for (const n of names.filter((x) => x.provider === p.provider)) {
        names.push({ ...n, provider: alias });
      }
    }
  }
  names.push(
    { provider: 'openai', model: 'no-such-model', edges: [0] },
    { provider: 'nope', model: 'x', edges: [0] },
  );

  it('a long-lived book answers every lookup sequence like a freshly loaded one', () => {
    expect(names.length).toBeGreaterThan(10);
    expect(names.some((n) => n.edges.length > 3)).toBe(true);
    // Bursts for one name (as spans come), crossing its edges, interleaved with other names.
    const burst = fc.constantFrom(...names).chain((name) =>
      fc.record({
        name: fc.constant(name),
        instants: fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(...name.edges) },
            {
              weight: 3,
              arbitrary: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2027, 0, 1) }),
            },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                Number.NaN,
                Number.POSITIVE_INFINITY,
                Number.NEGATIVE_INFINITY,
              ),
            },
          ),
          { minLength: 1, maxLength: 12 },
        ),
      }),
    );
    fc.assert(
      fc.property(fc.array(burst, { minLength: 1, maxLength: 3 }), (bursts) => {
        const queries = bursts.flatMap(({ name, instants }) =>
          instants.map((atMs) => ({ name, atMs })),
        );
        for (const { name, atMs } of queries) {
          // A book loaded for this one query has nothing memoised: the oracle.
          const oracle = PriceBook.load({ includeShipped: false, userFiles: files });
          expect(warm.lookup(name.provider, name.model, atMs)).toEqual(
            oracle.lookup(name.provider, name.model, atMs),
          );
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});

describe("price book memo over the processor tests' price file", () => {
  it('answers like a fresh book on both sides of an explicit period end', () => {
    const book = PriceBook.load({
      includeShipped: false,
      userFiles: [{ name: 'test-prices.json', data: TEST_PRICE_FILE }],
    });
    for (const atMs of [PRICE_CHANGE + 5, PRICE_CHANGE - 5, PRICE_CHANGE, PRICE_CHANGE - 1]) {
      for (const provider of ['openai', 'azure.ai.openai']) {
        const oracle = PriceBook.load({
          includeShipped: false,
          userFiles: [{ name: 'test-prices.json', data: TEST_PRICE_FILE }],
        });
        expect(book.lookup(provider, 'test-model-a', atMs)).toEqual(
          oracle.lookup(provider, 'test-model-a', atMs),
        );
      }
    }
    // Exact values, by hand: the old price before the change, the new one from it on.
    expect(book.lookup('openai', 'test-model-a', PRICE_CHANGE - 1)).toMatchObject({
      found: true,
      price: { period: { prices: { input: 2.0, output: 8.0 } } },
    });
    expect(book.lookup('openai', 'test-model-a', PRICE_CHANGE)).toMatchObject({
      found: true,
      price: { period: { prices: { input: 1.0, output: 4.0 } } },
    });
    expect(book.lookup('openai', 'test-model-a', PRICE_CHANGE - 1)).toMatchObject({
      found: true,
      price: { period: { prices: { input: 2.0 } } },
    });
  });
});
