/**
 * OpenTelemetry instrumentation of the `openai` package (>=4.19 <8): `chat.completions.create`,
 * `responses.create` and `embeddings.create`, plain and streaming, for the `OpenAI`,
 * `AzureOpenAI` (provider `azure.ai.openai`) and `BedrockOpenAI` (provider `aws.bedrock`) clients.
 *
 * The patched methods return the SDK's own `APIPromise` (so `.withResponse()`, `.asResponse()`
 * and the helpers built on `_thenUnwrap` keep working) and, for streams, the SDK's own `Stream`.
 * The outcome is read where the SDK parses the response (./api-promise), never by parsing it a
 * second time; a stream's private `iterator` factory is wrapped (./stream), which `for await`,
 * `tee()` and `toReadableStream()` all go through, so the span ends exactly once when the
 * stream is drained, broken off, or fails.
 */
import { context } from '@opentelemetry/api';
import { contentAttribute, shouldCaptureContent } from '../common/config';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isOwnWrapper, isRecord, markOwnWrapper, prototypeOf } from '../common/module';
import { type GenAISpan, guard, serverAttributes, startGenAISpan } from '../common/span';
import type { StreamObserver } from '../common/stream';
import type { GenAIUsage } from '../common/usage';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '../semconv';
import { observeApiPromise } from './api-promise';
import {
  chatFinishReasons,
  embeddingsRequestAttributes,
  generationRequestAttributes,
  responsesOutputText,
} from './attributes';
import { wrapOpenAIStream } from './stream';
import { OPENAI_SUPPORTED_VERSIONS, type OpenAIInstrumentationConfig } from './types';
import { chatUsage, embeddingsUsage, responsesUsage, usageExtraAttributes } from './usage';

type Endpoint = 'chat' | 'responses' | 'embeddings';
type AnyFn = (...args: unknown[]) => unknown;
type Params = Record<string, unknown>;

/** The prototypes this instrumentation patches, per endpoint, found in a module's exports. */
function targetsOf(moduleExports: unknown): Array<[Endpoint, Record<string, unknown>]> {
  const OpenAI = exportOf(moduleExports, 'OpenAI') ?? exportOf(moduleExports, 'default');
  const chat =
    isRecord(OpenAI) || typeof OpenAI === 'function' ? (OpenAI as Params).Chat : undefined;
  const targets: Array<[Endpoint, Record<string, unknown>]> = [];
  const completions = prototypeOf(chat, 'Completions');
  if (completions) targets.push(['chat', completions]);
  const responses = prototypeOf(OpenAI, 'Responses');
  if (responses) targets.push(['responses', responses]);
  const embeddings = prototypeOf(OpenAI, 'Embeddings');
  if (embeddings) targets.push(['embeddings', embeddings]);
  return targets;
}

