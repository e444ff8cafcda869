/**
 * Gemini `usageMetadata` mapped onto semconv usage:
 * - input = `promptTokenCount` (which already includes `cachedContentTokenCount`) +
 *   `toolUsePromptTokenCount` (tool results fed back to the model, billed as input);
 * - cache read = `cachedContentTokenCount` (Gemini reports no cache-write count);
 * - output = `candidatesTokenCount` + `thoughtsTokenCount` (semconv output includes reasoning);
 * - reasoning = `thoughtsTokenCount`.
 * Each call is one HTTP request's own `usageMetadata`. Automatic continuation (later 2.x, 3.x)
 * sums the hops' counts into the response the caller gets and keeps the first hop's prompt as
 * `initialPromptTokenCount`; we never see that merged object (one span per hop), and
 * `initialPromptTokenCount` is never read: each hop's prompt is billed, summing is the bill.
 * Per-modality details: only the AUDIO counts of `promptTokensDetails` /
 * `candidatesTokensDetails` are mapped (audio is priced apart from text; images and video are
 * billed at the text rate).
 * Embeddings: `usageMetadata.promptTokenCount` when the SDK passes it on (3.x: Gemini API
 * `batchEmbedContents`, Vertex `embedContent`), else Vertex's `statistics.tokenCount` per
 * embedding, summed (`predict`; 3.x also copies the `embedContent` count there, so only one of
 * the two is read). Without either (the Gemini API before 3.x) the span is marked usage-missing.
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
  const audioIn = audioTokens(usageMetadata.promptTokensDetails);
  if (audioIn !== undefined) usage.audioInputTokens = audioIn;
  const audioOut = audioTokens(usageMetadata.candidatesTokensDetails);
  if (audioOut !== undefined) usage.audioOutputTokens = audioOut;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** Sum of the AUDIO entries of a `ModalityTokenCount[]`, or undefined when there is none. */
function audioTokens(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const d of details) {
    if (!isRecord(d) || d.modality !== 'AUDIO') continue;
    const n = tokenCount(d.tokenCount);
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}

/** Input tokens of an embedding response (see the module comment). */
export function embeddingUsage(response: unknown): GenAIUsage | undefined {
  if (!isRecord(response)) return undefined;
  const meta = isRecord(response.usageMetadata) ? response.usageMetadata : undefined;
  const prompt = tokenCount(meta?.promptTokenCount);
  if (prompt !== undefined) return { inputTokens: prompt };
  if (!Array.isArray(response.embeddings)) return undefined;
  let total: number | undefined;
  for (const e of response.embeddings) {
    const n =
      isRecord(e) && isRecord(e.statistics) ? tokenCount(e.statistics.tokenCount) : undefined;
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total === undefined ? undefined : { inputTokens: total };
}
