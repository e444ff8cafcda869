import { AnthropicInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { type ProviderSim, type SimReply, startProviderSim } from '@ai-margin/provider-sim';
import { type DiagLogger, DiagLogLevel, diag, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_MODULE, loadModule } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// biome-ignore lint/suspicious/noExplicitAny: the SDK is loaded by name at run time (version matrix)
type Any = any;
const anthropicModule = loadModule<Any>(ANTHROPIC_MODULE);
const Anthropic = anthropicModule.Anthropic ?? anthropicModule.default;
const MODEL = 'claude-sonnet-5-5';

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: AnthropicInstrumentation;
const warnings: string[] = [];
const capture: DiagLogger = {
  error: (m: string) => warnings.push(m),
  warn: (m: string) => warnings.push(m),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

// Anthropic convention in the sim: input_tokens = 100 uncached; cache read 1000; cache writes
// 200 (5 min) + 50 (1 h) = 250; output 40. Semconv input by hand: 100 + 1000 + 250 = 1350.
const USAGE = { input: 100, cacheRead: 1000, cacheWrite5m: 200, cacheWrite1h: 50, output: 40 };
const reply = (extra: Partial<SimReply> = {}): SimReply => ({
  usage: USAGE,
  responseModel: `${MODEL}-20261001`,
  ...extra,
});
const messages = [{ role: 'user', content: 'Hello' }];
const USAGE_ATTRS = {
  'gen_ai.usage.input_tokens': 1350,
  'gen_ai.usage.output_tokens': 40,
  'gen_ai.usage.cache_read.input_tokens': 1000,
  'gen_ai.usage.cache_creation.input_tokens': 250,
  'ai_margin.usage.cache_write_1h.input_tokens': 50,
};

function client(options: Record<string, unknown> = {}) {
  return new Anthropic({ baseURL: sim.url, apiKey: 'test', maxRetries: 0, ...options });
}

function only(): ReadableSpan {
  const spans = otel.spans();
  expect(spans.map((s) => s.name)).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

const startAttrs = () => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': MODEL,
  'server.address': '127.0.0.1',
  'server.port': sim.port,
});

beforeAll(async () => {
  diag.setLogger(capture, DiagLogLevel.WARN);
  sim = await startProviderSim();
  otel = setupOtel();
  instrumentation = new AnthropicInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(anthropicModule);
});

afterAll(async () => {
  instrumentation.manuallyUninstrument(anthropicModule);
  await sim.close();
  await otel.shutdown();
  diag.disable();
});

beforeEach(() => {
  otel.exporter.reset();
  sim.setScript(() => reply());
  warnings.length = 0;
});

afterEach(() => {
  expect(warnings.filter((w) => /ended|end\(\)/i.test(w))).toEqual([]);
});

describe('anthropic messages.create', () => {
  it('plain call: name, kind, attributes, cache split, attribution', async () => {
    const msg = await withAttribution({ customerId: 'cust-a', feature: 'summary' }, () =>
      client().messages.create({ model: MODEL, max_tokens: 256, messages, temperature: 0.5 }),
    );
    const span = only();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...startAttrs(),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.model': `${MODEL}-20261001`,
      'gen_ai.response.id': msg.id,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'anthropic.response.service_tier': 'standard',
      ...USAGE_ATTRS,
    });
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'cust-a',
      feature: 'summary',
    });
  });

  it('server tool use: web searches and fetches are counted on the span (billed per call)', async () => {
    sim.setScript(() => reply({ usage: { ...USAGE, webSearches: 3, webFetches: 1 } }));
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes).toMatchObject({
      ...USAGE_ATTRS,
      'ai_margin.usage.server_tool.web_search.calls': 3,
      'ai_margin.usage.server_tool.web_fetch.calls': 1,
    });
  });

  it('server tool use in a stream: counts from the cumulative message_delta usage', async () => {
    sim.setScript(() => reply({ usage: { ...USAGE, webSearches: 2 } }));
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 16,
      messages,
      stream: true,
    });
    for await (const _ of stream) {
    }
    expect(only().attributes).toMatchObject({
      ...USAGE_ATTRS,
      'ai_margin.usage.server_tool.web_search.calls': 2,
      'ai_margin.usage.server_tool.web_fetch.calls': 0,
    });
  });

  it('fast mode (usage.speed fast): tier "fast", priced by the period fast multiplier', async () => {
    sim.setScript(() => reply({ usage: { ...USAGE, speed: 'fast' } }));
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes['ai_margin.service_tier']).toBe('fast');
  });

  it('standard speed: no tier override', async () => {
    sim.setScript(() => reply({ usage: { ...USAGE, speed: 'standard' } }));
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes['ai_margin.service_tier']).toBeUndefined();
  });

  it('usage.inference_geo: recorded as ai_margin.inference_region (US-only inference is 1.1x)', async () => {
    sim.setScript(() => reply({ usage: { ...USAGE, inferenceGeo: 'us' } }));
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes['ai_margin.inference_region']).toBe('us');
  });

  it('inference_geo requested and echoed by the API, streaming: region from message_start', async () => {
    const params = { model: MODEL, max_tokens: 16, messages, stream: true, inference_geo: 'us' };
    // `inference_geo` may be newer than the SDK's types: sent as an extra body field.
    const stream = await client().messages.create(params as never);
    for await (const _ of stream as unknown as AsyncIterable<unknown>) {
      // drain
    }
    expect(only().attributes['ai_margin.inference_region']).toBe('us');
  });

  it('no inference_geo in the usage: no region on the span', async () => {
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes['ai_margin.inference_region']).toBeUndefined();
  });

  it('no server tool used (server_tool_use null): no call counts on the span', async () => {
    await client().messages.create({ model: MODEL, max_tokens: 16, messages });
    expect(only().attributes['ai_margin.usage.server_tool.web_search.calls']).toBeUndefined();
  });

  it('streaming create, fully read: usage from message_start + message_delta', async () => {
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages,
      stream: true,
    });
    expect(typeof stream.tee).toBe('function');
    let text = '';
    for await (const ev of stream) {
      if (ev.type === 'content_block_delta') text += ev.delta.text;
    }
    expect(text).toBe('Hello from the ai-margin provider simulator.');
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      ...startAttrs(),
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
    expect(span.attributes['ai_margin.usage.missing']).toBeUndefined();
  });

  it('streaming create broken off after message_start: input counted, output partial', async () => {
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages,
      stream: true,
    });
    for await (const ev of stream) {
      if (ev.type === 'message_start') break;
    }
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // message_start carries the input side and output_tokens: 1 (as the real API).
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1350);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(1);
  });

  it('streaming create tee(): one span', async () => {
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages,
      stream: true,
    });
    const [a, b] = stream.tee();
    const drain = async (s: Any) => {
      let n = 0;
      for await (const _ of s) n++;
      return n;
    };
    const [na, nb] = await Promise.all([drain(a), drain(b)]);
    expect(na).toBe(nb);
    expect(only().attributes['gen_ai.usage.output_tokens']).toBe(40);
  });

  it('streaming create tee(), both branches broken off: one span', async () => {
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages,
      stream: true,
    });
    const [a, b] = stream.tee();
    for await (const _ of a) break;
    for await (const _ of b) break;
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1350);
  });

  it('mid-stream failure: ERROR, connection_error', async () => {
    sim.setScript(() => reply({ failAfterChunks: 3 }));
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 64,
      messages,
      stream: true,
    });
    await expect(async () => {
      for await (const _ of stream) {
      }
    }).rejects.toThrow();
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('connection_error');
  });

  it.each([429, 500, 529])('HTTP %i: error.type and ERROR status', async (status) => {
    sim.setScript(() => ({ errorStatus: status }));
    await expect(
      client().messages.create({ model: MODEL, max_tokens: 10, messages }),
    ).rejects.toMatchObject({ status });
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(String(status));
  });

  it('aborted request: error.type aborted', async () => {
    sim.setScript(() => reply({ delayMs: 200 }));
    const ac = new AbortController();
    const p = client().messages.create(
      { model: MODEL, max_tokens: 10, messages },
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toThrow();
    await waitForSpans(otel, 1);
    expect(only().attributes['error.type']).toBe('aborted');
  });
});