export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  // `declare`, no initialiser: set by patchModule, and an initialiser would run after the base
  // constructor (which may already enable, and so patch).
  declare private _clientClasses: Array<[string, unknown]> | undefined;

  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return 'openai';
  }

  protected get supportedVersions(): string[] {
    return OPENAI_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    this._clientClasses = [
      [GEN_AI_PROVIDER.azureOpenai, exportOf(moduleExports, 'AzureOpenAI')],
      [GEN_AI_PROVIDER.awsBedrock, exportOf(moduleExports, 'BedrockOpenAI')],
    ];
    const targets = targetsOf(moduleExports);
    if (targets.length === 0) this._diag.warn('openai module has no Chat.Completions to patch');
    for (const [endpoint, proto] of targets) {
      // `_wrap` replaces whatever wrapper is there (OTel convention: the last patch wins).
      this._wrap(proto, 'create', (original) => this._patchedCreate(endpoint, original as AnyFn));
    }
  }

  protected unpatchModule(moduleExports: unknown): void {
    for (const [, proto] of targetsOf(moduleExports)) {
      // Only our own wrapper: never strip one that another tool installed over or instead of ours.
      if (isOwnWrapper(proto.create)) this._unwrap(proto, 'create');
    }
  }

  private _providerOf(client: unknown): string {
    for (const [provider, cls] of this._clientClasses ?? []) {
      if (typeof cls === 'function' && client instanceof cls) return provider;
    }
    const name = isRecord(client) ? client.constructor?.name : undefined;
    if (name === 'AzureOpenAI') return GEN_AI_PROVIDER.azureOpenai;
    if (name === 'BedrockOpenAI') return GEN_AI_PROVIDER.awsBedrock;
    return GEN_AI_PROVIDER.openai;
  }

  private _patchedCreate(endpoint: Endpoint, original: AnyFn): AnyFn {
    const self = this;
    return markOwnWrapper(function patchedCreate(this: unknown, ...args: unknown[]) {
      const params = args[0];
      if (!self.isEnabled() || !isRecord(params)) return original.apply(this, args);
      let call: GenAISpan;
      try {
        call = self._startSpan(endpoint, params, isRecord(this) ? this._client : undefined);
        if (endpoint === 'chat' && self._shouldAddStreamUsage(params)) {
          const streamOptions = isRecord(params.stream_options) ? params.stream_options : {};
          args[0] = { ...params, stream_options: { ...streamOptions, include_usage: true } };
        }
      } catch (err) {
        self._diag.error('could not start openai span', err);
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = context.with(call.context, () => original.apply(this, args));
      } catch (err) {
        call.fail(err);
        throw err;
      }
      self._observe(endpoint, params, call, result);
      return result;
    });
  }

  private _shouldAddStreamUsage(params: Params): boolean {
    if (params.stream !== true || !this.getConfig().addStreamUsage) return false;
    return !(isRecord(params.stream_options) && params.stream_options.include_usage === true);
  }

  private _startSpan(endpoint: Endpoint, params: Params, client: unknown): GenAISpan {
    const operation =
      endpoint === 'embeddings' ? GEN_AI_OPERATION.embeddings : GEN_AI_OPERATION.chat;
    const attributes =
      endpoint === 'embeddings'
        ? embeddingsRequestAttributes(params)
        : generationRequestAttributes(params);
    const call = startGenAISpan(
      this.tracer,
      {
        operation,
        provider: this._providerOf(client),
        requestModel: typeof params.model === 'string' ? params.model : undefined,
        ...serverAttributes(isRecord(client) ? client.baseURL : undefined),
        attributes,
      },
      this.genAIMetrics,
      this._diag,
    );
    call.captureContent = endpoint !== 'embeddings' && shouldCaptureContent(this.getConfig());
    if (call.captureContent) {
      const max = this.getConfig().maxContentLength;
      if (endpoint === 'chat') {
        call.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.messages, max));
      } else {
        call.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.input, max));
        call.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(params.instructions, max));
      }
    }
    return call;
  }

  /** Watches the APIPromise (without replacing it) and ends the span from its outcome. */
  private _observe(endpoint: Endpoint, params: Params, call: GenAISpan, result: unknown): void {
    if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') {
      call.end();
      return;
    }
    const stream = params.stream === true && endpoint !== 'embeddings';
    // Guarded: a telemetry bug here must never become an unhandled rejection in the app.
    const onValue = (value: unknown): void => {
      const recorded = guard(this._diag, 'recording openai response', (): true => {
        if (stream) this._wrapStream(endpoint, call, value);
        else this._onResult(endpoint, call, value);
        return true;
      });
      if (recorded !== true) call.end();
    };
    const onError = (err: unknown) => call.fail(err);
    const observed = observeApiPromise(
      result,
      {
        onValue,
        onError,
        onUnparsed: (rawBody) => {
          // The caller reads the raw body: no usage for us. Else parse through the promise's
          // own cached parse, which a late `await` of the same promise then shares.
          if (rawBody) call.end();
          else (result as PromiseLike<unknown>).then(undefined, () => {});
        },
      },
      this._diag,
    );
    // Not an APIPromise (a custom transport or a mock): watch it as a plain promise.
    if (!observed) (result as PromiseLike<unknown>).then(onValue, onError);
  }

  private _onResult(endpoint: Endpoint, call: GenAISpan, value: unknown): void {
    if (!isRecord(value)) {
      call.end();
      return;
    }
    const capture = call.captureContent;
    if (endpoint === 'chat') {
      call.setResponse({
        model: value.model,
        id: value.id,
        finishReasons: chatFinishReasons(value.choices),
      });
      call.set(ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER, strOrUndef(value.service_tier));
      setUsage(call, chatUsage(value.usage), value.usage);
      if (capture && Array.isArray(value.choices)) {
        call.set(
          ATTR_GEN_AI_OUTPUT_MESSAGES,
          contentAttribute(
            value.choices.map((c) => (isRecord(c) ? c.message : c)),
            this.getConfig().maxContentLength,
          ),
        );
      }
    } else if (endpoint === 'responses') {
      this._onResponseObject(call, value, capture);
    } else {
      call.setResponse({ model: value.model });
      setUsage(call, embeddingsUsage(value.usage));
    }
    call.end();
  }

  /** A Responses API `Response` object (plain result, or the payload of `response.completed`). */
  private _onResponseObject(call: GenAISpan, response: Params, capture: boolean): void {
    call.setResponse({
      model: response.model,
      id: response.id,
      finishReasons: typeof response.status === 'string' ? [response.status] : undefined,
    });
    call.set(ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER, strOrUndef(response.service_tier));
    setUsage(call, responsesUsage(response.usage), response.usage);
    if (capture) {
      call.set(
        ATTR_GEN_AI_OUTPUT_MESSAGES,
        contentAttribute(responsesOutputText(response.output), this.getConfig().maxContentLength),
      );
    }
  }

  private _wrapStream(endpoint: Endpoint, call: GenAISpan, stream: unknown): void {
    const observer =
      endpoint === 'chat' ? this._chatStreamObserver(call) : this._responsesStreamObserver(call);
    if (!wrapOpenAIStream(stream, call, observer, this._diag)) call.end();
  }

  private _chatStreamObserver(call: GenAISpan): StreamObserver<unknown> {
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
            contentAttribute(
              [{ role: 'assistant', content: text }],
              this.getConfig().maxContentLength,
            ),
          );
        }
      },
    };
  }

  private _responsesStreamObserver(call: GenAISpan): StreamObserver<unknown> {
    const capture = call.captureContent;
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
          this._onResponseObject(call, event.response, capture);
        }
      },
    };
  }
}

function strOrUndef(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Usage, and the openai 7 extras of the raw `usage` object (cache-write split, compute units). */
function setUsage(call: GenAISpan, usage: GenAIUsage | undefined, raw?: unknown): void {
  if (usage) call.setUsage(usage);
  const extra = usageExtraAttributes(raw);
  if (extra) for (const key in extra) call.set(key, extra[key]);
}
