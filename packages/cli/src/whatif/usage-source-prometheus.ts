/**
 * Usage source for a Prometheus-compatible API: one range query per metric of the query
 * catalog's `WHATIF_DAILY` (step one day, evaluated at each UTC day's end), folded into the
 * replay's day cells. Bounded: at most MAX_DAYS days and MAX_POINTS points per query.
 */

import { COST_TYPE, LABELS } from '@ai-margin/conventions';
import {
  customerInfo,
  MONTH_SECONDS,
  type PrometheusClient,
  prometheusClient,
  WHATIF_DAILY,
} from '@ai-margin/dashboards';
import {
  BUCKETS,
  type Bucket,
  dayMs,
  dayOf,
  monthOf,
  type OtherCostCell,
  type RevenueCell,
  type SubscriptionCell,
  type UsageCell,
  type UsageHistory,
  zeroTokens,
} from './types';

const L = LABELS;
const DAY_S = 86_400;
export const MAX_DAYS = 400;
export const MAX_POINTS = 5_000_000;

/** One series of a range query, without `__name__`. */
export interface RangeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value] */
  values: (readonly [number, number])[];
}

/** A range query through the shared Prometheus client, bounded to MAX_POINTS points. */
export async function queryRange(
  client: PrometheusClient,
  expr: string,
  startS: number,
  endS: number,
  stepS: number,
): Promise<RangeSeries[]> {
  const result = await client.range(expr, startS, endS, stepS);
  let points = 0;
  for (const r of result) points += r.values.length;
  if (points > MAX_POINTS)
    throw new Error(
      `query returned ${points} points (limit ${MAX_POINTS}); use a shorter --from/--to window\n  query: ${expr}`,
    );
  return result.map((r) => {
    const { __name__: _n, ...labels } = r.labels;
    return { labels, values: [...r.values] };
  });
}

/** Default window: the 30 UTC days ending yesterday; or as given. */
export function defaultWindow(from: string | undefined, to: string | undefined, nowMs: number) {
  const toDay = to ?? dayOf(nowMs - DAY_S * 1000);
  const fromDay = from ?? dayOf(dayMs(toDay) - 29 * DAY_S * 1000);
  return { from: fromDay, to: toDay };
}

