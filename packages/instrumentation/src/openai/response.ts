/**
 * Complete OpenAI responses -> span: response model / id / finish reasons, the served service
 * tier, usage (with the openai 7 extras) and, when captured, the output messages. For a chat
 * completion, a Responses API `Response` (also the payload of `response.completed`) and an
 * embeddings result.
 */
import {
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
} from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import type { GenAIUsage } from '../common/usage';
import { chatFinishReasons, responsesOutputText } from './attributes';
import { chatUsage, embeddingsUsage, responsesUsage, usageExtraAttributes } from './usage';

type Params = Record<string, unknown>;

export function strOrUndef(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Usage, and the openai 7 extras of the raw `usage` object (cache-write split, compute units). */
export function setUsage(call: GenAISpan, usage: GenAIUsage | undefined, raw?: unknown): void {
  if (usage) call.setUsage(usage);
  const extra = usageExtraAttributes(raw);
  if (extra) for (const key in extra) call.set(key, extra[key]);
}

export function recordChatCompletion(call: GenAISpan, value: Params, max?: number): void {
  call.setResponse({
    model: value.model,
    id: value.id,
    finishReasons: chatFinishReasons(value.choices),
  });
  call.set(ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER, strOrUndef(value.service_tier));
  setUsage(call, chatUsage(value.usage), value.usage);
  if (call.captureContent && Array.isArray(value.choices)) {
    call.set(
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      contentAttribute(
        value.choices.map((c) => (isRecord(c) ? c.message : c)),
        max,
      ),
    );
  }
}

/** A Responses API `Response` object (plain result, or the payload of `response.completed`). */
export function recordResponseObject(call: GenAISpan, response: Params, max?: number): void {
  call.setResponse({
    model: response.model,
    id: response.id,
    finishReasons: typeof response.status === 'string' ? [response.status] : undefined,
  });
  call.set(ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER, strOrUndef(response.service_tier));
  const usage = responsesUsage(response.usage);
  // Web search is billed per call: one `web_search_call` output item per search.
  if (usage && Array.isArray(response.output)) {
    let searches = 0;
    for (const item of response.output) {
      if (isRecord(item) && item.type === 'web_search_call') searches++;
    }
    if (searches > 0) usage.webSearchCalls = searches;
  }
  setUsage(call, usage, response.usage);
  if (call.captureContent) {
    call.set(
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      contentAttribute(responsesOutputText(response.output), max),
    );
  }
}

export function recordEmbeddings(call: GenAISpan, value: Params): void {
  call.setResponse({ model: value.model });
  setUsage(call, embeddingsUsage(value.usage));
}
