import { METRICS } from '@ai-margin/conventions';

/**
 * View options (structurally `ViewOptions` of `@opentelemetry/sdk-metrics`) that raise the SDK's
 * per-metric cardinality limit (default 2000 attribute sets) for ai-margin's metrics, so the
 * processor's own cap (`maxCustomers`, default 10,000) is the one that applies:
 *
 * ```ts
 * new NodeSDK({ views: marginMetricViews(), ... })
 * ```
 */
export function marginMetricViews(
  aggregationCardinalityLimit = 200_000,
): Array<{ instrumentName: string; aggregationCardinalityLimit: number }> {
  return Object.values(METRICS).map((def) => ({
    instrumentName: def.otelName,
    aggregationCardinalityLimit,
  }));
}
