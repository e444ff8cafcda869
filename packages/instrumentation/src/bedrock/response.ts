/**
 * Complete Bedrock responses -> span: Converse (`usage`, `stopReason`, `output.message`) and
 * InvokeModel (the vendor's JSON body: usage, id, stop reason, output text).
 */
import { ATTR_AI_MARGIN_SERVICE_TIER, ATTR_GEN_AI_OUTPUT_MESSAGES } from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import { type ChatMessage, invokeOutputOf, messagesOf } from './content';
import type { BedrockRequest } from './request';
import { toGenAIUsage, usageFromConverse, usageFromInvokeBody } from './usage';

const utf8 = new TextDecoder();

function parseJsonBytes(body: unknown): Record<string, unknown> | undefined {
  try {
    const text =
      typeof body === 'string' ? body : body instanceof Uint8Array ? utf8.decode(body) : undefined;
    if (!text) return undefined;
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function stopReasonOf(body: Record<string, unknown>): string | undefined {
  const r = body.stopReason ?? body.stop_reason;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

/**
 * The service tier a Bedrock response was served on: Converse `serviceTier: { type }` (also on
 * ConverseStream's `metadata` event), InvokeModel `serviceTier` (the `X-Amzn-Bedrock-Service-Tier`
 * response header). `default`, `flex`, `priority` or `reserved`, as AWS spells them; the processor
 * prices `default` as standard, `flex`/`priority` with the period's multiplier, and leaves a tier
 * it has no price for (`reserved`) unpriced rather than priced as standard.
 */
export function bedrockTierOf(raw: unknown): string | undefined {
  const type = isRecord(raw) ? raw.type : raw;
  return typeof type === 'string' && type !== '' ? type.toLowerCase() : undefined;
}

/** Sets `ai_margin.service_tier` when the response names a tier. */
export function recordServiceTier(span: GenAISpan, raw: unknown): void {
  const tier = bedrockTierOf(raw);
  if (tier !== undefined) span.set(ATTR_AI_MARGIN_SERVICE_TIER, tier);
}

/** `gen_ai.output.messages` of one assistant message (when there is one). */
export function captureOutput(span: GenAISpan, message: ChatMessage | undefined, max?: number) {
  if (message) span.set(ATTR_GEN_AI_OUTPUT_MESSAGES, contentAttribute([message], max));
}

export function recordBedrockResponse(
  span: GenAISpan,
  req: BedrockRequest,
  response: unknown,
  max?: number,
): void {
  const res = isRecord(response) ? response : {};
  const capture = span.captureContent;
  recordServiceTier(span, res.serviceTier);
  if (req.api === 'converse') {
    const usage = usageFromConverse(res.usage);
    if (usage) span.setUsage(toGenAIUsage(usage));
    const stopReason = typeof res.stopReason === 'string' ? res.stopReason : undefined;
    span.setResponse({ finishReasons: stopReason ? [stopReason] : [] });
    if (capture && isRecord(res.output) && isRecord(res.output.message)) {
      const m = messagesOf([res.output.message])?.[0];
      if (m && stopReason) m.finish_reason = stopReason;
      captureOutput(span, m, max);
    }
    return;
  }
  const body = parseJsonBytes(res.body);
  if (!body) return;
  const usage = usageFromInvokeBody(body);
  if (usage) span.setUsage(toGenAIUsage(usage));
  const stopReason = stopReasonOf(body);
  span.setResponse({ id: body.id, finishReasons: stopReason ? [stopReason] : [] });
  if (capture) {
    const m = invokeOutputOf(body);
    if (m && stopReason) m.finish_reason = stopReason;
    captureOutput(span, m, max);
  }
}
