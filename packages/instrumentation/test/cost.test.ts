/**
 * Instrumentation + MarginSpanProcessor end to end: real SDK clients against the simulator, a
 * hand-written price file, and the cost on each span compared with a figure computed by hand.
 */
import {
  AnthropicInstrumentation,
  OpenAIInstrumentation,
  withAttribution,
} from '@ai-margin/instrumentation';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_MODULE, loadModule, OPENAI_MODULE } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// biome-ignore lint/suspicious/noExplicitAny: SDKs loaded by name at run time (version matrix)
type Any = any;
const openaiModule = loadModule<Any>(OPENAI_MODULE);
const anthropicModule = loadModule<Any>(ANTHROPIC_MODULE);

// USD per 1M tokens, by hand.
const PRICES = {
  chat: { input: 1.0, output: 4.0, cacheRead: 0.25 },
  // A price for cache writes (the processor's generic write bucket, `cacheWrite5m`).
  cache: { input: 1.0, output: 4.0, cacheRead: 0.25, cacheWrite5m: 1.25 },
  claude: { input: 3.0, output: 15.0, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6.0 },
  // Audio tokens at their own prices (gpt-audio's list prices).
  audio: { input: 2.5, output: 10, inputAudio: 32, outputAudio: 64 },
};
const PRICE_FILE = {
  providers: [
    {
      provider: 'openai',
      providerAliases: ['azure.ai.openai'],
      currency: 'USD',
      models: [
        {
          id: 'test-chat-model',
          periods: [{ effectiveFrom: '2025-01-01', prices: PRICES.chat, source: 'test' }],
        },
        {
          id: 'test-cache-model',
          periods: [{ effectiveFrom: '2025-01-01', prices: PRICES.cache, source: 'test' }],
        },
        {
          id: 'test-audio-model',
          periods: [{ effectiveFrom: '2025-01-01', prices: PRICES.audio, source: 'test' }],
        },
      ],
    },
    {
      provider: 'anthropic',
      currency: 'USD',
      models: [
        {
          id: 'test-claude',
          periods: [{ effectiveFrom: '2025-01-01', prices: PRICES.claude, source: 'test' }],
        },
        {
          id: 'test-claude-geo',
          periods: [
            {
              effectiveFrom: '2025-01-01',
              prices: PRICES.claude,
              serviceTiers: { fast: 6 },
              regionalProcessingUplift: 1.1,
              source: 'test',
            },
          ],
        },
      ],
    },
  ],
};

let sim: ProviderSim;
let otel: TestOtel;
const openaiInstr = new OpenAIInstrumentation();
const anthropicInstr = new AnthropicInstrumentation();

beforeAll(async () => {
  sim = await startProviderSim();
  const prices = PriceBook.load({
    includeShipped: false,
    userFiles: [{ name: 'test-prices', data: PRICE_FILE }],
  });
  otel = setupOtel([new MarginSpanProcessor({ prices, meterProvider: false })]);
  for (const [instr, mod] of [
    [openaiInstr, openaiModule],
    [anthropicInstr, anthropicModule],
  ] as const) {
    instr.setTracerProvider(otel.tracerProvider);
    instr.manuallyInstrument(mod);
  }
});

afterAll(async () => {
  openaiInstr.manuallyUninstrument(openaiModule);
  anthropicInstr.manuallyUninstrument(anthropicModule);
  await sim.close();
  await otel.shutdown();
});

beforeEach(() => otel.exporter.reset());

const messages = [{ role: 'user', content: 'Hello' }];
const cost = (s: ReadableSpan) => s.attributes['gen_ai.usage.cost.amount'] as number;

