/**
 * Largest USD amount accepted from one event: a span's cost (priced, external or by a cost rule),
 * one revenue rule result or one `recordRevenue` event. Far above any real call or invoice line,
 * and small enough that no sum of such amounts can reach `+Inf` (that would take 1e299 events).
 */
export const MAX_AMOUNT_USD = 1e9;

/** A USD amount the aggregates accept: finite, >= 0, at most {@link MAX_AMOUNT_USD}. */
export function isAmount(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= MAX_AMOUNT_USD; // NaN fails both tests
}

/**
 * The value to export for a cumulative sum: `+Inf` saturates at the largest finite double, NaN is
 * left out (`undefined`). Only reached if an amount check above was bypassed; exporters never see
 * a non-finite number.
 */
export function exportable(v: number): number | undefined {
  if (v <= Number.MAX_VALUE && v >= -Number.MAX_VALUE) return v;
  if (v > 0) return Number.MAX_VALUE;
  if (v < 0) return -Number.MAX_VALUE;
  return undefined;
}
