/**
 * OpenAI `usage` objects (chat completions, Responses API, embeddings) as {@link GenAIUsage}
 * plus the ai_margin attributes semconv has no name for.
 *
 * OpenAI's `prompt_tokens` / `input_tokens` already include cache reads (`cached_tokens`) and
 * cache writes (`cache_write_tokens`, openai 7: the SDK's usage API documents input "including
 * cached and cache-write tokens"), and `completion_tokens` / `output_tokens` include reasoning:
 * that is the semconv meaning, so the counts are copied as they are.
 *
 * openai 7 adds cache writes: `prompt_tokens_details.cache_write_tokens` (chat) and
 * `input_tokens_details.cache_write_tokens` with `cache_write_tokens_details.{ttl_30m_tokens,
 * ttl_12h_tokens}` (Responses). All writes go to `gen_ai.usage.cache_creation.input_tokens`, the
 * retention split to `ai_margin.usage.cache_write_{30m,12h}.input_tokens` (never to Anthropic's
 * 1-hour attribute: the retentions, and so the prices, differ).
 */

import {
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_12H_TOKENS,
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_30M_TOKENS,
  ATTR_AI_MARGIN_USAGE_COMPUTE_UNITS,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { isRecord } from '../common/module';
import { type GenAIUsage, tokenCount } from '../common/usage';

type Details = Record<string, unknown>;

const NO_DETAILS: Details = Object.freeze({});

function detailsOf(v: unknown): Details {
  return isRecord(v) ? v : NO_DETAILS;
}

/** The retention split of the cache writes, when the response has one. */
function cacheWriteSplit(details: Details): { ttl30m?: number; ttl12h?: number } | undefined {
  const split = details.cache_write_tokens_details;
  if (!isRecord(split)) return undefined;
  return { ttl30m: tokenCount(split.ttl_30m_tokens), ttl12h: tokenCount(split.ttl_12h_tokens) };
}

/** All cache writes: the reported total, else the sum of the retention split. */
function cacheWrites(details: Details): number | undefined {
  const total = tokenCount(details.cache_write_tokens);
  if (total !== undefined) return total;
  const split = cacheWriteSplit(details);
  if (!split || (split.ttl30m === undefined && split.ttl12h === undefined)) return undefined;
  return (split.ttl30m ?? 0) + (split.ttl12h ?? 0);
}

function usageOf(
  input: unknown,
  output: unknown,
  inputDetails: Details,
  outputDetails: Details,
): GenAIUsage {
  return {
    inputTokens: tokenCount(input),
    outputTokens: tokenCount(output),
    cacheReadInputTokens: tokenCount(inputDetails.cached_tokens),
    cacheCreationInputTokens: cacheWrites(inputDetails),
    reasoningOutputTokens: tokenCount(outputDetails.reasoning_tokens),
    audioInputTokens: tokenCount(inputDetails.audio_tokens),
    audioOutputTokens: tokenCount(outputDetails.audio_tokens),
  };
}

/** Chat completions `usage` (also the final chunk of a stream with include_usage). */
export function chatUsage(usage: unknown): GenAIUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return usageOf(
    usage.prompt_tokens,
    usage.completion_tokens,
    detailsOf(usage.prompt_tokens_details),
    detailsOf(usage.completion_tokens_details),
  );
}

/** Responses API `usage`. */
export function responsesUsage(usage: unknown): GenAIUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return usageOf(
    usage.input_tokens,
    usage.output_tokens,
    detailsOf(usage.input_tokens_details),
    detailsOf(usage.output_tokens_details),
  );
}

/** Embeddings `usage`: only input tokens. */
export function embeddingsUsage(usage: unknown): GenAIUsage | undefined {
  if (!isRecord(usage)) return undefined;
  return { inputTokens: tokenCount(usage.prompt_tokens) };
}

/**
 * The ai_margin usage attributes of a chat or Responses `usage` (cache-write retention split,
 * compute units), or undefined when it has none — which is every response before openai 7.
 */
export function usageExtraAttributes(usage: unknown): Attributes | undefined {
  if (!isRecord(usage)) return undefined;
  let attrs: Attributes | undefined;
  const put = (key: string, v: number | undefined) => {
    if (v === undefined) return;
    attrs ??= {};
    attrs[key] = v;
  };
  const details = isRecord(usage.input_tokens_details)
    ? usage.input_tokens_details
    : detailsOf(usage.prompt_tokens_details);
  const split = cacheWriteSplit(details);
  if (split) {
    put(ATTR_AI_MARGIN_USAGE_CACHE_WRITE_30M_TOKENS, split.ttl30m);
    put(ATTR_AI_MARGIN_USAGE_CACHE_WRITE_12H_TOKENS, split.ttl12h);
  }
  put(ATTR_AI_MARGIN_USAGE_COMPUTE_UNITS, tokenCount(usage.compute_units));
  return attrs;
}