describe('cost on the span (MarginSpanProcessor + hand-written prices)', () => {
  it('openai chat: uncached 100 x $1 + cached 40 x $0.25 + output 30 x $4 per 1M', async () => {
    sim.setScript(() => ({
      usage: { input: 100, cacheRead: 40, output: 30, reasoning: 10 },
      responseModel: 'test-chat-model',
    }));
    const openai = new openaiModule.OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 't',
      maxRetries: 0,
    });
    await withAttribution({ customerId: 'acme', feature: 'support' }, () =>
      openai.chat.completions.create({ model: 'test-chat', messages }),
    );
    const [span] = await waitForSpans(otel, 1);
    // (100 * 1.0 + 40 * 0.25 + 30 * 4.0) / 1e6 = 230 / 1e6
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.00023, 12);
    expect(span?.attributes).toMatchObject({
      'gen_ai.usage.cost.currency': 'USD',
      'ai_margin.customer_id': 'acme',
      'ai_margin.feature': 'support',
      'ai_margin.price.model': 'test-chat-model',
    });
  });

  it('openai stream with include_usage is priced the same', async () => {
    sim.setScript(() => ({
      usage: { input: 100, cacheRead: 40, output: 30, reasoning: 10 },
      responseModel: 'test-chat-model',
    }));
    const openai = new openaiModule.OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 't',
      maxRetries: 0,
    });
    const stream = await openai.chat.completions.create({
      model: 'test-chat',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) {
    }
    const [span] = await waitForSpans(otel, 1);
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.00023, 12);
  });

  it('openai stream without usage is unpriced (missing_usage), never $0', async () => {
    sim.setScript(() => ({ usage: { input: 100, output: 30 }, responseModel: 'test-chat-model' }));
    const openai = new openaiModule.OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 't',
      maxRetries: 0,
    });
    const stream = await openai.chat.completions.create({
      model: 'test-chat',
      messages,
      stream: true,
    });
    for await (const _ of stream) {
    }
    const [span] = await waitForSpans(otel, 1);
    expect(span?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    expect(span?.attributes['ai_margin.unpriced.reason']).toBe('missing_usage');
  });

  // openai 7 usage: uncached 100 + cached 40 + written 80 (30 min 20, 12 h 60) = prompt 220.
  const usage7 = {
    input: 100,
    cacheRead: 40,
    cacheWrite30m: 20,
    cacheWrite12h: 60,
    output: 30,
    reasoning: 10,
  };

  it('openai 7 chat: cache writes come out of input and are priced apart, never counted twice', async () => {
    sim.setScript(() => ({ usage: usage7, responseModel: 'test-cache-model' }));
    const openai = new openaiModule.OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 't',
      maxRetries: 0,
    });
    await openai.chat.completions.create({ model: 'test-cache', messages });
    const [span] = await waitForSpans(otel, 1);
    expect(span?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 220,
      'gen_ai.usage.cache_creation.input_tokens': 80,
    });
    // uncached 220 - 40 - 80 = 100: (100 * 1.0 + 40 * 0.25 + 80 * 1.25 + 30 * 4.0) / 1e6 = 330 / 1e6
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.00033, 12);
  });

  // The Responses API arrived in openai 4.87.
  const withResponses = openaiModule.OpenAI.Responses ? it : it.skip;

  // Never silently cheaper: a tier or a cache-write retention the price book has no price for
  // makes the call unpriced (counted, with its reason), not priced as standard / 5-minute writes.
  withResponses(
    'an ultrafast call with no ultrafast price is unpriced, never billed as standard',
    async () => {
      sim.setScript(() => ({
        usage: { input: 100, output: 30 },
        responseModel: 'test-chat-model',
      }));
      const openai = new openaiModule.OpenAI({
        baseURL: `${sim.url}/v1`,
        apiKey: 't',
        maxRetries: 0,
      });
      await openai.responses.create({ model: 'test-chat', input: 'Hi', service_tier: 'ultrafast' });
      const [span] = await waitForSpans(otel, 1);
      expect(span?.attributes['openai.response.service_tier']).toBe('ultrafast');
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    },
  );

  withResponses(
    '12-hour cache writes with no 12-hour price are unpriced, never billed as 5-minute writes',
    async () => {
      sim.setScript(() => ({ usage: usage7, responseModel: 'test-cache-model' }));
      const openai = new openaiModule.OpenAI({
        baseURL: `${sim.url}/v1`,
        apiKey: 't',
        maxRetries: 0,
      });
      await openai.responses.create({ model: 'test-cache', input: 'Hi' });
      const [span] = await waitForSpans(otel, 1);
      expect(span?.attributes['ai_margin.usage.cache_write_12h.input_tokens']).toBe(60);
      expect(span?.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
    },
  );

  it('anthropic: input, cache read, 5m and 1h cache writes and output priced apart', async () => {
    sim.setScript(() => ({
      usage: { input: 100, cacheRead: 1000, cacheWrite5m: 200, cacheWrite1h: 50, output: 40 },
      responseModel: 'test-claude',
    }));
    const Anthropic = anthropicModule.Anthropic ?? anthropicModule.default;
    const client = new Anthropic({ baseURL: sim.url, apiKey: 't', maxRetries: 0 });
    await withAttribution({ customerId: 'globex' }, () =>
      client.messages.create({ model: 'test-claude', max_tokens: 64, messages }),
    );
    const [span] = await waitForSpans(otel, 1);
    // (100 * 3 + 1000 * 0.3 + 200 * 3.75 + 50 * 6 + 40 * 15) / 1e6 = 2250 / 1e6
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.00225, 12);
    expect(span?.attributes['ai_margin.customer_id']).toBe('globex');
  });

  it('openai chat with audio: audio tokens at the audio prices', async () => {
    sim.setScript(() => ({
      usage: { input: 1000, output: 500, audioInput: 800, audioOutput: 400 },
      responseModel: 'test-audio-model',
    }));
    const openai = new openaiModule.OpenAI({
      baseURL: `${sim.url}/v1`,
      apiKey: 't',
      maxRetries: 0,
    });
    await openai.chat.completions.create({ model: 'test-audio', messages });
    const [span] = await waitForSpans(otel, 1);
    // (200 * 2.5 + 800 * 32 + 100 * 10 + 400 * 64) / 1e6 = 52,700 / 1e6
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.0527, 12);
  });

  it('anthropic fast mode with inference_geo us: x6 fast, x1.1 US-only inference', async () => {
    sim.setScript(() => ({
      usage: { input: 100, output: 40, speed: 'fast', inferenceGeo: 'us' },
      responseModel: 'test-claude-geo',
    }));
    const Anthropic = anthropicModule.Anthropic ?? anthropicModule.default;
    const client = new Anthropic({ baseURL: sim.url, apiKey: 't', maxRetries: 0 });
    await client.messages.create({ model: 'test-claude-geo', max_tokens: 64, messages });
    const [span] = await waitForSpans(otel, 1);
    // (100 * 3 + 40 * 15) / 1e6 = 900 / 1e6, x 6 x 1.1
    expect(cost(span as ReadableSpan)).toBeCloseTo(0.00594, 12);
  });

  // SDK versions with built-in tracing have a `_tracer` field on the client.
  const anthropicTraces =
    '_tracer' in new (anthropicModule.Anthropic ?? anthropicModule.default)({ apiKey: 't' });
  it.skipIf(!anthropicTraces)(
    "anthropic defer mode: the SDK's own span is priced the same, with attribution",
    async () => {
      const Anthropic = anthropicModule.Anthropic ?? anthropicModule.default;
      const client = new Anthropic({
        baseURL: sim.url,
        apiKey: 't',
        maxRetries: 0,
        openTelemetry: { tracerProvider: otel.tracerProvider },
      });
      sim.setScript(() => ({
        usage: { input: 100, cacheRead: 1000, cacheWrite5m: 200, cacheWrite1h: 50, output: 40 },
        responseModel: 'test-claude',
      }));
      anthropicInstr.setConfig({ builtInTracing: 'defer' });
      try {
        await withAttribution({ customerId: 'initech' }, () =>
          client.messages.create({ model: 'test-claude', max_tokens: 64, messages }),
        );
      } finally {
        anthropicInstr.setConfig({});
      }
      const [span] = await waitForSpans(otel, 1);
      expect(span?.name).toBe('anthropic.messages.create');
      expect(cost(span as ReadableSpan)).toBeCloseTo(0.00225, 12);
      expect(span?.attributes['ai_margin.customer_id']).toBe('initech');
    },
  );
});
