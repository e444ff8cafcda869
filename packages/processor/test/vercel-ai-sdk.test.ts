/**
 * The Vercel AI SDK 7 for real: `ai` with its fetch-based `@ai-sdk/openai` and
 * `@ai-sdk/anthropic` providers against the provider simulator, traced by `@ai-sdk/otel`
 * (`OpenTelemetry`, and `LegacyOpenTelemetry` for the AI SDK 6 span shape), priced by the
 * MarginSpanProcessor at the prices written below. docs/vercel-ai-sdk.md describes the setup.
 */
import { createRequire } from 'node:module';
import {
  AnthropicInstrumentation,
  OpenAIInstrumentation,
  withAttribution,
} from '@ai-margin/instrumentation';
import {
  MarginSpanProcessor,
  PROCESSOR_DEFAULTS,
  PriceBook,
  type PromRegistryLike,
} from '@ai-margin/processor';
import { type ProviderHandler, type SimUsage, startProviderSim } from '@ai-margin/provider-sim';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { type EnrichSpan, LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { type Attributes, SpanKind, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  embed,
  generateText,
  jsonSchema,
  type LanguageModel,
  registerTelemetry,
  stepCountIs,
  streamText,
  tool,
} from 'ai';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readGenAiCall } from '../src/processor/span-reader';
// Also installs the AsyncLocalStorage context manager withAttribution needs.
import { pick, promSamples, type Sample } from './helpers/processor';

const require = createRequire(import.meta.url);
// The simulator's model ids are unknown to the AI SDK, which warns on every call otherwise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

// --- Prices (USD per 1M tokens) and usage, so every expected cost below is worked by hand ------

const PRICE_FILE = {
  providers: [
    {
      provider: 'openai',
      currency: 'USD',
      models: [
        {
          id: 'sim-gpt',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: { input: 2.5, cacheRead: 1.25, output: 10 },
              source: 'test: hand-written',
            },
          ],
        },
        {
          id: 'sim-embed',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: { input: 0.02, output: 0 },
              source: 'test: hand-written',
            },
          ],
        },
        {
          // A model the AI SDK allows flex processing for (it drops `serviceTier` otherwise).
          id: 'gpt-5-mini',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: { input: 0.4, cacheRead: 0.04, output: 2 },
              serviceTiers: { flex: 0.5, priority: 2 },
              source: 'test: hand-written',
            },
          ],
        },
      ],
    },
    {
      provider: 'anthropic',
      currency: 'USD',
      models: [
        {
          id: 'sim-claude',
          periods: [
            {
              effectiveFrom: '2025-01-01T00:00:00Z',
              prices: { input: 3, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6, output: 15 },
              source: 'test: hand-written',
            },
          ],
        },
      ],
    },
  ],
};

/** OpenAI: prompt_tokens 2000 of which 800 cached; 150 output. */
const OPENAI_USAGE: SimUsage = { input: 1200, cacheRead: 800, output: 150 };
/** (1200 x 2.5 + 800 x 1.25 + 150 x 10) / 1e6 */
const OPENAI_USD = 0.0055;
/** Anthropic: 900 uncached, 5000 cache reads, 2000 5-minute cache writes; 300 output. */
const ANTHROPIC_USAGE: SimUsage = { input: 900, cacheRead: 5000, cacheWrite5m: 2000, output: 300 };
/** (900 x 3 + 5000 x 0.3 + 2000 x 3.75 + 300 x 15) / 1e6 */
const ANTHROPIC_USD = 0.0162;

// --- Tool calls: the simulator answers plain text, so a handler of our own plays the model ------

/** Step 1 asks for the tool; step 2 answers with its result. */
const TOOL_STEP_1: SimUsage = { input: 400, cacheRead: 1000, output: 60 };
const TOOL_STEP_2: SimUsage = { input: 520, cacheRead: 1000, cacheWrite5m: 300, output: 90 };
/** (400 x 3 + 1000 x 0.3 + 60 x 15) / 1e6 */
const TOOL_STEP_1_USD = 0.0024;
/** (520 x 3 + 1000 x 0.3 + 300 x 3.75 + 90 x 15) / 1e6 */
const TOOL_STEP_2_USD = 0.004335;

