/**
 * The openai mapping behind the shared call flow (../common/flow): one {@link OpenAIExtension}
 * per patched endpoint (`chat.completions.create`, `responses.create`, `embeddings.create`).
 * Request -> span start (provider from the client class, `server.*` from its base URL), the
 * optional `stream_options.include_usage`, response -> ./response, stream chunks ->
 * ./stream-observers, the `APIPromise` watched where the SDK parses (./api-promise).
 */
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '@ai-margin/conventions';
import type { DiagLogger } from '@opentelemetry/api';
import { contentAttribute } from '../common/config';
import type {
  ProviderExtension,
  RequestMetadata,
  SdkCall,
  SettleHandlers,
  StreamExtension,
} from '../common/extension';
import { isRecord } from '../common/module';
import { type GenAISpan, serverAttributes } from '../common/span';
import type { StreamObserver } from '../common/stream';
import { observeApiPromise } from './api-promise';
import { embeddingsRequestAttributes, generationRequestAttributes } from './attributes';
import { recordChatCompletion, recordEmbeddings, recordResponseObject } from './response';
import { wrapOpenAIStream } from './stream';
import { chatStreamObserver, responsesStreamObserver } from './stream-observers';
import type { OpenAIInstrumentationConfig } from './types';

export type Endpoint = 'chat' | 'responses' | 'embeddings';
type Params = Record<string, unknown>;
type Config = OpenAIInstrumentationConfig;

/** What the later hooks need from the request. */
export interface OpenAIRequest {
  params: Params;
}

/** `client instanceof` one of these -> that provider (set when the module is patched). */
export type ClientClasses = ReadonlyArray<readonly [provider: string, cls: unknown]>;

function providerOf(client: unknown, classes: ClientClasses): string {
  for (const [provider, cls] of classes) {
    if (typeof cls === 'function' && client instanceof cls) return provider;
  }
  const name = isRecord(client) ? client.constructor?.name : undefined;
  if (name === 'AzureOpenAI') return GEN_AI_PROVIDER.azureOpenai;
  if (name === 'BedrockOpenAI') return GEN_AI_PROVIDER.awsBedrock;
  return GEN_AI_PROVIDER.openai;
}

function shouldAddStreamUsage(params: Params, config: Config): boolean {
  if (params.stream !== true || !config.addStreamUsage) return false;
  return !(isRecord(params.stream_options) && params.stream_options.include_usage === true);
}

function attachStream(
  value: unknown,
  span: GenAISpan,
  observer: StreamObserver<unknown>,
  _request: OpenAIRequest,
  diag: DiagLogger,
): unknown {
  return wrapOpenAIStream(value, span, observer, diag) ? value : undefined;
}

export class OpenAIExtension implements ProviderExtension<Config, OpenAIRequest> {
  readonly name = 'openai';
  readonly resultMode = 'observe';
  readonly stream: StreamExtension<Config, OpenAIRequest> | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly clientClasses: () => ClientClasses,
  ) {
    const observer =
      endpoint === 'chat'
        ? chatStreamObserver
        : endpoint === 'responses'
          ? responsesStreamObserver
          : undefined;
    this.stream = observer && {
      observer: (span, _request, config) => observer(span, config.maxContentLength),
      attach: attachStream,
    };
  }

  requestPreSpanHook(call: SdkCall<Config>): RequestMetadata<OpenAIRequest> | undefined {
    const params = call.args[0];
    if (!isRecord(params)) return undefined;
    const client = isRecord(call.self) ? call.self._client : undefined;
    const embeddings = this.endpoint === 'embeddings';
    const meta: RequestMetadata<OpenAIRequest> = {
      span: {
        operation: embeddings ? GEN_AI_OPERATION.embeddings : GEN_AI_OPERATION.chat,
        provider: providerOf(client, this.clientClasses()),
        requestModel: typeof params.model === 'string' ? params.model : undefined,
        ...serverAttributes(isRecord(client) ? client.baseURL : undefined),
        attributes: embeddings
          ? embeddingsRequestAttributes(params)
          : generationRequestAttributes(params),
      },
      request: { params },
      stream: params.stream === true && !embeddings,
      captureContent: !embeddings,
    };
    if (this.endpoint === 'chat' && shouldAddStreamUsage(params, call.config)) {
      const streamOptions = isRecord(params.stream_options) ? params.stream_options : {};
      const args = [...call.args];
      args[0] = { ...params, stream_options: { ...streamOptions, include_usage: true } };
      meta.args = args;
    }
    return meta;
  }

  captureRequest(span: GenAISpan, { params }: OpenAIRequest, call: SdkCall<Config>): void {
    const max = call.config.maxContentLength;
    if (this.endpoint === 'chat') {
      span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.messages, max));
    } else {
      span.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.input, max));
      span.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(params.instructions, max));
    }
  }

  /** Watches the APIPromise where the SDK parses (never a second parse); see ./api-promise. */
  observe(result: unknown, handlers: SettleHandlers, span: GenAISpan, diag: DiagLogger): boolean {
    return observeApiPromise(
      result,
      {
        onValue: handlers.onValue,
        onError: handlers.onError,
        onUnparsed: (rawBody) => {
          // The caller reads the raw body: no usage for us. Else parse through the promise's
          // own cached parse, which a late `await` of the same promise then shares.
          if (rawBody) span.end();
          else (result as PromiseLike<unknown>).then(undefined, () => {});
        },
      },
      diag,
    );
  }

  responseHook(span: GenAISpan, value: unknown, _request: OpenAIRequest, config: Config): void {
    if (!isRecord(value)) return;
    const max = config.maxContentLength;
    if (this.endpoint === 'chat') recordChatCompletion(span, value, max);
    else if (this.endpoint === 'responses') recordResponseObject(span, value, max);
    else recordEmbeddings(span, value);
  }
}
