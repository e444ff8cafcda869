/**
 * The Anthropic Messages mapping behind the shared call flow (../common/flow): request -> span
 * start, `Message` / stream events -> ./response, the SDK's `Stream` instrumented in place
 * (abort-aware), and the built-in tracing policy (`defer`: a self-tracing client gets no span
 * from us; `suppress`: its tracer is off during the call).
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
import { streamAbortedCheck, wrapSdkStream } from '../common/stream';
import { requestAttributes } from './attributes';
import { clientOf, withoutBuiltInTracing } from './built-in-tracing';
import { messageStreamObserver, recordMessage } from './response';
import type { AnthropicBuiltInTracing, AnthropicInstrumentationConfig } from './types';

type Config = AnthropicInstrumentationConfig;
type Params = Record<string, unknown>;

const stream: StreamExtension<Config, Params> = {
  observer: (span, _params, config) => messageStreamObserver(span, config.maxContentLength),
  attach: (value, span, observer, _params, diag) =>
    wrapSdkStream(value, span, { ...observer, isAborted: streamAbortedCheck(value) }, diag)
      ? value
      : undefined,
};

export class AnthropicExtension implements ProviderExtension<Config, Params> {
  readonly name = 'anthropic';
  readonly resultMode = 'observe';
  readonly stream = stream;

  /** `mode`: the configured {@link AnthropicBuiltInTracing}, read at each call. */
  constructor(private readonly mode: () => AnthropicBuiltInTracing) {}

  requestPreSpanHook(call: SdkCall<Config>): RequestMetadata<Params> | undefined {
    const params = call.args[0];
    if (!isRecord(params)) return undefined;
    const client = clientOf(call.self);
    // `defer`: a client that traces itself keeps its own span and gets none from us.
    if (this.mode() === 'defer' && client?._tracer) return undefined;
    return {
      span: {
        operation: GEN_AI_OPERATION.chat,
        provider: GEN_AI_PROVIDER.anthropic,
        requestModel: typeof params.model === 'string' ? params.model : undefined,
        ...serverAttributes(client?.baseURL),
        attributes: requestAttributes(params),
      },
      request: params,
      stream: params.stream === true,
    };
  }

  captureRequest(span: GenAISpan, params: Params, call: SdkCall<Config>): void {
    const max = call.config.maxContentLength;
    span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.messages, max));
    span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(params.system, max));
  }

  invoke(original: (this: unknown, ...a: unknown[]) => unknown, self: unknown, args: unknown[]) {
    return withoutBuiltInTracing(clientOf(self), this.mode(), () => original.apply(self, args));
  }

  responseHook(span: GenAISpan, message: unknown, _params: Params, config: Config): void {
    recordMessage(span, message, config.maxContentLength);
  }
}
