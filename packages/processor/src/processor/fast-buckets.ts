import { ABSENT, emptyBucketUsage, fillBuckets } from '../cost/normalize';
import type { BucketUsage } from '../cost/types';
import type { CallReading } from './span-reader';

/** A reusable bucket object, filled in place by {@link fastBuckets}. */
export const emptyBuckets: () => BucketUsage = emptyBucketUsage;

/** A `RawUsage` count as a reading holds it: -1 (absent) or a non-negative integer. */
function isCount(v: number): boolean {
  return v === ABSENT || (Number.isInteger(v) && v >= 0);
}

/**
 * The span path's allocation-free `normalizeUsage`: the same validation without messages, then
 * the same mapping (`fillBuckets`) into `out`. Returns `true` exactly when `normalizeUsage` would
 * succeed; on `false` (missing, invalid or inconsistent counts, unknown convention) the caller
 * asks `normalizeUsage` for the reason.
 */
export function fastBuckets(c: CallReading, out: BucketUsage): boolean {
  if (
    (c.inputTokens === ABSENT && c.outputTokens === ABSENT) ||
    !isCount(c.inputTokens) ||
    !isCount(c.outputTokens) ||
    !isCount(c.cacheReadTokens) ||
    !isCount(c.cacheWriteTokens) ||
    !isCount(c.cacheWrite5mTokens) ||
    !isCount(c.cacheWrite1hTokens) ||
    !isCount(c.reasoningTokens)
  ) {
    return false;
  }
  return (
    fillBuckets(
      c.convention,
      c.inputTokens,
      c.outputTokens,
      c.cacheReadTokens,
      c.cacheWriteTokens,
      c.cacheWrite5mTokens,
      c.cacheWrite1hTokens,
      c.reasoningTokens,
      out,
    ) === undefined
  );
}