function anthropicUsage(u: SimUsage) {
  return {
    input_tokens: u.input,
    cache_read_input_tokens: u.cacheRead ?? 0,
    cache_creation_input_tokens: (u.cacheWrite5m ?? 0) + (u.cacheWrite1h ?? 0),
    cache_creation: {
      ephemeral_5m_input_tokens: u.cacheWrite5m ?? 0,
      ephemeral_1h_input_tokens: u.cacheWrite1h ?? 0,
    },
    output_tokens: u.output,
    service_tier: 'standard',
  };
}

function hasToolResult(body: unknown): boolean {
  return JSON.stringify(body ?? null).includes('"tool_result"');
}

/** Anthropic Messages under `/tools/v1`: a `tool_use` first, text once the result is sent. */
const toolModel: ProviderHandler = {
  provider: 'anthropic',
  match: (method, path) => method === 'POST' && path === '/tools/v1/messages',
  async handle(ctx) {
    const body = (ctx.body ?? {}) as { model?: string };
    const model = body.model ?? 'unknown';
    ctx.reply({ operation: 'messages', model, stream: false, body: ctx.body });
    const second = hasToolResult(ctx.body);
    await ctx.sendJson(200, {
      id: second ? 'msg_tool_2' : 'msg_tool_1',
      type: 'message',
      role: 'assistant',
      model,
      content: second
        ? [{ type: 'text', text: 'It is 21 degrees in Paris.' }]
        : [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
      stop_reason: second ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: anthropicUsage(second ? TOOL_STEP_2 : TOOL_STEP_1),
    });
  },
};

// --- Telemetry: one tracer provider for the file, registered globally as NodeSDK would --------

const COST = 'gen_ai.usage.cost.amount';
const registry = new Registry();
const margin = new MarginSpanProcessor({
  prices: PriceBook.load({
    userFiles: [{ name: 'vercel-test-prices.json', data: PRICE_FILE }],
    includeShipped: false,
  }),
  registry: registry as PromRegistryLike,
  meterProvider: false,
});
const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [margin, new SimpleSpanProcessor({ exporter })],
});
trace.setGlobalTracerProvider(tracerProvider);
// What the AI SDK's own README shows: every call is traced through the global tracer provider.
registerTelemetry(new OpenTelemetry());

/** The recommended integration (docs/vercel-ai-sdk.md): runtime context -> ai_margin.* */
const marginAttribution: EnrichSpan = ({ runtimeContext }) => {
  const customerId = runtimeContext?.customerId;
  const feature = runtimeContext?.feature;
  return {
    ...(typeof customerId === 'string' ? { 'ai_margin.customer_id': customerId } : {}),
    ...(typeof feature === 'string' ? { 'ai_margin.feature': feature } : {}),
  };
};
const recommended = new OpenTelemetry({ providerMetadata: true, enrichSpan: marginAttribution });

let sim: Awaited<ReturnType<typeof startProviderSim>>;
let openai: ReturnType<typeof createOpenAI>;
let anthropic: ReturnType<typeof createAnthropic>;

beforeAll(async () => {
  sim = await startProviderSim({ handlers: [toolModel] });
  openai = createOpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test' });
  // The Anthropic provider's default base URL is https://api.anthropic.com/v1 (+ /messages).
  anthropic = createAnthropic({ baseURL: `${sim.url}/v1`, apiKey: 'test' });
});

afterAll(async () => {
  await sim.close();
  await tracerProvider.shutdown();
});

beforeEach(() => {
  exporter.reset();
  sim.calls.length = 0;
  sim.setScript((call) => ({
    usage: call.provider === 'anthropic' ? ANTHROPIC_USAGE : OPENAI_USAGE,
  }));
});

