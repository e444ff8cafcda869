/**
 * The demo's margin report, built only from metric snapshots (one per simulated month end):
 * revenue, cost and contribution margin; customers under water and why; the margin
 * distribution; cost concentration; cost per model and per feature; cohorts by age month.
 */
import { INPUT_TOKEN_TYPES as INPUT_TYPES, type MetricDefinition } from '@ai-margin/conventions';
import { LABELS, METRICS, type Sample, type Snapshot, samplesOf } from './snapshot';

export interface ModelContext {
  /** Long-context cliff (input tokens) of this model at `at`, if the price book knows one. */
  cliffAbove(provider: string, model: string, at: number): number | undefined;
}

export interface CustomerRow {
  customerId: string;
  plan: string;
  cohort: string;
  segment: string;
  revenueUsd: number;
  costUsd: number;
  marginUsd: number;
  /** Contribution margin as a share of revenue (null without revenue). */
  marginPct: number | null;
  requests: number;
  /** Tokens of every bucket. */
  tokens: number;
  /** Input tokens (uncached + cache read + cache write) per request. */
  inputTokensPerRequest: number;
  topModel: { provider: string; model: string; feature: string; share: number } | null;
  monthlyCostUsd: number[];
  monthlyRevenueUsd: number[];
  /** For customers under water: the reasons, most important first. */
  why?: string[];
}

export interface ModelRow {
  provider: string;
  model: string;
  costUsd: number;
  requests: number;
  costPerRequestUsd: number;
  tokens: number;
  /** Effective USD per 1M tokens (all buckets). */
  usdPerMillionTokens: number;
  /** Cache reads as a share of input tokens. */
  cacheReadShare: number;
  monthlyCostUsd: number[];
  monthlyTokens: number[];
  /** Effective USD per 1M tokens in each month (null without tokens that month). */
  monthlyUsdPerMillion: (number | null)[];
}

/** A model whose effective price per token moved during the period: a price change. */
export interface PriceChangeRow {
  provider: string;
  model: string;
  monthlyUsdPerMillion: (number | null)[];
  /** Last over first monthly effective price (e.g. 0.2 for an 80% cut). */
  ratio: number;
}

export interface FeatureRow {
  feature: string;
  costUsd: number;
  requests: number;
  costPerUseUsd: number;
  costShare: number;
  requestShare: number;
}

export interface AgeMonthRow {
  /** 1 = the signup month. */
  monthOfLife: number;
  customerMonths: number;
  revenueUsd: number;
  costUsd: number;
  marginPct: number | null;
}

export interface CohortRow {
  cohort: string;
  customers: number;
  /** Margin % per simulated month (null before signup). */
  marginPct: (number | null)[];
}

export interface MonthRow {
  month: string;
  revenueUsd: number;
  costUsd: number;
  marginUsd: number;
  marginPct: number | null;
  activeCustomers: number;
}

export interface UnpricedRow {
  provider: string;
  model: string;
  reason: string;
  requests: number;
}

export interface HistogramBin {
  /** Inclusive lower edge, percent (-Infinity for the first bin). */
  fromPct: number;
  toPct: number;
  label: string;
  customers: number;
}

export interface DemoReport {
  months: string[];
  totals: {
    revenueUsd: number;
    subscriptionRevenueUsd: number;
    usageRevenueUsd: number;
    costUsd: number;
    marginUsd: number;
    marginPct: number | null;
    customers: number;
    requests: number;
    unpricedRequests: number;
  };
  customers: CustomerRow[];
  underWater: CustomerRow[];
  histogram: HistogramBin[];
  concentration: { topCustomers: number; topCostShare: number };
  models: ModelRow[];
  features: FeatureRow[];
  ageMonths: AgeMonthRow[];
  cohorts: CohortRow[];
  monthly: MonthRow[];
  priceChanges: PriceChangeRow[];
  unpriced: UnpricedRow[];
}

const L = LABELS;

function pct(margin: number, revenue: number): number | null {
  return revenue > 0 ? (margin / revenue) * 100 : null;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function add(map: Map<string, number>, key: string, v: number): void {
  map.set(key, (map.get(key) ?? 0) + v);
}

/** Per-customer totals of one metric at one snapshot. */
function perCustomer(samples: readonly Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) add(out, s.labels[L.customer] ?? '', s.value);
  return out;
}

const INPUT_TOKEN_TYPES = new Set(INPUT_TYPES);

