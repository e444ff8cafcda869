/**
 * The price book's internal, lookup-ready form: Maps built once at load, periods sorted with their
 * start instants in a Float64Array for binary search. Nothing here is public API.
 */
import type { PeriodRef, ResolvedPrice } from '../cost/types';
import type { PriceLookup } from './lookup-types';
import type { PriceKey, PricePeriod, ServerTool, ServiceTier } from './types';

/**
 * USD per 1M tokens for every bucket and audio price, with the documented fallbacks already
 * applied; `NaN` where there is no price (audio without an audio price, say).
 */
export type EffectivePrices = Readonly<Record<PriceKey, number>>;

/** USD per call of each server tool; `NaN` where the period names no fee. */
export type ToolFees = Readonly<Record<ServerTool, number>>;

export interface CompiledTier {
  aboveInputTokens: number;
  prices: EffectivePrices;
}

export interface CompiledPeriod {
  fromMs: number;
  /** Exclusive end: explicit `effectiveTo`, else the next period's start, else Infinity. */
  toMs: number;
  resolved: ResolvedPrice;
  /** The lookup answer when there is no discount and no geo prefix (shared, frozen). */
  plainHit: Extract<PriceLookup, { found: true }>;
  prices: EffectivePrices;
  /** Ascending by threshold. */
  tiers: readonly CompiledTier[];
  serviceTiers: Readonly<Partial<Record<Exclude<ServiceTier, 'standard'>, number>>>;
  regionalUplift: number | undefined;
  regionalProcessingUplift: number | undefined;
  toolFees: ToolFees;
}

export interface CompiledModel {
  provider: string;
  id: string;
  aliases: string[];
  /** Validated periods, sorted by start. */
  periods: PricePeriod[];
  /** Filled by `compileModel` once every file is merged. */
  compiled: CompiledPeriod[];
  starts: Float64Array;
}

export interface CompiledMovingAlias {
  alias: string;
  targets: { model: string; effectiveFrom: string; source: string }[];
  starts: Float64Array;
  /** Resolved target models, parallel to `targets`. */
  models: CompiledModel[];
}

export interface DiscountSpan {
  fromMs: number;
  toMs: number;
  percent: number;
}

/** How a requested model id resolves, independent of the instant (cached per id). */
export type Resolution =
  | { kind: 'model'; model: CompiledModel; geo: string | undefined }
  | { kind: 'moving'; alias: CompiledMovingAlias; geo: string | undefined }
  | { kind: 'unknown'; detail: string };

/** Index of the last start <= at, or -1. */
export function lastStartAtOrBefore(starts: Float64Array, at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export function refFor(
  provider: string,
  model: string,
  period: PricePeriod,
  fromMs: number,
  toMs: number,
): PeriodRef {
  const effectiveFrom = new Date(fromMs).toISOString();
  const ref: PeriodRef = {
    id: `${provider}/${model}@${effectiveFrom}`,
    provider,
    model,
    effectiveFrom,
    source: period.source,
  };
  if (Number.isFinite(toMs)) ref.effectiveTo = new Date(toMs).toISOString();
  return ref;
}
