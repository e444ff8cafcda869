/**
 * BedrockRuntimeInstrumentation against the real `@aws-sdk/client-bedrock-runtime` client and the
 * local provider simulator. Expected values are computed by hand from the scripted usage.
 */
import { BedrockRuntimeInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type * as SmithyHttp from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BEDROCK_MODULE, loadModule, loadModuleBeside } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// Loaded by name at run time so the version matrix can substitute another installed version;
// the HTTP handler comes from the same install as the SDK.
const bedrockModule = loadModule<typeof BedrockSdk>(BEDROCK_MODULE);
const { NodeHttpHandler } = loadModuleBeside<typeof SmithyHttp>(
  BEDROCK_MODULE,
  '@smithy/node-http-handler',
);
const {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} = bedrockModule;
/** Converse / ConverseStream arrived in a later 3.x than the oldest supported version. */
const HAS_CONVERSE = typeof ConverseCommand === 'function';

type SendOptions = { abortSignal?: AbortSignal };

/** Sends the simplest traced call this SDK version offers (Converse, else a Nova InvokeModel). */
function sendSimple(target: BedrockSdk.BedrockRuntimeClient, options?: SendOptions) {
  return HAS_CONVERSE
    ? target.send(new ConverseCommand({ modelId: NOVA, messages: [] }), options)
    : target.send(
        new InvokeModelCommand({ modelId: NOVA, body: JSON.stringify({ messages: [] }) }),
        options,
      );
}

/** {@link sendSimple} in the SDK's callback style (which the instrumentation leaves alone). */
function sendSimpleWithCallback(
  target: BedrockSdk.BedrockRuntimeClient,
  callback: (err: unknown) => void,
): void {
  if (HAS_CONVERSE) target.send(new ConverseCommand({ modelId: NOVA, messages: [] }), callback);
  else {
    const body = JSON.stringify({ messages: [] });
    target.send(new InvokeModelCommand({ modelId: NOVA, body }), callback);
  }
}

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: BedrockRuntimeInstrumentation;
let client: BedrockSdk.BedrockRuntimeClient;

function makeClient(endpoint: string): BedrockSdk.BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // The SDK defaults to HTTP/2 (for bidirectional streams); the simulator speaks HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
}

beforeAll(async () => {
  sim = await startProviderSim();
  otel = setupOtel();
  instrumentation = new BedrockRuntimeInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(bedrockModule);
  client = makeClient(sim.url);
});

afterEach(() => {
  otel.exporter.reset();
  delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
});

afterAll(async () => {
  instrumentation.disable();
  client.destroy();
  await sim.close();
  await otel.shutdown();
});

// Bedrock convention: `input` is uncached; cache writes = 5m + 1h = 10.
const USAGE = { input: 100, output: 20, cacheRead: 30, cacheWrite5m: 7, cacheWrite1h: 3 };
// Semconv input = 100 + 30 + 10.
const USAGE_ATTRS = {
  'gen_ai.usage.input_tokens': 140,
  'gen_ai.usage.output_tokens': 20,
  'gen_ai.usage.cache_read.input_tokens': 30,
  'gen_ai.usage.cache_creation.input_tokens': 10,
};

const NOVA = 'us.amazon.nova-pro-v1:0';
const CLAUDE = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';

function base(operation: string, model: string) {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'aws.bedrock',
    'gen_ai.request.model': model,
    'server.address': '127.0.0.1',
    'server.port': sim.port,
  };
}

