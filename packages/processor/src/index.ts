// What a user of the span processor needs. Metric and attribute names: @ai-margin/conventions.
// The price importer (a tool for `ai-margin prices import`): @ai-margin/processor/price-import.
export type {
  AttributeKeys,
  CardinalityLimits,
  MarginSpanProcessorConfig,
  PromRegistryLike,
  PseudonymizeOptions,
} from './config';
export { DEFAULTS as PROCESSOR_DEFAULTS } from './config';
export * from './cost/types';
export * from './customers/index';
export {
  type DuplicateKey,
  type JsonDocuments,
  JsonTextError,
  type ParseJsonOptions,
  parseJsonDocuments,
} from './json/json-text';
export { marginMetricViews } from './metrics/views';
export * from './prices/index';
// The per-line bound of every USD amount; reconciliation checks report lines against it too.
export { MAX_AMOUNT_USD } from './processor/amounts';
export * from './processor/index';
export * from './revenue/index';
export * from './rules/index';
