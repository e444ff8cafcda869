/**
 * `@google/genai` responses -> span: a complete `GenerateContentResponse` or embedding response
 * (usage, response model / id, finish reasons, served tier, output when captured), and the
 * per-stream accumulator of streamed chunks (the last `usageMetadata` wins: Gemini sends the
 * complete counts on the final chunk).
 */
import { ATTR_AI_MARGIN_SERVICE_TIER, ATTR_GEN_AI_OUTPUT_MESSAGES } from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import type { StreamObserver } from '../common/stream';
import { assistantText, outputMessagesOf } from './content';
import { type ServedTier, servedTierOf } from './tier';
import { embeddingUsage, geminiUsage } from './usage';

function finishReasonsOf(response: Record<string, unknown>): string[] {
  if (!Array.isArray(response.candidates)) return [];
  const out: string[] = [];
  for (const c of response.candidates) {
    if (isRecord(c) && typeof c.finishReason === 'string') out.push(c.finishReason);
  }
  return out;
}

function candidateText(response: Record<string, unknown>): string {
  const first = Array.isArray(response.candidates) ? response.candidates[0] : undefined;
  const content = isRecord(first) && isRecord(first.content) ? first.content : undefined;
  if (!content || !Array.isArray(content.parts)) return '';
  let text = '';
  for (const p of content.parts) {
    if (isRecord(p) && typeof p.text === 'string' && p.thought !== true) text += p.text;
  }
  return text;
}

export function recordEmbedResponse(span: GenAISpan, response: unknown): void {
  const res = isRecord(response) ? response : {};
  span.set(ATTR_AI_MARGIN_SERVICE_TIER, servedTierOf(res));
  const usage = embeddingUsage(res);
  if (usage) span.setUsage(usage);
}

export function recordGenerateResponse(span: GenAISpan, response: unknown, max?: number): void {
  const res = isRecord(response) ? response : {};
  span.set(ATTR_AI_MARGIN_SERVICE_TIER, servedTierOf(res));
  const usage = geminiUsage(res.usageMetadata);
  if (usage) span.setUsage(usage);
  span.setResponse({
    model: res.modelVersion,
    id: res.responseId,
    finishReasons: finishReasonsOf(res),
  });
  if (span.captureContent) {
    const out = outputMessagesOf(res);
    if (out) span.set(ATTR_GEN_AI_OUTPUT_MESSAGES, contentAttribute(out, max));
  }
}

export function generateStreamObserver(span: GenAISpan, max?: number): StreamObserver<unknown> {
  const capture = span.captureContent;
  let model: unknown;
  let id: unknown;
  let finishReasons: string[] = [];
  let tier: ServedTier | undefined;
  let text = '';
  return {
    onItem: (chunk) => {
      if (!isRecord(chunk)) return;
      const usage = geminiUsage(chunk.usageMetadata);
      if (usage) span.setUsage(usage);
      if (typeof chunk.modelVersion === 'string') model = chunk.modelVersion;
      if (typeof chunk.responseId === 'string') id = chunk.responseId;
      // Every chunk has the headers; Vertex's trafficType comes with the final usage.
      tier = servedTierOf(chunk) ?? tier;
      const reasons = finishReasonsOf(chunk);
      if (reasons.length > 0) finishReasons = reasons;
      if (capture) text += candidateText(chunk);
    },
    onFinish: () => {
      span.setResponse({ model, id, finishReasons });
      span.set(ATTR_AI_MARGIN_SERVICE_TIER, tier);
      if (capture && text) {
        span.set(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute(assistantText(text, finishReasons[0]), max),
        );
      }
    },
  };
}
