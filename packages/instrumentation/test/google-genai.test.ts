/**
 * GoogleGenAIInstrumentation against the real `@google/genai` client and the local provider
 * simulator. Expected values are computed by hand from the scripted usage.
 */
import { GoogleGenAIInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { type ProviderSim, type SimCall, startProviderSim } from '@ai-margin/provider-sim';
import type * as GenAISdk from '@google/genai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GenAIFeatures, probeFeatures } from './helpers/google-genai';
import { GOOGLE_GENAI_MODULE, importModule } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// Loaded by name at run time so the version matrix can substitute another installed version.
const genaiModule = await importModule<typeof GenAISdk>(GOOGLE_GENAI_MODULE);
const { GoogleGenAI } = genaiModule;
const features: GenAIFeatures = await probeFeatures(genaiModule);

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: GoogleGenAIInstrumentation;
let ai: GenAISdk.GoogleGenAI;

beforeAll(async () => {
  sim = await startProviderSim();
  otel = setupOtel();
  instrumentation = new GoogleGenAIInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(genaiModule);
  ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: sim.url } });
});

afterEach(() => {
  otel.exporter.reset();
  delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
});

afterAll(async () => {
  instrumentation.disable();
  await sim.close();
  await otel.shutdown();
});

// Sim usage (uncached input 100, cache read 40, output 50 of which 15 reasoning) renders as
// promptTokenCount 140, cachedContentTokenCount 40, candidatesTokenCount 35, thoughtsTokenCount 15.
const USAGE = { input: 100, output: 50, cacheRead: 40, reasoning: 15 };
const USAGE_ATTRS = {
  'gen_ai.usage.input_tokens': 140,
  'gen_ai.usage.output_tokens': 50,
  'gen_ai.usage.cache_read.input_tokens': 40,
  'gen_ai.usage.reasoning.output_tokens': 15,
};

/** The served tier, which the Gemini API sends as a header: only SDKs that keep headers see it. */
function headerTier(tier: string): Record<string, string> {
  return features.httpHeaders ? { 'ai_margin.service_tier': tier } : {};
}

function base(operation: string, model: string, provider = 'gcp.gemini') {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'server.address': '127.0.0.1',
    'server.port': sim.port,
  };
}

