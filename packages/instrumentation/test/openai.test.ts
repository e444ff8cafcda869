import { OpenAIInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { type ProviderSim, type SimReply, startProviderSim } from '@ai-margin/provider-sim';
import { type DiagLogger, DiagLogLevel, diag, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadModule, OPENAI_MODULE } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// biome-ignore lint/suspicious/noExplicitAny: the SDK is loaded by name at run time (version matrix)
type Any = any;
const openaiModule = loadModule<Any>(OPENAI_MODULE);
const OpenAI = openaiModule.OpenAI;
const AzureOpenAI = openaiModule.AzureOpenAI;

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: OpenAIInstrumentation;
const warnings: string[] = [];

const capture: DiagLogger = {
  error: (m: string) => warnings.push(m),
  warn: (m: string) => warnings.push(m),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};

// A usage table the assertions below re-derive by hand (OpenAI convention):
// prompt_tokens = uncached 100 + cached 40 = 140; completion 30 of which 10 reasoning.
const USAGE = { input: 100, cacheRead: 40, output: 30, reasoning: 10 };
const reply = (extra: Partial<SimReply> = {}): SimReply => ({
  usage: USAGE,
  responseModel: 'gpt-4o-mini-2024-07-18',
  ...extra,
});
const messages = [{ role: 'user', content: 'Hello' }];

function client() {
  return new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
}

// openai 7 usage, by hand: prompt = uncached 100 + cached 40 + cache writes (30 min 20 +
// 12 h 60 = 80) = 220 (OpenAI's input includes reads and writes, as semconv's does); output 30
// of which 10 reasoning; 3 compute units.
const USAGE_7 = {
  input: 100,
  cacheRead: 40,
  cacheWrite30m: 20,
  cacheWrite12h: 60,
  output: 30,
  reasoning: 10,
  computeUnits: 3,
};
const USAGE_7_ATTRS = {
  'gen_ai.usage.input_tokens': 220,
  'gen_ai.usage.output_tokens': 30,
  'gen_ai.usage.cache_read.input_tokens': 40,
  'gen_ai.usage.cache_creation.input_tokens': 80,
  'gen_ai.usage.reasoning.output_tokens': 10,
  'ai_margin.usage.compute_units': 3,
};

// `parse()` helpers: chat.completions.parse (openai >= 5), beta.chat.completions.parse (late 4.x).
const probe = new OpenAI({ apiKey: 'probe' });
const chatParser = (c: Any) =>
  typeof c.chat.completions.parse === 'function' ? c.chat.completions : c.beta?.chat?.completions;
const HAS_CHAT_PARSE = typeof chatParser(probe)?.parse === 'function';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function only(): ReadableSpan {
  const spans = otel.spans();
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

beforeAll(async () => {
  diag.setLogger(capture, DiagLogLevel.WARN);
  sim = await startProviderSim();
  otel = setupOtel();
  instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(openaiModule);
});

afterAll(async () => {
  instrumentation.manuallyUninstrument(openaiModule);
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
  // Ending a span twice makes the SDK warn; no test may produce such a warning.
  expect(warnings.filter((w) => /ended|end\(\)/i.test(w))).toEqual([]);
});

const commonAttrs = () => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'server.address': '127.0.0.1',
  'server.port': sim.port,
});

