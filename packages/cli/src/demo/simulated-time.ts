/**
 * Simulated time for spans. The demo replays six months in seconds, so every span must start at
 * the simulated instant of its call (the processor prices a call at its span's start time).
 * The instrumentations take their tracer from the TracerProvider they are given; this provider
 * wraps the real one and starts each span at the instant the active context carries
 * ({@link withSimulatedTime}), ending it after the real elapsed time.
 */
import {
  type Context,
  context,
  createContextKey,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

const SIMULATED_TIME = createContextKey('@ai-margin/cli demo simulated time');

/** Runs `fn` with `at` (epoch ms) as the start time of every span started inside. */
export function withSimulatedTime<R>(at: number, fn: () => R): R {
  return context.with(context.active().setValue(SIMULATED_TIME, at), fn);
}

class SimulatedTimeTracer implements Tracer {
  constructor(private readonly inner: Tracer) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const at = ctx.getValue(SIMULATED_TIME);
    if (typeof at !== 'number' || options.startTime !== undefined) {
      return this.inner.startSpan(name, options, ctx);
    }
    const span = this.inner.startSpan(name, { ...options, startTime: new Date(at) }, ctx);
    const realStart = performance.now();
    const end = span.end.bind(span);
    span.end = (endTime) => end(endTime ?? new Date(at + (performance.now() - realStart)));
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> {
    const fn = (c ?? (typeof b === 'function' ? b : a)) as F;
    const options = typeof a === 'object' ? a : {};
    const ctx = typeof b === 'object' ? b : context.active();
    const span = this.startSpan(name, options, ctx);
    return context.with(trace.setSpan(ctx, span), () => fn(span)) as ReturnType<F>;
  }
}

/** A TracerProvider whose tracers honour {@link withSimulatedTime}. */
export class SimulatedTimeTracerProvider implements TracerProvider {
  constructor(private readonly inner: TracerProvider) {}

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    return new SimulatedTimeTracer(this.inner.getTracer(name, version, options));
  }
}
