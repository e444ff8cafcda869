/**
 * Maps OpenAI request parameters and response fields (chat completions, Responses API,
 * embeddings) to span attributes. Usage is mapped in ./usage.
 */

import {
  ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { isRecord } from '../common/module';

type Params = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function put(attrs: Attributes, key: string, v: string | number | boolean | string[] | undefined) {
  if (v !== undefined) attrs[key] = v;
}

/** Request attributes set at span start for chat completions and Responses. */
export function generationRequestAttributes(params: Params): Attributes {
  const attrs: Attributes = {};
  put(
    attrs,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    num(params.max_completion_tokens) ?? num(params.max_output_tokens) ?? num(params.max_tokens),
  );
  put(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, num(params.temperature));
  put(attrs, ATTR_GEN_AI_REQUEST_TOP_P, num(params.top_p));
  if (params.stream === true) attrs[ATTR_GEN_AI_REQUEST_STREAM] = true;
  put(attrs, ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER, str(params.service_tier));
  return attrs;
}

export function embeddingsRequestAttributes(params: Params): Attributes {
  const attrs: Attributes = {};
  const format = str(params.encoding_format);
  if (format) attrs[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [format];
  return attrs;
}

/** Finish reasons of a chat completion's choices. */
export function chatFinishReasons(choices: unknown): string[] {
  if (!Array.isArray(choices)) return [];
  const out: string[] = [];
  for (const c of choices) {
    if (isRecord(c) && typeof c.finish_reason === 'string') out.push(c.finish_reason);
  }
  return out;
}

/** Text of a Responses API `output` array (its `output_text` parts). */
export function responsesOutputText(output: unknown): string | undefined {
  if (!Array.isArray(output)) return undefined;
  let text = '';
  for (const item of output) {
    if (!isRecord(item) || !Array.isArray(item.content)) continue;
    for (const part of item.content) {
      if (isRecord(part) && part.type === 'output_text' && typeof part.text === 'string') {
        text += part.text;
      }
    }
  }
  return text;
}
