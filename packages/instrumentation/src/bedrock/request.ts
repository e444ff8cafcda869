/**
 * What a Bedrock command asks for: operation, model and request parameters, read from the
 * command input before the call (so samplers see them at span start).
 */

import {
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  GEN_AI_OPERATION,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { isRecord } from '../common/module';

/** The Bedrock runtime commands this instrumentation traces, by class name. */
export const TRACED_COMMANDS = {
  ConverseCommand: { api: 'converse', stream: false },
  ConverseStreamCommand: { api: 'converse', stream: true },
  InvokeModelCommand: { api: 'invoke', stream: false },
  InvokeModelWithResponseStreamCommand: { api: 'invoke', stream: true },
} as const;

export type TracedCommandName = keyof typeof TRACED_COMMANDS;

/**
 * The traced command `command` is, by class name; when a bundler renamed the classes, by the
 * operation name in the command's schema (SDK releases from late 2025 carry
 * `schema = [9, 'com.amazonaws.bedrockruntime', 'Converse', ...]`).
 */
export function tracedCommandOf(command: unknown): TracedCommandName | undefined {
  if (!isRecord(command)) return undefined;
  const name = (command.constructor as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && Object.hasOwn(TRACED_COMMANDS, name)) {
    return name as TracedCommandName;
  }
  const schema = command.schema;
  if (Array.isArray(schema) && schema[1] === 'com.amazonaws.bedrockruntime') {
    const byOperation = `${String(schema[2])}Command`;
    if (Object.hasOwn(TRACED_COMMANDS, byOperation)) return byOperation as TracedCommandName;
  }
  return undefined;
}

/** The parsed request of one traced call. */
export interface BedrockRequest {
  api: 'converse' | 'invoke';
  stream: boolean;
  operation: string;
  model: string;
  /** Parsed InvokeModel body (JSON), when it was JSON. */
  invokeBody?: Record<string, unknown>;
  /** Request parameters (max tokens, temperature, top_p, stream), set at span start. */
  attributes: Attributes;
}

const utf8 = new TextDecoder();

/**
 * Request bodies above this size are not parsed (images and documents inlined as base64 can make
 * them megabytes): the span then lacks request parameters and reports operation `chat`.
 */
export const MAX_PARSED_REQUEST_BYTES = 1024 * 1024;

/** InvokeModel `body` (string or bytes) as a JSON object, or undefined. Never throws. */
export function parseInvokeBody(body: unknown): Record<string, unknown> | undefined {
  try {
    let text: string | undefined;
    if (typeof body === 'string') text = body;
    else if (body instanceof Uint8Array && body.length <= MAX_PARSED_REQUEST_BYTES) {
      text = utf8.decode(body);
    }
    if (text === undefined || text.length === 0 || text.length > MAX_PARSED_REQUEST_BYTES) {
      return undefined;
    }
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function setNum(attrs: Attributes, key: string, v: unknown): void {
  const n = num(v);
  if (n !== undefined) attrs[key] = n;
}

/**
 * The operation of an InvokeModel body: `text_completion` for prompt-style bodies (Meta Llama
 * `prompt`), `embeddings` for embedding bodies (Titan `inputText`, Cohere `texts`), else `chat`.
 */
export function invokeOperationOf(body: Record<string, unknown> | undefined): string {
  if (!body) return GEN_AI_OPERATION.chat;
  if (typeof body.inputText === 'string' || Array.isArray(body.texts)) {
    return GEN_AI_OPERATION.embeddings;
  }
  if (typeof body.prompt === 'string' && body.messages === undefined) {
    return GEN_AI_OPERATION.textCompletion;
  }
  return GEN_AI_OPERATION.chat;
}

function invokeParams(attrs: Attributes, body: Record<string, unknown>): void {
  const cfg = isRecord(body.inferenceConfig) ? body.inferenceConfig : undefined;
  // Anthropic: max_tokens; Nova: inferenceConfig.max_new_tokens; Llama: max_gen_len.
  setNum(
    attrs,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    body.max_tokens ?? cfg?.max_new_tokens ?? cfg?.maxTokens ?? body.max_gen_len,
  );
  setNum(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature ?? cfg?.temperature);
  setNum(attrs, ATTR_GEN_AI_REQUEST_TOP_P, body.top_p ?? cfg?.top_p ?? cfg?.topP);
}

/** Reads a traced command's input. `modelId` is kept as given (prefix or ARN included). */
export function readBedrockRequest(commandName: TracedCommandName, input: unknown): BedrockRequest {
  const { api, stream } = TRACED_COMMANDS[commandName];
  const inp = isRecord(input) ? input : {};
  const model = typeof inp.modelId === 'string' && inp.modelId !== '' ? inp.modelId : 'unknown';
  const invokeBody = api === 'invoke' ? parseInvokeBody(inp.body) : undefined;
  const operation = api === 'converse' ? GEN_AI_OPERATION.chat : invokeOperationOf(invokeBody);
  // Operation, provider and model are set by the span start; these are the request parameters.
  const attributes: Attributes = {};
  if (stream) attributes[ATTR_GEN_AI_REQUEST_STREAM] = true;
  if (api === 'converse') {
    const cfg = isRecord(inp.inferenceConfig) ? inp.inferenceConfig : undefined;
    if (cfg) {
      setNum(attributes, ATTR_GEN_AI_REQUEST_MAX_TOKENS, cfg.maxTokens);
      setNum(attributes, ATTR_GEN_AI_REQUEST_TEMPERATURE, cfg.temperature);
      setNum(attributes, ATTR_GEN_AI_REQUEST_TOP_P, cfg.topP);
    }
  } else if (invokeBody) {
    invokeParams(attributes, invokeBody);
  }
  return { api, stream, operation, model, invokeBody, attributes };
}
