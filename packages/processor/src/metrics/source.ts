import type { MetricKey } from '@ai-margin/conventions';
import type { SeriesPoint } from '../processor/aggregates';

/** Readers of the current cumulative values, one per metric, called at collection time only. */
export type MetricSource = Partial<Record<MetricKey, () => SeriesPoint[]>>;
