import { diag, SpanStatusCode } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { anthropicUsage } from '../src/anthropic/attributes';
import { shouldCaptureContent } from '../src/common/config';
import { classifyError } from '../src/common/errors';
import { serverAttributes, startGenAISpan } from '../src/common/span';
import { wrapStreamIterator } from '../src/common/stream';
import { chatUsage } from '../src/openai/usage';
import { setupOtel } from './helpers/otel';

const otel = setupOtel();
const tracer = otel.tracerProvider.getTracer('test');
afterAll(() => otel.shutdown());
afterEach(() => {
  otel.exporter.reset();
  delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
});

describe('classifyError', () => {
  it.each([
    [Object.assign(new Error('rate'), { status: 429 }), 'http', '429'],
    [Object.assign(new Error('boom'), { status: 500 }), 'http', '500'],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }), 'http', '503'],
    [
      Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' }),
      'aborted',
      'aborted',
    ],
    [Object.assign(new Error('t'), { name: 'APIConnectionTimeoutError' }), 'timeout', 'timeout'],
    [
      Object.assign(new Error('Connection error.'), { name: 'APIConnectionError' }),
      'connection',
      'connection_error',
    ],
    [new TypeError('terminated'), 'connection', 'connection_error'],
    [
      Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      'connection',
      'connection_error',
    ],
    // node-fetch (openai 4.x, Anthropic 0.x) on a connection dropped mid-stream
    [
      Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }),
      'connection',
      'connection_error',
    ],
    [new RangeError('weird'), 'other', 'RangeError'],
  ])('%s -> %s %s', (err, kind, type) => {
    expect(classifyError(err)).toMatchObject({ kind, type });
  });
});

describe('serverAttributes', () => {
  it('reads host and port, defaulting the port from the scheme', () => {
    expect(serverAttributes('http://127.0.0.1:8080/v1')).toEqual({
      serverAddress: '127.0.0.1',
      serverPort: 8080,
    });
    expect(serverAttributes('https://api.openai.com/v1')).toEqual({
      serverAddress: 'api.openai.com',
      serverPort: 443,
    });
    expect(serverAttributes('not a url')).toEqual({});
    expect(serverAttributes(undefined)).toEqual({});
  });
});

describe('content capture switch', () => {
  it('is off by default, on by config, and the env var wins', () => {
    expect(shouldCaptureContent({})).toBe(false);
    expect(shouldCaptureContent({ captureMessageContent: true })).toBe(true);
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'false';
    expect(shouldCaptureContent({ captureMessageContent: true })).toBe(false);
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    expect(shouldCaptureContent({})).toBe(true);
  });
});

describe('usage mappings', () => {
  it('OpenAI usage is copied (prompt includes cached, completion includes reasoning)', () => {
    expect(
      chatUsage({
        prompt_tokens: 140,
        completion_tokens: 30,
        prompt_tokens_details: { cached_tokens: 40 },
        completion_tokens_details: { reasoning_tokens: 10 },
      }),
    ).toEqual({
      inputTokens: 140,
      outputTokens: 30,
      cacheReadInputTokens: 40,
      reasoningOutputTokens: 10,
    });
  });

  it('Anthropic input = input + cache read + cache writes; 1h split kept', () => {
    expect(
      anthropicUsage({
        input_tokens: 100,
        output_tokens: 40,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 250,
        cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 50 },
      }),
    ).toEqual({
      inputTokens: 1350,
      outputTokens: 40,
      cacheReadInputTokens: 1000,
      cacheCreationInputTokens: 250,
      cacheWrite1hInputTokens: 50,
      reasoningOutputTokens: undefined,
    });
    // Split only (no total): the total is the sum of the split.
    expect(
      anthropicUsage({
        input_tokens: 1,
        cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
      })?.cacheCreationInputTokens,
    ).toBe(7);
  });

  it('ignores negative, NaN and non-number counts', () => {
    expect(chatUsage({ prompt_tokens: -1, completion_tokens: Number.NaN })).toMatchObject({
      inputTokens: undefined,
      outputTokens: undefined,
    });
  });
});

async function* items(n: number, failAt: number | undefined) {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw Object.assign(new TypeError('terminated'), {});
    yield { i, usage: i === n - 1 ? { input: 5, output: 7 } : undefined };
  }
}

describe('wrapStreamIterator', () => {
  it('ends the span exactly once with the right status for any stop point (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        async (n, failAt, breakAt) => {
          otel.exporter.reset();
          const call = startGenAISpan(
            tracer,
            { operation: 'chat', provider: 'openai', requestModel: 'm' },
            undefined,
            diag,
          );
          const it = wrapStreamIterator(
            items(n, failAt),
            call,
            {
              onItem: (x: { usage?: { input: number; output: number } }) => {
                if (x.usage)
                  call.setUsage({ inputTokens: x.usage.input, outputTokens: x.usage.output });
              },
            },
            diag,
          );
          const iterable = { [Symbol.asyncIterator]: () => it };
          let threw = false;
          let seen = 0;
          try {
            for await (const _ of iterable) {
              if (breakAt !== undefined && seen === breakAt) break;
              seen++;
            }
          } catch {
            threw = true;
          }
          // Extra calls after the end must not end the span again.
          await it.return?.();
          await it.next().catch(() => {});
          const spans = otel.spans();
          expect(spans).toHaveLength(1);
          const span = spans[0];
          const failedFirst =
            failAt !== undefined && failAt < n && (breakAt === undefined || failAt <= breakAt);
          expect(threw).toBe(failedFirst);
          expect(span?.status.code).toBe(failedFirst ? SpanStatusCode.ERROR : SpanStatusCode.UNSET);
          // Items handed out before the stop: a break at item k has already seen item k.
          const received = Math.min(n, failAt ?? n, breakAt !== undefined ? breakAt + 1 : n);
          const usageSeen = n > 0 && received === n;
          expect(span?.attributes['gen_ai.usage.input_tokens']).toBe(usageSeen ? 5 : undefined);
          expect(span?.attributes['ai_margin.usage.missing']).toBe(usageSeen ? undefined : true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('records an abort that ended the stream quietly as aborted', async () => {
    const call = startGenAISpan(
      tracer,
      { operation: 'chat', provider: 'openai', requestModel: 'm' },
      undefined,
      diag,
    );
    const it = wrapStreamIterator(
      items(2, undefined),
      call,
      { onItem: () => {}, isAborted: () => true },
      diag,
    );
    while (!(await it.next()).done) {}
    const span = otel.spans()[0];
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('aborted');
  });
});
