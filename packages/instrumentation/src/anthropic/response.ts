/**
 * Anthropic responses -> span: a complete `Message`, and the per-stream accumulator of Messages
 * stream events (`message_start` model / id / usage, `message_delta` cumulative usage and stop
 * reason, `content_block_delta` text when captured).
 */
import {
  ATTR_AI_MARGIN_INFERENCE_REGION,
  ATTR_AI_MARGIN_SERVICE_TIER,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
} from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import type { StreamObserver } from '../common/stream';
import { ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER, anthropicUsage } from './attributes';

type Params = Record<string, unknown>;

/**
 * Fast mode (`usage.speed: 'fast'`) bills at a per-model multiplier: the call gets the tier
 * `fast`, priced by the period's `serviceTiers.fast` (unpriced, naming it, where a period has
 * none). `standard` / null speed leaves the tier to `service_tier`.
 */
function recordSpeedAndGeo(call: GenAISpan, usage: Params | undefined): void {
  if (usage?.speed === 'fast') call.set(ATTR_AI_MARGIN_SERVICE_TIER, 'fast');
  // Where inference ran (`global`, `us`): US-only inference is billed at 1.1x on newer models.
  const geo = usage?.inference_geo;
  if (typeof geo === 'string' && geo !== '') call.set(ATTR_AI_MARGIN_INFERENCE_REGION, geo);
}

export function recordMessage(call: GenAISpan, message: unknown, max?: number): void {
  if (!isRecord(message)) return;
  call.setResponse({
    model: message.model,
    id: message.id,
    finishReasons: typeof message.stop_reason === 'string' ? [message.stop_reason] : undefined,
  });
  const usage = isRecord(message.usage) ? message.usage : undefined;
  if (typeof usage?.service_tier === 'string') {
    call.set(ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER, usage.service_tier);
  }
  recordSpeedAndGeo(call, usage);
  const u = anthropicUsage(usage);
  if (u) call.setUsage(u);
  if (call.captureContent) {
    call.set(
      ATTR_GEN_AI_OUTPUT_MESSAGES,
      contentAttribute([{ role: 'assistant', content: message.content }], max),
    );
  }
}

export function messageStreamObserver(call: GenAISpan, max?: number): StreamObserver<unknown> {
  const capture = call.captureContent;
  // Raw usage merged over the stream: message_start has input/cache counts, message_delta the
  // cumulative counts (older API versions: output only). Non-null fields of later events win.
  const usage: Params = {};
  let text = '';
  const mergeUsage = (u: unknown) => {
    if (!isRecord(u)) return;
    for (const [k, v] of Object.entries(u)) if (v !== null && v !== undefined) usage[k] = v;
    const mapped = anthropicUsage(usage);
    if (mapped) call.setUsage(mapped);
    if (typeof usage.service_tier === 'string') {
      call.set(ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER, usage.service_tier);
    }
    recordSpeedAndGeo(call, usage);
  };
  return {
    onItem: (event) => {
      if (!isRecord(event)) return;
      if (event.type === 'message_start' && isRecord(event.message)) {
        call.setResponse({ model: event.message.model, id: event.message.id });
        mergeUsage(event.message.usage);
      } else if (event.type === 'message_delta') {
        mergeUsage(event.usage);
        const delta = isRecord(event.delta) ? event.delta : undefined;
        if (typeof delta?.stop_reason === 'string') {
          call.setResponse({ finishReasons: [delta.stop_reason] });
        }
      } else if (capture && event.type === 'content_block_delta' && isRecord(event.delta)) {
        if (typeof event.delta.text === 'string') text += event.delta.text;
      }
    },
    onFinish: () => {
      if (capture) {
        call.set(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute([{ role: 'assistant', content: text }], max),
        );
      }
    },
  };
}
