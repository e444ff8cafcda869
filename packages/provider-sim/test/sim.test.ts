import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sim: ProviderSim;
beforeAll(async () => {
  sim = await startProviderSim();
});
afterAll(async () => {
  await sim.close();
});

const messages = [{ role: 'user' as const, content: 'Say hi' }];
// ceil(JSON.stringify(messages).length / 4), computed by hand: '[{"role":"user","content":"Say hi"}]' is 36 chars.
const INPUT = 9;

describe('provider-sim', () => {
  it('listens on 127.0.0.1 and 404s unknown paths', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${sim.url}/nope`);
    expect(r.status).toBe(404);
    expect(JSON.stringify(await r.json())).toContain('/nope');
  });

  it('answers OpenAI chat with the default script usage', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(r.usage?.prompt_tokens).toBe(INPUT);
    expect(r.usage?.completion_tokens).toBe(20);
    expect(r.choices[0]?.message.content).toBe('Hello from the ai-margin provider simulator.');
    const call = sim.calls.at(-1);
    expect(call).toMatchObject({
      provider: 'openai',
      operation: 'chat.completions',
      model: 'gpt-4o-mini',
      stream: false,
      method: 'POST',
      path: '/v1/chat/completions',
    });
  });

  it('streams OpenAI chat with usage only when include_usage is set', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
    let text = '';
    let usage: unknown;
    for await (const c of await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })) {
      text += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe('Hello from the ai-margin provider simulator.');
    expect(usage).toMatchObject({ prompt_tokens: INPUT, completion_tokens: 20 });
    let sawUsage = false;
    for await (const c of await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
    })) {
      if (c.usage) sawUsage = true;
    }
    expect(sawUsage).toBe(false);
  });

  it('drops the connection mid-stream with failAfterChunks', async () => {
    sim.setScript(() => ({ usage: { input: 1, output: 1 }, failAfterChunks: 2 }));
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
    let n = 0;
    await expect(async () => {
      for await (const _ of await client.chat.completions.create({
        model: 'm',
        messages,
        stream: true,
      }))
        n++;
    }).rejects.toThrow();
    expect(n).toBe(2);
  });

  it('answers HTTP errors in the provider shape', async () => {
    sim.setScript(() => ({ errorStatus: 429 }));
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'm', messages })).rejects.toMatchObject({
      status: 429,
    });
    const a = new Anthropic({ baseURL: sim.url, apiKey: 'test', maxRetries: 0 });
    await expect(
      a.messages.create({ model: 'claude', max_tokens: 10, messages }),
    ).rejects.toMatchObject({ status: 429 });
  });

  it('answers OpenAI embeddings (base64 default) and responses', async () => {
    sim.setScript(() => ({ usage: { input: 5, output: 0, cacheRead: 0 }, dimensions: 4 }));
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
    const e = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    expect(e.data).toHaveLength(2);
    expect(e.data[0]?.embedding).toHaveLength(4);
    expect(e.usage.prompt_tokens).toBe(5);
    sim.setScript(() => ({ usage: { input: 10, output: 7, cacheRead: 4, reasoning: 3 } }));
    const r = await client.responses.create({ model: 'o4-mini', input: 'hi' });
    expect(r.usage).toMatchObject({
      input_tokens: 14,
      output_tokens: 7,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens_details: { reasoning_tokens: 3 },
    });
    const s = await client.responses.create({ model: 'o4-mini', input: 'hi', stream: true });
    let completed: unknown;
    for await (const ev of s) if (ev.type === 'response.completed') completed = ev.response.usage;
    expect(completed).toMatchObject({ input_tokens: 14, output_tokens: 7 });
  });

  it('answers Anthropic messages, plain and streaming, with cache split', async () => {
    sim.setScript(() => ({
      usage: { input: 10, output: 5, cacheRead: 100, cacheWrite5m: 30, cacheWrite1h: 20 },
    }));
    const a = new Anthropic({ baseURL: sim.url, apiKey: 'test', maxRetries: 0 });
    const m = await a.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages });
    expect(m.usage).toMatchObject({
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 20 },
    });
    const final = await a.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 10, messages })
      .finalMessage();
    expect(final.usage.output_tokens).toBe(5);
    expect(final.content[0]).toMatchObject({
      type: 'text',
      text: 'Hello from the ai-margin provider simulator.',
    });
  });
});
