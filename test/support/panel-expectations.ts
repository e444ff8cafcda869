/**
 * What every dashboard panel must show for the live scenario, computed from the scenario's own
 * figures (test/support/scenario.ts), keyed by `<dashboard uid>/<panel title>/<refId>`.
 *
 * Window panels and the trailing-hour time series see the whole scenario, so they are sums of
 * known totals and are compared exactly. Subscription revenue over a window is MRR x window / 30
 * days.
 */
import { readFileSync } from 'node:fs';
import { CUSTOMERS, cohortOf, type Expected } from './scenario';

/** Installed version of an SDK the example service loads (what its instrumentation reports). */
function installedVersion(pkg: string): string {
  // Read from the repo's node_modules: the SDKs do not all export `./package.json`.
  const file = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const MONTH_S = 2_592_000;

export type PanelExpectation = {
  kind: 'values';
  labels: string[];
  values: Map<string, number>;
  relTol?: number;
  /** Absolute tolerance (for values that depend on when the query runs). */
  absTol?: number;
};

const values = (
  labels: string[],
  m: Map<string, number>,
): Extract<PanelExpectation, { kind: 'values' }> => ({
  kind: 'values',
  labels,
  values: m,
});
const scalar = (v: number): PanelExpectation => values([], new Map([['', v]]));

function mapOf(entries: Iterable<[string, number]>): Map<string, number> {
  return new Map(entries);
}

/** Customers per 20-point margin band (the panel has no bar for an empty band). */
function bandCounts(ratios: Map<string, number>): Map<string, number> {
  // Each band from its lower edge, highest first.
  const bands: [number, string][] = [
    [0.8, '80% and above'],
    [0.6, '60-80%'],
    [0.4, '40-60%'],
    [0.2, '20-40%'],
    [0, '0-20%'],
    [Number.NEGATIVE_INFINITY, 'below 0%'],
  ];
  const out = new Map<string, number>();
  for (const r of ratios.values()) {
    const band = bands.find(([min]) => r >= min)![1];
    out.set(band, (out.get(band) ?? 0) + 1);
  }
  return out;
}

/** Per-customer revenue, margin and ratio over a window of `seconds`. */
export function customerFigures(e: Expected, seconds: number) {
  const revenue = new Map<string, number>();
  const ids = new Set<string>([
    ...e.costByCustomer.keys(),
    ...e.usageRevenueByCustomer.keys(),
    ...e.mrr.keys(),
  ]);
  for (const id of ids) {
    const usage = e.usageRevenueByCustomer.get(id);
    const mrr = e.mrr.get(id);
    if (usage === undefined && mrr === undefined) continue;
    revenue.set(id, (usage ?? 0) + ((mrr ?? 0) * seconds) / MONTH_S);
  }
  const margin = new Map<string, number>();
  for (const id of ids) {
    if (!revenue.has(id) && !e.costByCustomer.has(id)) continue;
    margin.set(id, (revenue.get(id) ?? 0) - (e.costByCustomer.get(id) ?? 0));
  }
  const ratio = new Map<string, number>();
  for (const [id, r] of revenue) if (r > 0) ratio.set(id, margin.get(id)! / r);
  return { revenue, margin, ratio };
}

function byInfo(
  label: 'customer_cohort' | 'customer_age_month',
  perCustomer: Map<string, number>,
  now: Date,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of CUSTOMERS) {
    const v = perCustomer.get(c.id);
    if (v === undefined) continue;
    const k = label === 'customer_cohort' ? cohortOf(c, now) : String(c.ageMonths);
    out.set(k, (out.get(k) ?? 0) + v);
  }
  return out;
}

function ratioByInfo(
  label: 'customer_cohort' | 'customer_age_month',
  f: ReturnType<typeof customerFigures>,
  now: Date,
): Map<string, number> {
  const m = byInfo(label, f.margin, now);
  const r = byInfo(label, f.revenue, now);
  const out = new Map<string, number>();
  for (const [k, rev] of r) if (rev > 0 && m.has(k)) out.set(k, m.get(k)! / rev);
  return out;
}

