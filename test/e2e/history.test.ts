/**
 * Cohort and trend panels on months of history: test/support/history.ts writes hourly series
 * with real timestamps (light and heavy customers in three signup cohorts, a price cut, age
 * months on the info gauge) into a real VictoriaMetrics, and the generated dashboards' cohort
 * and trend panels are evaluated at dates in the past and compared with plain arithmetic over the
 * generator's own hourly increments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../support/backends';
import {
  evaluateRecordingRulesAt,
  panelQueries,
  RULE_EVAL_VM_FLAGS,
  substitute,
} from '../support/dashboards';
import { generateHistory, type History, type HistoryCustomer } from '../support/history';
import { byKey, instantQuery, rangeQuery } from '../support/promql';

const DAY = 86_400_000;
const MONTH_S = 2_592_000;
const REL = 1e-9;
const WINDOW = { range: '30d', rangeSeconds: MONTH_S, rateInterval: '2h' };

let vm: VictoriaMetrics;
let history: History;
/** Mid-month check instants (the 15th, 12:00 UTC), far from the age-month label flips. */
let checkTimes: number[];

beforeAll(async () => {
  history = generateHistory(new Date());
  vm = await startVictoriaMetrics({ flags: RULE_EVAL_VM_FLAGS });
  for (const chunk of history.chunks()) await importPrometheusText(vm.url, chunk);
  checkTimes = history.monthStarts
    .slice(1)
    .map((m) => m + 14 * DAY + DAY / 2)
    .filter((t) => t <= history.endMs);
  // Table, stat and cohort panels read the recording rules: one evaluation at every check
  // instant, and one at the last point of the whole-history range query below.
  for (const t of checkTimes) await evaluateRecordingRulesAt(vm.url, t / 1000);
  await evaluateRecordingRulesAt(vm.url, lastRangePoint());
}, 300_000);

/** The last point (1-day step) of the whole-history range query. */
function lastRangePoint(): number {
  const start = Math.floor(history.startMs / 1000);
  const end = Math.floor(history.endMs / 1000);
  return start + Math.floor((end - start) / 86_400) * 86_400;
}

afterAll(async () => {
  await vm?.stop();
});

function panel(key: string) {
  const p = panelQueries().find((q) => q.key === key);
  if (!p) throw new Error(`panel ${key} not found in the generated dashboards`);
  return p;
}

/** Per customer active at t: revenue and margin over the 30 days ending at t. */
function figures(t: number) {
  const out: Array<{ c: HistoryCustomer; revenue: number; margin: number }> = [];
  for (const c of history.customers) {
    if (!history.activeAt(c, t)) continue;
    const revenue = history.revenueBetween(c, t - 30 * DAY, t) + c.mrrUsd;
    out.push({ c, revenue, margin: revenue - history.costBetween(c, t - 30 * DAY, t) });
  }
  return out;
}

function grouped(t: number, key: (c: HistoryCustomer) => string) {
  const margin = new Map<string, number>();
  const revenue = new Map<string, number>();
  for (const f of figures(t)) {
    const k = key(f.c);
    margin.set(k, (margin.get(k) ?? 0) + f.margin);
    revenue.set(k, (revenue.get(k) ?? 0) + f.revenue);
  }
  const ratio = new Map([...margin].map(([k, m]) => [k, m / revenue.get(k)!] as [string, number]));
  return { margin, ratio };
}

function expectMap(actual: Map<string, number>, want: Map<string, number>, what: string) {
  expect([...actual.keys()].sort(), what).toEqual([...want.keys()].sort());
  for (const [k, v] of want) {
    const a = actual.get(k)!;
    if (Math.abs(a - v) > Math.abs(v) * REL + 1e-12)
      throw new Error(`${what} [${k}]: got ${a}, expected ${v}`);
  }
}