async function onlySpan(): Promise<ReadableSpan> {
  const spans = await waitForSpans(otel, 1);
  await new Promise((r) => setTimeout(r, 20));
  expect(otel.spans()).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

describe('generateContent', () => {
  it('traces a call: name, kind, parameters, response model, usage incl. cache and thoughts', async () => {
    sim.setScript(() => ({ text: 'hi', usage: USAGE, responseModel: 'gemini-2.5-flash-001' }));
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hello',
      config: { maxOutputTokens: 200, temperature: 0.3, topP: 0.95 },
    });
    expect(res.text).toBe('hi');
    const span = await onlySpan();
    expect(span.name).toBe('generate_content gemini-2.5-flash');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base('generate_content', 'gemini-2.5-flash'),
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.95,
      'gen_ai.response.model': 'gemini-2.5-flash-001',
      // SDK releases before ~1.12 drop `responseId` from the parsed response.
      ...(res.responseId ? { 'gen_ai.response.id': 'sim-gemini-response-1' } : {}),
      'gen_ai.response.finish_reasons': ['STOP'],
      ...USAGE_ATTRS,
      ...headerTier('standard'),
    });
  });

  it('strips the models/ prefix from the request model', async () => {
    sim.setScript(() => ({ usage: { input: 3, output: 2 } }));
    await ai.models.generateContent({ model: 'models/gemini-2.0-flash', contents: 'x' });
    const span = await onlySpan();
    expect(span.name).toBe('generate_content gemini-2.0-flash');
    expect(span.attributes).toMatchObject({
      'gen_ai.request.model': 'gemini-2.0-flash',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
    });
    expect(span.attributes['gen_ai.usage.cache_read.input_tokens']).toBeUndefined();
  });

  it('carries the attribution active at the call', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await withAttribution({ customerId: 'acme', feature: 'chat' }, () =>
      ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    );
    const span = await onlySpan();
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'acme',
      feature: 'chat',
    });
  });

  it('captures content only when opted in', async () => {
    sim.setScript(() => ({ text: 'answer', usage: USAGE }));
    const call = () =>
      ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: [{ role: 'user', parts: [{ text: 'question' }] }],
        config: { systemInstruction: 'be brief' },
      });
    await call();
    let span = await onlySpan();
    expect(Object.keys(span.attributes).filter((k) => k.includes('messages'))).toEqual([]);
    otel.exporter.reset();
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    await call();
    span = await onlySpan();
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'question' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'be brief' },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'answer' }], finish_reason: 'STOP' },
    ]);
  });

  it('records the semconv client metrics', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await ai.models.generateContent({ model: 'gemini-metrics-test', contents: 'x' });
    await onlySpan();
    await otel.metricReader.forceFlush();
    const metrics = otel.metricExporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const tokens = metrics.filter((m) => m.descriptor.name === 'gen_ai.client.token.usage').at(-1);
    const sums = Object.fromEntries(
      (tokens?.dataPoints ?? [])
        .filter((p) => p.attributes['gen_ai.request.model'] === 'gemini-metrics-test')
        .map((p) => [p.attributes['gen_ai.token.type'], (p.value as { sum: number }).sum]),
    );
    expect(sums).toEqual({ input: 140, output: 50 });
  });

  it('uses provider gcp.vertex_ai for a Vertex-mode client', async () => {
    sim.setScript(() => ({ usage: { input: 5, output: 4 } }));
    const vertex = new GoogleGenAI({
      // Express mode (API key, no project): accepted by every supported SDK version.
      vertexai: true,
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    await vertex.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' });
    const span = await onlySpan();
    expect(span.attributes).toMatchObject({
      ...base('generate_content', 'gemini-2.5-pro', 'gcp.vertex_ai'),
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      // usageMetadata.trafficType ON_DEMAND, passed on by every SDK version.
      'ai_margin.service_tier': 'standard',
    });
  });
});

describe('generateContentStream', () => {
  const stream = () =>
    ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hello' });

  it('ends the span once after the stream is drained, with the final usage', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE }));
    const s = await stream();
    expect(otel.spans()).toHaveLength(0);
    let text = '';
    let responseId: string | undefined;
    for await (const chunk of s) {
      text += chunk.text ?? '';
      responseId ??= chunk.responseId;
    }
    expect(text).toBe('one two three');
    const span = await onlySpan();
    expect(span.name).toBe('generate_content gemini-2.5-pro');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base('generate_content', 'gemini-2.5-pro'),
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gemini-2.5-pro',
      ...(responseId ? { 'gen_ai.response.id': 'sim-gemini-response-1' } : {}),
      'gen_ai.response.finish_reasons': ['STOP'],
      ...USAGE_ATTRS,
      ...headerTier('standard'),
    });
  });

  it('ends the span once when broken off early, keeping the usage seen so far', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE }));
    const s = await stream();
    for await (const _ of s) break;
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // The first chunk carried only promptTokenCount.
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(140);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
  });

  it('fails the span once when the connection drops mid-stream', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE, failAfterChunks: 1 }));
    const s = await stream();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of s) n++;
      })(),
    ).rejects.toThrow();
    expect(n).toBe(1);
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('connection_error');
  });
});

