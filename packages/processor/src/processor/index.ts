export { ATTR_AI_MARGIN_COST_RULE, MarginSpanProcessor } from './margin-span-processor';
export type { ReadableSpanLike, SpanProcessorLike, WritableSpanLike } from './span-types';
