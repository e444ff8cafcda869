import { METRICS, type MetricDefinition, type MetricKey } from '@ai-margin/conventions';
import type {
  BatchObservableCallback,
  BatchObservableResult,
  Meter,
  MeterProvider,
  Observable,
} from '@opentelemetry/api';
import { exportable } from '../processor/amounts';
import type { MetricSource } from './source';

export const METER_NAME = '@ai-margin/processor';

/**
 * Unit given to the OTel instrument. `1` on a gauge makes OTLP->Prometheus naming append
 * `_ratio`; for metrics whose Prometheus name does not end in `_ratio` the unit is left empty so
 * the name stays the catalog's.
 */
export function otelUnit(def: MetricDefinition): string {
  if (def.unit === '1' && !def.promName.endsWith('_ratio')) return '';
  return def.unit;
}

/**
 * Registers one observable instrument per metric of `source` and a single batch callback that
 * reads the aggregates at collection time. Returns a function that unregisters the callback.
 */
export function registerOtelMetrics(
  meterProvider: MeterProvider,
  source: MetricSource,
  version: string,
  onError: (kind: string, err: unknown) => void,
): () => void {
  const meter: Meter = meterProvider.getMeter(METER_NAME, version);
  const entries: Array<[Observable, () => ReturnType<NonNullable<MetricSource[MetricKey]>>]> = [];
  for (const key of Object.keys(source) as MetricKey[]) {
    const read = source[key];
    if (!read) continue;
    const def = METRICS[key];
    const options = { unit: otelUnit(def), description: def.description };
    const instrument =
      def.kind === 'counter'
        ? meter.createObservableCounter(def.otelName, options)
        : meter.createObservableGauge(def.otelName, options);
    entries.push([instrument, read]);
  }
  const callback: BatchObservableCallback = (result: BatchObservableResult) => {
    for (const [instrument, read] of entries) {
      try {
        for (const point of read()) {
          const value = exportable(point.value);
          if (value !== undefined) result.observe(instrument, value, point.labels);
        }
      } catch (err) {
        onError('collect_otel', err);
      }
    }
  };
  const observables = entries.map(([instrument]) => instrument);
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