describe('embedContent', () => {
  it('traces embeddings: usageMetadata as input where the SDK passes it on (3.x)', async () => {
    sim.setScript(() => ({ usage: { input: 9, output: 0 }, dimensions: 4 }));
    const res = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['a', 'b'],
    });
    expect(res.embeddings).toHaveLength(2);
    const span = await onlySpan();
    expect(span.name).toBe('embeddings gemini-embedding-001');
    expect(span.attributes).toEqual({
      ...base('embeddings', 'gemini-embedding-001'),
      // Older SDKs drop the Gemini API's embedding usage: the span says it is missing.
      ...(features.embedUsage
        ? { 'gen_ai.usage.input_tokens': 9 }
        : { 'ai_margin.usage.missing': true }),
    });
  });

  it('Vertex Gemini embedding model: the token count is read once, not twice', async () => {
    sim.setScript(() => ({ usage: { input: 9, output: 0 }, dimensions: 4 }));
    const vertex = new GoogleGenAI({
      vertexai: true,
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    const res = await vertex.models.embedContent({ model: 'gemini-embedding-2', contents: 'a' });
    expect(res.embeddings).toHaveLength(1);
    // 3.x calls :embedContent and copies usageMetadata.promptTokenCount into the embedding's
    // statistics too; older SDKs call :predict (statistics only). Either way input is 9.
    expect(sim.calls.at(-1)?.path).toMatch(/:(embedContent|predict)$/);
    const span = await onlySpan();
    expect(span.attributes).toEqual({
      ...base('embeddings', 'gemini-embedding-2', 'gcp.vertex_ai'),
      'gen_ai.usage.input_tokens': 9,
    });
  });

  it('sums Vertex embedding token statistics as input', async () => {
    sim.setScript(() => ({ usage: { input: 9, output: 0 }, dimensions: 4 }));
    const vertex = new GoogleGenAI({
      // Express mode (API key, no project): accepted by every supported SDK version.
      vertexai: true,
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    await vertex.models.embedContent({ model: 'text-embedding-005', contents: ['a', 'b'] });
    const span = await onlySpan();
    expect(span.attributes).toEqual({
      ...base('embeddings', 'text-embedding-005', 'gcp.vertex_ai'),
      'gen_ai.usage.input_tokens': 9,
    });
  });
});

describe('service tier (what the call was served on, as billed)', () => {
  const tierOf = async () =>
    (await onlySpan()).attributes['ai_margin.service_tier'] as string | undefined;

  it.each([
    ['flex', 'flex'],
    ['priority', 'priority'],
  ] as const)('Gemini API, served %s: ai_margin.service_tier = %s', async (served, expected) => {
    sim.setScript(() => ({ usage: USAGE, servedTier: served }));
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(await tierOf()).toBe(features.httpHeaders ? expected : undefined);
  });

  it.skipIf(!features.httpHeaders)(
    'Gemini API: a Priority request downgraded to standard is standard',
    async () => {
      sim.setScript(() => ({ usage: USAGE, servedTier: 'standard' }));
      await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'x',
        config: { serviceTier: 'priority' as GenAISdk.ServiceTier },
      });
      expect(await tierOf()).toBe('standard');
    },
  );

  it('Gemini API stream: the header of the stream is read', async () => {
    sim.setScript(() => ({ text: 'a b', usage: USAGE, servedTier: 'flex' }));
    const s = await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'x' });
    for await (const _ of s) {
      // drain
    }
    expect(await tierOf()).toBe(features.httpHeaders ? 'flex' : undefined);
  });

  it.each([
    ['flex', 'flex'],
    ['priority', 'priority'],
  ] as const)(
    'Vertex AI, trafficType ON_DEMAND_%s (stream, final chunk): %s',
    async (served, expected) => {
      sim.setScript(() => ({ text: 'a b', usage: USAGE, servedTier: served }));
      const vertex = new GoogleGenAI({
        vertexai: true,
        apiKey: 'test',
        httpOptions: { baseUrl: sim.url },
      });
      const s = await vertex.models.generateContentStream({
        model: 'gemini-2.5-pro',
        contents: 'x',
      });
      for await (const _ of s) {
        // drain
      }
      expect(await tierOf()).toBe(expected);
    },
  );
});