describe('openai chat.completions.create', () => {
  it('records a plain call: name, kind, attributes, usage, attribution', async () => {
    const res = await withAttribution({ customerId: 'cust-1', feature: 'chat' }, () =>
      client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        max_tokens: 50,
        temperature: 0.2,
      }),
    );
    expect(res.choices[0].message.content).toBe('Hello from the ai-margin provider simulator.');
    const span = only();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...commonAttrs(),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': 140,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
    });
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'cust-1',
      feature: 'chat',
    });
  });

  it('sets the sampling attributes at span start', async () => {
    let started: Record<string, unknown> | undefined;
    const spy = {
      onStart: (s: Any) => {
        started = { ...s.attributes, name: s.name };
      },
      onEnd: () => {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const local = setupOtel([spy]);
    instrumentation.setTracerProvider(local.tracerProvider);
    try {
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    } finally {
      instrumentation.setTracerProvider(otel.tracerProvider);
      await local.shutdown();
    }
    expect(started).toEqual({ ...commonAttrs(), name: 'chat gpt-4o-mini' });
  });

  it('keeps the APIPromise: withResponse() works', async () => {
    const p = client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(typeof p.withResponse).toBe('function');
    const { data, response } = await p.withResponse();
    expect(response.status).toBe(200);
    expect(data.usage.prompt_tokens).toBe(140);
    await waitForSpans(otel, 1);
    expect(only().attributes['gen_ai.usage.input_tokens']).toBe(140);
  });

  it('stream with include_usage, fully read: one span with usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(typeof stream.tee).toBe('function');
    expect(typeof stream.toReadableStream).toBe('function');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the ai-margin provider simulator.');
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      ...commonAttrs(),
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 140,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
    });
    expect(span.attributes['ai_margin.usage.missing']).toBeUndefined();
  });

  it('stream without include_usage: usage marked missing, never a silent zero', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    });
    for await (const _ of stream) {
    }
    const span = only();
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });

  it('addStreamUsage adds stream_options.include_usage', async () => {
    instrumentation.setConfig({ addStreamUsage: true });
    try {
      const stream = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        stream: true,
      });
      for await (const _ of stream) {
      }
    } finally {
      instrumentation.setConfig({});
    }
    expect((sim.calls.at(-1) as Any).body.stream_options).toEqual({ include_usage: true });
    expect(only().attributes['gen_ai.usage.input_tokens']).toBe(140);
  });

  it('stream broken off early (break): span ends once, status unset', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let n = 0;
    for await (const _ of stream) {
      if (++n === 2) break;
    }
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
  });

  it('stream tee(): both branches read, one span with usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const [left, right] = stream.tee();
    const read = async (s: Any) => {
      let t = '';
      for await (const c of s) t += c.choices[0]?.delta?.content ?? '';
      return t;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toBe(b);
    expect(a).toBe('Hello from the ai-margin provider simulator.');
    const span = only();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(140);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('stream tee(): both branches broken off early, span still ends once', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const [left, right] = stream.tee();
    for await (const _ of left) break;
    expect(otel.spans()).toHaveLength(0); // one branch may still read on
    for await (const _ of right) break;
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
  });

  it.skipIf(typeof OpenAI.Chat?.Completions?.prototype?.stream !== 'function')(
    'chat.completions.stream() helper: one span with usage',
    async () => {
      const runner = client().chat.completions.stream({
        model: 'gpt-4o-mini',
        messages,
        stream_options: { include_usage: true },
      });
      const final = await runner.finalChatCompletion();
      expect(final.choices[0].message.content).toBe('Hello from the ai-margin provider simulator.');
      await waitForSpans(otel, 1);
      expect(only().attributes).toMatchObject({
        ...commonAttrs(),
        'gen_ai.usage.input_tokens': 140,
      });
    },
  );

  it('stream toReadableStream(): read to the end, one span with usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const reader = stream.toReadableStream().getReader();
    let chunks = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(only().attributes['gen_ai.usage.output_tokens']).toBe(30);
  });

  it('mid-stream server failure: ERROR status, connection error type, usage missing', async () => {
    sim.setScript(() => reply({ failAfterChunks: 2 }));
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let n = 0;
    await expect(async () => {
      for await (const _ of stream) n++;
    }).rejects.toThrow();
    expect(n).toBe(2);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('connection_error');
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
  });

  it('stream.controller.abort() mid-stream: span ends once as aborted', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let n = 0;
    try {
      for await (const _ of stream) {
        if (++n === 2) stream.controller.abort();
      }
    } catch {
      // some SDK versions throw the abort, others end the stream quietly
    }
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });

  it.each([429, 500])('HTTP %i: error.type and ERROR status', async (status) => {
    sim.setScript(() => ({ errorStatus: status }));
    await expect(
      client().chat.completions.create({ model: 'gpt-4o-mini', messages }),
    ).rejects.toMatchObject({ status });
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(String(status));
    expect(span.attributes['http.response.status_code']).toBe(status);
    expect(span.attributes['ai_margin.usage.missing']).toBeUndefined();
    expect(span.events.map((e) => e.name)).toContain('exception');
  });

  it('aborted request: error.type aborted', async () => {
    sim.setScript(() => reply({ delayMs: 200 }));
    const ac = new AbortController();
    const p = client().chat.completions.create(
      { model: 'gpt-4o-mini', messages },
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toThrow();
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });

  it('network error (connection refused): error.type connection_error', async () => {
    const closed = await startProviderSim();
    const url = closed.url;
    await closed.close();
    const c = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'test', maxRetries: 0 });
    await expect(c.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toThrow();
    await waitForSpans(otel, 1);
    expect(only().attributes['error.type']).toBe('connection_error');
  });

  it.skipIf(!AzureOpenAI)('AzureOpenAI client: provider azure.ai.openai', async () => {
    const azure = new AzureOpenAI({
      endpoint: sim.url,
      apiKey: 'test',
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o-mini',
      maxRetries: 0,
    });
    await azure.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await waitForSpans(otel, 1);
    expect(sim.calls.at(-1)?.path).toBe('/openai/deployments/gpt-4o-mini/chat/completions');
    expect(only().attributes).toMatchObject({
      'gen_ai.provider.name': 'azure.ai.openai',
      'server.address': '127.0.0.1',
      'gen_ai.usage.input_tokens': 140,
    });
  });

  it('openai 7 usage: cache writes and compute units, input still includes the writes', async () => {
    sim.setScript(() => reply({ usage: USAGE_7 }));
    const res = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      service_tier: 'priority',
    });
    expect(res.usage.prompt_tokens_details.cache_write_tokens).toBe(80);
    const span = only();
    expect(span.attributes).toEqual({
      ...commonAttrs(),
      'openai.request.service_tier': 'priority',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': res.id,
      'gen_ai.response.finish_reasons': ['stop'],
      'openai.response.service_tier': 'priority',
      ...USAGE_7_ATTRS,
    });
  });

  it('openai 7 usage in the final chunk of a stream', async () => {
    sim.setScript(() => reply({ usage: USAGE_7 }));
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) {
    }
    const span = only();
    expect(span.attributes).toMatchObject(USAGE_7_ATTRS);
    // Chat reports no retention split.
    expect(span.attributes['ai_margin.usage.cache_write_30m.input_tokens']).toBeUndefined();
    expect(span.attributes['ai_margin.usage.cache_write_12h.input_tokens']).toBeUndefined();
  });

  it('stream toReadableStream() cancelled early: span ends once, status unset', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const reader = stream.toReadableStream().getReader();
    await reader.read();
    await reader.cancel();
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
  });

  it('stream tee(): controller.abort() while the branches read ends as aborted', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const [left, right] = stream.tee();
    const read = async (s: Any) => {
      try {
        for await (const _ of s) stream.controller.abort();
      } catch {
        // some SDK versions throw the abort, others end the stream quietly
      }
    };
    await Promise.all([read(left), read(right)]);
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });

  it.skipIf(!HAS_CHAT_PARSE)(
    'parse() helper: its result intact, one span with usage (body parsed once)',
    async () => {
      const parsed = await chatParser(client()).parse({ model: 'gpt-4o-mini', messages });
      expect(parsed.choices[0].message.content).toBe(
        'Hello from the ai-margin provider simulator.',
      );
      await waitForSpans(otel, 1);
      expect(only().attributes).toMatchObject({
        ...commonAttrs(),
        'gen_ai.response.id': parsed.id,
        'gen_ai.usage.input_tokens': 140,
        'gen_ai.usage.output_tokens': 30,
      });
    },
  );

  it('asResponse(): the caller reads the raw body; span ends once, usage missing', async () => {
    const raw = await client()
      .chat.completions.create({ model: 'gpt-4o-mini', messages })
      .asResponse();
    const body = await raw.json();
    expect(body.usage.prompt_tokens).toBe(140);
    await waitForSpans(otel, 1);
    const span = only();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
  });

  it('awaited after the response arrived: one span with usage, the result intact', async () => {
    const p = client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    await sleep(150);
    const res = await p;
    expect(res.usage.prompt_tokens).toBe(140);
    await waitForSpans(otel, 1);
    expect(only().attributes['gen_ai.usage.input_tokens']).toBe(140);
  });

  it('content capture: off by default, on when configured', async () => {
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(only().attributes['gen_ai.input.messages']).toBeUndefined();
    otel.exporter.reset();
    instrumentation.setConfig({ captureMessageContent: true });
    try {
      await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    } finally {
      instrumentation.setConfig({});
    }
    const span = only();
    expect(span.attributes['gen_ai.input.messages']).toBe(JSON.stringify(messages));
    expect(String(span.attributes['gen_ai.output.messages'])).toContain('provider simulator');
  });

  it('records gen_ai.client.token.usage and gen_ai.client.operation.duration', async () => {
    // A model name no other test uses, so the cumulative points belong to this call alone.
    await client().chat.completions.create({ model: 'gpt-metrics', messages });
    const { resourceMetrics } = await otel.metricReader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const tokens = metrics.find((m) => m.descriptor.name === 'gen_ai.client.token.usage');
    const duration = metrics.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(tokens?.descriptor.unit).toBe('{token}');
    expect(duration?.descriptor.unit).toBe('s');
    const points = (tokens?.dataPoints ?? []).filter(
      (d) => d.attributes['gen_ai.request.model'] === 'gpt-metrics',
    );
    const byType = Object.fromEntries(
      points.map((d) => [d.attributes['gen_ai.token.type'], d.value as Any]),
    );
    expect(byType.input).toMatchObject({ count: 1, sum: 140 });
    expect(byType.output).toMatchObject({ count: 1, sum: 30 });
    expect(points[0]?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'server.address': '127.0.0.1',
    });
    const d = (duration?.dataPoints ?? []).find(
      (p) => p.attributes['gen_ai.request.model'] === 'gpt-metrics',
    );
    expect(d?.value).toMatchObject({ count: 1 });
  });
});

