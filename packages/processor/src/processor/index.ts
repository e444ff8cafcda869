export type { SeriesPoint, SpanOutcome } from './aggregates';
export { ATTR_AI_MARGIN_COST_RULE, MarginSpanProcessor } from './margin-span-processor';
export { normalizeProvider } from './providers';
export { type GenAiCall, readGenAiCall } from './span-reader';
export type { ReadableSpanLike, SpanProcessorLike, WritableSpanLike } from './span-types';
