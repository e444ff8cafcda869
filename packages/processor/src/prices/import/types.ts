/**
 * Shared shapes of the price importer: a dataset is first turned into `SourceModel`s (one file
 * per dataset format), then `buildBook` merges them with our current book and our overrides.
 * Everything here is pure data: no I/O.
 */
import type { BucketPrices, PricePeriod, PriceTier, ServiceTier } from '../types';

export type DatasetName = 'genai-prices' | 'litellm';

/** One price period as a dataset states it; `start` is missing for a dataset's launch price. */
export interface SourcePeriod {
  start?: string;
  prices: BucketPrices;
  tiers?: PriceTier[];
  serviceTiers?: Partial<Record<Exclude<ServiceTier, 'standard'>, number>>;
  regionalUplift?: number;
  /** Per-call server-tool fees, USD per 1,000 calls. */
  toolFees?: PricePeriod['toolFees'];
}

/** One model of one dataset, already in our units (USD per 1M tokens) and our provider names. */
export interface SourceModel {
  /** Our provider name (`openai`, `anthropic`, `gcp.gemini`, `aws.bedrock`). */
  provider: string;
  /** The dataset's id for the model (the key to name it in overrides). */
  datasetId: string;
  /** The id we would price it under. */
  id: string;
  /** Exact ids the dataset's match rules name (equals, starts_with prefixes, literal regexes). */
  aliases: string[];
  /** Match rules that name many ids (real regexes, `contains`): not expanded, reported. */
  patterns: string[];
  periods: SourcePeriod[];
  /** A launch date the dataset itself states (a dated snapshot id), with how it was found. */
  launch?: { date: string; how: string };
  /** Prices the dataset has that our format cannot hold (audio tokens, per-call fees, ...). */
  features: string[];
  /** Retirement (deprecation) date the dataset states. */
  retiredOn?: string;
  /** Where in the dataset this entry is (for `source` fields and conflict reports). */
  where: string;
  /** Dataset's free text about the price, if any. */
  comment?: string;
}

export interface SourceSet {
  dataset: DatasetName;
  /** Commit id, URL or file name the data was read from. */
  ref: string;
  models: SourceModel[];
  /** Entries skipped while reading, with why (not conflicts: no price decision is involved). */
  skipped: string[];
}

export type ConflictKind =
  | 'no launch date'
  | 'price differs'
  | 'service tier differs'
  | 'regional uplift differs'
  | 'uplift not uniform'
  | 'period missing'
  | 'alias collision'
  | 'retirement differs';

/** A disagreement the importer did not settle on its own; both values are shown. */
export interface Conflict {
  kind: ConflictKind;
  provider: string;
  model: string;
  /** Bucket, tier or field the values belong to (`input`, `tiers[200000].output`, `batch`). */
  bucket?: string;
  /** The effective date the compared values belong to, when dated. */
  at?: string;
  /** Each side: where it comes from and its value (`undefined` = that side has none). */
  values: { source: string; value: number | string | undefined }[];
  /** What the importer did (kept ours, skipped the model, ...). */
  resolution: string;
}

/** Features a model's prices have that the book format cannot express yet, per model. */
export interface FeatureGap {
  provider: string;
  model: string;
  features: string[];
}