describe('anthropic content capture', () => {
  it('is off by default and on with the env var (stream text included)', async () => {
    await client().messages.create({ model: MODEL, max_tokens: 10, messages, system: 'Be brief' });
    expect(only().attributes['gen_ai.input.messages']).toBeUndefined();
    otel.exporter.reset();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    try {
      const s = await client().messages.create({
        model: MODEL,
        max_tokens: 10,
        messages,
        system: 'Be brief',
        stream: true,
      });
      for await (const _ of s) {
      }
    } finally {
      delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    }
    const span = only();
    expect(span.attributes['gen_ai.input.messages']).toBe(JSON.stringify(messages));
    expect(span.attributes['gen_ai.system_instructions']).toBe('Be brief');
    expect(span.attributes['gen_ai.output.messages']).toBe(
      JSON.stringify([
        { role: 'assistant', content: 'Hello from the ai-margin provider simulator.' },
      ]),
    );
  });
});

describe('anthropic messages.stream()', () => {
  it('finalMessage(): one span with usage and attribution', async () => {
    const final = await withAttribution({ customerId: 'cust-s' }, () =>
      client().messages.stream({ model: MODEL, max_tokens: 64, messages }).finalMessage(),
    );
    expect(final.usage.output_tokens).toBe(40);
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.attributes).toMatchObject({ ...startAttrs(), ...USAGE_ATTRS });
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'cust-s',
    });
  });

  it('abort() mid-stream: span ends once with aborted', async () => {
    sim.setScript(() => reply());
    const s = client().messages.stream({ model: MODEL, max_tokens: 64, messages });
    const done = new Promise<void>((resolve) => {
      s.on('abort', () => resolve());
      s.on('error', () => resolve());
      s.on('end', () => resolve());
    });
    s.on('text', () => s.abort());
    await done;
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });
});