describe('automatic continuation: one span per request, each with its own usage', () => {
  // Hop 1 stops at a checkpoint; the SDK resumes with its token and hop 2 finishes.
  const HOP1 = { input: 100, output: 20, cacheRead: 30, reasoning: 5 };
  const HOP2 = { input: 120, output: 7 };
  const script = (call: SimCall) =>
    (call.body as { continuationToken?: string }).continuationToken === 'ckpt-1'
      ? { text: ' world', usage: HOP2 }
      : { text: 'hello', usage: HOP1, continuationToken: 'ckpt-1' };
  const HOP1_ATTRS = {
    'gen_ai.usage.input_tokens': 130,
    'gen_ai.usage.cache_read.input_tokens': 30,
    'gen_ai.usage.output_tokens': 20,
    'gen_ai.usage.reasoning.output_tokens': 5,
    'gen_ai.response.finish_reasons': ['CONTINUATION'],
  };
  const HOP2_ATTRS = {
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 7,
    'gen_ai.response.finish_reasons': ['STOP'],
  };

  async function twoSpans(): Promise<ReadableSpan[]> {
    const spans = await waitForSpans(otel, 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(otel.spans()).toHaveLength(2);
    return spans;
  }

  it.skipIf(!features.continuation)(
    'generateContent: two spans, summing to the merged usage',
    async () => {
      sim.setScript(script);
      const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
      expect(res.text).toBe('hello world');
      const [hop1, hop2] = await twoSpans();
      expect(hop1?.attributes).toMatchObject(HOP1_ATTRS);
      expect(hop2?.attributes).toMatchObject(HOP2_ATTRS);
      expect(hop2?.attributes['gen_ai.usage.cache_read.input_tokens']).toBeUndefined();
      // The caller's merged usage is the sum of the spans (130 + 120 prompt): nothing twice.
      expect(res.usageMetadata?.promptTokenCount).toBe(250);
      expect(res.usageMetadata?.candidatesTokenCount).toBe(15 + 7);
    },
  );

  it.skipIf(!features.continuation)('generateContentStream: two spans, one per hop', async () => {
    sim.setScript(script);
    const s = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' });
    let text = '';
    for await (const chunk of s) text += chunk.text ?? '';
    expect(text).toBe('hello world');
    const [hop1, hop2] = await twoSpans();
    expect(hop1?.attributes).toMatchObject({ ...HOP1_ATTRS, 'gen_ai.request.stream': true });
    expect(hop2?.attributes).toMatchObject({ ...HOP2_ATTRS, 'gen_ai.request.stream': true });
  });

  it('automaticContinuation: false makes one request and one span', async () => {
    sim.setScript(script);
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'x',
      config: { automaticContinuation: false } as GenAISdk.GenerateContentConfig,
    });
    expect(res.text).toBe('hello');
    const span = await onlySpan();
    expect(span.attributes).toMatchObject(HOP1_ATTRS);
  });
});

describe('patching', () => {
  it('manuallyUninstrument restores the methods, manuallyInstrument patches again', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    instrumentation.manuallyUninstrument(genaiModule);
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    await new Promise((r) => setTimeout(r, 20));
    expect(otel.spans()).toHaveLength(0);
    instrumentation.manuallyInstrument(genaiModule);
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    await onlySpan();
  });
});

describe('errors', () => {
  it.each([429, 500])('HTTP %i: error.type, ERROR status, span ends once', async (status) => {
    sim.setScript(() => ({ errorStatus: status }));
    await expect(
      ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toThrow(String(status)); // ApiError (status in .status and message) or 1.0's ClientError
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(String(status));
  });

  it('network error: connection refused', async () => {
    const closed = await startProviderSim();
    const url = closed.url;
    await closed.close();
    const dead = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: url } });
    await expect(
      dead.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toBeTruthy();
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('connection_error');
  });

  it('aborted request', async () => {
    sim.setScript(() => ({ usage: USAGE, delayMs: 500 }));
    const ac = new AbortController();
    const pending = ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'x',
      config: { abortSignal: ac.signal },
    });
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toBeTruthy();
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });
});