async function onlySpan(): Promise<ReadableSpan> {
  const spans = await waitForSpans(otel, 1);
  // Give a wrongly doubled end a chance to show up.
  await new Promise((r) => setTimeout(r, 20));
  expect(otel.spans()).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

const decoder = new TextDecoder();

describe.skipIf(!HAS_CONVERSE)('Converse', () => {
  it('traces a call: name, kind, request parameters, usage with cache (semconv input)', async () => {
    sim.setScript(() => ({ text: 'hi', usage: USAGE }));
    const out = await client.send(
      new ConverseCommand({
        modelId: NOVA,
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
        inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9 },
      }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe('hi');
    const span = await onlySpan();
    expect(span.name).toBe(`chat ${NOVA}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base('chat', NOVA),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
  });

  it('keeps an ARN model id as given and omits cache counts Bedrock did not report', async () => {
    sim.setScript(() => ({ usage: { input: 12, output: 5 } }));
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0';
    await client.send(new ConverseCommand({ modelId: arn, messages: [] }));
    const span = await onlySpan();
    expect(span.name).toBe(`chat ${arn}`);
    expect(span.attributes).toEqual({
      ...base('chat', arn),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 5,
    });
  });

  it('reports the service tier the response was served on (Converse serviceTier.type)', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    const out = await client.send(
      new ConverseCommand({
        modelId: NOVA,
        messages: [],
        serviceTier: { type: 'priority' },
      } as never),
    );
    // SDK releases before Bedrock service tiers neither send nor read the field.
    if ((out as { serviceTier?: unknown }).serviceTier === undefined) return;
    const span = await onlySpan();
    expect(span.attributes['ai_margin.service_tier']).toBe('priority');
  });

  it('no service tier in the response: no tier attribute (standard)', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await client.send(new ConverseCommand({ modelId: NOVA, messages: [] }));
    const span = await onlySpan();
    expect(span.attributes['ai_margin.service_tier']).toBeUndefined();
  });

  it('marks usage missing (never a silent $0) when the response has none', async () => {
    sim.setScript(() => ({ usage: USAGE, omitUsage: true }));
    await client.send(new ConverseCommand({ modelId: NOVA, messages: [] }));
    const span = await onlySpan();
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('carries the attribution active at the call', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await withAttribution({ customerId: 'cust-42', feature: 'summarise' }, () =>
      client.send(new ConverseCommand({ modelId: NOVA, messages: [] })),
    );
    const span = await onlySpan();
    expect(otel.attribution.bySpanId.get(span.spanContext().spanId)).toEqual({
      customerId: 'cust-42',
      feature: 'summarise',
    });
  });

  it('captures no content by default and semconv messages when opted in', async () => {
    sim.setScript(() => ({ text: 'the answer', usage: USAGE }));
    const cmd = () =>
      new ConverseCommand({
        modelId: NOVA,
        system: [{ text: 'be brief' }],
        messages: [{ role: 'user', content: [{ text: 'the question' }] }],
      });
    await client.send(cmd());
    let span = await onlySpan();
    expect(Object.keys(span.attributes).filter((k) => k.includes('messages'))).toEqual([]);
    otel.exporter.reset();

    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    await client.send(cmd());
    span = await onlySpan();
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'the question' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'be brief' },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'the answer' }],
        finish_reason: 'end_turn',
      },
    ]);
  });

  it('records the semconv client metrics', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    otel.metricExporter.reset();
    await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [] }));
    await onlySpan();
    await otel.metricReader.forceFlush();
    const metrics = otel.metricExporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const tokens = metrics.filter((m) => m.descriptor.name === 'gen_ai.client.token.usage').at(-1);
    const points = (tokens?.dataPoints ?? []).filter(
      (p) => p.attributes['gen_ai.request.model'] === 'amazon.nova-micro-v1:0',
    );
    const sums = Object.fromEntries(
      points.map((p) => [p.attributes['gen_ai.token.type'], (p.value as { sum: number }).sum]),
    );
    expect(sums).toEqual({ input: 140, output: 20 });
    const duration = metrics
      .filter((m) => m.descriptor.name === 'gen_ai.client.operation.duration')
      .at(-1);
    const durationPoint = duration?.dataPoints.find(
      (p) => p.attributes['gen_ai.request.model'] === 'amazon.nova-micro-v1:0',
    );
    expect((durationPoint?.value as { count: number } | undefined)?.count).toBe(1);
    expect(durationPoint?.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
  });
});

describe.skipIf(!HAS_CONVERSE)('ConverseStream', () => {
  const send = () =>
    client.send(
      new ConverseStreamCommand({
        modelId: NOVA,
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      }),
    );

  it('ends the span once after the stream is drained, with usage from metadata', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE }));
    const out = await send();
    expect(otel.spans()).toHaveLength(0);
    let text = '';
    for await (const ev of out.stream ?? []) text += ev.contentBlockDelta?.delta?.text ?? '';
    expect(text).toBe('one two three');
    const span = await onlySpan();
    expect(span.name).toBe(`chat ${NOVA}`);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base('chat', NOVA),
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
  });

  it('reports the service tier from the stream metadata event', async () => {
    sim.setScript(() => ({ text: 'one', usage: USAGE }));
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: NOVA,
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
        serviceTier: { type: 'flex' },
      } as never),
    );
    let tier: unknown;
    for await (const ev of out.stream ?? [])
      tier ??= (ev.metadata as { serviceTier?: unknown })?.serviceTier;
    if (tier === undefined) return; // an SDK release without service tiers
    const span = await onlySpan();
    expect(span.attributes['ai_margin.service_tier']).toBe('flex');
  });

  it('ends the span once when the caller breaks off early (usage not seen: missing)', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE }));
    const out = await send();
    for await (const _ of out.stream ?? []) break;
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['ai_margin.usage.missing']).toBe(true);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('fails the span once on a mid-stream exception event', async () => {
    sim.setScript(() => ({ text: 'one two three', usage: USAGE, failAfterChunks: 2 }));
    const out = await send();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of out.stream ?? []) n++;
      })(),
    ).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(n).toBe(2);
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('ModelStreamErrorException');
  });
});

describe('InvokeModel', () => {
  it('reads Anthropic bodies: usage excludes cache in the body, included in semconv input', async () => {
    sim.setScript(() => ({ text: 'ok', usage: USAGE }));
    const out = await client.send(
      new InvokeModelCommand({
        modelId: CLAUDE,
        contentType: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 256,
          temperature: 0.2,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }),
    );
    expect(JSON.parse(decoder.decode(out.body)).content[0].text).toBe('ok');
    const span = await onlySpan();
    expect(span.name).toBe(`chat ${CLAUDE}`);
    expect(span.attributes).toEqual({
      ...base('chat', CLAUDE),
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.id': 'msg_bdrk_sim_0001',
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
  });

  it('reports the service tier of the X-Amzn-Bedrock-Service-Tier header', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    const out = await client.send(
      new InvokeModelCommand({
        modelId: CLAUDE,
        contentType: 'application/json',
        serviceTier: 'flex',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      } as never),
    );
    if ((out as { serviceTier?: unknown }).serviceTier === undefined) return;
    const span = await onlySpan();
    expect(span.attributes['ai_margin.service_tier']).toBe('flex');
  });

  it('reads Amazon Nova bodies (cacheReadInputTokenCount / cacheWriteInputTokenCount)', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await client.send(
      new InvokeModelCommand({
        modelId: NOVA,
        body: JSON.stringify({
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
          inferenceConfig: { max_new_tokens: 50, top_p: 0.8 },
        }),
      }),
    );
    const span = await onlySpan();
    expect(span.attributes).toEqual({
      ...base('chat', NOVA),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
  });

  it('reads Meta Llama prompt bodies as text_completion', async () => {
    sim.setScript(() => ({ usage: { input: 17, output: 9 } }));
    await client.send(
      new InvokeModelCommand({
        modelId: LLAMA,
        body: JSON.stringify({ prompt: 'hi', max_gen_len: 64, temperature: 0.1 }),
      }),
    );
    const span = await onlySpan();
    expect(span.name).toBe(`text_completion ${LLAMA}`);
    expect(span.attributes).toEqual({
      ...base('text_completion', LLAMA),
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.1,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 17,
      'gen_ai.usage.output_tokens': 9,
    });
  });

  it('reads Titan embedding bodies as embeddings', async () => {
    sim.setScript(() => ({ usage: { input: 6, output: 0 } }));
    const model = 'amazon.titan-embed-text-v2:0';
    await client.send(
      new InvokeModelCommand({ modelId: model, body: JSON.stringify({ inputText: 'hello' }) }),
    );
    const span = await onlySpan();
    expect(span.name).toBe(`embeddings ${model}`);
    expect(span.attributes).toEqual({
      ...base('embeddings', model),
      'gen_ai.usage.input_tokens': 6,
    });
  });
});

describe('InvokeModelWithResponseStream', () => {
  async function drain(modelId: string, body: unknown): Promise<string[]> {
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(body) }),
    );
    const types: string[] = [];
    for await (const ev of out.body ?? []) {
      const chunk = JSON.parse(decoder.decode(ev.chunk?.bytes));
      types.push(chunk.type ?? Object.keys(chunk)[0]);
    }
    return types;
  }

  it('reads Anthropic stream usage from message_start + message_delta', async () => {
    sim.setScript(() => ({ text: 'a b', usage: USAGE }));
    const types = await drain(CLAUDE, { anthropic_version: 'bedrock-2023-05-31', messages: [] });
    expect(types.at(-1)).toBe('message_stop');
    const span = await onlySpan();
    expect(span.attributes).toEqual({
      ...base('chat', CLAUDE),
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      ...USAGE_ATTRS,
    });
  });

  it('reads Nova stream usage from the metadata event', async () => {
    sim.setScript(() => ({ text: 'a b', usage: USAGE }));
    await drain(NOVA, { messages: [], inferenceConfig: {} });
    const span = await onlySpan();
    expect(span.attributes).toMatchObject({ ...USAGE_ATTRS, 'gen_ai.request.stream': true });
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['end_turn']);
  });

  it('reads Llama stream usage from token counts', async () => {
    sim.setScript(() => ({ text: 'a b c', usage: { input: 11, output: 7 } }));
    await drain(LLAMA, { prompt: 'x' });
    const span = await onlySpan();
    expect(span.name).toBe(`text_completion ${LLAMA}`);
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('ends once when broken off early, keeping the usage seen so far', async () => {
    sim.setScript(() => ({ text: 'a b c d', usage: USAGE }));
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: CLAUDE,
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: [] }),
      }),
    );
    for await (const _ of out.body ?? []) break; // after message_start (input + cache usage)
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    // message_start reported input 100, cache 30 + 10, and output 1 so far.
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 140,
      'gen_ai.usage.output_tokens': 1,
    });
  });

  it('fails once on a mid-stream exception', async () => {
    sim.setScript(() => ({ text: 'a b', usage: USAGE, failAfterChunks: 3 }));
    await expect(drain(CLAUDE, { anthropic_version: 'bedrock-2023-05-31' })).rejects.toMatchObject({
      name: 'ModelStreamErrorException',
    });
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('ModelStreamErrorException');
  });
});

describe('errors', () => {
  it.each([
    [429, 'ThrottlingException'],
    [500, 'InternalServerException'],
  ])('HTTP %i: error.type, ERROR status, span ends once', async (status, name) => {
    sim.setScript(() => ({ errorStatus: status }));
    await expect(sendSimple(client)).rejects.toMatchObject({ name });
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(String(status));
    expect(span.attributes['ai_margin.usage.missing']).toBeUndefined();
  });

  it('network error: connection refused', async () => {
    const closed = await startProviderSim();
    const url = closed.url;
    await closed.close();
    const dead = makeClient(url);
    await expect(sendSimple(dead)).rejects.toBeTruthy();
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('connection_error');
    dead.destroy();
  });

  it('aborted request', async () => {
    sim.setScript(() => ({ usage: USAGE, delayMs: 500 }));
    const ac = new AbortController();
    const pending = sendSimple(client, { abortSignal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const span = await onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('aborted');
  });
});

describe('patching', () => {
  it('manuallyUninstrument restores the original send, manuallyInstrument patches again', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    instrumentation.manuallyUninstrument(bedrockModule);
    await sendSimple(client);
    await new Promise((r) => setTimeout(r, 20));
    expect(otel.spans()).toHaveLength(0);
    instrumentation.manuallyInstrument(bedrockModule);
    await sendSimple(client);
    await onlySpan();
  });

  it('traces the aggregated BedrockRuntime client (its methods go through send)', async () => {
    sim.setScript(() => ({ usage: { input: 4, output: 2 } }));
    const aggregated = new bedrockModule.BedrockRuntime({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    await (HAS_CONVERSE
      ? aggregated.converse({ modelId: NOVA, messages: [] })
      : aggregated.invokeModel({ modelId: NOVA, body: JSON.stringify({ messages: [] }) }));
    const span = await onlySpan();
    expect(span.name).toBe(`chat ${NOVA}`);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(4);
    aggregated.destroy();
  });

  it('captures streamed text when content capture is on', async () => {
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    sim.setScript(() => ({ text: 'streamed words', usage: USAGE }));
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: CLAUDE,
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          messages: [{ role: 'user', content: 'q' }],
        }),
      }),
    );
    for await (const _ of out.body ?? []) {
      // drain
    }
    const span = await onlySpan();
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'q' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'streamed words' }],
        finish_reason: 'end_turn',
      },
    ]);
  });

  it('leaves untraced commands and callback-style sends alone', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    await new Promise<void>((resolve, reject) => {
      sendSimpleWithCallback(client, (err) => (err ? reject(err) : resolve()));
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(otel.spans()).toHaveLength(0);
  });

  it('reports no default endpoint port/host guesswork for custom endpoints', async () => {
    // Default (no custom endpoint): the regional host, resolved without a network call.
    const regional = new BedrockRuntimeClient({
      region: 'eu-west-3',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: {
        handle: async () => {
          throw Object.assign(new Error('offline test handler'), { name: 'OfflineError' });
        },
      },
    });
    await expect(sendSimple(regional)).rejects.toThrow('offline test handler');
    const span = await onlySpan();
    expect(span.attributes['server.address']).toBe('bedrock-runtime.eu-west-3.amazonaws.com');
    expect(span.attributes['server.port']).toBe(443);
    regional.destroy();
  });
});
