import type { BucketUsage } from '@ai-margin/processor';

/** Token counts per price bucket: the given ones, zero elsewhere. */
export function buckets(partial: Partial<BucketUsage> = {}): BucketUsage {
  return {
    input: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWrite30m: 0,
    cacheWrite12h: 0,
    output: 0,
    reasoning: 0,
    ...partial,
  };
}
