/**
 * The span shapes the processor reads, declared structurally instead of imported from an SDK
 * package: the 2.x line ships them in `@opentelemetry/sdk-trace-base`, the 3.x line in
 * `@opentelemetry/sdk-trace` (and has no sdk-trace-base), so importing either one would leave the
 * other line's TypeScript users with an unresolvable module in our `.d.ts`. Both SDKs' spans and
 * `SpanProcessor` interfaces fit these.
 */
import type { Span as ApiSpan, Attributes, Context, HrTime, SpanContext } from '@opentelemetry/api';

/** The fields of the SDK's `ReadableSpan` the processor reads. */
export interface ReadableSpanLike {
  readonly name: string;
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  /** Optional here so that span-like test doubles and odd SDK builds are still read. */
  spanContext?(): SpanContext;
  /** Both lines since sdk-trace-base 2.0 (`parentSpanId` before). */
  readonly parentSpanContext?: SpanContext;
}

/** The SDK's writable span (`Span` of sdk-trace-base 2.x / sdk-trace 3.x): API span + readable. */
export type WritableSpanLike = ApiSpan & ReadableSpanLike;

/** The SDK `SpanProcessor` contract, with the experimental `onEnding` hook (2.3+ and 3.x). */
export interface SpanProcessorLike {
  onStart(span: WritableSpanLike, parentContext: Context): void;
  onEnding?(span: WritableSpanLike): void;
  onEnd(span: ReadableSpanLike): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}
