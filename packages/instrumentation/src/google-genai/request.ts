/**
 * What a `@google/genai` call asks for, read from its parameters before the request (so samplers
 * see it at span start): the model, the request parameters, and (opt-in) the prompt content.
 */

import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { isRecord } from '../common/module';

const MODEL_PATH = /^(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/[^/]+\/)?models\/(.+)$/;

/**
 * The model id without the resource-path decoration the SDK accepts (`models/…`,
 * `publishers/google/models/…`, `projects/…/models/…`), so spans and prices use the plain id.
 * Tuned models (`tunedModels/…`) and anything else are kept as given.
 */
export function normalizeModel(model: unknown): string | undefined {
  if (typeof model !== 'string' || model === '') return undefined;
  const m = MODEL_PATH.exec(model);
  return m ? m[1] : model;
}

function setNum(attrs: Attributes, key: string, v: unknown): void {
  if (typeof v === 'number' && Number.isFinite(v)) attrs[key] = v;
}

/** Request-parameter attributes of a generate call's `config`. */
export function generateRequestAttributes(params: unknown, stream: boolean): Attributes {
  const attrs: Attributes = {};
  const config = isRecord(params) && isRecord(params.config) ? params.config : undefined;
  if (config) {
    setNum(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, config.maxOutputTokens);
    setNum(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, config.temperature);
    setNum(attrs, ATTR_GEN_AI_REQUEST_TOP_P, config.topP);
  }
  if (stream) attrs[ATTR_GEN_AI_REQUEST_STREAM] = true;
  return attrs;
}

/** The per-call base URL override, else the client's base URL (never throws). */
export function baseUrlOf(apiClient: unknown, params: unknown): string | undefined {
  try {
    const config = isRecord(params) && isRecord(params.config) ? params.config : undefined;
    const http = config && isRecord(config.httpOptions) ? config.httpOptions : undefined;
    if (http && typeof http.baseUrl === 'string') return http.baseUrl;
    const client = apiClient as { getBaseUrl?: () => unknown } | undefined;
    const url = typeof client?.getBaseUrl === 'function' ? client.getBaseUrl() : undefined;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** `true` when the SDK client is in Vertex AI mode. */
export function isVertex(apiClient: unknown): boolean {
  try {
    const client = apiClient as { isVertexAI?: () => unknown } | undefined;
    return typeof client?.isVertexAI === 'function' && client.isVertexAI() === true;
  } catch {
    return false;
  }
}
