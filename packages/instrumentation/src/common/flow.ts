/**
 * The one call flow every provider runs through (its mapping code is a {@link ProviderExtension}):
 * 1. `requestPreSpanHook` -> start the CLIENT span as a child of the active context (input
 *    content when capture is on); a hook failure leaves the call untraced, never broken;
 * 2. call the SDK method inside the span's context; a synchronous throw fails the span;
 * 3. the return value: `observe` hands the SDK's own object back (an `APIPromise` keeps
 *    `.withResponse()`) and watches it on the side; `chain` returns `Promise.resolve(result)
 *    .then(...)`; a non-promise result ends the span in `observe` mode;
 * 4. the value: a stream gets the provider's observer attached (the shared stream wrappers end
 *    the span exactly once), anything else goes to `responseHook` and the span ends; errors ->
 *    `error.type` via {@link GenAISpan.fail}. Telemetry failures are logged, never thrown.
 */
import { context, type DiagLogger, type Tracer } from '@opentelemetry/api';
import { type GenAIInstrumentationConfig, shouldCaptureContent } from './config';
import type { ProviderExtension, RequestMetadata, SdkCall, SettleHandlers } from './extension';
import type { GenAIMetrics } from './metrics';
import { markOwnWrapper } from './module';
import { type GenAISpan, startGenAISpan } from './span';

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** What the flow reads from the instrumentation that runs it (read at each call). */
export interface FlowHost<C extends GenAIInstrumentationConfig> {
  readonly tracer: Tracer;
  readonly metrics: GenAIMetrics | undefined;
  readonly diag: DiagLogger;
  readonly config: C;
  isEnabled(): boolean;
}

/** One traced call in flight. */
interface Traced<C extends GenAIInstrumentationConfig, R> {
  host: FlowHost<C>;
  ext: ProviderExtension<C, R>;
  span: GenAISpan;
  meta: RequestMetadata<R>;
  config: C;
}

function defaultInvoke(original: AnyFn, self: unknown, args: unknown[]): unknown {
  return original.apply(self, args);
}

/** Step 1, guarded: the span, or undefined for an untraced call. */
function start<C extends GenAIInstrumentationConfig, R>(
  host: FlowHost<C>,
  ext: ProviderExtension<C, R>,
  call: SdkCall<C>,
): Traced<C, R> | undefined {
  try {
    const meta = ext.requestPreSpanHook(call);
    if (!meta) return undefined;
    const span = startGenAISpan(host.tracer, meta.span, host.metrics, host.diag);
    span.captureContent = meta.captureContent !== false && shouldCaptureContent(call.config);
    if (span.captureContent) ext.captureRequest?.(span, meta.request, call);
    return { host, ext, span, meta, config: call.config };
  } catch (err) {
    host.diag.error(`could not start ${ext.name} span`, err);
    return undefined;
  }
}

/** Step 4: records a value and returns what the caller gets (a wrapped stream, or the value). */
function settle<C extends GenAIInstrumentationConfig, R>(t: Traced<C, R>, value: unknown): unknown {
  const { ext, span, meta } = t;
  try {
    if (meta.stream && ext.stream) {
      const observer = ext.stream.observer(span, meta.request, t.config);
      const attached = ext.stream.attach(value, span, observer, meta.request, t.host.diag);
      if (attached !== undefined) return attached;
    } else {
      ext.responseHook(span, value, meta.request, t.config);
    }
  } catch (err) {
    t.host.diag.error(`recording ${ext.name} response failed`, err);
  }
  // A telemetry bug must not leave the span open: end it with what it has (no-op when ended).
  span.end();
  return value;
}

function fail<C extends GenAIInstrumentationConfig, R>(t: Traced<C, R>, err: unknown): void {
  t.span.fail(t.ext.errorForSpan ? t.ext.errorForSpan(err) : err);
}

/** Step 3, `observe` mode: watch the result, hand it back unchanged. */
function observe<C extends GenAIInstrumentationConfig, R>(t: Traced<C, R>, result: unknown): void {
  if (!result || typeof (result as PromiseLike<unknown>).then !== 'function') {
    t.span.end();
    return;
  }
  const handlers: SettleHandlers = {
    onValue: (value) => {
      settle(t, value);
    },
    onError: (err) => fail(t, err),
  };
  let observed = false;
  try {
    observed = t.ext.observe?.(result, handlers, t.span, t.host.diag) === true;
  } catch (err) {
    t.host.diag.error(`watching the ${t.ext.name} result failed`, err);
  }
  if (!observed) (result as PromiseLike<unknown>).then(handlers.onValue, handlers.onError);
}

/** Step 3, `chain` mode: the caller gets a promise of the recorded (maybe wrapped) value. */
function chain<C extends GenAIInstrumentationConfig, R>(
  t: Traced<C, R>,
  result: unknown,
): Promise<unknown> {
  return Promise.resolve(result).then(
    (value) => settle(t, value),
    (err: unknown) => {
      fail(t, err);
      throw err;
    },
  );
}

/**
 * Wraps an SDK method so that every call runs the shared flow with `ext`'s hooks (see the file
 * comment). The wrapper is tagged as ai-margin's own (see `markOwnWrapper`).
 */
export function tracedMethod<C extends GenAIInstrumentationConfig, R>(
  host: FlowHost<C>,
  ext: ProviderExtension<C, R>,
  original: AnyFn,
): AnyFn {
  const invoke = ext.invoke ?? defaultInvoke;
  return markOwnWrapper(function traced(this: unknown, ...args: unknown[]) {
    if (!host.isEnabled()) return original.apply(this, args);
    const t = start(host, ext, { self: this, args, config: host.config });
    if (!t) return original.apply(this, args);
    let result: unknown;
    try {
      result = context.with(t.span.context, invoke, ext, original, this, t.meta.args ?? args);
    } catch (err) {
      t.span.fail(err);
      throw err;
    }
    if (ext.resultMode === 'chain') return chain(t, result);
    observe(t, result);
    return result;
  });
}
