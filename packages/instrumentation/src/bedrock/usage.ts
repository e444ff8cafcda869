/**
 * Token usage as Bedrock reports it, and its mapping onto the semconv attributes.
 *
 * Bedrock (Converse `usage`, Nova, Anthropic bodies, invocation metrics) counts input tokens
 * EXCLUDING cache reads and writes; semconv `gen_ai.usage.input_tokens` includes them. So
 * `gen_ai.usage.input_tokens` = input + cacheRead + cacheWrite, and the cache counts are written
 * apart so the processor can price the non-overlapping buckets ({@link toGenAIUsage}).
 */
import { isRecord } from '../common/module';
import { tokenCount as count, type GenAIUsage } from '../common/usage';

/** Usage in Bedrock's convention: `input` is uncached input. Fields are absent when unreported. */
export interface BedrockUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

function compact(u: BedrockUsage): BedrockUsage | undefined {
  const out: BedrockUsage = {};
  if (u.input !== undefined) out.input = u.input;
  if (u.output !== undefined) out.output = u.output;
  if (u.cacheRead !== undefined) out.cacheRead = u.cacheRead;
  if (u.cacheWrite !== undefined) out.cacheWrite = u.cacheWrite;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Converse / ConverseStream `usage` (`inputTokens`, `cacheReadInputTokens`, ...). */
export function usageFromConverse(usage: unknown): BedrockUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return compact({
    input: count(usage.inputTokens),
    output: count(usage.outputTokens),
    cacheRead: count(usage.cacheReadInputTokens),
    cacheWrite: count(usage.cacheWriteInputTokens),
  });
}

/** Anthropic Messages `usage` (`input_tokens` excludes cache reads and writes). */
export function usageFromAnthropic(usage: unknown): BedrockUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return compact({
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cacheRead: count(usage.cache_read_input_tokens),
    cacheWrite: count(usage.cache_creation_input_tokens),
  });
}

/** Amazon Nova InvokeModel `usage` (`inputTokens`, `cacheReadInputTokenCount`, ...). */
export function usageFromNova(usage: unknown): BedrockUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return compact({
    input: count(usage.inputTokens),
    output: count(usage.outputTokens),
    cacheRead: count(usage.cacheReadInputTokenCount ?? usage.cacheReadInputTokens),
    cacheWrite: count(usage.cacheWriteInputTokenCount ?? usage.cacheWriteInputTokens),
  });
}

/** `amazon-bedrock-invocationMetrics`, which Bedrock appends to the last stream chunk. */
export function usageFromInvocationMetrics(metrics: unknown): BedrockUsage | undefined {
  if (!isRecord(metrics)) return undefined;
  return compact({
    input: count(metrics.inputTokenCount),
    output: count(metrics.outputTokenCount),
    cacheRead: count(metrics.cacheReadInputTokenCount),
    cacheWrite: count(metrics.cacheWriteInputTokenCount),
  });
}

/**
 * Usage from a complete InvokeModel response body of any supported vendor: Anthropic
 * (`usage.input_tokens`), Amazon Nova (`usage.inputTokens`), Meta Llama (`prompt_token_count`,
 * `generation_token_count`), Amazon Titan embeddings (`inputTextTokenCount`), else the
 * invocation metrics when present.
 */
export function usageFromInvokeBody(body: unknown): BedrockUsage | undefined {
  if (!isRecord(body)) return undefined;
  if (isRecord(body.usage)) {
    const u = body.usage;
    if ('input_tokens' in u || 'output_tokens' in u) return usageFromAnthropic(u);
    return usageFromNova(u);
  }
  if ('prompt_token_count' in body || 'generation_token_count' in body) {
    return compact({
      input: count(body.prompt_token_count),
      output: count(body.generation_token_count),
    });
  }
  if ('inputTextTokenCount' in body) return compact({ input: count(body.inputTextTokenCount) });
  return usageFromInvocationMetrics(body['amazon-bedrock-invocationMetrics']);
}

/** Fills the fields `into` lacks from `from` (later, more complete reports win elsewhere). */
export function mergeUsage(
  into: BedrockUsage | undefined,
  from: BedrockUsage | undefined,
): BedrockUsage | undefined {
  if (!from) return into;
  if (!into) return { ...from };
  return { ...from, ...into };
}

/** The semconv-meaning usage: input includes cache reads and writes (see the module comment). */
export function toGenAIUsage(usage: BedrockUsage): GenAIUsage {
  const out: GenAIUsage = {};
  if (usage.input !== undefined) {
    out.inputTokens = usage.input + (usage.cacheRead ?? 0) + (usage.cacheWrite ?? 0);
  }
  if (usage.output !== undefined) out.outputTokens = usage.output;
  if (usage.cacheRead !== undefined) out.cacheReadInputTokens = usage.cacheRead;
  if (usage.cacheWrite !== undefined) out.cacheCreationInputTokens = usage.cacheWrite;
  return out;
}
