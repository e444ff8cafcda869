/**
 * Normalised token usage and how it is written on a span. Every instrumentation maps its
 * provider's usage into {@link GenAIUsage} (semconv meaning: input INCLUDES cache reads and
 * writes, output INCLUDES reasoning) and calls {@link setUsageAttributes}.
 */

import {
  ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS,
  ATTR_AI_MARGIN_USAGE_AUDIO_OUTPUT_TOKENS,
  ATTR_AI_MARGIN_USAGE_CACHE_WRITE_1H_TOKENS,
  ATTR_AI_MARGIN_USAGE_WEB_FETCH_CALLS,
  ATTR_AI_MARGIN_USAGE_WEB_SEARCH_CALLS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '@ai-margin/conventions';
import type { Span } from '@opentelemetry/api';
import { latestGenAISemconv } from './config';

export interface GenAIUsage {
  /** All input tokens, cache reads and cache writes included (`gen_ai.usage.input_tokens`). */
  inputTokens?: number;
  /** All output tokens, reasoning included. */
  outputTokens?: number;
  cacheReadInputTokens?: number;
  /** All cache writes (5 min + 1 h). */
  cacheCreationInputTokens?: number;
  /** The 1-hour part of `cacheCreationInputTokens`. */
  cacheWrite1hInputTokens?: number;
  reasoningOutputTokens?: number;
  /** Server-side web searches billed per call (Anthropic `server_tool_use.web_search_requests`). */
  webSearchCalls?: number;
  /** Server-side web fetches (Anthropic `server_tool_use.web_fetch_requests`). */
  webFetchCalls?: number;
  /** Audio tokens inside `inputTokens` / `outputTokens` (providers price audio apart). */
  audioInputTokens?: number;
  audioOutputTokens?: number;
}

/** A finite non-negative number, else `undefined`. */
export function tokenCount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** True when `usage` carries at least an input or an output count. */
export function hasUsage(usage: GenAIUsage | undefined): usage is GenAIUsage {
  return (
    usage !== undefined && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)
  );
}

export function setUsageAttributes(span: Span, usage: GenAIUsage): void {
  const set = (key: string, v: number | undefined) => {
    if (v !== undefined) span.setAttribute(key, v);
  };
  set(ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
  set(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
  set(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens);
  set(ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationInputTokens);
  if (latestGenAISemconv()) {
    set(ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS, usage.cacheCreationInputTokens);
  }
  set(ATTR_AI_MARGIN_USAGE_CACHE_WRITE_1H_TOKENS, usage.cacheWrite1hInputTokens);
  set(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningOutputTokens);
  set(ATTR_AI_MARGIN_USAGE_WEB_SEARCH_CALLS, usage.webSearchCalls);
  set(ATTR_AI_MARGIN_USAGE_WEB_FETCH_CALLS, usage.webFetchCalls);
  // Zero audio is no audio: only a real count goes on the span.
  if (usage.audioInputTokens) set(ATTR_AI_MARGIN_USAGE_AUDIO_INPUT_TOKENS, usage.audioInputTokens);
  if (usage.audioOutputTokens)
    set(ATTR_AI_MARGIN_USAGE_AUDIO_OUTPUT_TOKENS, usage.audioOutputTokens);
}
