/**
 * The `@google/genai` mapping behind the shared call flow (../common/flow), one
 * {@link GoogleGenAIExtension} per wrapped `Models.prototype` method (`generate`, `stream`,
 * `embed`): request -> span start (provider `gcp.vertex_ai` in Vertex mode, else `gcp.gemini`),
 * responses and chunks -> ./response, errors -> ./errors. `chain` mode: a stream's async
 * generator is handed back wrapped, so the span ends exactly once.
 */
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '@ai-margin/conventions';
import { contentAttribute } from '../common/config';
import type {
  ProviderExtension,
  RequestMetadata,
  SdkCall,
  StreamExtension,
} from '../common/extension';
import { isRecord } from '../common/module';
import { type GenAISpan, serverAttributes } from '../common/span';
import { wrapStreamIterator } from '../common/stream';
import { inputMessagesOf, systemInstructionOf } from './content';
import { errorForSpan } from './errors';
import { baseUrlOf, generateRequestAttributes, isVertex, normalizeModel } from './request';
import { generateStreamObserver, recordEmbedResponse, recordGenerateResponse } from './response';
import type { GoogleGenAIInstrumentationConfig } from './types';

/** Which public operation a wrapped method serves. */
export type Kind = 'generate' | 'stream' | 'embed';
type Config = GoogleGenAIInstrumentationConfig;

const stream: StreamExtension<Config, unknown> = {
  observer: (span, _params, config) => generateStreamObserver(span, config.maxContentLength),
  /** The SDK's async generator, iterated through the span-ending wrapper. */
  attach(value, span, observer, _params, diag) {
    const iterable = value as AsyncIterable<unknown> | undefined;
    if (!iterable || typeof iterable[Symbol.asyncIterator] !== 'function') return undefined;
    const it = wrapStreamIterator(iterable[Symbol.asyncIterator](), span, observer, diag);
    // Async generators are their own iterables; keep that for `for await` and the SDK's helpers.
    return Object.assign(it, {
      [Symbol.asyncIterator]() {
        return it;
      },
    });
  },
};

export class GoogleGenAIExtension implements ProviderExtension<Config, unknown> {
  readonly name = 'Google GenAI';
  readonly resultMode = 'chain';
  readonly stream = stream;
  readonly errorForSpan = errorForSpan;

  constructor(private readonly kind: Kind) {}

  requestPreSpanHook(call: SdkCall<Config>): RequestMetadata<unknown> {
    const params = call.args[0];
    const apiClient = isRecord(call.self) ? call.self.apiClient : undefined;
    const embed = this.kind === 'embed';
    return {
      span: {
        operation: embed ? GEN_AI_OPERATION.embeddings : GEN_AI_OPERATION.generateContent,
        provider: isVertex(apiClient) ? GEN_AI_PROVIDER.gcpVertexAi : GEN_AI_PROVIDER.gcpGemini,
        requestModel: normalizeModel(isRecord(params) ? params.model : undefined),
        ...serverAttributes(baseUrlOf(apiClient, params)),
        attributes: embed ? {} : generateRequestAttributes(params, this.kind === 'stream'),
      },
      request: params,
      stream: this.kind === 'stream',
    };
  }

  captureRequest(span: GenAISpan, params: unknown, call: SdkCall<Config>): void {
    const max = call.config.maxContentLength;
    const messages = inputMessagesOf(isRecord(params) ? params.contents : undefined);
    if (messages) span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(messages, max));
    const system = systemInstructionOf(params);
    if (system) span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(system, max));
  }

  responseHook(span: GenAISpan, response: unknown, _params: unknown, config: Config): void {
    if (this.kind === 'embed') recordEmbedResponse(span, response);
    else recordGenerateResponse(span, response, config.maxContentLength);
  }
}