describe.skipIf(!Anthropic.Beta?.Messages)('anthropic beta.messages', () => {
  it('create: same span shape', async () => {
    await client().beta.messages.create({ model: MODEL, max_tokens: 32, messages });
    expect(sim.calls.at(-1)?.path).toBe('/v1/messages');
    const span = only();
    expect(span.attributes).toMatchObject({ ...startAttrs(), ...USAGE_ATTRS });
  });

  it.skipIf(!Anthropic.Beta?.Messages?.prototype?.stream)(
    'stream(): one span with usage',
    async () => {
      await client()
        .beta.messages.stream({ model: MODEL, max_tokens: 32, messages })
        .finalMessage();
      await waitForSpans(otel, 1);
      expect(only().attributes).toMatchObject(USAGE_ATTRS);
    },
  );
});

// SDK versions with built-in tracing have a `_tracer` field on the client.
const HAS_BUILT_IN_TRACING = '_tracer' in new Anthropic({ apiKey: 'test' });

describe.skipIf(!HAS_BUILT_IN_TRACING)('the SDK built-in tracing', () => {
  it('suppress (default): only our span even when the client traces itself', async () => {
    const c = client({ openTelemetry: { tracerProvider: otel.tracerProvider } });
    expect(c._tracer).toBeDefined();
    await c.messages.create({ model: MODEL, max_tokens: 10, messages });
    await c.messages.stream({ model: MODEL, max_tokens: 10, messages }).finalMessage();
    await waitForSpans(otel, 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(otel.spans().map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(c._tracer).toBeDefined();
  });

  it('defer: only the SDK span, attribution still on it', async () => {
    instrumentation.setConfig({ builtInTracing: 'defer' });
    try {
      const c = client({ openTelemetry: { tracerProvider: otel.tracerProvider } });
      await withAttribution({ customerId: 'cust-d' }, () =>
        c.messages.create({ model: MODEL, max_tokens: 10, messages }),
      );
      await waitForSpans(otel, 1);
      const span = only();
      expect(span.name).toBe('anthropic.messages.create');
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(1350);
      expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
        customerId: 'cust-d',
      });
      // A client without built-in tracing still gets our span.
      otel.exporter.reset();
      await client({ openTelemetry: false }).messages.create({
        model: MODEL,
        max_tokens: 10,
        messages,
      });
      await waitForSpans(otel, 1);
      expect(only().name).toBe(`chat ${MODEL}`);
    } finally {
      instrumentation.setConfig({});
    }
  });
});
