import { type ProviderSim, startProviderSim } from '@ai-margin/provider-sim';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, encodeEventStreamMessage } from '../src/bedrock-eventstream';

let sim: ProviderSim;
let client: BedrockRuntimeClient;

beforeAll(async () => {
  sim = await startProviderSim();
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: sim.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // The SDK defaults to HTTP/2 (for bidirectional streams); the simulator speaks HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  client.destroy();
  await sim.close();
});

const usage = { input: 100, output: 20, cacheRead: 30, cacheWrite5m: 7, cacheWrite1h: 3 };
const decoder = new TextDecoder();

describe('event-stream encoder', () => {
  it('computes the IEEE CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
  it('frames a message with prelude and message checksums', () => {
    const frame = encodeEventStreamMessage({ a: 'b' }, Buffer.from('{}'));
    // prelude 12 + header (1 + 1 + 1 + 2 + 1) + payload 2 + crc 4
    expect(frame.length).toBe(12 + 6 + 2 + 4);
    expect(frame.readUInt32BE(0)).toBe(frame.length);
    expect(frame.readUInt32BE(4)).toBe(6);
    expect(frame.readUInt32BE(8)).toBe(crc32(frame, 0, 8));
    expect(frame.readUInt32BE(frame.length - 4)).toBe(crc32(frame, 0, frame.length - 4));
  });
});

describe('bedrock simulator with the real SDK client', () => {
  it('answers Converse with usage and records the call (ARN model id decoded)', async () => {
    sim.setScript(() => ({ text: 'hi there', usage }));
    const modelId =
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0';
    const out = await client.send(
      new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'hello' }] }] }),
    );
    expect(out.output?.message?.content?.[0]?.text).toBe('hi there');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 160,
      cacheReadInputTokens: 30,
      cacheWriteInputTokens: 10,
    });
    const call = sim.calls.at(-1);
    expect(call).toMatchObject({
      provider: 'bedrock',
      operation: 'converse',
      model: modelId,
      stream: false,
    });
  });

  it('streams ConverseStream events through the AWS event-stream framing', async () => {
    sim.setScript(() => ({ text: 'one two three', usage }));
    const out = await client.send(
      new ConverseStreamCommand({
        modelId: 'us.amazon.nova-pro-v1:0',
        messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      }),
    );
    const kinds: string[] = [];
    let text = '';
    let meta: unknown;
    for await (const ev of out.stream ?? []) {
      kinds.push(
        Object.keys(ev).filter(
          (k) => (ev as unknown as Record<string, unknown>)[k] !== undefined,
        )[0] as string,
      );
      if (ev.contentBlockDelta?.delta?.text) text += ev.contentBlockDelta.delta.text;
      if (ev.metadata) meta = ev.metadata;
    }
    expect(text).toBe('one two three');
    expect(kinds).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(meta).toMatchObject({
      usage: { inputTokens: 100, outputTokens: 20, totalTokens: 160, cacheReadInputTokens: 30 },
      metrics: { latencyMs: 42 },
    });
    expect(sim.calls.at(-1)).toMatchObject({ operation: 'converse', stream: true });
  });

  it('fails a stream mid-way with a modelStreamErrorException frame', async () => {
    sim.setScript(() => ({ text: 'one two three', usage, failAfterChunks: 2 }));
    const out = await client.send(
      new ConverseStreamCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [] }),
    );
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of out.stream ?? []) n++;
      })(),
    ).rejects.toMatchObject({ name: 'ModelStreamErrorException' });
    expect(n).toBe(2);
  });

  it('answers InvokeModel per vendor body', async () => {
    sim.setScript(() => ({ text: 'ok', usage }));
    const anthropic = await client.send(
      new InvokeModelCommand({
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        contentType: 'application/json',
        body: JSON.stringify({
          anthropic_version: 'bedrock-2023-05-31',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      }),
    );
    expect(JSON.parse(decoder.decode(anthropic.body))).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'ok' }],
      usage: {
        input_tokens: 100,
        output_tokens: 20,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 10,
      },
    });
    const nova = await client.send(
      new InvokeModelCommand({
        modelId: 'us.amazon.nova-micro-v1:0',
        body: JSON.stringify({
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
          inferenceConfig: {},
        }),
      }),
    );
    expect(JSON.parse(decoder.decode(nova.body))).toEqual({
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: {
        inputTokens: 100,
        outputTokens: 20,
        totalTokens: 160,
        cacheReadInputTokenCount: 30,
        cacheWriteInputTokenCount: 10,
      },
    });
    const llama = await client.send(
      new InvokeModelCommand({
        modelId: 'meta.llama3-8b-instruct-v1:0',
        body: JSON.stringify({ prompt: 'hi', max_gen_len: 10 }),
      }),
    );
    expect(JSON.parse(decoder.decode(llama.body))).toEqual({
      generation: 'ok',
      prompt_token_count: 100,
      generation_token_count: 20,
      stop_reason: 'stop',
    });
  });

  it('streams InvokeModelWithResponseStream chunks with invocation metrics last', async () => {
    sim.setScript(() => ({ text: 'a b', usage }));
    const out = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: [] }),
      }),
    );
    const events: Record<string, unknown>[] = [];
    for await (const ev of out.body ?? []) {
      events.push(JSON.parse(decoder.decode(ev.chunk?.bytes)));
    }
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.at(-1)?.['amazon-bedrock-invocationMetrics']).toMatchObject({
      inputTokenCount: 100,
      outputTokenCount: 20,
      cacheReadInputTokenCount: 30,
      cacheWriteInputTokenCount: 10,
    });
  });

  it('answers errors with x-amzn-ErrorType so the SDK throws the named exception', async () => {
    sim.setScript(() => ({ errorStatus: 429 }));
    await expect(
      client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [] })),
    ).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    sim.setScript(() => ({ errorStatus: 500 }));
    await expect(
      client.send(new InvokeModelCommand({ modelId: 'amazon.nova-lite-v1:0', body: '{}' })),
    ).rejects.toMatchObject({
      name: 'InternalServerException',
      $metadata: { httpStatusCode: 500 },
    });
  });
});
