import { MarginSpanProcessor } from '@ai-margin/processor';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AFTER, parsePromText, testBook } from './helpers/processor';

const USAGE_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.usage.prompt_tokens',
  'anthropic.usage.cache_creation.ephemeral_1h_input_tokens',
  'anthropic.usage.cache_creation.ephemeral_5m_input_tokens',
  'ai.usage.inputTokens',
  'ai.usage.outputTokens',
  'ai.usage.cachedInputTokens',
  'ai.usage.reasoningTokens',
  'ai.usage.promptTokens',
];
const OTHER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'ai.operationId',
  'ai.model.provider',
  'ai.model.id',
  'openai.response.service_tier',
  'ai_margin.customer_id',
  'ai_margin.feature',
  'gen_ai.usage.cost.amount',
  'traceloop.association.properties.customer_id',
];

const hostileNumber = fc.oneof(
  fc.integer({ min: 0, max: 5_000_000 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, -0, 1e300, Number.MAX_SAFE_INTEGER, 0.5),
);
const hostileValue = fc.oneof(
  hostileNumber,
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.string(), fc.integer())),
  fc.constantFrom(
    'openai',
    'anthropic',
    'chat',
    'test-model-a',
    'ai.generateText.doGenerate',
    'flex',
    '',
  ),
);
const attributeMap = fc.dictionary(
  fc.oneof(fc.constantFrom(...USAGE_KEYS, ...OTHER_KEYS), fc.string()),
  hostileValue,
  { maxKeys: 20 },
);
/** GenAI-looking spans with hostile usage values, so pricing paths are really exercised. */
const genAiMap = fc
  .record({
    provider: fc.constantFrom('openai', 'anthropic', 'az.ai.openai', 'gcp.vertex_ai', 'x'),
    model: fc.constantFrom('test-model-a', 'test-claude', 'nope'),
    usage: fc.dictionary(fc.constantFrom(...USAGE_KEYS), hostileNumber, { maxKeys: 8 }),
  })
  .map(({ provider, model, usage }) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    ...usage,
  }));

function fakeSpan(attributes: Record<string, unknown>, startTime: unknown) {
  return {
    name: typeof attributes['gen_ai.operation.name'] === 'string' ? 'chat' : 'other',
    startTime,
    attributes,
    setAttribute(key: string, value: unknown) {
      attributes[key] = value;
      return this;
    },
  };
}

describe('hostile attributes (fast-check)', () => {
  it('never throw, never produce NaN or negative cost; bad input is counted as unpriced', async () => {
    const registry = new Registry();
    const p = new MarginSpanProcessor({
      prices: testBook(),
      registry,
      meterProvider: false,
      revenueRules: [
        { kind: 'markup', percent: 10 },
        { kind: 'per_token', usdPerMillion: 1 },
      ],
      costRules: [
        {
          name: 'r',
          spanName: 'other',
          perUnit: { attribute: 'gen_ai.usage.input_tokens', usd: 0.001 },
        },
      ],
    });
    const startTime = fc.oneof(
      fc.constant([Math.floor(AFTER / 1000), 0]),
      fc.tuple(fc.integer(), fc.integer()),
      fc.constant([Number.NaN, 0]),
    );
    fc.assert(
      fc.property(fc.oneof(attributeMap, genAiMap), startTime, (generated, start) => {
        const attrs = generated as Record<string, unknown>;
        const span = fakeSpan({ ...attrs }, start);
        // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for an SDK span
        const s = span as any;
        expect(() => {
          p.onStart(s, ROOT_CONTEXT);
          p.onEnding(s);
          p.onEnd(s);
        }).not.toThrow();
        const cost = span.attributes['gen_ai.usage.cost.amount'];
        if (cost !== undefined && attrs['gen_ai.usage.cost.amount'] === undefined) {
          expect(typeof cost).toBe('number');
          expect(Number.isFinite(cost)).toBe(true);
          expect(cost as number).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 3000, seed: 42 },
    );
    const { samples } = parsePromText(await registry.metrics());
    for (const s of samples) {
      expect(Number.isFinite(s.value), `${s.name} ${JSON.stringify(s.labels)}`).toBe(true);
      expect(s.value).toBeGreaterThanOrEqual(0);
    }
    const invalid = samples.filter(
      (s) => s.name === 'ai_margin_unpriced_requests_total' && s.labels.reason === 'invalid_usage',
    );
    expect(invalid.reduce((a, s) => a + s.value, 0)).toBeGreaterThan(0);
    expect(samples.filter((s) => s.name === 'ai_margin_processor_errors_total')).toEqual([]);
  });
});
