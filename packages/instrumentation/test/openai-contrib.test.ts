/**
 * Coexistence with @opentelemetry/instrumentation-openai (contrib). OpenTelemetry's `_wrap`
 * replaces any wrapper already in place, so whichever instrumentation patches last records the
 * call: one span per call, never two (two would be priced twice). Unpatching ours never strips
 * a wrapper another tool installed after ours.
 */
import { OpenAIInstrumentation } from '@ai-margin/instrumentation';
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { isWrapped } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation as ContribOpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadModule } from './helpers/modules';
import { setupOtel, type TestOtel, waitForSpans } from './helpers/otel';

// biome-ignore lint/suspicious/noExplicitAny: the SDK is loaded by name at run time
type Any = any;
const openaiModule = loadModule<Any>('openai');
const proto = openaiModule.OpenAI.Chat.Completions.prototype;

let sim: ProviderSim;
let otel: TestOtel;
const ours = new OpenAIInstrumentation();
const contrib = new ContribOpenAIInstrumentation();
const patchContrib = () => {
  for (const def of contrib.getModuleDefinitions()) def.patch?.(openaiModule);
};
const unpatchContrib = () => {
  for (const def of contrib.getModuleDefinitions()) def.unpatch?.(openaiModule);
};

async function scopesOfOneCall(): Promise<string[]> {
  const client = new openaiModule.OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 't', maxRetries: 0 });
  await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'x' }],
  });
  await waitForSpans(otel, 1);
  await new Promise((r) => setTimeout(r, 50)); // a second span would have ended by now
  return otel.spans().map((s) => s.instrumentationScope.name);
}

beforeAll(async () => {
  sim = await startProviderSim();
  otel = setupOtel();
  ours.setTracerProvider(otel.tracerProvider);
  contrib.setTracerProvider(otel.tracerProvider);
});
afterAll(async () => {
  await sim.close();
  await otel.shutdown();
});
beforeEach(() => otel.exporter.reset());

it('ours patched after contrib: one span, ours', async () => {
  patchContrib();
  ours.manuallyInstrument(openaiModule);
  expect(await scopesOfOneCall()).toEqual(['@ai-margin/instrumentation']);
  ours.manuallyUninstrument(openaiModule);
  expect(isWrapped(proto.create)).toBe(false);
});

it('contrib patched after ours: one span, contrib; unpatching ours leaves contrib in place', async () => {
  ours.manuallyInstrument(openaiModule);
  patchContrib();
  const contribWrapper = proto.create;
  expect(await scopesOfOneCall()).toEqual(['@opentelemetry/instrumentation-openai']);
  ours.manuallyUninstrument(openaiModule);
  expect(proto.create).toBe(contribWrapper);
  unpatchContrib();
  expect(isWrapped(proto.create)).toBe(false);
});
