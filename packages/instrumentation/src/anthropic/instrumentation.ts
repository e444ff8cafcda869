/**
 * OpenTelemetry instrumentation of `@anthropic-ai/sdk` (>=0.30 <2): `messages.create` (plain
 * and streaming), `messages.stream()` (which calls `create` with `stream: true`), and the same
 * on `beta.messages`. Returns the SDK's own `APIPromise` / `Stream` / `MessageStream`; for
 * streams only the `Stream`'s private `iterator` factory is wrapped, so the span ends exactly
 * once when the stream is drained, broken off, aborted or fails. See {@link AnthropicBuiltInTracing}
 * for how this coexists with the SDK's own tracing.
 */
import { context } from '@opentelemetry/api';
import { contentAttribute, shouldCaptureContent } from '../common/config';
import { GenAIInstrumentationBase } from '../common/instrumentation';
import { exportOf, isOwnWrapper, isRecord, markOwnWrapper, prototypeOf } from '../common/module';
import { type GenAISpan, guard, serverAttributes, startGenAISpan } from '../common/span';
import { type StreamObserver, streamAbortedCheck, wrapSdkStream } from '../common/stream';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '../semconv';
import {
  ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER,
  anthropicUsage,
  requestAttributes,
} from './attributes';
import { ANTHROPIC_SUPPORTED_VERSIONS, type AnthropicInstrumentationConfig } from './types';

type AnyFn = (...args: unknown[]) => unknown;
type Params = Record<string, unknown>;
/** The part of an SDK client this instrumentation reads (`_tracer` exists in 1.x only). */
type ClientLike = { baseURL?: unknown; _tracer?: unknown };

/** `Messages` prototypes of a module: `Anthropic.Messages` and `Anthropic.Beta.Messages`. */
function messagesPrototypes(moduleExports: unknown): Params[] {
  const Anthropic = exportOf(moduleExports, 'Anthropic') ?? exportOf(moduleExports, 'default');
  const out: Params[] = [];
  const messages = prototypeOf(Anthropic, 'Messages');
  if (messages) out.push(messages);
  const beta =
    typeof Anthropic === 'function' || isRecord(Anthropic) ? (Anthropic as Params).Beta : undefined;
  const betaMessages = prototypeOf(beta, 'Messages');
  if (betaMessages && betaMessages !== messages) out.push(betaMessages);
  return out;
}

