/**
 * Reading Bedrock response streams as they pass to the caller: the usage, finish reasons and
 * (when captured) text of ConverseStream events and InvokeModelWithResponseStream chunks. The
 * stream object the SDK returns is replaced by one whose iterator is wrapped with the shared
 * {@link wrapStreamIterator}, so the span ends exactly once on drain, `break`, or error.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import { type StreamObserver, wrapStreamIterator } from '../common/stream';
import {
  type BedrockUsage,
  mergeUsage,
  usageFromAnthropic,
  usageFromConverse,
  usageFromInvocationMetrics,
  usageFromNova,
} from './usage';

/** What a stream observer has gathered so far. */
export interface StreamSummary {
  usage: BedrockUsage | undefined;
  finishReasons: string[];
  /** Accumulated text, only when content capture is on. */
  text: string;
  /** ConverseStream `metadata.serviceTier` (raw). */
  serviceTier?: unknown;
}

/** Called once when the stream stops, before the span ends. */
export type OnStreamFinish = (summary: StreamSummary) => void;

/** Overwrites the fields of `into` that `from` reports (stream events refine earlier counts). */
function overwrite(into: BedrockUsage | undefined, from: BedrockUsage | undefined) {
  return from ? { ...into, ...from } : into;
}

/** Observer for ConverseStream events (`{ contentBlockDelta }`, `{ messageStop }`, `{ metadata }`). */
export function converseStreamObserver(
  captureText: boolean,
  onFinish: OnStreamFinish,
): StreamObserver<unknown> {
  const summary: StreamSummary = { usage: undefined, finishReasons: [], text: '' };
  return {
    onItem(event) {
      if (!isRecord(event)) return;
      if (captureText && isRecord(event.contentBlockDelta)) {
        const delta = event.contentBlockDelta.delta;
        if (isRecord(delta) && typeof delta.text === 'string') summary.text += delta.text;
      }
      if (isRecord(event.messageStop) && typeof event.messageStop.stopReason === 'string') {
        summary.finishReasons.push(event.messageStop.stopReason);
      }
      if (isRecord(event.metadata)) {
        summary.usage = overwrite(summary.usage, usageFromConverse(event.metadata.usage));
        if (event.metadata.serviceTier !== undefined)
          summary.serviceTier = event.metadata.serviceTier;
      }
    },
    onFinish() {
      onFinish(summary);
    },
  };
}

const utf8 = new TextDecoder();

function decodeChunk(event: unknown): Record<string, unknown> | undefined {
  if (!isRecord(event) || !isRecord(event.chunk)) return undefined;
  const bytes = event.chunk.bytes;
  if (!(bytes instanceof Uint8Array)) return undefined;
  try {
    const parsed: unknown = JSON.parse(utf8.decode(bytes));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Observer for InvokeModelWithResponseStream `{ chunk: { bytes } }` events. Each chunk is the
 * vendor's own stream event: Anthropic (`message_start` usage, `message_delta` output count),
 * Amazon Nova (`metadata.usage`), Meta Llama (`prompt_token_count`, `generation_token_count`).
 * `amazon-bedrock-invocationMetrics` (on the last chunk) fills whatever the vendor events lack.
 */
export function invokeStreamObserver(
  captureText: boolean,
  onFinish: OnStreamFinish,
): StreamObserver<unknown> {
  const summary: StreamSummary = { usage: undefined, finishReasons: [], text: '' };
  let vendorUsage: BedrockUsage | undefined;
  let metricsUsage: BedrockUsage | undefined;
  const finishReason = (v: unknown) => {
    if (typeof v === 'string' && v !== '') summary.finishReasons.push(v);
  };
  return {
    onItem(event) {
      const chunk = decodeChunk(event);
      if (!chunk) return;
      // Anthropic Messages events.
      if (chunk.type === 'message_start' && isRecord(chunk.message)) {
        vendorUsage = overwrite(vendorUsage, usageFromAnthropic(chunk.message.usage));
      } else if (chunk.type === 'message_delta') {
        vendorUsage = overwrite(vendorUsage, usageFromAnthropic(chunk.usage));
        if (isRecord(chunk.delta)) finishReason(chunk.delta.stop_reason);
      } else if (chunk.type === 'content_block_delta' && captureText && isRecord(chunk.delta)) {
        if (typeof chunk.delta.text === 'string') summary.text += chunk.delta.text;
      }
      // Amazon Nova events.
      if (isRecord(chunk.contentBlockDelta) && captureText) {
        const delta = chunk.contentBlockDelta.delta;
        if (isRecord(delta) && typeof delta.text === 'string') summary.text += delta.text;
      }
      if (isRecord(chunk.messageStop)) finishReason(chunk.messageStop.stopReason);
      if (isRecord(chunk.metadata)) {
        vendorUsage = overwrite(vendorUsage, usageFromNova(chunk.metadata.usage));
      }
      // Meta Llama events.
      if (typeof chunk.generation === 'string') {
        if (captureText) summary.text += chunk.generation;
        const llama: BedrockUsage = {};
        if (typeof chunk.prompt_token_count === 'number') llama.input = chunk.prompt_token_count;
        if (typeof chunk.generation_token_count === 'number') {
          llama.output = chunk.generation_token_count;
        }
        vendorUsage = overwrite(vendorUsage, llama);
        finishReason(chunk.stop_reason);
      }
      const metrics = chunk['amazon-bedrock-invocationMetrics'];
      if (metrics !== undefined) metricsUsage = usageFromInvocationMetrics(metrics);
    },
    onFinish() {
      summary.usage = mergeUsage(vendorUsage, metricsUsage);
      onFinish(summary);
    },
  };
}

/**
 * Replaces `holder[key]` (the SDK's async-iterable stream) with an object that delegates to it
 * but iterates through the span-ending wrapper. Returns false when there is no stream to wrap.
 */
export function wrapResponseStream(
  holder: Record<string, unknown>,
  key: 'stream' | 'body',
  span: GenAISpan,
  observer: StreamObserver<unknown>,
  diag: DiagLogger,
): boolean {
  const original = holder[key] as AsyncIterable<unknown> | undefined;
  if (!original || typeof original[Symbol.asyncIterator] !== 'function') return false;
  const wrapped = Object.create(original as object) as AsyncIterable<unknown>;
  Object.defineProperty(wrapped, Symbol.asyncIterator, {
    configurable: true,
    value: () => {
      const it = wrapStreamIterator(original[Symbol.asyncIterator](), span, observer, diag);
      // Make the wrapper itself iterable too, as async generators are.
      return Object.assign(it, { [Symbol.asyncIterator]: () => it });
    },
  });
  holder[key] = wrapped;
  return true;
}
