import { OVERFLOW_CUSTOMER, type OVERFLOW_METRIC } from '@ai-margin/conventions';
import type { LabelValues } from './label-values';

/** `metric` label value of the overflow counter. */
export type OverflowMetric = (typeof OVERFLOW_METRIC)[keyof typeof OVERFLOW_METRIC];

/**
 * Admits up to `cap` distinct values of one label, normalised for Prometheus (see
 * {@link LabelValues}); later new values become {@link OVERFLOW_CUSTOMER} and are counted. Only
 * normalised values are kept, so memory is bounded by `cap` x the label length limit.
 */
export class LabelGuard {
  private readonly seen = new Set<string>();
  /** The last raw value admitted as itself, and its label value (admitted values stay admitted). */
  private lastRaw: string | undefined;
  private lastOut = '';

  constructor(
    private readonly cap: number,
    private readonly dimension: OverflowMetric,
    private readonly values: LabelValues,
    private readonly onOverflow: (dimension: OverflowMetric) => void,
  ) {}

  admit(value: string): string {
    if (value === this.lastRaw) return this.lastOut;
    const v = this.values.normalize(this.dimension, value);
    if (!this.seen.has(v)) {
      if (this.seen.size >= this.cap) {
        this.onOverflow(this.dimension);
        return OVERFLOW_CUSTOMER;
      }
      this.seen.add(v);
    }
    this.lastRaw = value;
    this.lastOut = v;
    return v;
  }

  get size(): number {
    return this.seen.size;
  }
}
