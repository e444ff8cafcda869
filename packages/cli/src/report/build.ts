/**
 * Builds the margin report from the dashboards' PromQL catalog: the five metrics (cost to serve
 * and margin per customer, cost per model, cost per feature, cohort trend) and the patterns
 * (top-20% cost share, customers under water).
 */

import { LABELS } from '@ai-margin/conventions';
import {
  type Filters,
  type InstantSample,
  marginByInfoLabel,
  marginRatioByInfoLabel,
  type PrometheusClient,
  type Window,
} from '@ai-margin/dashboards';
import { rawQueries, recordedQueries } from './queries';
import { chooseSource, type ReportSource, rulesMissing } from './source';

/** The report needs instant queries only (a stub in tests needs no more). */
export type QueryClient = Pick<PrometheusClient, 'instant'>;

export interface CustomerRow {
  customer: string;
  revenue: number;
  cost: number;
  /** Variable cost plus allocated fixed cost. */
  costToServe: number;
  margin: number;
  /** margin / revenue; null without revenue. */
  marginRatio: number | null;
}

export interface ModelRow {
  provider: string;
  model: string;
  cost: number;
  /** USD per million tokens (all buckets); null without tokens. */
  usdPerMillionTokens: number | null;
}

export interface FeatureRow {
  feature: string;
  cost: number;
  uses: number;
  /** cost / uses; null without uses. */
  costPerUse: number | null;
}

export interface TrendRow {
  /** Cohort (signup month) or customer age month. */
  group: string;
  margin: number;
  marginRatio: number | null;
  /** Margin ratio over the previous window of the same length; null when not available. */
  previousMarginRatio: number | null;
}

export interface MarginReport {
  window: string;
  /** Evaluation time, ISO 8601. */
  at: string;
  /** Where the figures come from (`rules`: the recording rules' latest values; `raw`: the raw counters) and why. */
  source: { from: 'rules' | 'raw'; detail: string };
  totals: {
    revenue: number;
    cost: number;
    costToServe: number;
    margin: number;
    marginRatio: number | null;
  };
  customers: CustomerRow[];
  models: ModelRow[];
  features: FeatureRow[];
  cohorts: TrendRow[];
  ageMonths: TrendRow[];
  patterns: {
    /** Share of cost carried by the top 20% customers by cost; null without cost. */
    top20CostShare: number | null;
    /** Customers with negative margin, worst first. */
    underwater: { customer: string; margin: number }[];
  };
}

const L = LABELS;

function byLabel(samples: InstantSample[], label: string): Map<string, number> {
  return new Map(samples.map((s) => [s.labels[label] ?? '', s.value]));
}

function byKey(samples: InstantSample[], labels: string[]): Map<string, number> {
  return new Map(
    samples.map((s) => [labels.map((l) => s.labels[l] ?? '').join('\u0000'), s.value]),
  );
}

const ratio = (num: number, den: number | undefined): number | null =>
  den !== undefined && den > 0 ? num / den : null;

