/** Pure helpers of the Bedrock instrumentation, on inputs the simulator does not produce. */
import { describe, expect, it } from 'vitest';
import {
  invokeOperationOf,
  MAX_PARSED_REQUEST_BYTES,
  parseInvokeBody,
  tracedCommandOf,
} from '../src/bedrock/request';
import { invokeStreamObserver, type StreamSummary } from '../src/bedrock/stream';
import { toGenAIUsage, usageFromInvokeBody } from '../src/bedrock/usage';

describe('Bedrock command dispatch', () => {
  it('recognises commands by class name, or by schema when a bundler renamed the class', () => {
    class ConverseStreamCommand {}
    expect(tracedCommandOf(new ConverseStreamCommand())).toBe('ConverseStreamCommand');
    class a {
      schema = [9, 'com.amazonaws.bedrockruntime', 'InvokeModel', 0, 0, 0];
    }
    expect(tracedCommandOf(new a())).toBe('InvokeModelCommand');
    class b {
      schema = [9, 'com.amazonaws.bedrockruntime', 'ApplyGuardrail', 0, 0, 0];
    }
    expect(tracedCommandOf(new b())).toBeUndefined();
    expect(tracedCommandOf(undefined)).toBeUndefined();
  });
});

describe('InvokeModel bodies', () => {
  it('parses string and byte bodies, skips oversized or non-JSON ones', () => {
    expect(parseInvokeBody('{"prompt":"x"}')).toEqual({ prompt: 'x' });
    expect(parseInvokeBody(new TextEncoder().encode('{"a":1}'))).toEqual({ a: 1 });
    expect(parseInvokeBody('not json')).toBeUndefined();
    expect(parseInvokeBody('[1]')).toBeUndefined();
    const big = `{"x":"${'a'.repeat(MAX_PARSED_REQUEST_BYTES)}"}`;
    expect(parseInvokeBody(big)).toBeUndefined();
  });

  it('picks the operation from the body shape', () => {
    expect(invokeOperationOf({ prompt: 'x' })).toBe('text_completion');
    expect(invokeOperationOf({ inputText: 'x' })).toBe('embeddings');
    expect(invokeOperationOf({ texts: ['x'], input_type: 'search_document' })).toBe('embeddings');
    expect(invokeOperationOf({ messages: [] })).toBe('chat');
    expect(invokeOperationOf(undefined)).toBe('chat');
  });

  it('falls back to the invocation metrics when the vendor body has no usage', () => {
    const usage = usageFromInvokeBody({
      completion: 'x',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 8, outputTokenCount: 3 },
    });
    expect(usage).toEqual({ input: 8, output: 3 });
    expect(toGenAIUsage({ input: 8, output: 3, cacheRead: 2, cacheWrite: 1 })).toEqual({
      inputTokens: 11,
      outputTokens: 3,
      cacheReadInputTokens: 2,
      cacheCreationInputTokens: 1,
    });
  });

  it('stream: vendor counts win over invocation metrics, which fill the gaps', () => {
    let summary: StreamSummary | undefined;
    const observer = invokeStreamObserver(false, (s) => {
      summary = s;
    });
    const chunk = (event: unknown) => ({
      chunk: { bytes: new TextEncoder().encode(JSON.stringify(event)) },
    });
    observer.onItem(
      chunk({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens' },
        usage: { output_tokens: 9 },
      }),
    );
    observer.onItem(
      chunk({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': { inputTokenCount: 50, outputTokenCount: 7 },
      }),
    );
    observer.onItem({ chunk: { bytes: new TextEncoder().encode('not json') } });
    observer.onFinish?.('completed');
    expect(summary?.usage).toEqual({ input: 50, output: 9 });
    expect(summary?.finishReasons).toEqual(['max_tokens']);
  });
});
