/**
 * Per-stream accumulators for openai streams: chat completion chunks (response model / id once,
 * usage from the final chunk, finish reasons and, when captured, text over the choices) and
 * Responses API events (`response.created` / `in_progress`, then the final `Response` of
 * `response.completed` / `incomplete` / `failed`).
 */
import {
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
} from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import { isRecord } from '../common/module';
import type { GenAISpan } from '../common/span';
import type { StreamObserver } from '../common/stream';
import { recordResponseObject, setUsage, strOrUndef } from './response';
import { chatUsage } from './usage';

export function chatStreamObserver(call: GenAISpan, max?: number): StreamObserver<unknown> {
  const capture = call.captureContent;
  const finishReasons: string[] = [];
  let text = '';
  let responseSet = false;
  return {
    onItem: (chunk) => {
      if (!isRecord(chunk)) return;
      if (!responseSet && (chunk.id || chunk.model)) {
        call.setResponse({ model: chunk.model, id: chunk.id });
        call.set(ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER, strOrUndef(chunk.service_tier));
        responseSet = true;
      }
      if (chunk.usage) setUsage(call, chatUsage(chunk.usage), chunk.usage);
      // Once per chunk: one pass over the choices, no allocation.
      const choices = chunk.choices;
      if (!Array.isArray(choices)) return;
      for (const c of choices) {
        if (!isRecord(c)) continue;
        if (typeof c.finish_reason === 'string') finishReasons.push(c.finish_reason);
        if (capture && isRecord(c.delta) && typeof c.delta.content === 'string') {
          text += c.delta.content;
        }
      }
    },
    onFinish: () => {
      if (finishReasons.length > 0) call.setResponse({ finishReasons });
      if (capture) {
        call.set(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute([{ role: 'assistant', content: text }], max),
        );
      }
    },
  };
}

export function responsesStreamObserver(call: GenAISpan, max?: number): StreamObserver<unknown> {
  return {
    onItem: (event) => {
      if (!isRecord(event) || !isRecord(event.response)) return;
      if (event.type === 'response.created' || event.type === 'response.in_progress') {
        call.setResponse({ model: event.response.model, id: event.response.id });
      } else if (
        event.type === 'response.completed' ||
        event.type === 'response.incomplete' ||
        event.type === 'response.failed'
      ) {
        recordResponseObject(call, event.response, max);
      }
    },
  };
}