export async function buildReport(
  client: QueryClient,
  window: Window,
  at: number,
  filters: Filters = {},
  requested: ReportSource = 'auto',
): Promise<MarginReport> {
  const f = filters;
  const choice = await chooseSource(client, window, at, f, requested);
  const Q = choice.source === 'rules' ? recordedQueries(choice.window, f) : rawQueries(window, f);
  const q = (expr: string, time = at) => client.instant(expr, time);
  const previous = at - Number(window.seconds);
  // The rules' previous window is only whole when they were running at its start too.
  const previousMissing =
    choice.source === 'rules' ? await rulesMissing(client, choice.window, previous, f) : undefined;
  const source: MarginReport['source'] =
    choice.source === 'rules'
      ? {
          from: 'rules',
          detail:
            `recording rules, ${choice.window} window, latest evaluation up to 10 min before the end` +
            (previousMissing === undefined ? '' : `; previous window left out: ${previousMissing}`),
        }
      : { from: 'raw', detail: `raw counters: ${choice.reason}` };
  const [revenue, cost, costToServe, margin, models, modelPrice, features, uses, top20] =
    await Promise.all([
      q(Q.revenue),
      q(Q.cost),
      q(Q.costToServe),
      q(Q.margin),
      q(Q.models),
      q(Q.modelPrice),
      q(Q.features),
      q(Q.uses),
      q(Q.top20),
    ]);
  const trend = async (label: string): Promise<TrendRow[]> => {
    const [m, r, rPrev] = await Promise.all([
      q(marginByInfoLabel(label, Q.margin)),
      q(marginRatioByInfoLabel(label, Q.margin, Q.revenue)),
      previousMissing === undefined
        ? q(marginRatioByInfoLabel(label, Q.margin, Q.revenue), previous)
        : Promise.resolve([]),
    ]);
    const ratios = byLabel(r, label);
    const prev = byLabel(rPrev, label);
    return m
      .map((s) => {
        const group = s.labels[label] ?? '';
        return {
          group,
          margin: s.value,
          marginRatio: ratios.get(group) ?? null,
          previousMarginRatio: prev.get(group) ?? null,
        };
      })
      .sort((a, b) => compareGroups(a.group, b.group));
  };
  const [cohorts, ageMonths] = await Promise.all([trend(L.cohort), trend(L.ageMonth)]);

  const rev = byLabel(revenue, L.customer);
  const cst = byLabel(cost, L.customer);
  const cts = byLabel(costToServe, L.customer);
  const customers: CustomerRow[] = margin
    .map((s) => {
      const customer = s.labels[L.customer] ?? '';
      return {
        customer,
        revenue: rev.get(customer) ?? 0,
        cost: cst.get(customer) ?? 0,
        costToServe: cts.get(customer) ?? cst.get(customer) ?? 0,
        margin: s.value,
        marginRatio: ratio(s.value, rev.get(customer)),
      };
    })
    .sort((a, b) => a.margin - b.margin || a.customer.localeCompare(b.customer));

  const price = byKey(modelPrice, [L.provider, L.model]);
  const modelRows: ModelRow[] = models
    .map((s) => {
      const provider = s.labels[L.provider] ?? '';
      const model = s.labels[L.model] ?? '';
      return {
        provider,
        model,
        cost: s.value,
        usdPerMillionTokens: price.get(`${provider}\u0000${model}`) ?? null,
      };
    })
    .sort((a, b) => b.cost - a.cost || a.model.localeCompare(b.model));

  const useCount = byLabel(uses, L.feature);
  const featureRows: FeatureRow[] = features
    .map((s) => {
      const feature = s.labels[L.feature] ?? '';
      const n = useCount.get(feature) ?? 0;
      return { feature, cost: s.value, uses: n, costPerUse: ratio(s.value, n) };
    })
    .sort((a, b) => b.cost - a.cost || a.feature.localeCompare(b.feature));

  const sum = (rows: number[]) => rows.reduce((a, b) => a + b, 0);
  const totalRevenue = sum(customers.map((c) => c.revenue));
  const totalMargin = sum(customers.map((c) => c.margin));
  return {
    window: window.range,
    at: new Date(at * 1000).toISOString(),
    source,
    totals: {
      revenue: totalRevenue,
      cost: sum(customers.map((c) => c.cost)),
      costToServe: sum(customers.map((c) => c.costToServe)),
      margin: totalMargin,
      marginRatio: ratio(totalMargin, totalRevenue),
    },
    customers,
    models: modelRows,
    features: featureRows,
    cohorts,
    ageMonths,
    patterns: {
      top20CostShare: top20[0]?.value ?? null,
      underwater: customers
        .filter((c) => c.margin < 0)
        .map((c) => ({ customer: c.customer, margin: c.margin })),
    },
  };
}

/** Numeric order for age months ("2" < "10"), lexical otherwise (cohorts are YYYY-MM). */
function compareGroups(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b);
}
