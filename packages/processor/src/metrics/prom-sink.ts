import { METRICS, type MetricKey } from '@ai-margin/conventions';
import type { PromRegistryLike } from '../config';
import { exportable } from '../processor/amounts';
import type { MetricSource } from './source';

const OURS = Symbol.for('@ai-margin/processor.prom-metric');

/**
 * A prom-client metric object that reads the aggregates when the registry is scraped. prom-client
 * accepts any object with `name`, `help`, `type`, `get()` and `reset()` in `registerMetric`, so
 * the processor needs no runtime dependency on prom-client. The exposition carries
 * `# TYPE <name> counter|gauge` as for prom-client's own classes.
 */
class CollectedMetric {
  readonly [OURS] = true;
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** How prom-client's cluster AggregatorRegistry merges workers. */
  readonly aggregator: 'sum' | 'first';

  constructor(
    key: MetricKey,
    private readonly read: NonNullable<MetricSource[MetricKey]>,
    private readonly onError: (kind: string, err: unknown) => void,
  ) {
    const def = METRICS[key];
    this.name = def.promName;
    this.help = def.description;
    this.type = def.kind;
    this.aggregator = def.kind === 'counter' ? 'sum' : 'first';
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Array<{ labels: Record<string, string>; value: number }>;
  }> {
    let values: Array<{ labels: Record<string, string>; value: number }> = [];
    try {
      for (const p of this.read()) {
        const value = exportable(p.value);
        if (value !== undefined) values.push({ labels: p.labels, value });
      }
    } catch (err) {
      values = [];
      this.onError('collect_prom', err);
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  /** Values are cumulative aggregates owned by the processor: `registry.resetMetrics()` keeps them. */
  reset(): void {}
}

/**
 * Registers one collected metric per metric of `source` in a prom-client registry. A metric of the
 * same name registered by an earlier ai-margin processor is replaced; one registered by someone
 * else makes registration fail (reported through `onError`).
 */
export function registerPromMetrics(
  registry: PromRegistryLike,
  source: MetricSource,
  onError: (kind: string, err: unknown) => void,
): void {
  const withGet = registry as PromRegistryLike & { getSingleMetric?: (name: string) => unknown };
  for (const key of Object.keys(source) as MetricKey[]) {
    const read = source[key];
    if (!read) continue;
    const metric = new CollectedMetric(key, read, onError);
    try {
      const existing = withGet.getSingleMetric?.(metric.name) as
        | Record<symbol, unknown>
        | undefined;
      if (existing?.[OURS] === true) withGet.removeSingleMetric?.(metric.name);
      registry.registerMetric(metric);
    } catch (err) {
      onError('prom_register', err);
    }
  }
}
