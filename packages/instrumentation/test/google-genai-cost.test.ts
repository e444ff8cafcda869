/**
 * Cost on @google/genai spans: the real client, the simulator, and the MarginSpanProcessor with a
 * hand-written price file (no shipped prices), so every expected figure is computed here by hand.
 */
import { GoogleGenAIInstrumentation, withAttribution } from '@ai-margin/instrumentation';
import { MarginSpanProcessor, PriceBook } from '@ai-margin/processor';
import { type ProviderSim, type SimCall, startProviderSim } from '@ai-margin/provider-sim';
import type * as GenAISdk from '@google/genai';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeFeatures } from './helpers/google-genai';
import { GOOGLE_GENAI_MODULE, importModule } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// Loaded by name at run time so the version matrix can substitute another installed version.
const genaiModule = await importModule<typeof GenAISdk>(GOOGLE_GENAI_MODULE);
const { GoogleGenAI } = genaiModule;
const features = await probeFeatures(genaiModule);

// USD per 1M tokens, made up for the test. No reasoning price: thoughts bill at the output price.
// Flex bills half, Priority 1.8x (multipliers of the whole call).
const PRICES = {
  provider: 'gcp.gemini',
  providerAliases: ['gcp.vertex_ai'],
  currency: 'USD',
  models: [
    {
      id: 'gemini-2.5-flash',
      aliases: ['gemini-2.5-flash-001'],
      periods: [
        {
          effectiveFrom: '2024-01-01',
          prices: { input: 0.3, output: 2.5, cacheRead: 0.075 },
          serviceTiers: { flex: 0.5, priority: 1.8 },
          source: 'test',
        },
      ],
    },
  ],
};

let sim: ProviderSim;
let otel: TestOtel;
let instrumentation: GoogleGenAIInstrumentation;
let ai: GenAISdk.GoogleGenAI;

beforeAll(async () => {
  sim = await startProviderSim();
  const processor = new MarginSpanProcessor({
    prices: PriceBook.load({
      includeShipped: false,
      userFiles: [{ name: 'test-gemini-prices.json', data: PRICES }],
    }),
    meterProvider: false,
  });
  otel = setupOtel([processor]);
  instrumentation = new GoogleGenAIInstrumentation();
  instrumentation.setTracerProvider(otel.tracerProvider);
  instrumentation.setMeterProvider(otel.meterProvider);
  instrumentation.manuallyInstrument(genaiModule);
  ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: sim.url } });
});

afterEach(() => otel.exporter.reset());

afterAll(async () => {
  instrumentation.disable();
  await sim.close();
  await otel.shutdown();
});

// Rendered as promptTokenCount 140 (incl. 40 cached), candidates 35, thoughts 15.
const USAGE = { input: 100, output: 50, cacheRead: 40, reasoning: 15 };
// (100 * 0.3 + 40 * 0.075 + (35 + 15) * 2.5) / 1e6 = (30 + 3 + 125) / 1e6
const EXPECTED_COST = 0.000158;

async function onlySpan(): Promise<ReadableSpan> {
  const spans = await waitForSpans(otel, 1);
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
}

describe('Gemini cost on the span', () => {
  it('generateContent: cached and thoughts tokens priced, priced by the response model', async () => {
    sim.setScript(() => ({ usage: USAGE, responseModel: 'gemini-2.5-flash-001' }));
    await withAttribution({ customerId: 'cust-9', feature: 'draft' }, () =>
      ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    );
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(EXPECTED_COST, 12);
    expect(span.attributes['ai_margin.customer_id']).toBe('cust-9');
    expect(span.attributes['ai_margin.feature']).toBe('draft');
  });

  it('generateContentStream: cost from the final chunk usage', async () => {
    sim.setScript(() => ({ text: 'a b c', usage: USAGE }));
    const stream = await ai.models.generateContentStream({
      model: 'models/gemini-2.5-flash',
      contents: 'x',
    });
    for await (const _ of stream) {
      // drain
    }
    const span = await onlySpan();
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(EXPECTED_COST, 12);
  });

  it('Vertex mode prices through the provider alias', async () => {
    sim.setScript(() => ({ usage: USAGE }));
    const vertex = new GoogleGenAI({
      // Express mode (API key, no project): accepted by every supported SDK version.
      vertexai: true,
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    const span = await onlySpan();
    expect(span.attributes['gen_ai.provider.name']).toBe('gcp.vertex_ai');
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(EXPECTED_COST, 12);
  });

  it.each([
    ['flex', EXPECTED_COST * 0.5],
    ['priority', EXPECTED_COST * 1.8],
    ['standard', EXPECTED_COST],
  ] as const)('Vertex served %s (trafficType): priced at that tier', async (tier, cost) => {
    sim.setScript(() => ({ usage: USAGE, servedTier: tier }));
    const vertex = new GoogleGenAI({
      vertexai: true,
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    const span = await onlySpan();
    // 0.000158 * 0.5 = 0.000079; * 1.8 = 0.0002844.
    expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(cost, 12);
  });

  it.skipIf(!features.httpHeaders)(
    'Gemini API served flex (x-gemini-service-tier), stream: half the standard cost',
    async () => {
      sim.setScript(() => ({ text: 'a b', usage: USAGE, servedTier: 'flex' }));
      const stream = await ai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'x',
      });
      for await (const _ of stream) {
        // drain
      }
      const span = await onlySpan();
      expect(span.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.000079, 12);
    },
  );

  it.skipIf(!features.continuation)(
    'automatic continuation: each hop priced once, on its own usage',
    async () => {
      sim.setScript((call: SimCall) =>
        (call.body as { continuationToken?: string }).continuationToken
          ? { text: ' b', usage: { input: 120, output: 7 } }
          : { text: 'a', usage: { input: 100, output: 20 }, continuationToken: 'ckpt' },
      );
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
      const spans = await waitForSpans(otel, 2);
      await new Promise((r) => setTimeout(r, 20));
      expect(otel.spans()).toHaveLength(2);
      const costs = spans.map((s) => s.attributes['gen_ai.usage.cost.amount'] as number);
      // Hop 1: (100 * 0.3 + 20 * 2.5) / 1e6 = 0.00008; hop 2: (120 * 0.3 + 7 * 2.5) / 1e6 = 0.0000535.
      expect(costs[0]).toBeCloseTo(0.00008, 12);
      expect(costs[1]).toBeCloseTo(0.0000535, 12);
    },
  );

  it('property: any usage (cached and thoughts included) is priced bucket by bucket', async () => {
    const count = fc.integer({ min: 0, max: 2_000_000 });
    const usage = fc
      .tuple(count, count, count, fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([input, output, cacheRead, share]) => ({
        input,
        output,
        cacheRead,
        reasoning: Math.floor(output * share),
      }));
    await fc.assert(
      fc.asyncProperty(usage, async (u) => {
        sim.setScript(() => ({ usage: u }));
        otel.exporter.reset();
        await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
        const span = await onlySpan();
        // Thoughts are billed at the output price (no reasoning price in the file).
        const expected = (u.input * 0.3 + u.cacheRead * 0.075 + u.output * 2.5) / 1e6;
        const actual = span.attributes['gen_ai.usage.cost.amount'] as number;
        expect(Math.abs(actual - expected)).toBeLessThan(1e-9);
      }),
      { numRuns: 40 },
    );
  });
});
