/**
 * The contract between the shared call flow (./flow) and one provider: a
 * {@link ProviderExtension} maps a request to span attributes, a response to usage and response
 * attributes, and a stream's chunks to an accumulation; the flow does the rest (span in the right
 * context, calling the SDK, promise / APIPromise handling, streams ending exactly once, errors,
 * never throwing into user code). Modelled on opentelemetry-js-contrib's aws-sdk `ServiceExtension`
 * (`requestPreSpanHook` -> `responseHook`). Adding a provider = one folder implementing this.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { GenAIInstrumentationConfig } from './config';
import type { GenAISpan, GenAISpanStart } from './span';
import type { StreamObserver } from './stream';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** One intercepted SDK call, as the hooks see it. */
export interface SdkCall<C extends GenAIInstrumentationConfig> {
  /** The `this` of the SDK method (a resource such as `Completions`, or a client). */
  readonly self: unknown;
  /** The arguments the caller passed (the first one is usually the request parameters). */
  readonly args: unknown[];
  /** The instrumentation's configuration at call time. */
  readonly config: C;
}

/** What {@link ProviderExtension.requestPreSpanHook} returns for a call to trace. */
export interface RequestMetadata<R> {
  /** Span name parts and start attributes (sampling-relevant ones are set at start). */
  span: GenAISpanStart;
  /** Provider state handed to the later hooks (the endpoint, the parsed request, ...). */
  request: R;
  /** True when the response is a stream: {@link ProviderExtension.stream} handles it. */
  stream: boolean;
  /** Content capture for this call; false turns it off (e.g. embeddings). Default: the config. */
  captureContent?: boolean;
  /** Replacement arguments for the SDK call (e.g. an added `stream_options`). */
  args?: unknown[];
}

/** Watches a returned promise-like without replacing it (see {@link ProviderExtension.observe}). */
export interface SettleHandlers {
  onValue(value: unknown): void;
  onError(err: unknown): void;
}

/** How a provider's streamed responses are read. */
export interface StreamExtension<C extends GenAIInstrumentationConfig, R> {
  /** A fresh accumulator for one stream: each chunk -> usage, response attributes, content. */
  observer(span: GenAISpan, request: R, config: C): StreamObserver<unknown>;
  /**
   * Hooks `observer` into the SDK's stream value (in place, or by wrapping it) and returns what
   * the caller gets; `undefined` when there was nothing to wrap (the flow then ends the span).
   */
  attach(
    value: unknown,
    span: GenAISpan,
    observer: StreamObserver<unknown>,
    request: R,
    diag: DiagLogger,
  ): unknown;
}

/** One provider's mapping code, run by the shared flow (./flow). */
export interface ProviderExtension<C extends GenAIInstrumentationConfig, R> {
  /** Short name for diagnostics (`openai`, `Bedrock`). */
  readonly name: string;
  /**
   * `observe`: the SDK's return value is handed back untouched (an `APIPromise` keeps
   * `.withResponse()`) and watched on the side; `chain`: the caller gets
   * `Promise.resolve(result).then(...)`, which resolves to what {@link StreamExtension.attach}
   * returns for a stream (the SDK's response otherwise).
   */
  readonly resultMode: 'observe' | 'chain';
  /** Request -> span start; `undefined` leaves the call untraced (passed straight through). */
  requestPreSpanHook(call: SdkCall<C>): RequestMetadata<R> | undefined;
  /** Sets input content attributes; called only when content capture is on for the call. */
  captureRequest?(span: GenAISpan, request: R, call: SdkCall<C>): void;
  /** Runs the SDK method (already in the span's context); default `original.apply(self, args)`. */
  invoke?(original: AnyFn, self: unknown, args: unknown[]): unknown;
  /**
   * `observe` mode: watches a promise-like result in the SDK's own way (e.g. where an openai
   * `APIPromise` parses); false -> the flow watches it with a plain `.then`.
   */
  observe?(result: unknown, handlers: SettleHandlers, span: GenAISpan, diag: DiagLogger): boolean;
  /** A complete (non-stream) response -> response attributes, usage, content. The flow ends the span. */
  responseHook(span: GenAISpan, response: unknown, request: R, config: C): void;
  /** Streams; without it a `stream: true` call is read by {@link responseHook}. */
  readonly stream?: StreamExtension<C, R>;
  /** The error to record on the span (the caller still gets the original); default itself. */
  errorForSpan?(err: unknown): unknown;
}
