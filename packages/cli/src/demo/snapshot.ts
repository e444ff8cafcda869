/**
 * Metric snapshots: what a Prometheus scrape at the end of each simulated month would store.
 * Read from the prom-client registry the processor registered its metrics in, so the report is
 * built from the real metrics, not from the scenario.
 */
// Conventions from the catalog entry: the built index does not re-export them.
import { LABELS, METRICS, type MetricDefinition } from '@ai-margin/processor/catalog';

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface Snapshot {
  /** Simulated month `YYYY-MM` at whose end the snapshot was taken. */
  month: string;
  /** Samples by Prometheus series name. */
  series: ReadonlyMap<string, readonly Sample[]>;
}

/** The part of a prom-client `Registry` read here. */
export interface MetricsJsonSource {
  getMetricsAsJSON(): Promise<unknown[]> | unknown[];
}

interface PromMetricJson {
  name: string;
  values?: { labels?: Record<string, string | number>; value: number; metricName?: string }[];
}

/** Collects the registry once and keeps every ai-margin series. */
export async function takeSnapshot(registry: MetricsJsonSource, month: string): Promise<Snapshot> {
  const metrics = (await registry.getMetricsAsJSON()) as PromMetricJson[];
  const series = new Map<string, Sample[]>();
  for (const m of metrics) {
    if (!m || typeof m.name !== 'string' || !m.name.startsWith('ai_margin')) continue;
    const out: Sample[] = [];
    for (const v of m.values ?? []) {
      if (typeof v.value !== 'number' || !Number.isFinite(v.value)) continue;
      const labels: Record<string, string> = {};
      for (const [k, val] of Object.entries(v.labels ?? {})) labels[k] = String(val);
      out.push({ labels, value: v.value });
    }
    // prom-client reports counters under the name they were registered with; accept both
    // spellings so the report does not depend on whether `_total` was part of it.
    series.set(m.name, out);
    if (!m.name.endsWith('_total')) series.set(`${m.name}_total`, out);
  }
  return { month, series };
}

/** Samples of one catalog metric (empty if the metric is absent). */
export function samplesOf(snapshot: Snapshot, def: MetricDefinition): readonly Sample[] {
  return (
    snapshot.series.get(def.promName) ??
    snapshot.series.get(def.promName.replace(/_total$/, '')) ??
    []
  );
}

/** Sum of `def` per value of `label` (other labels summed out). */
export function sumBy(
  snapshot: Snapshot,
  def: MetricDefinition,
  label: string,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samplesOf(snapshot, def)) {
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

export { LABELS, METRICS };
