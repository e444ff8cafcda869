export { priceCall } from '../cost/engine';
export type { NormalizeResult } from '../cost/normalize';
export { normalizeUsage } from '../cost/normalize';
export * from '../cost/types';
export type { PriceFileErrorLocation } from './errors';
export { PriceFileError } from './errors';
export type {
  MovingAliasEntry,
  PriceBookEntry,
  PriceBookLoadOptions,
  PriceLookup,
} from './lookup-types';
export { PriceBook } from './price-book';
export type {
  PriceBookInfo,
  PriceBookMetricPoint,
  PriceBookMetricSource,
  ReloadingPriceBookOptions,
  ReloadOutcome,
  ReloadStats,
} from './reloading-price-book';
export { ReloadingPriceBook } from './reloading-price-book';
export { parseInstant } from './time';
export * from './types';
