import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import { GoogleGenAI } from '@google/genai';
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
      path: '/v1beta/models/gemini-2.5-flash:generateContent',
    });
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
    expect(sim.calls.at(-1)?.path).toMatch(/models\/gemini-2\.5-flash:generateContent$/);
  });
});