// `responses` arrived in openai 4.87; older 4.x has no Responses API.
describe.skipIf(!OpenAI.Responses)('openai responses.create', () => {
  it('plain call', async () => {
    const r = await withAttribution({ customerId: 'cust-2' }, () =>
      client().responses.create({ model: 'o4-mini', input: 'Hi', max_output_tokens: 64 }),
    );
    const span = only();
    expect(span.name).toBe('chat o4-mini');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'o4-mini',
      'server.address': '127.0.0.1',
      'server.port': sim.port,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': r.id,
      'gen_ai.response.finish_reasons': ['completed'],
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': 140,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
    });
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'cust-2',
    });
  });

  it('stream: usage from response.completed', async () => {
    const stream = await client().responses.create({ model: 'o4-mini', input: 'Hi', stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types.at(-1)).toBe('response.completed');
    const span = only();
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': 140,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'gen_ai.response.finish_reasons': ['completed'],
    });
  });

  it.skipIf(typeof OpenAI.Responses?.prototype?.stream !== 'function')(
    'responses.stream() helper: one span with usage',
    async () => {
      const s = client().responses.stream({ model: 'o4-mini', input: 'Hi' });
      await s.finalResponse();
      await waitForSpans(otel, 1);
      expect(only().attributes).toMatchObject({
        'gen_ai.request.model': 'o4-mini',
        'gen_ai.usage.input_tokens': 140,
        'gen_ai.usage.output_tokens': 30,
      });
    },
  );

  it('openai 7 usage: cache writes with their 30 min / 12 h split, compute units, ultrafast tier', async () => {
    sim.setScript(() => reply({ usage: USAGE_7 }));
    const r = await client().responses.create({
      model: 'o4-mini',
      input: 'Hi',
      service_tier: 'ultrafast',
    });
    expect(only().attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'o4-mini',
      'server.address': '127.0.0.1',
      'server.port': sim.port,
      'openai.request.service_tier': 'ultrafast',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.id': r.id,
      'gen_ai.response.finish_reasons': ['completed'],
      'openai.response.service_tier': 'ultrafast',
      ...USAGE_7_ATTRS,
      'ai_margin.usage.cache_write_30m.input_tokens': 20,
      'ai_margin.usage.cache_write_12h.input_tokens': 60,
    });
  });

  it('Responses web_search_call output items: web searches counted on the span', async () => {
    sim.setScript(() => reply({ usage: { input: 100, output: 20, webSearches: 2 } }));
    const r = await client().responses.create({ model: 'o4-mini', input: 'Hi' });
    expect(r.output.filter((i: { type: string }) => i.type === 'web_search_call')).toHaveLength(2);
    expect(only().attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 100,
      'ai_margin.usage.server_tool.web_search.calls': 2,
    });
  });

  it('Responses without web searches: no web-search count', async () => {
    await client().responses.create({ model: 'o4-mini', input: 'Hi' });
    expect(only().attributes['ai_margin.usage.server_tool.web_search.calls']).toBeUndefined();
  });

  it('openai 7 usage from response.completed of a stream', async () => {
    sim.setScript(() => reply({ usage: USAGE_7 }));
    const stream = await client().responses.create({ model: 'o4-mini', input: 'Hi', stream: true });
    for await (const _ of stream) {
    }
    expect(only().attributes).toMatchObject({
      ...USAGE_7_ATTRS,
      'ai_margin.usage.cache_write_30m.input_tokens': 20,
      'ai_margin.usage.cache_write_12h.input_tokens': 60,
    });
  });

  it.skipIf(typeof OpenAI.Responses?.prototype?.parse !== 'function')(
    'responses.parse() helper: its result intact, one span with usage (body parsed once)',
    async () => {
      const r = await client().responses.parse({ model: 'o4-mini', input: 'Hi' });
      expect(r.output_text).toBe('Hello from the ai-margin provider simulator.');
      await waitForSpans(otel, 1);
      expect(only().attributes).toMatchObject({
        'gen_ai.response.id': r.id,
        'gen_ai.usage.input_tokens': 140,
        'gen_ai.usage.output_tokens': 30,
      });
    },
  );

  it('stream broken off before response.completed: usage missing', async () => {
    const stream = await client().responses.create({ model: 'o4-mini', input: 'Hi', stream: true });
    for await (const _ of stream) break;
    const span = only();
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('mid-stream failure', async () => {
    sim.setScript(() => reply({ failAfterChunks: 3 }));
    const stream = await client().responses.create({ model: 'o4-mini', input: 'Hi', stream: true });
    await expect(async () => {
      for await (const _ of stream) {
      }
    }).rejects.toThrow();
    expect(only().status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('openai embeddings.create', () => {
  it('records input tokens and no output', async () => {
    sim.setScript(() => ({ usage: { input: 12, output: 0 }, dimensions: 4 }));
    const r = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    expect(r.data).toHaveLength(2);
    const span = only();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 12,
    });
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });
});
