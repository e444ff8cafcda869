import { type ProviderSim, type SimCall, startProviderSim } from '@ai-margin/provider-sim';
import { GoogleGenAI, ServiceTier } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sim: ProviderSim;
let ai: GoogleGenAI;

beforeAll(async () => {
  sim = await startProviderSim();
  ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: sim.url } });
});
afterAll(async () => {
  await sim.close();
});

const usage = { input: 100, output: 50, cacheRead: 40, reasoning: 15 };

/** The JSON body of the last request the simulator received. */
function lastBody(): Record<string, unknown> {
  return (sim.calls.at(-1)?.body ?? {}) as Record<string, unknown>;
}

describe('gemini simulator with the real @google/genai client', () => {
  it('answers generateContent with usageMetadata in Gemini convention', async () => {
    sim.setScript(() => ({ text: 'hi there', usage, responseModel: 'gemini-2.5-flash-001' }));
    const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' });
    expect(res.text).toBe('hi there');
    expect(res.modelVersion).toBe('gemini-2.5-flash-001');
    expect(res.usageMetadata).toEqual({
      promptTokenCount: 140,
      cachedContentTokenCount: 40,
      candidatesTokenCount: 35,
      thoughtsTokenCount: 15,
      totalTokenCount: 190,
    });
    expect(sim.calls.at(-1)).toMatchObject({
      provider: 'gemini',
      operation: 'generateContent',
      model: 'gemini-2.5-flash',
      stream: false,
    });
    // The SDK's default API version: v1beta before 3.x, v1 from 3.x.
    expect(sim.calls.at(-1)?.path).toMatch(
      /^\/v1(beta)?\/models\/gemini-2\.5-flash:generateContent$/,
    );
  });

  it.each(['v1', 'v1beta'])('answers the Gemini API %s path and records it as sent', async (v) => {
    sim.setScript(() => ({ text: v, usage }));
    const client = new GoogleGenAI({
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url, apiVersion: v },
    });
    const res = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(res.text).toBe(v);
    expect(sim.calls.at(-1)?.path).toBe(`/${v}/models/gemini-2.5-flash:generateContent`);
  });

  it('streams SSE chunks with the full usage on the last one', async () => {
    sim.setScript(() => ({ text: 'one two three', usage }));
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-pro',
      contents: 'x',
    });
    const texts: string[] = [];
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      texts.push(chunk.text ?? '');
      usages.push(chunk.usageMetadata);
    }
    expect(texts).toEqual(['one', ' two', ' three']);
    expect(usages[0]).toEqual({ promptTokenCount: 140 });
    expect(usages[2]).toMatchObject({ candidatesTokenCount: 35, thoughtsTokenCount: 15 });
    expect(sim.calls.at(-1)).toMatchObject({ operation: 'generateContent', stream: true });
  });

  it('drops the connection mid-stream when asked', async () => {
    sim.setScript(() => ({ text: 'one two three', usage, failAfterChunks: 1 }));
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-pro',
      contents: 'x',
    });
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of stream) n++;
      })(),
    ).rejects.toThrow();
    expect(n).toBe(1);
  });

  it('answers embedContent (batchEmbedContents on the Gemini API)', async () => {
    sim.setScript(() => ({ usage: { input: 9, output: 0 }, dimensions: 4 }));
    const res = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['a', 'b'],
    });
    expect(res.embeddings?.length).toBe(2);
    expect(res.embeddings?.[0]?.values?.length).toBe(4);
    // The SDK passes the Gemini API's embedding usage on from 3.x.
    expect(res.usageMetadata).toEqual({ promptTokenCount: 9 });
    expect(sim.calls.at(-1)).toMatchObject({
      operation: 'embedContent',
      model: 'gemini-embedding-001',
    });
  });

  it('answers errors with the Gemini error body', async () => {
    sim.setScript(() => ({ errorStatus: 429 }));
    await expect(
      ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }),
    ).rejects.toMatchObject({ status: 429 });
  });

  it('answers Vertex AI paths', async () => {
    sim.setScript(() => ({ text: 'v', usage: { input: 3, output: 2 } }));
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: 'p',
      location: 'us-central1',
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    const res = await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(res.text).toBe('v');
    expect(sim.calls.at(-1)?.path).toBe(
      '/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(res.usageMetadata).toEqual({
      promptTokenCount: 3,
      candidatesTokenCount: 2,
      totalTokenCount: 5,
      trafficType: 'ON_DEMAND',
    });
  });

  it('answers the Vertex AI v1 path', async () => {
    sim.setScript(() => ({ text: 'v1', usage: { input: 3, output: 2 } }));
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: 'p',
      location: 'europe-west4',
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url, apiVersion: 'v1' },
    });
    await vertex.models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' });
    expect(sim.calls.at(-1)?.path).toBe(
      '/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent',
    );
  });
});