/** @param e figures of the whole scenario */
export function expectedPanels(
  e: Expected,
  now: Date,
  rangeSeconds: number,
  /** The price book the service runs (live stack only): its version and newest price. */
  priceBook?: { version: string; newestPriceMs: number; atMs: number },
): Record<string, PanelExpectation> {
  const f = customerFigures(e, rangeSeconds);
  const f30 = customerFigures(e, MONTH_S);
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const totalRevenue = sum(f.revenue);
  const totalMargin = sum(f.margin);
  const tokensPerRequest = mapOf(
    [...e.tokensByCustomer].map(
      ([c, t]) => [c, t / e.requestsByCustomer.get(c)!] as [string, number],
    ),
  );
  const effectivePrice = mapOf(
    [...e.costByModel].map(
      ([k, cost]) => [k, (cost / e.tokensByModel.get(k)!) * 1e6] as [string, number],
    ),
  );
  const cacheShare = new Map<string, number>();
  for (const k of e.tokensByModel.keys()) {
    const read = e.tokensByModelType.get(`${k}|cache_read`);
    if (read === undefined) continue;
    const input = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h']
      .map((t) => e.tokensByModelType.get(`${k}|${t}`) ?? 0)
      .reduce((a, b) => a + b, 0);
    cacheShare.set(k, read / input);
  }
  const costPerUse = mapOf(
    [...e.costByFeature].map(([k, c]) => [k, c / e.requestsByFeature.get(k)!] as [string, number]),
  );
  const costShare = mapOf(
    [...e.costByFeature].map(([k, c]) => [k, c / e.totalCost] as [string, number]),
  );
  const requestShare = mapOf(
    [...e.requestsByFeature].map(([k, r]) => [k, r / e.requestsTotal] as [string, number]),
  );
  const costs = [...e.costByCustomer.values()].sort((a, b) => b - a);
  const k = Math.ceil(costs.length * 0.2);
  const top20 = costs.slice(0, k).reduce((a, b) => a + b, 0) / e.totalCost;
  const mrrPerHour = (sum(e.mrr) * 3600) / MONTH_S;
  const C = ['customer_id'];
  const PM = ['provider', 'model'];

  return {
    // ---- overview
    'ai-margin-overview/Revenue/A': scalar(totalRevenue),
    'ai-margin-overview/Variable cost/A': scalar(e.totalCost),
    'ai-margin-overview/Contribution margin/A': scalar(totalMargin),
    'ai-margin-overview/Contribution margin %/A': scalar(totalMargin / totalRevenue),
    'ai-margin-overview/Customers under water/A': scalar(
      [...f.margin.values()].filter((m) => m < 0).length,
    ),
    'ai-margin-overview/Top 20% customers share of cost/A': scalar(top20),
    'ai-margin-overview/LLM share of variable cost/A': scalar(1),
    'ai-margin-overview/Unpriced requests/A': scalar(e.requestsUnpriced / e.requestsTotal),
    // The example service loads openai and @anthropic-ai/sdk, both in the tested ranges; one
    // service instance reports each.
    // The scenario sends no out-of-range amount.
    'ai-margin-overview/Amounts the processor refused/A': values(['kind'], mapOf([])),
    'ai-margin-overview/Unpriced calls by model/A': values(
      ['provider', 'model', 'reason'],
      e.unpricedByModel,
    ),
    // The e2e book's version -> the age in days of its newest price at `priceBook.atMs` (the
    // query runs within a minute of it).
    'ai-margin-overview/Price book in force/A': priceBook
      ? {
          ...values(
            ['version'],
            mapOf([[priceBook.version, (priceBook.atMs - priceBook.newestPriceMs) / 86_400_000]]),
          ),
          absTol: 60 / 86_400,
        }
      : values(['version'], mapOf([])),
    'ai-margin-overview/LLM SDKs the instrumentation met/A': values(
      ['sdk', 'sdk_version', 'status'],
      mapOf([
        [`openai|${installedVersion('openai')}|instrumented`, 1],
        [`@anthropic-ai/sdk|${installedVersion('@anthropic-ai/sdk')}|instrumented`, 1],
      ]),
    ),
    'ai-margin-overview/Margin distribution (customers per margin band)/A': values(
      ['band'],
      bandCounts(f.ratio),
    ),
    // Time series panels: USD per trailing hour from the 1h rules. The scenario lasts under an
    // hour, so the last point (now) holds the whole scenario, like the 1h window panels.
    'ai-margin-overview/Revenue vs cost per trailing hour/A': scalar(
      sum(e.usageRevenueByCustomer) + mrrPerHour,
    ),
    'ai-margin-overview/Revenue vs cost per trailing hour/B': scalar(e.totalCost),
    'ai-margin-overview/Cost per trailing hour by provider/A': values(
      ['provider'],
      (() => {
        const m = new Map<string, number>();
        for (const [key, v] of e.costByModel) {
          const p = key.split('|')[0]!;
          m.set(p, (m.get(p) ?? 0) + v);
        }
        return m;
      })(),
    ),
    // ---- customers
    'ai-margin-customers/Customers by margin/A': values(C, f.margin),
    'ai-margin-customers/Customers by margin/B': values(C, f.ratio),
    'ai-margin-customers/Customers by margin/C': values(C, f.revenue),
    'ai-margin-customers/Customers by margin/D': values(C, e.costByCustomer),
    'ai-margin-customers/Customers by margin/E': values(C, e.costByCustomer),
    'ai-margin-customers/Customers by margin/F': values(C, e.requestsByCustomer),
    'ai-margin-customers/Customers by margin/G': values(C, tokensPerRequest),
    'ai-margin-customers/Cost by model/A': values(PM, e.costByModel),
    'ai-margin-customers/Cost by feature/A': values(['feature'], e.costByFeature),
    // 10 and 20 customers shown at most: the scenario has fewer.
    'ai-margin-customers/Cost per trailing hour by customer/A': values(C, e.costByCustomer),
    'ai-margin-customers/Tokens per request/A': values(C, tokensPerRequest),
    // ---- models & features
    'ai-margin-models-features/Cost by model/A': values(PM, e.costByModel),
    'ai-margin-models-features/Effective price per 1M tokens/A': values(PM, effectivePrice),
    'ai-margin-models-features/Prompt cache hit share/A': values(PM, cacheShare),
    'ai-margin-models-features/Cost per trailing hour by model/A': values(PM, e.costByModel),
    'ai-margin-models-features/Tokens by model and bucket/A': values(
      ['provider', 'model', 'token_type'],
      e.tokensByModelType,
    ),
    'ai-margin-models-features/Features: cost, uses, cost per use/A': values(
      ['feature'],
      e.costByFeature,
    ),
    'ai-margin-models-features/Features: cost, uses, cost per use/B': values(
      ['feature'],
      e.requestsByFeature,
    ),
    'ai-margin-models-features/Features: cost, uses, cost per use/C': values(
      ['feature'],
      costPerUse,
    ),
    'ai-margin-models-features/Features: cost, uses, cost per use/D': values(
      ['feature'],
      costShare,
    ),
    'ai-margin-models-features/Features: cost, uses, cost per use/E': values(
      ['feature'],
      requestShare,
    ),
    'ai-margin-models-features/Cost per trailing hour by feature/A': values(
      ['feature'],
      e.costByFeature,
    ),
    // ---- cohorts (each scenario customer is its own cohort and age month)
    'ai-margin-cohorts/Margin % by cohort (trailing 30 days)/A': values(
      ['customer_cohort'],
      ratioByInfo('customer_cohort', f30, now),
    ),
    'ai-margin-cohorts/Margin by cohort (time range)/A': values(
      ['customer_cohort'],
      byInfo('customer_cohort', f.margin, now),
    ),
    'ai-margin-cohorts/Margin % by customer age month (trailing 30 days)/A': values(
      ['customer_age_month'],
      ratioByInfo('customer_age_month', f30, now),
    ),
    'ai-margin-cohorts/Margin % by customer age month (time range)/A': values(
      ['customer_age_month'],
      ratioByInfo('customer_age_month', f, now),
    ),
    // ---- reconciliation: the live scenario reconciles nothing, so these panels are empty
    'ai-margin-reconciliation/Daily cost: provisional vs reported, by provider/A': values(
      ['provider'],
      new Map(),
    ),
    'ai-margin-reconciliation/Daily cost: provisional vs reported, by provider/B': values(
      ['provider'],
      new Map(),
    ),
    'ai-margin-reconciliation/Drift: reported / provisional - 1/A': values(PM, new Map()),
    'ai-margin-reconciliation/Correction by customer (time range)/A': values(C, new Map()),
  };
}

/**
 * The newest `effectiveFrom` at or before `atMs` over price files (provider files, or user files
 * with `providers`), read from the JSON itself rather than through the price book.
 */
export function newestPriceMs(files: readonly unknown[], atMs: number): number {
  let newest = Number.NEGATIVE_INFINITY;
  const consider = (from: unknown) => {
    if (typeof from !== 'string') return;
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(from) ? `${from}T00:00:00Z` : from);
    if (ms <= atMs && ms > newest) newest = ms;
  };
  type ProviderFile = {
    models?: { periods?: { effectiveFrom?: unknown }[] }[];
    movingAliases?: { targets?: { effectiveFrom?: unknown }[] }[];
  };
  for (const file of files) {
    const f = file as ProviderFile & { providers?: ProviderFile[] };
    for (const p of f.providers ?? [f]) {
      for (const m of p.models ?? [])
        for (const period of m.periods ?? []) consider(period.effectiveFrom);
      for (const a of p.movingAliases ?? [])
        for (const t of a.targets ?? []) consider(t.effectiveFrom);
    }
  }
  return newest;
}
