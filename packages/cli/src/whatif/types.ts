/**
 * What-if data model: the observed usage of a window, as the replay reads it. One cell per UTC
 * day, customer, feature, provider and model, with tokens per bucket (the processor's
 * `token_type` values), requests and the cost the processor recorded for them.
 */

/** `token_type` label values, one per non-overlapping bucket. */
export const BUCKETS = [
  'input',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
  'output',
  'reasoning',
  'cache_write_30m',
  'cache_write_12h',
] as const;
export type Bucket = (typeof BUCKETS)[number];
export type Tokens = Record<Bucket, number>;

export function zeroTokens(): Tokens {
  return {
    input: 0,
    cache_read: 0,
    cache_write_5m: 0,
    cache_write_1h: 0,
    output: 0,
    reasoning: 0,
    cache_write_30m: 0,
    cache_write_12h: 0,
  };
}

export function sumTokens(t: Tokens): number {
  return inputTokens(t) + t.output + t.reasoning;
}

export function inputTokens(t: Tokens): number {
  return (
    t.input +
    t.cache_read +
    t.cache_write_5m +
    t.cache_write_1h +
    t.cache_write_30m +
    t.cache_write_12h
  );
}

export function scaleTokens(t: Tokens, k: number): Tokens {
  return {
    input: t.input * k,
    cache_read: t.cache_read * k,
    cache_write_5m: t.cache_write_5m * k,
    cache_write_1h: t.cache_write_1h * k,
    output: t.output * k,
    reasoning: t.reasoning * k,
    cache_write_30m: t.cache_write_30m * k,
    cache_write_12h: t.cache_write_12h * k,
  };
}

/**
 * Tokens of the calls whose total input (uncached + cache read + cache writes) exceeded
 * `above` but not the next threshold of the ladder (see `long-context.ts`).
 */
export interface LongContextBand {
  above: number;
  tokens: Tokens;
}

export interface UsageCell {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  customer: string;
  feature: string;
  provider: string;
  model: string;
  tokens: Tokens;
  requests: number;
  /** LLM cost the processor recorded for these calls (USD). */
  costUsd: number;
  /** Long-context bands; only when the source has them (see `UsageHistory.longContext`). */
  bands?: LongContextBand[];
}

/** Usage (and manual) revenue recorded per day, customer and feature. */
export interface RevenueCell {
  day: string;
  customer: string;
  feature: string;
  revenueType: string;
  usd: number;
}

/** Subscription revenue of one customer in one calendar month of the window. */
export interface SubscriptionCell {
  /** `YYYY-MM`. */
  month: string;
  customer: string;
  plan: string;
  /** What the window earned from the subscription in this month (USD). */
  usd: number;
  /** Months billed (1 for a whole month; days/30 when pro-rated from a gauge). */
  months: number;
}

/** Cost not tied to a model call (cost rules): kept as observed by every scenario. */
export interface OtherCostCell {
  day: string;
  customer: string;
  feature: string;
  usd: number;
}

export interface UsageHistory {
  /** Source description for the report, e.g. `demo (seed 42)` or the Prometheus URL. */
  source: string;
  /** First and last UTC day of the window, inclusive. */
  from: string;
  to: string;
  cells: UsageCell[];
  revenue: RevenueCell[];
  subscriptions: SubscriptionCell[];
  otherCost: OtherCostCell[];
  /** Plan of each customer (from the info gauge or the directory). */
  plans: Map<string, string>;
  /**
   * True when the source recorded long-context bands (`bands` on cells are then complete:
   * a cell without bands had no call above the lowest threshold).
   */
  longContext: boolean;
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The part of a history inside `[from, to]` (UTC days, inclusive): day cells by their day,
 * subscriptions by the months the window touches.
 */
export function restrictWindow(
  h: UsageHistory,
  from: string | undefined,
  to: string | undefined,
): UsageHistory {
  if (from === undefined && to === undefined) return h;
  const f = from ?? h.from;
  const t = to ?? h.to;
  const inDay = (d: string) => d >= f && d <= t;
  const inMonth = (m: string) => m >= monthOf(f) && m <= monthOf(t);
  return {
    ...h,
    from: f,
    to: t,
    cells: h.cells.filter((c) => inDay(c.day)),
    revenue: h.revenue.filter((r) => inDay(r.day)),
    otherCost: h.otherCost.filter((o) => inDay(o.day)),
    subscriptions: h.subscriptions.filter((s) => inMonth(s.month)),
  };
}
