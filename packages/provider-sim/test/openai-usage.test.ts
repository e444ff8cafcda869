/**
 * The OpenAI handler's openai 7 usage fields (cache writes with their retention split, compute
 * units), read back through the real `openai` client; and that they stay absent unless asked for.
 */
import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

let sim: ProviderSim;
let client: OpenAI;
beforeAll(async () => {
  sim = await startProviderSim();
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test', maxRetries: 0 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.setScript(() => ({
    usage: {
      input: 100,
      cacheRead: 40,
      cacheWrite30m: 20,
      cacheWrite12h: 60,
      output: 30,
      reasoning: 10,
      computeUnits: 3,
    },
  }));
});

const messages = [{ role: 'user' as const, content: 'Hi' }];
// By hand: prompt = uncached 100 + cached 40 + written 20 + 60 = 220; total = 220 + 30 = 250.

describe('provider-sim openai 7 usage', () => {
  it('chat: cache_write_tokens in prompt_tokens_details, compute_units', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-x', messages });
    expect(r.usage).toEqual({
      prompt_tokens: 220,
      completion_tokens: 30,
      total_tokens: 250,
      prompt_tokens_details: { cached_tokens: 40, audio_tokens: 0, cache_write_tokens: 80 },
      completion_tokens_details: {
        reasoning_tokens: 10,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
      compute_units: 3,
    });
  });

  it('chat stream: the usage chunk carries the same fields', async () => {
    let usage: unknown;
    for await (const c of await client.chat.completions.create({
      model: 'gpt-x',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })) {
      if (c.usage) usage = c.usage;
    }
    expect(usage).toMatchObject({
      prompt_tokens: 220,
      prompt_tokens_details: { cache_write_tokens: 80 },
      compute_units: 3,
    });
  });

  it('responses: cache_write_tokens with the 30m / 12h split, plain and in response.completed', async () => {
    const expected = {
      input_tokens: 220,
      input_tokens_details: {
        cached_tokens: 40,
        cache_write_tokens: 80,
        cache_write_tokens_details: { ttl_30m_tokens: 20, ttl_12h_tokens: 60 },
      },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 10 },
      total_tokens: 250,
      compute_units: 3,
    };
    const r = await client.responses.create({ model: 'gpt-x', input: 'Hi' });
    expect(r.usage).toEqual(expected);
    let completed: unknown;
    for await (const ev of await client.responses.create({
      model: 'gpt-x',
      input: 'Hi',
      stream: true,
    })) {
      if (ev.type === 'response.completed') completed = ev.response.usage;
    }
    expect(completed).toEqual(expected);
  });

  it('echoes a new service tier (ultrafast)', async () => {
    const r = await client.responses.create({
      model: 'gpt-x',
      input: 'Hi',
      service_tier: 'ultrafast',
    });
    expect(r.service_tier).toBe('ultrafast');
  });

  it('without the opt-in fields the usage has no openai 7 fields', async () => {
    sim.setScript(() => ({ usage: { input: 100, cacheRead: 40, output: 30 } }));
    const chat = await client.chat.completions.create({ model: 'gpt-x', messages });
    expect(chat.usage?.prompt_tokens).toBe(140);
    expect(chat.usage?.prompt_tokens_details).toEqual({ cached_tokens: 40, audio_tokens: 0 });
    expect(chat.usage).not.toHaveProperty('compute_units');
    const resp = await client.responses.create({ model: 'gpt-x', input: 'Hi' });
    expect(resp.usage?.input_tokens_details).toEqual({ cached_tokens: 40 });
  });

  it('only one retention given: the other is 0 in the split', async () => {
    sim.setScript(() => ({ usage: { input: 10, cacheWrite12h: 5, output: 1 } }));
    const r = await client.responses.create({ model: 'gpt-x', input: 'Hi' });
    expect(r.usage?.input_tokens).toBe(15);
    expect(r.usage?.input_tokens_details).toEqual({
      cached_tokens: 0,
      cache_write_tokens: 5,
      cache_write_tokens_details: { ttl_30m_tokens: 0, ttl_12h_tokens: 5 },
    });
  });
});