// --- Helpers --------------------------------------------------------------------------------

/** Waits for `n` ended spans matching `pred` (the AI SDK ends its root span after the result). */
async function ended(
  n: number,
  pred: (s: ReadableSpan) => boolean = (s) => op(s) === 'invoke_agent',
): Promise<ReadableSpan[]> {
  const start = Date.now();
  while (exporter.getFinishedSpans().filter(pred).length < n) {
    if (Date.now() - start > 5000) {
      const names = exporter.getFinishedSpans().map((s) => s.name);
      throw new Error(`expected ${n} matching spans; ended: ${names.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return exporter.getFinishedSpans();
}

function op(s: ReadableSpan): unknown {
  return s.attributes['gen_ai.operation.name'];
}

function priced(spans: ReadableSpan[] = exporter.getFinishedSpans()): ReadableSpan[] {
  return spans.filter((s) => s.attributes[COST] !== undefined);
}

/** The one priced span; fails on zero or several. */
function onlyPriced(spans?: ReadableSpan[]): ReadableSpan {
  const found = priced(spans);
  expect(found.map((s) => s.name)).toHaveLength(1);
  return found[0] as ReadableSpan;
}

async function samples(): Promise<Sample[]> {
  return (await promSamples(registry)).samples;
}

async function costOf(customer: string): Promise<number> {
  return (await samples())
    .filter((s) => s.name === 'ai_margin_cost_usd_total' && s.labels.customer_id === customer)
    .reduce((sum, s) => sum + s.value, 0);
}

function attributionOf(span: ReadableSpan): Attributes {
  return {
    customer: span.attributes['ai_margin.customer_id'],
    feature: span.attributes['ai_margin.feature'],
  };
}

/** The customer's cost total and priced request count in the processor's metrics (prom-client). */
async function metricsFor(customer: string, feature: string, expectedUsd: number, calls = 1) {
  const all = await samples();
  const requests = all.filter(
    (s) => s.name === 'ai_margin_requests_total' && s.labels.customer_id === customer,
  );
  // No span of any call in this file was taken for an unpriceable model call.
  expect(all.filter((s) => s.name === 'ai_margin_unpriced_requests_total')).toEqual([]);
  expect(await costOf(customer)).toBeCloseTo(expectedUsd, 12);
  expect(requests.every((s) => s.labels.feature === feature && s.labels.priced === 'true')).toBe(
    true,
  );
  expect(requests.reduce((sum, s) => sum + s.value, 0)).toBe(calls);
}

// --- Cases ------------------------------------------------------------------------------------

interface ModelCase {
  name: string;
  model: () => LanguageModel;
  provider: string;
  modelId: string;
  path: string;
  usd: number;
}

const MODELS: ModelCase[] = [
  {
    name: 'openai(model) (the Responses API)',
    model: () => openai('sim-gpt'),
    provider: 'openai',
    modelId: 'sim-gpt',
    path: '/v1/responses',
    usd: OPENAI_USD,
  },
  {
    name: 'openai.chat(model) (Chat Completions)',
    model: () => openai.chat('sim-gpt'),
    provider: 'openai',
    modelId: 'sim-gpt',
    path: '/v1/chat/completions',
    usd: OPENAI_USD,
  },
  {
    name: 'anthropic(model) (Messages, cache reads and writes)',
    model: () => anthropic('sim-claude'),
    provider: 'anthropic',
    modelId: 'sim-claude',
    path: '/v1/messages',
    usd: ANTHROPIC_USD,
  },
];

type Mode = 'generateText' | 'streamText';

/** One call the way an app makes it; resolves to the text. */
async function call(mode: Mode, model: LanguageModel, extra: object = {}): Promise<string> {
  if (mode === 'generateText') {
    const result = await generateText({ model, prompt: 'Hello', maxRetries: 0, ...extra });
    return result.text;
  }
  const result = streamText({ model, prompt: 'Hello', maxRetries: 0, ...extra });
  let text = '';
  for await (const delta of result.textStream) text += delta;
  return text;
}

it("@ai-sdk/otel uses the app's @opentelemetry/api, not its own pinned copy (npm overrides)", () => {
  // @ai-sdk/otel pins @opentelemetry/api 1.9.1; the root package.json override dedupes it.
  const fromOtel = createRequire(require.resolve('@ai-sdk/otel')).resolve('@opentelemetry/api');
  expect(fromOtel).toBe(require.resolve('@opentelemetry/api'));
});

describe('AI SDK 7 + @ai-sdk/otel OpenTelemetry: attribution from withAttribution', () => {
  let n = 0;
  for (const mode of ['generateText', 'streamText'] as const) {
    for (const m of MODELS) {
      it(`${mode} with ${m.name}: one priced chat span, exact cost, customer and feature`, async () => {
        const customer = `wa-${++n}`;
        const text = await withAttribution({ customerId: customer, feature: 'summarize' }, () =>
          call(mode, m.model()),
        );
        expect(text).toContain('provider simulator');
        const spans = await ended(1);
        expect(sim.calls.map((c) => [c.path, c.stream])).toEqual([[m.path, mode === 'streamText']]);

        // invoke_agent > step 1 > chat: only the provider call is priced.
        expect(spans.map((s) => op(s)).sort()).toEqual(['agent_step', 'chat', 'invoke_agent']);
        const span = onlyPriced(spans);
        expect(span.name).toBe(`chat ${m.modelId}`);
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.attributes['gen_ai.provider.name']).toBe(m.provider);
        expect(span.attributes[COST]).toBeCloseTo(m.usd, 12);
        expect(span.attributes['gen_ai.usage.cost.currency']).toBe('USD');
        expect(span.attributes['ai_margin.price.model']).toBe(m.modelId);
        expect(attributionOf(span)).toEqual({ customer, feature: 'summarize' });

        // The root span repeats the call's usage (the sum of its steps) and stays unpriced.
        const root = spans.find((s) => op(s) === 'invoke_agent') as ReadableSpan;
        expect(root.attributes['gen_ai.usage.output_tokens']).toBe(
          span.attributes['gen_ai.usage.output_tokens'],
        );
        expect(root.attributes[COST]).toBeUndefined();
        expect(root.attributes['ai_margin.unpriced.reason']).toBeUndefined();

        await metricsFor(customer, 'summarize', m.usd);
      });
    }
  }

  it('streamText consumed after the withAttribution callback returned keeps the attribution', async () => {
    const result = withAttribution({ customerId: 'late-reader', feature: 'chat' }, () =>
      streamText({ model: anthropic('sim-claude'), prompt: 'Hello', maxRetries: 0 }),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(await result.text).toContain('provider simulator');
    const span = onlyPriced(await ended(1));
    expect(span.attributes[COST]).toBeCloseTo(ANTHROPIC_USD, 12);
    expect(attributionOf(span)).toEqual({ customer: 'late-reader', feature: 'chat' });
    await metricsFor('late-reader', 'chat', ANTHROPIC_USD);
  });

  it('a tool call (2 model calls in 2 steps) gives 2 priced spans and prices neither the tool nor the root', async () => {
    const toolAnthropic = createAnthropic({ baseURL: `${sim.url}/tools/v1`, apiKey: 'test' });
    let executions = 0;
    const result = await withAttribution({ customerId: 'agent-user', feature: 'weather' }, () =>
      generateText({
        model: toolAnthropic('sim-claude'),
        prompt: 'Weather in Paris?',
        maxRetries: 0,
        stopWhen: stepCountIs(5),
        tools: {
          weather: tool({
            description: 'Current temperature of a city',
            inputSchema: jsonSchema<{ city: string }>({
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            }),
            execute: async ({ city }) => {
              executions++;
              return { city, celsius: 21 };
            },
          }),
        },
      }),
    );
    expect(result.text).toBe('It is 21 degrees in Paris.');
    expect(result.steps).toHaveLength(2);
    expect(executions).toBe(1);
    const spans = await ended(1);
    expect(sim.calls).toHaveLength(2);

    expect(spans.map((s) => op(s)).sort()).toEqual([
      'agent_step',
      'agent_step',
      'chat',
      'chat',
      'execute_tool',
      'invoke_agent',
    ]);
    const calls = priced(spans).sort(
      (a, b) => Number(a.attributes[COST]) - Number(b.attributes[COST]),
    );
    expect(calls.map((s) => [op(s), s.attributes[COST]])).toEqual([
      ['chat', expect.closeTo(TOOL_STEP_1_USD, 12)],
      ['chat', expect.closeTo(TOOL_STEP_2_USD, 12)],
    ]);
    for (const s of calls)
      expect(attributionOf(s)).toEqual({ customer: 'agent-user', feature: 'weather' });
    await metricsFor('agent-user', 'weather', TOOL_STEP_1_USD + TOOL_STEP_2_USD, 2);
  });
});

describe('AI SDK 7: attribution from the call itself (runtime context)', () => {
  it('runtimeContext + includeRuntimeContext, mapped by enrichSpan, attributes without withAttribution', async () => {
    for (const mode of ['generateText', 'streamText'] as const) {
      exporter.reset();
      const customer = `rc-${mode}`;
      await call(mode, openai('sim-gpt'), {
        runtimeContext: { customerId: customer, feature: 'search', userEmail: 'a@example.com' },
        telemetry: {
          integrations: [recommended],
          // The AI SDK hands integrations only the runtime context keys listed here.
          includeRuntimeContext: { customerId: true, feature: true },
        },
      });
      const spans = await ended(1);
      const span = onlyPriced(spans);
      expect(span.attributes[COST]).toBeCloseTo(OPENAI_USD, 12);
      expect(attributionOf(span)).toEqual({ customer, feature: 'search' });
      // The e-mail address was not listed: it reached no span.
      expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('example.com');
      await metricsFor(customer, 'search', OPENAI_USD);
    }
  });

  it('the call-level runtime context wins over an enclosing withAttribution', async () => {
    await withAttribution({ customerId: 'ambient', feature: 'ambient-feature' }, () =>
      generateText({
        model: anthropic('sim-claude'),
        prompt: 'Hello',
        maxRetries: 0,
        runtimeContext: { customerId: 'explicit' },
        telemetry: { integrations: [recommended], includeRuntimeContext: { customerId: true } },
      }),
    );
    const span = onlyPriced(await ended(1));
    // The feature the call does not name still comes from withAttribution.
    expect(attributionOf(span)).toEqual({ customer: 'explicit', feature: 'ambient-feature' });
    expect(await costOf('ambient')).toBe(0);
    await metricsFor('explicit', 'ambient-feature', ANTHROPIC_USD);
  });

  it('without enrichSpan the runtime context does not reach the priced span (unattributed)', async () => {
    await generateText({
      model: openai.chat('sim-gpt'),
      prompt: 'Hello',
      maxRetries: 0,
      runtimeContext: { customerId: 'lost' },
      telemetry: {
        integrations: [new OpenTelemetry({ runtimeContext: true })],
        includeRuntimeContext: { customerId: true },
      },
    });
    const spans = await ended(1);
    const span = onlyPriced(spans);
    // `runtimeContext: true` writes ai.settings.context.* on the invoke_agent and step spans only.
    const root = spans.find((s) => op(s) === 'invoke_agent') as ReadableSpan;
    expect(root.attributes['ai.settings.context.customerId']).toBe('lost');
    expect(span.attributes['ai.settings.context.customerId']).toBeUndefined();
    expect(attributionOf(span)).toEqual({ customer: undefined, feature: undefined });
    expect(await costOf('lost')).toBe(0);
  });
});

describe('AI SDK 7: service tier and 1-hour cache writes from provider metadata', () => {
  it('OpenAI flex processing is priced at the flex multiplier (providerMetadata: true)', async () => {
    sim.setScript(() => ({ usage: { input: 3000, output: 800, reasoning: 500 } }));
    await withAttribution({ customerId: 'flex-user', feature: 'batch-report' }, () =>
      generateText({
        model: openai('gpt-5-mini'),
        prompt: 'Hello',
        maxRetries: 0,
        providerOptions: { openai: { serviceTier: 'flex' } },
        telemetry: { integrations: [new OpenTelemetry({ providerMetadata: true, usage: true })] },
      }),
    );
    expect(sim.calls[0]?.body).toMatchObject({ service_tier: 'flex' });
    const span = onlyPriced(await ended(1));
    // (3000 x 0.4 + 800 x 2) / 1e6 x 0.5 (reasoning is billed at the output price)
    expect(span.attributes[COST]).toBeCloseTo(0.0014, 12);
    const tokens = (await samples()).filter(
      (s) => s.name === 'ai_margin_tokens_total' && s.labels.customer_id === 'flex-user',
    );
    expect(Object.fromEntries(tokens.map((s) => [s.labels.token_type, s.value]))).toEqual({
      input: 3000,
      output: 300,
      reasoning: 500,
    });
  });

  it('Anthropic 1-hour cache writes are priced apart (providerMetadata: true)', async () => {
    sim.setScript(() => ({
      usage: { input: 100, cacheWrite5m: 1000, cacheWrite1h: 3000, output: 50 },
    }));
    await withAttribution({ customerId: 'long-cache', feature: 'docs' }, () =>
      call('streamText', anthropic('sim-claude'), { telemetry: { integrations: [recommended] } }),
    );
    const span = onlyPriced(await ended(1));
    expect(span.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(4000);
    // (100 x 3 + 1000 x 3.75 + 3000 x 6 + 50 x 15) / 1e6
    expect(span.attributes[COST]).toBeCloseTo(0.0228, 12);
  });
});

describe('AI SDK 7 with our openai / @anthropic-ai/sdk instrumentations on', () => {
  const openaiModule = require('openai');
  const anthropicModule = require('@anthropic-ai/sdk');
  const ours = [new OpenAIInstrumentation(), new AnthropicInstrumentation()];

  beforeAll(() => {
    for (const i of ours) i.setTracerProvider(tracerProvider);
    ours[0]?.manuallyInstrument(openaiModule);
    ours[1]?.manuallyInstrument(anthropicModule);
  });
  afterAll(() => {
    ours[0]?.manuallyUninstrument(openaiModule);
    ours[1]?.manuallyUninstrument(anthropicModule);
  });

  it('AI SDK calls are priced once each (its providers use fetch, not the SDKs we patch)', async () => {
    await withAttribution({ customerId: 'both-on', feature: 'mixed' }, async () => {
      for (const mode of ['generateText', 'streamText'] as const) {
        await call(mode, openai('sim-gpt'));
        await call(mode, openai.chat('sim-gpt'));
        await call(mode, anthropic('sim-claude'));
      }
    });
    const spans = await ended(6);
    expect(sim.calls).toHaveLength(6);
    const aiSdk = priced(spans);
    expect(aiSdk).toHaveLength(6);
    for (const s of aiSdk) expect(s.instrumentationScope.name).toBe('gen_ai');
    await metricsFor('both-on', 'mixed', 4 * OPENAI_USD + 2 * ANTHROPIC_USD, 6);

    // The instrumentations are live: a direct SDK call in the same process is priced, once.
    exporter.reset();
    await withAttribution({ customerId: 'both-on', feature: 'direct' }, async () => {
      const client = new openaiModule.OpenAI({
        baseURL: `${sim.url}/v1`,
        apiKey: 'test',
        maxRetries: 0,
      });
      await client.chat.completions.create({
        model: 'sim-gpt',
        messages: [{ role: 'user', content: 'Hello' }],
      });
      const claude = new anthropicModule.Anthropic({
        baseURL: sim.url,
        apiKey: 'test',
        maxRetries: 0,
      });
      await claude.messages.create({
        model: 'sim-claude',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hello' }],
      });
    });
    const direct = priced();
    expect(direct).toHaveLength(2);
    for (const s of direct) expect(s.instrumentationScope.name).not.toBe('gen_ai');
    expect(direct.map((s) => s.attributes[COST])).toEqual([
      expect.closeTo(OPENAI_USD, 12),
      expect.closeTo(ANTHROPIC_USD, 12),
    ]);
    expect(await costOf('both-on')).toBeCloseTo(5 * OPENAI_USD + 3 * ANTHROPIC_USD, 12);
  });
});

describe('AI SDK 7 + @ai-sdk/otel LegacyOpenTelemetry (the AI SDK 6 ai.* spans)', () => {
  const legacy = new LegacyOpenTelemetry();

  it('prices ai.*.doGenerate / doStream once; ai.generateText / ai.streamText stay unpriced', async () => {
    let n = 0;
    for (const mode of ['generateText', 'streamText'] as const) {
      for (const m of MODELS) {
        exporter.reset();
        const customer = `legacy-${++n}`;
        await withAttribution({ customerId: customer, feature: 'legacy' }, () =>
          call(mode, m.model(), { telemetry: { integrations: [legacy] } }),
        );
        const outer = mode === 'generateText' ? 'ai.generateText' : 'ai.streamText';
        const spans = await ended(1, (s) => s.name === outer);
        const span = onlyPriced(spans);
        expect(span.name).toBe(
          mode === 'generateText' ? `${outer}.doGenerate` : `${outer}.doStream`,
        );
        expect(span.attributes[COST]).toBeCloseTo(m.usd, 12);
        expect(attributionOf(span)).toEqual({ customer, feature: 'legacy' });
        await metricsFor(customer, 'legacy', m.usd);
      }
    }
  });

  it('functionId is the feature and ai.settings.context.customerId the customer (configured key)', async () => {
    // A second processor that also reads the runtime context's customer key.
    const keyedRegistry = new Registry();
    const keyed = new MarginSpanProcessor({
      prices: PriceBook.load({
        userFiles: [{ name: 'vercel-test-prices.json', data: PRICE_FILE }],
        includeShipped: false,
      }),
      registry: keyedRegistry as PromRegistryLike,
      meterProvider: false,
      attributeKeys: {
        customer: [...PROCESSOR_DEFAULTS.customerKeys, 'ai.settings.context.customerId'],
      },
    });
    const own = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [keyed, new SimpleSpanProcessor({ exporter: own })],
    });
    sim.setScript(() => ({
      usage: { input: 100, cacheWrite5m: 1000, cacheWrite1h: 3000, output: 50 },
    }));
    await generateText({
      model: anthropic('sim-claude'),
      prompt: 'Hello',
      maxRetries: 0,
      runtimeContext: { customerId: 'legacy-rc' },
      telemetry: {
        functionId: 'support-bot',
        includeRuntimeContext: { customerId: true },
        integrations: [new LegacyOpenTelemetry({ tracer: provider.getTracer('ai') })],
      },
    });
    const span = onlyPriced(own.getFinishedSpans());
    expect(span.attributes['ai.settings.context.customerId']).toBe('legacy-rc');
    expect(span.attributes['ai.telemetry.functionId']).toBe('support-bot');
    // Legacy spans always carry the provider metadata: 1-hour writes are priced apart.
    // (100 x 3 + 1000 x 3.75 + 3000 x 6 + 50 x 15) / 1e6
    expect(span.attributes[COST]).toBeCloseTo(0.0228, 12);
    const { samples: keyedSamples } = await promSamples(keyedRegistry);
    expect(
      pick(keyedSamples, 'ai_margin_cost_usd_total', {
        customer_id: 'legacy-rc',
        feature: 'support-bot',
      }).value,
    ).toBeCloseTo(0.0228, 12);
    await provider.shutdown();
  });
});

describe('reading the AI SDK provider metadata (span-reader)', () => {
  const chat = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'sim-claude',
    'gen_ai.usage.input_tokens': 5000,
    'gen_ai.usage.output_tokens': 10,
    'gen_ai.usage.cache_creation.input_tokens': 4000,
  };
  const read = (provider: string, metadata: unknown) =>
    readGenAiCall({
      ...chat,
      'gen_ai.provider.name': provider,
      'ai.response.providerMetadata':
        typeof metadata === 'string' ? metadata : JSON.stringify(metadata),
    });
  const anthropicMeta = (oneHour: unknown, tier = 'standard') => ({
    anthropic: {
      usage: { service_tier: tier, cache_creation: { ephemeral_1h_input_tokens: oneHour } },
    },
  });

  it('takes the 1-hour part of the reported cache writes and the tier, and nothing implausible', () => {
    expect(read('anthropic', anthropicMeta(3000))?.usage).toMatchObject({
      cacheWriteTokens: 4000,
      cacheWrite1hTokens: 3000,
    });
    expect(read('anthropic', anthropicMeta(3000, 'priority'))?.serviceTier).toBe('priority');
    expect(read('openai', { openai: { serviceTier: 'flex' } })?.serviceTier).toBe('flex');
    expect(read('openai', { openai: { serviceTier: 'default' } })?.serviceTier).toBeUndefined();
    // More 1-hour writes than writes, fractions, strings, broken JSON: ignored, never thrown.
    for (const bad of [5000, 1.5, '3000', -1]) {
      expect(read('anthropic', anthropicMeta(bad))?.usage.cacheWrite1hTokens).toBeUndefined();
    }
    expect(read('anthropic', '{"ephemeral_1h_input_tokens":3000, "flex"')?.usage).toEqual({
      inputTokens: 5000,
      outputTokens: 10,
      cacheWriteTokens: 4000,
    });
    // Another provider's metadata is not read as this one's.
    expect(read('openai', anthropicMeta(3000, 'priority'))?.serviceTier).toBeUndefined();
    // Anthropic fast mode and where inference ran (`inference_geo`), from the raw usage.
    const usage = (extra: Record<string, unknown>) => ({
      anthropic: { usage: { service_tier: 'standard', ...extra } },
    });
    expect(read('anthropic', usage({ speed: 'fast' }))?.serviceTier).toBe('fast');
    expect(read('anthropic', usage({ speed: 'standard' }))?.serviceTier).toBeUndefined();
    expect(read('anthropic', usage({ inference_geo: 'us' }))?.region).toBe('us');
    expect(read('anthropic', usage({ inference_geo: 'global' }))?.region).toBeUndefined();
  });
});

describe('embed() with the OpenTelemetry integration', () => {
  it('prices the embeddings call once; its usage-less outer embeddings span is not an unpriced call', async () => {
    sim.setScript(() => ({ usage: { input: 500, output: 0 } }));
    await withAttribution({ customerId: 'cust-embed', feature: 'search' }, () =>
      embed({ model: openai.embedding('sim-embed'), value: 'hello', maxRetries: 0 }),
    );
    const spans = await ended(2, (s) => op(s) === 'embeddings');
    // Two `embeddings sim-embed` spans: the operation and, inside it, the provider call.
    expect(spans.filter((s) => op(s) === 'embeddings')).toHaveLength(2);
    // 500 x 0.02 / 1e6, by hand.
    expect(onlyPriced(spans).attributes[COST]).toBeCloseTo(0.00001, 15);
    // metricsFor also asserts that no unpriced request was counted.
    await metricsFor('cust-embed', 'search', 0.00001);
  });
});