describe('history in VictoriaMetrics: cohort and trend panels', () => {
  it('covers three months of checks on both sides of the price cut', () => {
    expect(checkTimes.length).toBeGreaterThanOrEqual(3);
    expect(checkTimes.some((t) => t < history.priceChangeMs)).toBe(true);
    expect(checkTimes.some((t) => t > history.priceChangeMs + 30 * DAY)).toBe(true);
  });

  it('margin % by cohort and by customer age month (trailing 30 days) equal the arithmetic', async () => {
    const byCohort = panel('ai-margin-cohorts/Margin % by cohort (trailing 30 days)/A');
    const byAge = panel('ai-margin-cohorts/Margin % by customer age month (trailing 30 days)/A');
    for (const t of checkTimes) {
      const when = new Date(t).toISOString();
      const cohort = byKey(
        await instantQuery(vm.url, substitute(byCohort.expr, WINDOW), t / 1000),
        ['customer_cohort'],
      );
      expectMap(cohort, grouped(t, (c) => history.cohortOf(c)).ratio, `cohort ratio at ${when}`);
      const age = byKey(await instantQuery(vm.url, substitute(byAge.expr, WINDOW), t / 1000), [
        'customer_age_month',
      ]);
      expectMap(
        age,
        grouped(t, (c) => String(history.ageAt(c, t))).ratio,
        `age-month ratio at ${when}`,
      );
    }
  });

  it('margin by cohort and margin % by age month over a 30-day time range equal the arithmetic', async () => {
    const margin = panel('ai-margin-cohorts/Margin by cohort (time range)/A');
    const ageRatio = panel('ai-margin-cohorts/Margin % by customer age month (time range)/A');
    for (const t of checkTimes) {
      const m = byKey(await instantQuery(vm.url, substitute(margin.expr, WINDOW), t / 1000), [
        'customer_cohort',
      ]);
      expectMap(
        m,
        grouped(t, (c) => history.cohortOf(c)).margin,
        `cohort margin at ${new Date(t).toISOString()}`,
      );
      const r = byKey(await instantQuery(vm.url, substitute(ageRatio.expr, WINDOW), t / 1000), [
        'customer_age_month',
      ]);
      expectMap(r, grouped(t, (c) => String(history.ageAt(c, t))).ratio, 'age-month ratio (range)');
    }
  });

  it('cost and revenue per trailing hour follow usage growth and the price cut', async () => {
    const costByProvider = panel('ai-margin-overview/Cost per trailing hour by provider/A');
    const revenueTrend = panel('ai-margin-overview/Revenue vs cost per trailing hour/A');
    const costTrend = panel('ai-margin-overview/Revenue vs cost per trailing hour/B');
    const H = 3_600_000;
    const rates: number[] = [];
    for (const t of checkTimes) {
      const when = new Date(t).toISOString();
      const active = history.customers.filter((c) => history.activeAt(c, t));
      // The 1h rules at t: the last hourly increment (samples at t - 1h and t).
      const cost = active.reduce((a, c) => a + history.costBetween(c, t - H, t), 0);
      const got = byKey(
        await instantQuery(vm.url, substitute(costByProvider.expr, WINDOW), t / 1000),
        ['provider'],
      );
      expectMap(got, new Map([['openai', cost]]), `cost per trailing hour at ${when}`);
      expectMap(
        byKey(await instantQuery(vm.url, substitute(costTrend.expr, WINDOW), t / 1000), []),
        new Map([['', cost]]),
        `cost (revenue vs cost) at ${when}`,
      );
      rates.push(cost);
      const revenue = active.reduce(
        (a, c) => a + history.revenueBetween(c, t - H, t) + (c.mrrUsd * 3600) / MONTH_S,
        0,
      );
      const rev = byKey(
        await instantQuery(vm.url, substitute(revenueTrend.expr, WINDOW), t / 1000),
        [],
      );
      expectMap(rev, new Map([['', revenue]]), `revenue per trailing hour at ${when}`);
    }
    // The trend panel shows the price cut: cost per hour drops although usage only grows.
    const after = checkTimes.findIndex((t) => t > history.priceChangeMs);
    expect(after).toBeGreaterThan(0);
    expect(rates[after]!).toBeLessThan(rates[after - 1]!);
    const tokens = (t: number) =>
      history.customers
        .filter((c) => history.activeAt(c, t))
        .reduce(
          (a, c) => a + history.usageAt(c, t).requests * history.usageAt(c, t).tokensPerRequest,
          0,
        );
    expect(tokens(checkTimes[after]!)).toBeGreaterThan(tokens(checkTimes[after - 1]!));
  });

  it('reconciliation panels show the daily provisional and reported cost, drift and corrections', async () => {
    const provisional = panel(
      'ai-margin-reconciliation/Daily cost: provisional vs reported, by provider/A',
    );
    const reported = panel(
      'ai-margin-reconciliation/Daily cost: provisional vs reported, by provider/B',
    );
    const drift = panel('ai-margin-reconciliation/Drift: reported / provisional - 1/A');
    const corrections = panel('ai-margin-reconciliation/Correction by customer (time range)/A');
    const q = async (p: ReturnType<typeof panel>, t: number, labels: string[]) =>
      byKey(await instantQuery(vm.url, substitute(p.expr, WINDOW), t / 1000), labels);
    const drifts = new Set<number>();
    for (const t of checkTimes) {
      const day = Math.floor(t / DAY) * DAY;
      const when = new Date(t).toISOString();
      expectMap(
        await q(provisional, t, ['provider']),
        new Map([['openai', history.provisionalCost(day)]]),
        `provisional ${when}`,
      );
      expectMap(
        await q(reported, t, ['provider']),
        new Map([['openai', history.reportedCost(day)]]),
        `reported ${when}`,
      );
      expectMap(
        await q(drift, t, ['provider', 'model']),
        new Map([['openai|hist-gpt', history.invoiceRatio(day) - 1]]),
        `drift ${when}`,
      );
      drifts.add(history.invoiceRatio(day));
      const want = new Map<string, number>();
      for (const d of history.reconciledDays.filter((d) => d > t - 30 * DAY && d <= t)) {
        for (const c of history.customers) {
          if (!history.activeAt(c, d + DAY)) continue;
          want.set(c.id, (want.get(c.id) ?? 0) + history.correction(c, d));
        }
      }
      expectMap(await q(corrections, t, ['customer_id']), want, `corrections over 30d at ${when}`);
    }
    // Both invoice ratios (before and after the price cut) were seen.
    expect(drifts.size).toBe(2);
  });

  it('every panel query of every dashboard runs over the whole history as a range query', async () => {
    const problems: string[] = [];
    const start = Math.floor(history.startMs / 1000);
    const end = Math.floor(history.endMs / 1000);
    const empty: string[] = [];
    for (const p of panelQueries()) {
      try {
        const r = await rangeQuery(
          vm.url,
          substitute(p.expr, { ...WINDOW, rateInterval: '2h' }),
          start,
          end,
          86_400,
        );
        if (r.length === 0) empty.push(p.key);
      } catch (err) {
        problems.push(`${p.key}: ${String(err)}`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
    // Everything has data except what the history does not generate: prompt-cache tokens, SDK
    // modules (ai_margin_sdk_info comes from a live instrumentation) and refused amounts.
    const notGenerated = new Set([
      'Prompt cache hit share',
      'LLM SDKs the instrumentation met',
      'Amounts the processor refused',
      // Neither does the history hold price-book gauges or unpriced calls (these two panels
      // were empty here before the recording-rule panels too).
      'Price book in force',
      'Unpriced calls by model',
    ]);
    const expectedEmpty = panelQueries()
      .filter((p) => notGenerated.has(p.title))
      .map((p) => p.key);
    expect(empty.sort()).toEqual(expectedEmpty.sort());
  }, 120_000);
});
