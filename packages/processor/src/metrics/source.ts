import type { SeriesPoint } from '../processor/aggregates';
import type { MetricKey } from './catalog';

/** Readers of the current cumulative values, one per metric, called at collection time only. */
export type MetricSource = Partial<Record<MetricKey, () => SeriesPoint[]>>;
