/**
 * Query helpers for the end-to-end tests, on the shared client of @ai-margin/dashboards (the one
 * `ai-margin report` and reconciliation use), in the `{metric, value}` shape the tests compare.
 */
import { prometheusClient } from '@ai-margin/dashboards';

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

/**
 * Instant query; scalars come back as one sample without labels. `noCache` for data imported
 * with old timestamps (VictoriaMetrics). Throws on any API error, naming URL and query.
 */
export async function instantQuery(
  base: string,
  query: string,
  timeSec?: number,
  options: { noCache?: boolean } = {},
): Promise<Sample[]> {
  const samples = await prometheusClient({ url: base, ...options }).instant(query, timeSec);
  return samples.map((s) => ({ metric: { ...s.labels }, value: s.value }));
}

/** Range query. Throws on any API error, naming URL and query. */
export async function rangeQuery(
  base: string,
  query: string,
  startSec: number,
  endSec: number,
  stepSec: number,
): Promise<RangeSeries[]> {
  const series = await prometheusClient({ url: base }).range(query, startSec, endSec, stepSec);
  return series.map((s) => ({
    metric: { ...s.labels },
    values: s.values.map(([t, v]) => [t, v] as [number, number]),
  }));
}

/** `{a="1",b="2"}` -> `1|2` over the given label names, for keyed comparisons. */
export function keyOf(metric: Record<string, string>, labels: readonly string[]): string {
  return labels.map((l) => metric[l] ?? '').join('|');
}

/** Samples as a map keyed by `keyOf(labels)`. Throws on duplicate keys (an unexpected split). */
export function byKey(samples: Sample[], labels: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const k = keyOf(s.metric, labels);
    if (out.has(k)) throw new Error(`duplicate series for ${k}: ${JSON.stringify(samples)}`);
    out.set(k, s.value);
  }
  return out;
}
