/**
 * Gemini `usageMetadata` mapped onto semconv usage:
 * - input = `promptTokenCount` (which already includes `cachedContentTokenCount`) +
 *   `toolUsePromptTokenCount` (tool results fed back to the model, billed as input);
 * - cache read = `cachedContentTokenCount` (Gemini reports no cache-write count);
 * - output = `candidatesTokenCount` + `thoughtsTokenCount` (semconv output includes reasoning);
 * - reasoning = `thoughtsTokenCount`.
 * Embeddings: Vertex reports `statistics.tokenCount` per embedding (summed as input); the
 * Gemini API reports no embedding usage, so those spans are marked usage-missing.
 */
import { isRecord } from '../common/module';
import { type GenAIUsage, tokenCount } from '../common/usage';

export function geminiUsage(usageMetadata: unknown): GenAIUsage | undefined {
  if (!isRecord(usageMetadata)) return undefined;
  const prompt = tokenCount(usageMetadata.promptTokenCount);
  const toolPrompt = tokenCount(usageMetadata.toolUsePromptTokenCount);
  const cached = tokenCount(usageMetadata.cachedContentTokenCount);
  const candidates = tokenCount(usageMetadata.candidatesTokenCount);
  const thoughts = tokenCount(usageMetadata.thoughtsTokenCount);
  const usage: GenAIUsage = {};
  if (prompt !== undefined || toolPrompt !== undefined) {
    usage.inputTokens = (prompt ?? 0) + (toolPrompt ?? 0);
  }
  if (candidates !== undefined || thoughts !== undefined) {
    usage.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  }
  if (cached !== undefined) usage.cacheReadInputTokens = cached;
  if (thoughts !== undefined) usage.reasoningOutputTokens = thoughts;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** Input tokens of an embedding response (Vertex `embeddings[].statistics.tokenCount`). */
export function embeddingUsage(response: unknown): GenAIUsage | undefined {
  if (!isRecord(response) || !Array.isArray(response.embeddings)) return undefined;
  let total: number | undefined;
  for (const e of response.embeddings) {
    const n =
      isRecord(e) && isRecord(e.statistics) ? tokenCount(e.statistics.tokenCount) : undefined;
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total === undefined ? undefined : { inputTokens: total };
}
