// The catalog names straight from @ai-margin/conventions, not via ./metrics/catalog: a bundler
// cannot list the names of an external `export *` nested in a bundled module, so the built
// index would lose them.
export * from '@ai-margin/conventions';
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