describe('gemini simulator: service tiers', () => {
  it.each([
    [undefined, 'standard'],
    [ServiceTier.FLEX, 'flex'],
    [ServiceTier.PRIORITY, 'priority'],
  ])(
    'Gemini API: serviceTier %s is served as %s (x-gemini-service-tier)',
    async (asked, served) => {
      sim.setScript(() => ({ usage }));
      const res = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'x',
        config: asked ? { serviceTier: asked } : {},
      });
      expect(lastBody().serviceTier).toBe(asked);
      expect(res.sdkHttpResponse?.headers?.['x-gemini-service-tier']).toBe(served);
    },
  );

  it('a reply can downgrade a Priority request to standard', async () => {
    sim.setScript(() => ({ usage, servedTier: 'standard' }));
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'x',
      config: { serviceTier: ServiceTier.PRIORITY },
    });
    expect(res.sdkHttpResponse?.headers?.['x-gemini-service-tier']).toBe('standard');
  });

  it('Vertex AI: the served tier is usageMetadata.trafficType, on the final stream chunk', async () => {
    sim.setScript(() => ({ text: 'a b', usage: { input: 3, output: 2 } }));
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: 'p',
      location: 'us-central1',
      apiKey: 'test',
      httpOptions: { baseUrl: sim.url },
    });
    const stream = await vertex.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'x',
      config: { serviceTier: ServiceTier.FLEX },
    });
    const usages: unknown[] = [];
    for await (const chunk of stream) usages.push(chunk.usageMetadata);
    expect(usages).toEqual([
      { promptTokenCount: 3 },
      {
        promptTokenCount: 3,
        candidatesTokenCount: 2,
        totalTokenCount: 5,
        trafficType: 'ON_DEMAND_FLEX',
      },
    ]);
  });
});

describe('gemini simulator: automatic continuation', () => {
  // Hop 1 stops at a checkpoint; hop 2 (the SDK sends the token back) finishes.
  const script = (call: SimCall) =>
    (call.body as { continuationToken?: string }).continuationToken === 'ckpt-1'
      ? { text: ' world', usage: { input: 120, output: 7 } }
      : { text: 'hello', usage: { input: 100, output: 20 }, continuationToken: 'ckpt-1' };

  it('generateContent: two requests, the SDK merges text and sums usage', async () => {
    sim.setScript(script);
    const before = sim.calls.length;
    const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(sim.calls.length - before).toBe(2);
    expect(lastBody().continuationToken).toBe('ckpt-1');
    expect(res.text).toBe('hello world');
    expect(res.candidates?.[0]?.finishReason).toBe('STOP');
    // Summed over hops: prompt 100 + 120, candidates 20 + 7; the first hop's prompt kept apart.
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 220,
      candidatesTokenCount: 27,
      totalTokenCount: 247,
    });
    expect(res.initialPromptTokenCount).toBe(100);
  });

  it('generateContentStream: the stream resumes from the token', async () => {
    sim.setScript(script);
    const before = sim.calls.length;
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'x',
    });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('hello world');
    expect(sim.calls.length - before).toBe(2);
    expect(sim.calls.at(-1)).toMatchObject({ stream: true, body: { continuationToken: 'ckpt-1' } });
  });
});
