/**
 * Historical generator: months of synthetic ai-margin series, hourly, with real timestamps, in
 * Prometheus exposition format for VictoriaMetrics' `/api/v1/import/prometheus` (ms timestamps).
 *
 * Light and heavy customers in three signup cohorts (the 1st of consecutive months), usage that
 * grows with the customer's age for heavy users (so margin falls from month 1 to month 3), a
 * price cut of the one model in the middle of the history, usage revenue per request and MRR.
 * The info gauge carries each customer's age month as it was at each sample.
 *
 * Reconciliation series (daily provisional and provider-reported cost, their ratio, per-customer
 * corrections) are written with each day's 00:00 timestamp, as `ai-margin reconcile` does.
 *
 * The generator also answers what any window must add up to (`costBetween`, ...), from the same
 * hourly increments it writes, so tests compare PromQL results against plain arithmetic.
 */
import { LABELS, METRICS } from '@ai-margin/conventions';

const HOUR = 3_600_000;

export interface HistoryCustomer {
  id: string;
  plan: string;
  mrrUsd: number;
  segment: string;
  /** Signup month, 0 = the first month of the history. Signup is the 1st, 00:00 UTC. */
  cohortIndex: number;
  profile: 'light' | 'heavy';
}

export const HISTORY_CUSTOMERS: HistoryCustomer[] = [
  {
    id: 'h-light-a',
    plan: 'starter',
    mrrUsd: 49,
    segment: 'smb',
    cohortIndex: 0,
    profile: 'light',
  },
  { id: 'h-heavy-a', plan: 'pro', mrrUsd: 199, segment: 'smb', cohortIndex: 0, profile: 'heavy' },
  {
    id: 'h-light-b',
    plan: 'starter',
    mrrUsd: 49,
    segment: 'smb',
    cohortIndex: 1,
    profile: 'light',
  },
  {
    id: 'h-heavy-b',
    plan: 'pro',
    mrrUsd: 199,
    segment: 'enterprise',
    cohortIndex: 1,
    profile: 'heavy',
  },
  {
    id: 'h-heavy-c',
    plan: 'pro',
    mrrUsd: 199,
    segment: 'enterprise',
    cohortIndex: 2,
    profile: 'heavy',
  },
];

export const HISTORY_MODEL = { provider: 'openai', model: 'hist-gpt', feature: 'api' } as const;
/** USD per 1M tokens before and after the price cut. */
const PRICE_BEFORE = { input: 2, output: 8 };
const PRICE_AFTER = { input: 1, output: 4 };
/** Usage revenue per request (USD). */
export const REVENUE_PER_REQUEST = 0.0005;
/** Provider-reported cost / provisional cost, per UTC day, before and after the price cut. */
const INVOICE_RATIO_BEFORE = 1.01;
const INVOICE_RATIO_AFTER = 1.04;
const DAY = 86_400_000;

function utcMonth(year: number, month: number): number {
  return Date.UTC(year, month, 1);
}

export interface History {
  startMs: number;
  endMs: number;
  priceChangeMs: number;
  /** First-of-month instants: monthStarts[i] is cohort i's signup. */
  monthStarts: number[];
  customers: HistoryCustomer[];
  signupMs(c: HistoryCustomer): number;
  cohortOf(c: HistoryCustomer): string;
  /** Whole months since signup at `t` (signups are on the 1st, 00:00 UTC). */
  ageAt(c: HistoryCustomer, t: number): number;
  /** Requests and tokens per request in the hour ending at `t`. */
  usageAt(c: HistoryCustomer, t: number): { requests: number; tokensPerRequest: number };
  /** Cost of the hour ending at sample time `t` (0 before signup). */
  hourCost(c: HistoryCustomer, t: number): number;
  hourRevenue(c: HistoryCustomer, t: number): number;
  /** Sum of hourly increments for samples in (from, to]. */
  costBetween(c: HistoryCustomer, from: number, to: number): number;
  revenueBetween(c: HistoryCustomer, from: number, to: number): number;
  /** Whether the customer has series at `t` (signed up at or before `t`). */
  activeAt(c: HistoryCustomer, t: number): boolean;
  /**
   * Reconciliation, one sample per complete UTC day `day` (its 00:00 instant) as the reconcile
   * job writes them: the day's provisional cost, the provider-reported cost, their ratio and the
   * correction spread over customers pro rata to their provisional cost.
   */
  reconciledDays: number[];
  provisionalCost(day: number): number;
  reportedCost(day: number): number;
  invoiceRatio(day: number): number;
  correction(c: HistoryCustomer, day: number): number;
  /** Exposition text, in chunks of about `linesPerChunk` lines. */
  chunks(linesPerChunk?: number): Generator<string>;
}

