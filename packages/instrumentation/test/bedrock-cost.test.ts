/**
 * Cost on Bedrock spans: the real SDK client, the simulator, and the MarginSpanProcessor with a
 * hand-written price file (no shipped prices), so every expected figure is computed here by hand.
 */
import { BedrockRuntimeInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type * as SmithyHttp from '@smithy/node-http-handler';
import fc from 'fast-check';
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
const { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand } =
  bedrockModule;
/** Converse / ConverseStream arrived in a later 3.x than the oldest supported version. */
const HAS_CONVERSE = typeof ConverseCommand === 'function';

// USD per 1M tokens, made up for the test.
const PRICES = {
  provider: 'aws.bedrock',
  currency: 'USD',
  models: [
    {
      id: 'amazon.nova-pro-v1:0',
      periods: [
        {
          effectiveFrom: '2024-01-01',
          prices: { input: 0.8, output: 3.2, cacheRead: 0.2, cacheWrite5m: 1 },
          source: 'test',
        },
      ],
    },
    {
      id: 'anthropic.claude-sonnet-4-20250514-v1:0',
      periods: [
        {
          effectiveFrom: '2024-01-01',
          prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75 },
          source: 'test',
        },
      ],
    },
  ],
};

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: BedrockRuntimeInstrumentation;
let client: BedrockSdk.BedrockRuntimeClient;

beforeAll(async () => {
  sim = await startProviderSim();
  const processor = new MarginSpanProcessor({
    prices: PriceBook.load({
      includeShipped: false,
      userFiles: [{ name: 'test-bedrock-prices.json', data: PRICES }],
    }),
    meterProvider: false,
  });
  otel = setupOtel([processor]);
  instrumentation = new BedrockRuntimeInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(bedrockModule);
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: sim.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});

afterEach(() => otel.exporter.reset());

afterAll(async () => {
  instrumentation.disable();
  client.destroy();
  await sim.close();
  await otel.shutdown();
});

// Bedrock reports input 100 (uncached), cache read 30, cache write 10, output 20.
const USAGE = { input: 100, output: 20, cacheRead: 30, cacheWrite5m: 10 };

async function onlySpan(): Promise<ReadableSpan> {
  const spans = await waitForSpans(otel, 1);
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

function cost(span: ReadableSpan): number {
  return span.attributes['gen_ai.usage.cost.amount'] as number;
}

describe('Bedrock cost on the span', () => {
  it.skipIf(!HAS_CONVERSE)(
    'Converse with a us. inference profile: cache read and write priced apart',
    async () => {
      sim.setScript(() => ({ usage: USAGE }));
      await withAttribution({ customerId: 'cust-7', feature: 'search' }, () =>
        client.send(new ConverseCommand({ modelId: 'us.amazon.nova-pro-v1:0', messages: [] })),
      );
      const span = await onlySpan();
      // (100 * 0.8 + 30 * 0.2 + 10 * 1 + 20 * 3.2) / 1e6 = 160 / 1e6
      expect(cost(span)).toBeCloseTo(0.00016, 12);
      expect(span.attributes['gen_ai.usage.cost.currency']).toBe('USD');
      expect(span.attributes['ai_margin.customer_id']).toBe('cust-7');
      expect(span.attributes['ai_margin.feature']).toBe('search');
    },
  );

  it.skipIf(!HAS_CONVERSE)(
    'ConverseStream: cost from the metadata usage once the stream is drained',
    async () => {
      sim.setScript(() => ({ text: 'a b c', usage: USAGE }));
      const out = await client.send(
        new ConverseStreamCommand({ modelId: 'amazon.nova-pro-v1:0', messages: [] }),
      );
      for await (const _ of out.stream ?? []) {
        // drain
      }
      const span = await onlySpan();
      expect(cost(span)).toBeCloseTo(0.00016, 12);
    },
  );

  it('InvokeModel (Anthropic body) with a global. inference-profile ARN', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    const arn =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0';
    await client.send(
      new InvokeModelCommand({
        modelId: arn,
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: [] }),
      }),
    );
    const span = await onlySpan();
    // (100 * 3 + 30 * 0.3 + 10 * 3.75 + 20 * 15) / 1e6 = 646.5 / 1e6
    expect(cost(span)).toBeCloseTo(0.0006465, 12);
    expect(span.attributes['ai_margin.price.model']).toBe(
      'anthropic.claude-sonnet-4-20250514-v1:0',
    );
  });

  it.skipIf(!HAS_CONVERSE)(
    'a stream broken off before usage is unpriced (missing usage), never $0',
    async () => {
      sim.setScript(() => ({ text: 'a b c', usage: USAGE }));
      const out = await client.send(
        new ConverseStreamCommand({ modelId: 'amazon.nova-pro-v1:0', messages: [] }),
      );
      for await (const _ of out.stream ?? []) break;
      const span = await onlySpan();
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeUndefined();
      expect(span.attributes['ai_margin.unpriced.reason']).toBe('missing_usage');
    },
  );

  it('property: any Bedrock usage is priced bucket by bucket (Converse, or a Nova InvokeModel body where the SDK has no Converse, and an Anthropic InvokeModel body)', async () => {
    const count = fc.integer({ min: 0, max: 2_000_000 });
    await fc.assert(
      fc.asyncProperty(count, count, count, count, async (input, output, cacheRead, cacheWrite) => {
        sim.setScript(() => ({ usage: { input, output, cacheRead, cacheWrite5m: cacheWrite } }));
        otel.exporter.reset();
        const novaModel = 'amazon.nova-pro-v1:0';
        if (HAS_CONVERSE) {
          await client.send(new ConverseCommand({ modelId: novaModel, messages: [] }));
        } else {
          const body = JSON.stringify({ messages: [] });
          await client.send(new InvokeModelCommand({ modelId: novaModel, body }));
        }
        await client.send(
          new InvokeModelCommand({
            modelId: 'eu.anthropic.claude-sonnet-4-20250514-v1:0',
            body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: [] }),
          }),
        );
        const [nova, claude] = await waitForSpans(otel, 2);
        const novaCost = (input * 0.8 + cacheRead * 0.2 + cacheWrite * 1 + output * 3.2) / 1e6;
        const claudeCost = (input * 3 + cacheRead * 0.3 + cacheWrite * 3.75 + output * 15) / 1e6;
        expect(Math.abs(cost(nova as ReadableSpan) - novaCost)).toBeLessThan(1e-9);
        expect(Math.abs(cost(claude as ReadableSpan) - claudeCost)).toBeLessThan(1e-9);
      }),
      { numRuns: 40 },
    );
  });
});
