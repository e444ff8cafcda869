import { LABELS } from '@ai-margin/conventions';
import type { SeriesPoint } from '../processor/aggregates';

/**
 * A fixed monthly cost (vector DB plan, GPU reservation, overhead) exported as
 * `ai_margin_fixed_cost_monthly_usd{pool, allocate_by}`; recording rules allocate it to customers
 * by their share of the driver.
 */
export interface FixedCostPool {
  pool: string;
  monthlyUsd: number;
  /** Driver of the allocation: share of `requests`, `tokens` or `cost`. */
  allocateBy: 'requests' | 'tokens' | 'cost';
}

const DRIVERS = new Set(['requests', 'tokens', 'cost']);

/** Checks pools once at construction; throws an error naming the pool for bad config. */
export function validateFixedCosts(pools: readonly FixedCostPool[]): readonly FixedCostPool[] {
  const seen = new Set<string>();
  pools.forEach((p, i) => {
    const where = `fixedCosts[${i}]`;
    if (!p || typeof p.pool !== 'string' || p.pool === '') {
      throw new Error(`ai-margin: ${where}: "pool" must be a non-empty string`);
    }
    if (seen.has(p.pool)) throw new Error(`ai-margin: ${where}: duplicate pool "${p.pool}"`);
    seen.add(p.pool);
    if (typeof p.monthlyUsd !== 'number' || !Number.isFinite(p.monthlyUsd) || p.monthlyUsd < 0) {
      throw new Error(`ai-margin: ${where} (${p.pool}): "monthlyUsd" must be a finite number >= 0`);
    }
    if (!DRIVERS.has(p.allocateBy)) {
      throw new Error(
        `ai-margin: ${where} (${p.pool}): "allocateBy" must be requests, tokens or cost`,
      );
    }
  });
  return pools;
}

export function fixedCostSeries(pools: readonly FixedCostPool[]): SeriesPoint[] {
  return pools.map((p) => ({
    labels: { [LABELS.pool]: p.pool, [LABELS.allocateBy]: p.allocateBy },
    value: p.monthlyUsd,
  }));
}
