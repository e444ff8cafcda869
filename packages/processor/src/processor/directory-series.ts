import { LABELS, UNKNOWN_LABEL_VALUE } from '@ai-margin/conventions';
import { sdkCoverage } from '@ai-margin/instrumentation/coverage';
import { ageInMonths, cohortOf } from '../customers/age';
import type { CustomerDirectory } from '../customers/directory';
import { type FixedCostPool, fixedCostSeries } from '../rules/fixed-costs';
import type { SeriesPoint } from './aggregates';
import type { LabelValues } from './label-values';
import type { Stamping } from './stamping';

/**
 * The series that come from configuration rather than spans: the customer directory (MRR and
 * customer info, up to the customer cap), fixed-cost pools, and the SDK coverage registry.
 */
export class DirectorySeries {
  constructor(
    private readonly customers: CustomerDirectory,
    private readonly maxCustomers: number,
    private readonly fixedCosts: readonly FixedCostPool[],
    private readonly labelValues: LabelValues,
    private readonly stamping: Stamping,
    private readonly clock: () => number,
  ) {}

  private directoryCustomers() {
    const list = this.customers.list();
    return list.length > this.maxCustomers ? list.slice(0, this.maxCustomers) : list;
  }

  /** A directory value (customer id, plan, segment) as a label value. */
  private label(label: string, value: string): string {
    return this.labelValues.normalize(label, value);
  }

  private customerLabel(id: string): string {
    return this.label(LABELS.customer, this.stamping.pseudonym(id));
  }

  mrr(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const c of this.directoryCustomers()) {
      if (c.mrrUsd === undefined) continue;
      out.push({
        labels: {
          [LABELS.customer]: this.customerLabel(c.id),
          [LABELS.plan]: this.label(LABELS.plan, c.plan),
        },
        value: c.mrrUsd,
      });
    }
    return out;
  }

  info(): SeriesPoint[] {
    const now = this.clock();
    return this.directoryCustomers().map((c) => ({
      labels: {
        [LABELS.customer]: this.customerLabel(c.id),
        [LABELS.plan]: this.label(LABELS.plan, c.plan),
        [LABELS.cohort]: c.signupMs === undefined ? UNKNOWN_LABEL_VALUE : cohortOf(c.signupMs),
        [LABELS.ageMonth]:
          c.signupMs === undefined ? UNKNOWN_LABEL_VALUE : String(ageInMonths(c.signupMs, now)),
        [LABELS.segment]: this.label(LABELS.segment, c.segment),
      },
      value: 1,
    }));
  }

  fixedCost(): SeriesPoint[] {
    const out = fixedCostSeries(this.fixedCosts);
    for (const p of out)
      p.labels[LABELS.pool] = this.label(LABELS.pool, p.labels[LABELS.pool] ?? '');
    return out;
  }
}

/** One series per SDK module the instrumentations met (value 1), from their coverage registry. */
export function sdkInfoSeries(): SeriesPoint[] {
  return sdkCoverage().map((e) => ({
    labels: { [LABELS.sdk]: e.sdk, [LABELS.sdkVersion]: e.version, [LABELS.sdkStatus]: e.status },
    value: 1,
  }));
}
