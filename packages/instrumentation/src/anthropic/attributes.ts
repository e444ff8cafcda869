/**
 * Maps Anthropic Messages requests and responses to span attributes and {@link GenAIUsage}.
 * Anthropic's `usage.input_tokens` EXCLUDES cache reads and writes; semconv's input count
 * includes them, so `gen_ai.usage.input_tokens` = input + cache_read + cache_creation.
 * `gen_ai.usage.cache_creation.input_tokens` = all cache writes (5 min + 1 h) and
 * `ai_margin.usage.cache_write_1h.input_tokens` = the 1-hour part (priced differently).
 * `usage.server_tool_use.{web_search,web_fetch}_requests` -> `ai_margin.usage.server_tool.
 * {web_search,web_fetch}.calls` (web search is billed per call).
 */

import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { isRecord } from '../common/module';
import { type GenAIUsage, tokenCount } from '../common/usage';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER = 'anthropic.response.service_tier';
export const ATTR_ANTHROPIC_REQUEST_SERVICE_TIER = 'anthropic.request.service_tier';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';

export function requestAttributes(params: Record<string, unknown>): Attributes {
  const attrs: Attributes = {};
  const set = (k: string, v: number | string | boolean | undefined) => {
    if (v !== undefined) attrs[k] = v;
  };
  set(ATTR_GEN_AI_REQUEST_MAX_TOKENS, num(params.max_tokens));
  set(ATTR_GEN_AI_REQUEST_TEMPERATURE, num(params.temperature));
  set(ATTR_GEN_AI_REQUEST_TOP_P, num(params.top_p));
  set(ATTR_GEN_AI_REQUEST_TOP_K, num(params.top_k));
  if (params.stream === true) attrs[ATTR_GEN_AI_REQUEST_STREAM] = true;
  if (typeof params.service_tier === 'string') {
    attrs[ATTR_ANTHROPIC_REQUEST_SERVICE_TIER] = params.service_tier;
  }
  return attrs;
}

/**
 * Semconv usage from an Anthropic `usage` object (a Message's, `message_start`'s, or the
 * cumulative one of `message_delta`). Fields the object lacks stay undefined, so a later event
 * refines an earlier one field by field; the input total is computed only when `input_tokens`
 * is present.
 */
export function anthropicUsage(usage: unknown): GenAIUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = tokenCount(usage.input_tokens);
  const cacheRead = tokenCount(usage.cache_read_input_tokens);
  const split = isRecord(usage.cache_creation) ? usage.cache_creation : undefined;
  const write5m = tokenCount(split?.ephemeral_5m_input_tokens);
  const write1h = tokenCount(split?.ephemeral_1h_input_tokens);
  const cacheWrite =
    tokenCount(usage.cache_creation_input_tokens) ??
    (write5m !== undefined || write1h !== undefined ? (write5m ?? 0) + (write1h ?? 0) : undefined);
  const details = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : undefined;
  // null when the call used no server tool (then no fee): the counts stay absent.
  const tools = isRecord(usage.server_tool_use) ? usage.server_tool_use : undefined;
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: tokenCount(usage.output_tokens),
    cacheReadInputTokens: cacheRead,
    cacheCreationInputTokens: cacheWrite,
    cacheWrite1hInputTokens: write1h,
    reasoningOutputTokens: tokenCount(details?.thinking_tokens),
    webSearchCalls: tokenCount(tools?.web_search_requests),
    webFetchCalls: tokenCount(tools?.web_fetch_requests),
  };
}
