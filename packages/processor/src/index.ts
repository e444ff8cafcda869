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
export * from './metrics/catalog';
export { marginMetricViews } from './metrics/views';
export * from './prices/index';
export * from './processor/index';
export * from './reconcile/index';
export * from './revenue/index';
export * from './rules/index';