export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(config);
  }

  protected get moduleName(): string {
    return '@anthropic-ai/sdk';
  }

  protected get supportedVersions(): string[] {
    return ANTHROPIC_SUPPORTED_VERSIONS;
  }

  protected patchModule(moduleExports: unknown): void {
    const protos = messagesPrototypes(moduleExports);
    if (protos.length === 0) this._diag.warn('@anthropic-ai/sdk module has no Messages to patch');
    for (const proto of protos) {
      // `_wrap` replaces whatever wrapper is there (OTel convention: the last patch wins).
      this._wrap(proto, 'create', (original) => this._patchedCreate(original as AnyFn));
      if (typeof proto.stream === 'function') {
        this._wrap(proto, 'stream', (original) => this._patchedStream(original as AnyFn));
      }
    }
  }

  protected unpatchModule(moduleExports: unknown): void {
    for (const proto of messagesPrototypes(moduleExports)) {
      // Only our own wrapper: never strip one that another tool installed over or instead of ours.
      if (isOwnWrapper(proto.create)) this._unwrap(proto, 'create');
      if (isOwnWrapper(proto.stream)) this._unwrap(proto, 'stream');
    }
  }

  private _mode() {
    return this.getConfig().builtInTracing ?? 'suppress';
  }

  /**
   * Runs `fn` with the client's built-in tracer switched off (mode `suppress`). The SDK reads
   * `client._tracer` only synchronously inside `create()`/`stream()` (to start its span and pick
   * the traced request path); after that its span travels in the request options, so restoring
   * the field right after the synchronous call is enough and concurrent calls are unaffected.
   */
  private _withoutBuiltInTracing<T>(client: ClientLike | undefined, fn: () => T): T {
    if (!client?._tracer || this._mode() !== 'suppress') return fn();
    const saved = client._tracer;
    client._tracer = undefined;
    try {
      return fn();
    } finally {
      client._tracer = saved;
    }
  }

  private _patchedStream(original: AnyFn): AnyFn {
    const self = this;
    return markOwnWrapper(function patchedStream(this: unknown, ...args: unknown[]) {
      if (!self.isEnabled()) return original.apply(this, args);
      const client = isRecord(this) ? (this._client as ClientLike | undefined) : undefined;
      // The span itself comes from the create() call that stream() makes.
      return self._withoutBuiltInTracing(client, () => original.apply(this, args));
    });
  }

  private _patchedCreate(original: AnyFn): AnyFn {
    const self = this;
    return markOwnWrapper(function patchedCreate(this: unknown, ...args: unknown[]) {
      const params = args[0];
      const client = isRecord(this) ? (this._client as ClientLike | undefined) : undefined;
      if (!self.isEnabled() || !isRecord(params)) return original.apply(this, args);
      // `defer`: a client that traces itself keeps its own span and gets none from us.
      if (self._mode() === 'defer' && client?._tracer) return original.apply(this, args);
      let call: GenAISpan;
      try {
        call = self._startSpan(params, client);
      } catch (err) {
        self._diag.error('could not start anthropic span', err);
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = context.with(call.context, () =>
          self._withoutBuiltInTracing(client, () => original.apply(this, args)),
        );
      } catch (err) {
        call.fail(err);
        throw err;
      }
      self._observe(params, call, result);
      return result;
    });
  }

  private _startSpan(params: Params, client: ClientLike | undefined): GenAISpan {
    const call = startGenAISpan(
      this.tracer,
      {
        operation: GEN_AI_OPERATION.chat,
        provider: GEN_AI_PROVIDER.anthropic,
        requestModel: typeof params.model === 'string' ? params.model : undefined,
        ...serverAttributes(client?.baseURL),
        attributes: requestAttributes(params),
      },
      this.genAIMetrics,
      this._diag,
    );
    call.captureContent = shouldCaptureContent(this.getConfig());
    if (call.captureContent) {
      const max = this.getConfig().maxContentLength;
      call.set(ATTR_GEN_AI_INPUT_MESSAGES, contentAttribute(params.messages, max));
      call.set(ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, contentAttribute(params.system, max));
    }
    return call;
  }

  private _observe(params: Params, call: GenAISpan, result: unknown): void {
    if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') {
      call.end();
      return;
    }
    // Guarded: a telemetry bug here must never become an unhandled rejection in the app.
    const onValue = (value: unknown): true => {
      if (params.stream === true) this._wrapStream(call, value);
      else this._onMessage(call, value);
      return true;
    };
    (result as PromiseLike<unknown>).then(
      (value) => {
        if (guard(this._diag, 'recording anthropic response', () => onValue(value)) !== true) {
          call.end();
        }
      },
      (err: unknown) => call.fail(err),
    );
  }

  private _onMessage(call: GenAISpan, message: unknown): void {
    if (!isRecord(message)) {
      call.end();
      return;
    }
    call.setResponse({
      model: message.model,
      id: message.id,
      finishReasons: typeof message.stop_reason === 'string' ? [message.stop_reason] : undefined,
    });
    const usage = isRecord(message.usage) ? message.usage : undefined;
    if (typeof usage?.service_tier === 'string') {
      call.set(ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER, usage.service_tier);
    }
    const u = anthropicUsage(usage);
    if (u) call.setUsage(u);
    if (call.captureContent) {
      call.set(
        ATTR_GEN_AI_OUTPUT_MESSAGES,
        contentAttribute(
          [{ role: 'assistant', content: message.content }],
          this.getConfig().maxContentLength,
        ),
      );
    }
    call.end();
  }

  private _wrapStream(call: GenAISpan, stream: unknown): void {
    const observer = { ...this._streamObserver(call), isAborted: streamAbortedCheck(stream) };
    if (!wrapSdkStream(stream, call, observer, this._diag)) call.end();
  }

  private _streamObserver(call: GenAISpan): StreamObserver<unknown> {
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
            contentAttribute(
              [{ role: 'assistant', content: text }],
              this.getConfig().maxContentLength,
            ),
          );
        }
      },
    };
  }
}