/**
 * History of `months` whole months before the current one plus the current month up to the last
 * full hour before `now`; the price cut is on the 10th of the third month.
 */
export function generateHistory(now: Date, months = 4): History {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const monthStarts = Array.from({ length: months + 1 }, (_, i) => utcMonth(y, m - months + i));
  const startMs = monthStarts[0]!;
  const endMs = Math.floor(now.getTime() / HOUR) * HOUR - HOUR;
  const priceChangeMs = monthStarts[2]! + 9 * 24 * HOUR;
  const customers = HISTORY_CUSTOMERS;

  const signupMs = (c: HistoryCustomer) => monthStarts[c.cohortIndex]!;
  const ageAt = (c: HistoryCustomer, t: number) => {
    const s = new Date(signupMs(c));
    const d = new Date(t);
    // Signups are on the 1st at 00:00, so whole months are calendar months.
    return Math.max(
      0,
      (d.getUTCFullYear() - s.getUTCFullYear()) * 12 + d.getUTCMonth() - s.getUTCMonth(),
    );
  };
  const activeAt = (c: HistoryCustomer, t: number) => t >= signupMs(c);
  const usageAt = (c: HistoryCustomer, t: number) => {
    if (c.profile === 'light') return { requests: 2, tokensPerRequest: 1000 };
    // Heavy users: 6 requests an hour whose context grows by half every month of age.
    return { requests: 6, tokensPerRequest: 4000 + 2000 * ageAt(c, t) };
  };
  // The first sample of a series (at signup) is 0: nothing happened before it.
  const hourCost = (c: HistoryCustomer, t: number) => {
    if (t <= signupMs(c)) return 0;
    const { requests, tokensPerRequest } = usageAt(c, t);
    const p = t - HOUR >= priceChangeMs ? PRICE_AFTER : PRICE_BEFORE;
    const tokens = requests * tokensPerRequest;
    return (tokens * 0.8 * p.input + tokens * 0.2 * p.output) / 1e6;
  };
  const hourRevenue = (c: HistoryCustomer, t: number) =>
    t <= signupMs(c) ? 0 : usageAt(c, t).requests * REVENUE_PER_REQUEST;
  const between =
    (f: (c: HistoryCustomer, t: number) => number) =>
    (c: HistoryCustomer, from: number, to: number) => {
      let sum = 0;
      for (
        let t = Math.max(startMs, Math.floor(from / HOUR) * HOUR + HOUR);
        t <= Math.min(to, endMs);
        t += HOUR
      ) {
        if (t > from && activeAt(c, t)) sum += f(c, t);
      }
      return sum;
    };
  const cohortOf = (c: HistoryCustomer) => new Date(signupMs(c)).toISOString().slice(0, 7);
  const costBetween = between(hourCost);
  const reconciledDays: number[] = [];
  for (let d = startMs; d + DAY <= endMs; d += DAY) reconciledDays.push(d);
  const invoiceRatio = (day: number) =>
    day >= priceChangeMs ? INVOICE_RATIO_AFTER : INVOICE_RATIO_BEFORE;
  const customerDayCost = (c: HistoryCustomer, day: number) => costBetween(c, day, day + DAY);
  const provisionalCost = (day: number) =>
    customers.reduce((a, c) => a + customerDayCost(c, day), 0);
  const reportedCost = (day: number) => provisionalCost(day) * invoiceRatio(day);
  const correction = (c: HistoryCustomer, day: number) =>
    customerDayCost(c, day) * (invoiceRatio(day) - 1);

  function* chunks(linesPerChunk = 20_000): Generator<string> {
    const L = LABELS;
    const { provider, model, feature } = HISTORY_MODEL;
    let lines: string[] = [];
    const flush = function* () {
      if (lines.length > 0) yield `${lines.join('\n')}\n`;
      lines = [];
    };
    for (const c of customers) {
      const base = `${L.customer}="${c.id}",${L.feature}="${feature}"`;
      const call = `${base},${L.provider}="${provider}",${L.model}="${model}"`;
      let cost = 0;
      let revenue = 0;
      let requests = 0;
      let tokensIn = 0;
      let tokensOut = 0;
      for (let t = signupMs(c); t <= endMs; t += HOUR) {
        if (t < startMs) continue;
        const u = usageAt(c, t);
        cost += hourCost(c, t);
        revenue += hourRevenue(c, t);
        if (t > signupMs(c)) {
          requests += u.requests;
          tokensIn += u.requests * u.tokensPerRequest * 0.8;
          tokensOut += u.requests * u.tokensPerRequest * 0.2;
        }
        lines.push(
          `${METRICS.cost.promName}{${call},${L.costType}="llm"} ${cost} ${t}`,
          `${METRICS.revenue.promName}{${base},${L.revenueType}="usage"} ${revenue} ${t}`,
          `${METRICS.requests.promName}{${call},${L.priced}="true"} ${requests} ${t}`,
          `${METRICS.tokens.promName}{${call},${L.tokenType}="input"} ${tokensIn} ${t}`,
          `${METRICS.tokens.promName}{${call},${L.tokenType}="output"} ${tokensOut} ${t}`,
          `${METRICS.customerMrr.promName}{${L.customer}="${c.id}",${L.plan}="${c.plan}"} ${c.mrrUsd} ${t}`,
          `${METRICS.customerInfo.promName}{${L.customer}="${c.id}",${L.plan}="${c.plan}",${L.cohort}="${cohortOf(c)}",${L.ageMonth}="${ageAt(c, t)}",${L.segment}="${c.segment}"} 1 ${t}`,
        );
        if (lines.length >= linesPerChunk) yield* flush();
      }
    }
    const pm = `${L.provider}="${provider}",${L.model}="${model}"`;
    for (const day of reconciledDays) {
      lines.push(
        `${METRICS.provisionalCostDaily.promName}{${pm}} ${provisionalCost(day)} ${day}`,
        `${METRICS.reconciledCostDaily.promName}{${pm}} ${reportedCost(day)} ${day}`,
        `${METRICS.reconciliationRatio.promName}{${pm}} ${invoiceRatio(day)} ${day}`,
      );
      for (const c of customers) {
        if (!activeAt(c, day + DAY)) continue;
        lines.push(
          `${METRICS.costCorrection.promName}{${L.customer}="${c.id}",${L.provider}="${provider}"} ${correction(c, day)} ${day}`,
        );
      }
    }
    yield* flush();
  }

  return {
    startMs,
    endMs,
    priceChangeMs,
    monthStarts,
    customers,
    signupMs,
    cohortOf,
    ageAt,
    usageAt,
    hourCost,
    hourRevenue,
    costBetween,
    revenueBetween: between(hourRevenue),
    activeAt,
    reconciledDays,
    provisionalCost,
    reportedCost,
    invoiceRatio,
    correction,
    chunks,
  };
}
