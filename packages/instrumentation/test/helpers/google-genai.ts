/**
 * What the `@google/genai` version under test does, found by calling a simulator of its own with
 * it, at module load (so `it.skipIf` can use it) and before it is instrumented. The version matrix
 * runs the Google GenAI tests on 1.0.0, 2.32.0 and 3.x; tests of a feature the version lacks are
 * skipped, never faked.
 */
import { type SimCall, startProviderSim } from '@ai-margin/provider-sim';
import type * as GenAISdk from '@google/genai';

export interface GenAIFeatures {
  /** Automatic continuation: a checkpointed response is resumed with a second request (2.32, 3.x). */
  continuation: boolean;
  /** Response headers kept in `sdkHttpResponse` (not 1.0): the Gemini API's served-tier header. */
  httpHeaders: boolean;
  /** The Gemini API's embedding `usageMetadata` passed on to the caller (3.x). */
  embedUsage: boolean;
}

export async function probeFeatures(sdk: typeof GenAISdk): Promise<GenAIFeatures> {
  const usage = { input: 1, output: 1 };
  const sim = await startProviderSim({
    script: (call: SimCall) =>
      (call.body as { continuationToken?: unknown }).continuationToken
        ? { usage }
        : { usage, continuationToken: 'probe' },
  });
  try {
    return await probe(sdk, sim.url, sim.calls);
  } finally {
    await sim.close();
  }
}

async function probe(sdk: typeof GenAISdk, url: string, calls: SimCall[]): Promise<GenAIFeatures> {
  const ai = new sdk.GoogleGenAI({ apiKey: 'probe', httpOptions: { baseUrl: url } });
  const res = await ai.models.generateContent({ model: 'probe', contents: 'x' });
  const continuation = calls.length === 2;
  const embed = await ai.models.embedContent({ model: 'probe-embedding', contents: 'x' });
  return {
    continuation,
    httpHeaders: res.sdkHttpResponse?.headers !== undefined,
    embedUsage: embed.usageMetadata !== undefined,
  };
}