/** Reads the daily usage of `[from, to]` (UTC days, inclusive). */
export async function prometheusHistory(
  url: string,
  from: string,
  to: string,
): Promise<UsageHistory> {
  const days = Math.round((dayMs(to) - dayMs(from)) / (DAY_S * 1000)) + 1;
  if (days < 1) throw new Error(`empty window ${from}..${to}`);
  if (days > MAX_DAYS) throw new Error(`window of ${days} days is too long (at most ${MAX_DAYS})`);
  // Evaluated at each day's end: the sample at t covers (t - 1d, t], i.e. the day before t.
  const startS = dayMs(from) / 1000 + DAY_S;
  const endS = dayMs(to) / 1000 + DAY_S;
  const client = prometheusClient({ url, timeoutMs: 60_000 });
  const q = (expr: string) => queryRange(client, expr, startS, endS, DAY_S);
  const [tokens, bands, cost, requests, revenue, mrr, info] = await Promise.all([
    q(WHATIF_DAILY.tokens()),
    q(WHATIF_DAILY.longContextTokens()),
    q(WHATIF_DAILY.cost()),
    q(WHATIF_DAILY.requests()),
    q(WHATIF_DAILY.usageRevenue()),
    q(WHATIF_DAILY.mrr()),
    client.instant(customerInfo(), endS),
  ]);
  const dayAt = (t: number) => dayOf((t - DAY_S) * 1000);
  const cells = new Map<string, UsageCell>();
  const cellOf = (l: Record<string, string>, t: number): UsageCell => {
    const day = dayAt(t);
    const customer = l[L.customer] ?? '';
    const feature = l[L.feature] ?? '';
    const provider = l[L.provider] ?? '';
    const model = l[L.model] ?? '';
    const key = `${day}\u0000${customer}\u0000${feature}\u0000${provider}\u0000${model}`;
    let c = cells.get(key);
    if (!c) {
      c = {
        day,
        customer,
        feature,
        provider,
        model,
        tokens: zeroTokens(),
        requests: 0,
        costUsd: 0,
      };
      cells.set(key, c);
    }
    return c;
  };
  const isBucket = (b: string | undefined): b is Bucket =>
    (BUCKETS as readonly string[]).includes(b ?? '');
  const positive = (v: number) => Number.isFinite(v) && v > 0;
  for (const s of tokens) {
    const b = s.labels[L.tokenType];
    if (!isBucket(b)) continue;
    for (const [t, v] of s.values) if (positive(v)) cellOf(s.labels, t).tokens[b] += v;
  }
  for (const s of requests)
    for (const [t, v] of s.values) if (positive(v)) cellOf(s.labels, t).requests += v;
  const otherCost: OtherCostCell[] = [];
  for (const s of cost) {
    const llm = (s.labels[L.costType] ?? COST_TYPE.llm) === COST_TYPE.llm;
    for (const [t, v] of s.values) {
      if (!positive(v)) continue;
      if (llm) cellOf(s.labels, t).costUsd += v;
      else
        otherCost.push({
          day: dayAt(t),
          customer: s.labels[L.customer] ?? '',
          feature: s.labels[L.feature] ?? '',
          usd: v,
        });
    }
  }
  for (const s of bands) {
    const b = s.labels[L.tokenType];
    const above = Number(s.labels[L.contextAbove]);
    if (!isBucket(b) || !Number.isFinite(above)) continue;
    for (const [t, v] of s.values) {
      if (!positive(v)) continue;
      const c = cellOf(s.labels, t);
      c.bands ??= [];
      let band = c.bands.find((x) => x.above === above);
      if (!band) {
        band = { above, tokens: zeroTokens() };
        c.bands.push(band);
      }
      band.tokens[b] += v;
    }
  }
  const revenueCells: RevenueCell[] = [];
  for (const s of revenue) {
    for (const [t, v] of s.values) {
      if (!positive(v)) continue;
      revenueCells.push({
        day: dayAt(t),
        customer: s.labels[L.customer] ?? '',
        feature: s.labels[L.feature] ?? '',
        revenueType: s.labels[L.revenueType] ?? '',
        usd: v,
      });
    }
  }
  const plans = new Map<string, string>();
  for (const s of info) {
    const id = s.labels[L.customer];
    if (id) plans.set(id, s.labels[L.plan] ?? 'unknown');
  }
  const subs = new Map<string, SubscriptionCell>();
  for (const s of mrr) {
    const customer = s.labels[L.customer] ?? '';
    const plan = s.labels[L.plan] ?? plans.get(customer) ?? 'unknown';
    if (!plans.has(customer)) plans.set(customer, plan);
    for (const [t, v] of s.values) {
      if (!Number.isFinite(v) || v < 0) continue;
      const month = monthOf(dayAt(t));
      const key = `${customer}\u0000${month}\u0000${plan}`;
      const cell = subs.get(key) ?? { month, customer, plan, usd: 0, months: 0 };
      cell.usd += (v * DAY_S) / MONTH_SECONDS;
      cell.months += DAY_S / MONTH_SECONDS;
      subs.set(key, cell);
    }
  }
  // Drop cells that are all zero (a series that exists but did not move that day).
  const kept = [...cells.values()].filter(
    (c) => c.costUsd > 0 || c.requests > 0 || BUCKETS.some((b) => c.tokens[b] > 0),
  );
  return {
    source: url,
    from,
    to,
    cells: kept,
    revenue: revenueCells,
    subscriptions: [...subs.values()],
    otherCost,
    plans,
    longContext: bands.length > 0,
  };
}