export const HISTOGRAM_EDGES = [-50, -25, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

function histogram(rows: readonly CustomerRow[]): HistogramBin[] {
  const bins: HistogramBin[] = [];
  const edges = [Number.NEGATIVE_INFINITY, ...HISTOGRAM_EDGES];
  for (let i = 0; i < edges.length - 1; i++) {
    const from = edges[i] as number;
    const to = edges[i + 1] as number;
    bins.push({
      fromPct: from,
      toPct: to,
      label: from === Number.NEGATIVE_INFINITY ? `< ${to}%` : `${from}..${to}%`,
      customers: 0,
    });
  }
  for (const r of rows) {
    if (r.marginPct === null) continue;
    const i = bins.findIndex((b) => r.marginPct !== null && r.marginPct < b.toPct);
    const bin = bins[i === -1 ? bins.length - 1 : i];
    if (bin) bin.customers += 1;
  }
  return bins;
}

/**
 * Builds the report. `snapshots[i]` was taken at the end of simulated month `i`; `monthEnds[i]`
 * is that instant (epoch ms), used to ask the price book about long-context cliffs.
 */
export function buildReport(
  snapshots: readonly Snapshot[],
  monthEnds: readonly number[],
  context?: ModelContext,
): DemoReport {
  const months = snapshots.map((s) => s.month);
  const last = snapshots[snapshots.length - 1];
  if (!last) throw new Error('ai-margin demo: no metric snapshot to report on');

  // Customer metadata from the info gauge and MRR from the MRR gauge, per snapshot.
  const info = new Map<string, { plan: string; cohort: string; segment: string }>();
  for (const s of samplesOf(last, METRICS.customerInfo)) {
    const id = s.labels[L.customer];
    if (!id) continue;
    info.set(id, {
      plan: s.labels[L.plan] ?? 'unknown',
      cohort: s.labels[L.cohort] ?? '',
      segment: s.labels[L.segment] ?? 'unknown',
    });
  }
  const ids = new Set<string>(info.keys());
  const costCum = snapshots.map((s) => perCustomer(samplesOf(s, METRICS.cost)));
  const revenueCum = snapshots.map((s) => perCustomer(samplesOf(s, METRICS.revenue)));
  for (const m of costCum) for (const id of m.keys()) ids.add(id);

  // Subscription revenue: the MRR of every customer signed up by the month's end.
  const monthlySubscription = snapshots.map((s) => {
    const out = new Map<string, number>();
    const active = new Map<string, string>();
    for (const i of samplesOf(s, METRICS.customerInfo)) {
      const id = i.labels[L.customer];
      if (id) active.set(id, i.labels[L.cohort] ?? '');
    }
    for (const m of samplesOf(s, METRICS.customerMrr)) {
      const id = m.labels[L.customer];
      if (!id) continue;
      const cohort = active.get(id);
      if (cohort !== undefined && cohort !== '' && cohort > s.month) continue;
      add(out, id, m.value);
    }
    return out;
  });
  // Age in months at each snapshot, from the info gauge.
  const ageAt = snapshots.map((s) => {
    const out = new Map<string, number>();
    for (const i of samplesOf(s, METRICS.customerInfo)) {
      const id = i.labels[L.customer];
      const age = Number(i.labels[L.ageMonth]);
      if (id && Number.isFinite(age)) out.set(id, age);
    }
    return out;
  });

  const monthlyOf = (cum: Map<string, number>[], id: string): number[] =>
    cum.map((m, i) => (m.get(id) ?? 0) - (i > 0 ? (cum[i - 1]?.get(id) ?? 0) : 0));

  // Per-customer detail from the last snapshot.
  const costSamples = samplesOf(last, METRICS.cost);
  const requestSamples = samplesOf(last, METRICS.requests);
  const tokenSamples = samplesOf(last, METRICS.tokens);
  const requestsBy = perCustomer(requestSamples);
  const tokensByCustomer = perCustomer(tokenSamples);
  const inputTokensBy = new Map<string, number>();
  const inputTokensByCustomerModel = new Map<string, number>();
  const requestsByCustomerModel = new Map<string, number>();
  for (const s of tokenSamples) {
    if (!INPUT_TOKEN_TYPES.has(s.labels[L.tokenType] ?? '')) continue;
    add(inputTokensBy, s.labels[L.customer] ?? '', s.value);
    add(
      inputTokensByCustomerModel,
      `${s.labels[L.customer]}\u0000${s.labels[L.provider]}\u0000${s.labels[L.model]}`,
      s.value,
    );
  }
  for (const s of requestSamples) {
    add(
      requestsByCustomerModel,
      `${s.labels[L.customer]}\u0000${s.labels[L.provider]}\u0000${s.labels[L.model]}`,
      s.value,
    );
  }
  const costByCustomerModelFeature = new Map<string, Map<string, number>>();
  for (const s of costSamples) {
    const id = s.labels[L.customer] ?? '';
    const m = getOrCreate(costByCustomerModelFeature, id, () => new Map());
    add(
      m,
      `${s.labels[L.provider]}\u0000${s.labels[L.model]}\u0000${s.labels[L.feature]}`,
      s.value,
    );
  }

  const customers: CustomerRow[] = [];
  for (const id of ids) {
    const meta = info.get(id) ?? { plan: 'unknown', cohort: '', segment: 'unknown' };
    const monthlyCostUsd = monthlyOf(costCum, id);
    const usage = monthlyOf(revenueCum, id);
    const monthlyRevenueUsd = usage.map((u, i) => u + (monthlySubscription[i]?.get(id) ?? 0));
    const costUsd = costCum[costCum.length - 1]?.get(id) ?? 0;
    const revenueUsd = monthlyRevenueUsd.reduce((a, b) => a + b, 0);
    const requests = requestsBy.get(id) ?? 0;
    let topModel: CustomerRow['topModel'] = null;
    for (const [key, v] of costByCustomerModelFeature.get(id) ?? []) {
      if (costUsd > 0 && (!topModel || v / costUsd > topModel.share)) {
        const [provider = '', model = '', feature = ''] = key.split('\u0000');
        topModel = { provider, model, feature, share: v / costUsd };
      }
    }
    customers.push({
      customerId: id,
      ...meta,
      revenueUsd,
      costUsd,
      marginUsd: revenueUsd - costUsd,
      marginPct: pct(revenueUsd - costUsd, revenueUsd),
      requests,
      tokens: tokensByCustomer.get(id) ?? 0,
      inputTokensPerRequest: requests > 0 ? (inputTokensBy.get(id) ?? 0) / requests : 0,
      topModel,
      monthlyCostUsd,
      monthlyRevenueUsd,
    });
  }
  customers.sort((a, b) => a.marginUsd - b.marginUsd || a.customerId.localeCompare(b.customerId));

  // Token use relative to the plan's median: the cost driver (request counts mislead).
  const tokensBy = tokensByCustomer;
  const planTokens = new Map<string, number[]>();
  for (const c of customers) {
    const list = getOrCreate(planTokens, c.plan, () => []);
    list.push(tokensBy.get(c.customerId) ?? 0);
  }
  for (const list of planTokens.values()) list.sort((a, b) => a - b);
  const monthEnd = monthEnds[monthEnds.length - 1] ?? Date.now();

  const underWater = customers.filter((c) => c.marginUsd < 0);
  for (const c of underWater) {
    const why: string[] = [];
    why.push(
      c.revenueUsd > 0
        ? `cost is ${(c.costUsd / c.revenueUsd).toFixed(2)}x revenue on the ${c.plan} plan`
        : `no revenue on record (plan ${c.plan})`,
    );
    if (c.topModel) {
      why.push(
        `${Math.round(c.topModel.share * 100)}% of cost is ${c.topModel.model} (${c.topModel.provider}) for ${c.topModel.feature}`,
      );
      const key = `${c.customerId}\u0000${c.topModel.provider}\u0000${c.topModel.model}`;
      const req = requestsByCustomerModel.get(key) ?? 0;
      const perReq = req > 0 ? (inputTokensByCustomerModel.get(key) ?? 0) / req : 0;
      const cliff = context?.cliffAbove(c.topModel.provider, c.topModel.model, monthEnd);
      if (cliff !== undefined && perReq > cliff) {
        why.push(
          `long context: ${formatTokens(perReq)} input tokens per call, past the ${formatTokens(cliff)} long-context cliff, so every token of those calls bills at the higher rate`,
        );
      }
    }
    const list = planTokens.get(c.plan) ?? [];
    const medianTokens = list[Math.floor(list.length / 2)] ?? 0;
    const tokens = tokensBy.get(c.customerId) ?? 0;
    if (medianTokens > 0 && tokens > 2 * medianTokens) {
      why.push(
        `heavy use: ${formatTokens(tokens)} tokens, ${(tokens / medianTokens).toFixed(1)}x the ${c.plan}-plan median`,
      );
    }
    c.why = why;
  }

  // Cost concentration: share of cost from the top 20% of customers.
  const byCost = [...customers].sort((a, b) => b.costUsd - a.costUsd);
  const topN = Math.max(1, Math.ceil(byCost.length * 0.2));
  const totalCost = byCost.reduce((s, c) => s + c.costUsd, 0);
  const topCost = byCost.slice(0, topN).reduce((s, c) => s + c.costUsd, 0);

  // Models.
  const modelKey = (s: Sample) => `${s.labels[L.provider] ?? ''}\u0000${s.labels[L.model] ?? ''}`;
  const modelCost = new Map<string, number>();
  const modelRequests = new Map<string, number>();
  const modelTokens = new Map<string, number>();
  const modelInput = new Map<string, number>();
  const modelCacheRead = new Map<string, number>();
  for (const s of costSamples) add(modelCost, modelKey(s), s.value);
  for (const s of requestSamples) add(modelRequests, modelKey(s), s.value);
  for (const s of tokenSamples) {
    const k = modelKey(s);
    const type = s.labels[L.tokenType] ?? '';
    add(modelTokens, k, s.value);
    if (INPUT_TOKEN_TYPES.has(type)) add(modelInput, k, s.value);
    if (type === 'cache_read') add(modelCacheRead, k, s.value);
  }
  const cumulativeByModel = (def: MetricDefinition): Map<string, number[]> => {
    const out = new Map<string, number[]>();
    snapshots.forEach((snap, i) => {
      const here = new Map<string, number>();
      for (const s of samplesOf(snap, def)) add(here, modelKey(s), s.value);
      for (const [k, v] of here) {
        const arr = getOrCreate(out, k, () => months.map(() => 0));
        arr[i] = v;
      }
    });
    return out;
  };
  const deltas = (cum: number[]): number[] =>
    cum.map((v, i) => v - (i > 0 ? (cum[i - 1] ?? 0) : 0));
  const modelMonthly = cumulativeByModel(METRICS.cost);
  const modelMonthlyTokens = cumulativeByModel(METRICS.tokens);
  const models: ModelRow[] = [...new Set([...modelCost.keys(), ...modelRequests.keys()])]
    .map((k) => {
      const [provider = '', model = ''] = k.split('\u0000');
      const costUsd = modelCost.get(k) ?? 0;
      const requests = modelRequests.get(k) ?? 0;
      const tokens = modelTokens.get(k) ?? 0;
      const input = modelInput.get(k) ?? 0;
      const monthlyCostUsd = deltas(modelMonthly.get(k) ?? months.map(() => 0));
      const monthlyTokens = deltas(modelMonthlyTokens.get(k) ?? months.map(() => 0));
      return {
        provider,
        model,
        costUsd,
        requests,
        costPerRequestUsd: requests > 0 ? costUsd / requests : 0,
        tokens,
        usdPerMillionTokens: tokens > 0 ? (costUsd / tokens) * 1e6 : 0,
        cacheReadShare: input > 0 ? (modelCacheRead.get(k) ?? 0) / input : 0,
        monthlyCostUsd,
        monthlyTokens,
        monthlyUsdPerMillion: monthlyTokens.map((tok, i) =>
          tok > 0 ? ((monthlyCostUsd[i] ?? 0) / tok) * 1e6 : null,
        ),
      };
    })
    .sort((a, b) => b.costUsd - a.costUsd);

  // Price changes: a model whose effective price per token moved by more than a third.
  const priceChanges: PriceChangeRow[] = [];
  for (const m of models) {
    const rates = m.monthlyUsdPerMillion.filter((v): v is number => v !== null && v > 0);
    if (rates.length < 2) continue;
    if (Math.min(...rates) / Math.max(...rates) < 2 / 3) {
      priceChanges.push({
        provider: m.provider,
        model: m.model,
        monthlyUsdPerMillion: m.monthlyUsdPerMillion,
        ratio: (rates[rates.length - 1] as number) / (rates[0] as number),
      });
    }
  }

  // Features.
  const featureCost = new Map<string, number>();
  const featureRequests = new Map<string, number>();
  for (const s of costSamples) add(featureCost, s.labels[L.feature] ?? '', s.value);
  for (const s of requestSamples) add(featureRequests, s.labels[L.feature] ?? '', s.value);
  const totalRequests = [...featureRequests.values()].reduce((a, b) => a + b, 0);
  const features: FeatureRow[] = [...new Set([...featureCost.keys(), ...featureRequests.keys()])]
    .map((feature) => {
      const costUsd = featureCost.get(feature) ?? 0;
      const requests = featureRequests.get(feature) ?? 0;
      return {
        feature,
        costUsd,
        requests,
        costPerUseUsd: requests > 0 ? costUsd / requests : 0,
        costShare: totalCost > 0 ? costUsd / totalCost : 0,
        requestShare: totalRequests > 0 ? requests / totalRequests : 0,
      };
    })
    .sort((a, b) => b.costUsd - a.costUsd);

  // Months, age months, cohorts.
  const monthly: MonthRow[] = months.map((month, i) => {
    let revenueUsd = 0;
    let costUsd = 0;
    let active = 0;
    for (const c of customers) {
      revenueUsd += c.monthlyRevenueUsd[i] ?? 0;
      costUsd += c.monthlyCostUsd[i] ?? 0;
      if ((c.monthlyRevenueUsd[i] ?? 0) > 0 || (c.monthlyCostUsd[i] ?? 0) > 0) active += 1;
    }
    return {
      month,
      revenueUsd,
      costUsd,
      marginUsd: revenueUsd - costUsd,
      marginPct: pct(revenueUsd - costUsd, revenueUsd),
      activeCustomers: active,
    };
  });
  const byAge = new Map<number, AgeMonthRow>();
  const cohortMap = new Map<string, { customers: number; rev: number[]; cost: number[] }>();
  for (const c of customers) {
    months.forEach((m, i) => {
      const rev = c.monthlyRevenueUsd[i] ?? 0;
      const cost = c.monthlyCostUsd[i] ?? 0;
      if (rev === 0 && cost === 0) return;
      if (c.cohort && c.cohort > m) return;
      const age = ageAt[i]?.get(c.customerId);
      if (age === undefined) return;
      let row = byAge.get(age + 1);
      if (!row) {
        row = {
          monthOfLife: age + 1,
          customerMonths: 0,
          revenueUsd: 0,
          costUsd: 0,
          marginPct: null,
        };
        byAge.set(age + 1, row);
      }
      row.customerMonths += 1;
      row.revenueUsd += rev;
      row.costUsd += cost;
    });
    if (!c.cohort) continue;
    let co = cohortMap.get(c.cohort);
    if (!co) {
      co = { customers: 0, rev: months.map(() => 0), cost: months.map(() => 0) };
      cohortMap.set(c.cohort, co);
    }
    co.customers += 1;
    const { rev, cost } = co;
    months.forEach((_, i) => {
      rev[i] = (rev[i] ?? 0) + (c.monthlyRevenueUsd[i] ?? 0);
      cost[i] = (cost[i] ?? 0) + (c.monthlyCostUsd[i] ?? 0);
    });
  }
  const ageMonths = [...byAge.values()]
    .map((r) => ({ ...r, marginPct: pct(r.revenueUsd - r.costUsd, r.revenueUsd) }))
    .sort((a, b) => a.monthOfLife - b.monthOfLife);
  const cohorts: CohortRow[] = [...cohortMap.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cohort, co]) => ({
      cohort,
      customers: co.customers,
      marginPct: months.map((m, i) =>
        cohort > m ? null : pct((co.rev[i] ?? 0) - (co.cost[i] ?? 0), co.rev[i] ?? 0),
      ),
    }));

  // Unpriced usage.
  const unpriced: UnpricedRow[] = samplesOf(last, METRICS.unpricedRequests)
    .filter((s) => s.value > 0)
    .map((s) => ({
      provider: s.labels[L.provider] ?? '',
      model: s.labels[L.model] ?? '',
      reason: s.labels[L.reason] ?? '',
      requests: s.value,
    }))
    .sort((a, b) => b.requests - a.requests);

  const subscriptionRevenueUsd = monthlySubscription.reduce(
    (s, m) => s + [...m.values()].reduce((a, b) => a + b, 0),
    0,
  );
  const usageRevenueUsd = [...(revenueCum[revenueCum.length - 1]?.values() ?? [])].reduce(
    (a, b) => a + b,
    0,
  );
  const revenueUsd = subscriptionRevenueUsd + usageRevenueUsd;
  return {
    months,
    totals: {
      revenueUsd,
      subscriptionRevenueUsd,
      usageRevenueUsd,
      costUsd: totalCost,
      marginUsd: revenueUsd - totalCost,
      marginPct: pct(revenueUsd - totalCost, revenueUsd),
      customers: customers.length,
      requests: totalRequests,
      unpricedRequests: unpriced.reduce((s, u) => s + u.requests, 0),
    },
    customers,
    underWater,
    histogram: histogram(customers),
    concentration: { topCustomers: topN, topCostShare: totalCost > 0 ? topCost / totalCost : 0 },
    models,
    features,
    ageMonths,
    cohorts,
    monthly,
    priceChanges,
    unpriced,
  };
}

/** `812k`, `1.2M`, `3.4B`, `950`. */
export function formatTokens(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}
