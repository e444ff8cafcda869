/**
 * The PromQL catalog: every query behind the recording rules, alert rules, dashboards and
 * `ai-margin report`, in one place. Functions return PromQL strings; composite queries take their
 * inputs as expressions so the same formula runs on raw series (report, dashboards) or on
 * recording-rule outputs (alerts).
 *
 * Windows and increase(): a window total is `increase(counter[w])`. Prometheus extrapolates
 * increase() to the window edges and ignores the first sample of a series that starts inside the
 * window (its value since process start is not counted); VictoriaMetrics does not extrapolate and
 * counts from the last sample before the window. With series that exist for the whole window both
 * agree with the exact total to within one scrape interval's worth of increase at each edge, i.e.
 * |error| <= 2 * rate * scrape_interval. Dashboards and the report are finance-grade only to that
 * bound; invoices come from reconciliation.
 */
import {
  COST_TYPE,
  LABELS,
  METRICS,
  OVERFLOW_CUSTOMER,
  SDK_STATUS,
  UNATTRIBUTED,
  UNPRICED_REASON,
} from '@ai-margin/conventions';
import { countBy, eq, type Matcher, maxBy, nre, on, paren, re, selector, sumBy } from './promql';

/** Seconds in the month that MRR is pro-rated over (30 days, so a 30d window earns one MRR). */
export const MONTH_SECONDS = 2_592_000;

/** A query window: the range for `[...]` and the same length in seconds. */
export interface Window {
  /** PromQL duration (`30d`) or a Grafana variable (`$__range`). */
  readonly range: string;
  /** Length in seconds as a PromQL number or Grafana variable (`$__range_s`). */
  readonly seconds: string;
}

/** The standard windows of the recording rules. */
export const WINDOWS = {
  '1h': { range: '1h', seconds: '3600' },
  '1d': { range: '1d', seconds: '86400' },
  '7d': { range: '7d', seconds: '604800' },
  '30d': { range: '30d', seconds: '2592000' },
} as const satisfies Record<string, Window>;

export type WindowName = keyof typeof WINDOWS;

/** The dashboard time range picked in Grafana. */
export const DASHBOARD_RANGE: Window = { range: '$__range', seconds: '$__range_s' };

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses `90m`, `36h`, `30d`, `2w` (one unit) into a Window; throws on anything else. */
export function windowOf(duration: string): Window {
  const m = /^([1-9][0-9]*)([smhdw])$/.exec(duration);
  if (!m)
    throw new Error(
      `invalid window '${duration}': use a number and one of s, m, h, d, w (e.g. 30d)`,
    );
  const seconds = Number(m[1]) * (DURATION_UNITS[m[2]!] ?? 0);
  return { range: duration, seconds: String(seconds) };
}

/**
 * Optional filters (regular expressions, as Grafana variables give them). Usage filters apply
 * to series that carry the label; plan and cohort restrict to customers whose info gauge
 * matches, and always keep customers that have no info gauge (they have no plan to filter on).
 */
export interface Filters {
  readonly customer?: string;
  readonly feature?: string;
  readonly model?: string;
  readonly provider?: string;
  readonly plan?: string;
  readonly cohort?: string;
  /** Customers to leave out (regex), e.g. the overflow bucket in per-customer alerts. */
  readonly excludeCustomer?: string;
  /**
   * Service (regex on the `job` label). Filters raw series only: recorded series sum every
   * service of an environment, because a customer's margin is the sum over every service.
   */
  readonly job?: string;
  /** Environment (regex on `deployment_environment_name`). */
  readonly environment?: string;
  /** Cluster (regex on `cluster`). */
  readonly cluster?: string;
  /**
   * Labels every aggregation keeps besides its own (`sum by (customer_id, <these>)`); the
   * recording rules pass {@link FLEET}`.scopeLabels`, so environments never mix.
   */
  readonly scopeBy?: readonly string[];
}

const L = LABELS;

/**
 * The fleet: which service, environment and cluster a series comes from, the way
 * kubernetes-mixin's `config.libsonnet` names its selectors. `selector` maps a filter to its
 * label: every raw-series matcher gets `label=~"<regex>"` for each filter set (All = `.*`, which
 * also matches a series without the label, so a single service that sets none works as before).
 * `scopeLabels` are kept by every recording rule: replicas and services of one environment are
 * summed, two environments or clusters never are.
 */
export const FLEET = {
  selector: { job: L.job, environment: L.environment, cluster: L.cluster },
  scopeLabels: [L.environment, L.cluster],
} as const;

/** Fleet matchers of raw series: service (job), environment, cluster. The one place they are added. */
export function fleetMatchers(f: Filters): Matcher[] {
  const out: Matcher[] = [];
  for (const [field, label] of Object.entries(FLEET.selector)) {
    const value = f[field as keyof typeof FLEET.selector];
    if (value !== undefined) out.push(re(label, value));
  }
  return out;
}

/** Scope matchers of recorded series (environment, cluster: a recorded series has no job). */
export function scopeMatchers(f: Filters): Matcher[] {
  return fleetMatchers({ environment: f.environment, cluster: f.cluster });
}

/** Labels kept besides `by` (the fleet scope in recording rules; none elsewhere). */
function keep(by: readonly string[], f: Filters): string[] {
  return [...by, ...(f.scopeBy ?? [])];
}

/** The fleet part of filters (selectors and scope), for queries that take no other filter. */
export type Fleet = Pick<Filters, 'job' | 'environment' | 'cluster' | 'scopeBy'>;

function fleetOf(f: Filters): Fleet {
  return { job: f.job, environment: f.environment, cluster: f.cluster, scopeBy: f.scopeBy };
}

function matchers(f: Filters, labels: readonly string[]): Matcher[] {
  const out: Matcher[] = [];
  const byLabel: Record<string, string | undefined> = {
    [L.customer]: f.customer,
    [L.feature]: f.feature,
    [L.model]: f.model,
    [L.provider]: f.provider,
  };
  for (const label of labels) {
    const value = byLabel[label];
    if (value !== undefined) out.push(re(label, value));
    if (label === L.customer && f.excludeCustomer !== undefined)
      out.push(nre(label, f.excludeCustomer));
  }
  return [...out, ...fleetMatchers(f)];
}

/**
 * Customer metadata, one series per customer (and scope label values) even with several
 * replicas or a label change.
 */
export function customerInfo(
  extra: readonly Matcher[] = [],
  scope: readonly string[] = [],
): string {
  const i = METRICS.customerInfo;
  return `topk by (${[L.customer, ...scope].join(', ')}) (1, ${maxBy([...i.labels, ...scope], selector(i.promName, extra))})`;
}

/**
 * Drops customers whose metadata does not match the plan/cohort filters:
 * `expr unless on (customer_id, scope) (info{plan!~...} or info{cohort!~...})`, i.e. unless the customer
 * has an info series that fails a filter (the same as `info unless info{plan=~..., cohort=~...}`,
 * but with every filter at All (`.*`) the selectors match nothing in the index and no sample is
 * read: over a 30-day range the other form read every info sample twice). Customers without an
 * info gauge are kept (they have no plan to filter on), and `expr` appears once, which keeps
 * dashboard queries short (VictoriaMetrics limits queries to 16 KiB by default).
 */
function restrictByInfo(expr: string, f: Filters): string {
  const info = METRICS.customerInfo.promName;
  const failing: string[] = [];
  if (f.plan !== undefined) failing.push(selector(info, [nre(L.plan, f.plan)]));
  if (f.cohort !== undefined) failing.push(selector(info, [nre(L.cohort, f.cohort)]));
  if (failing.length === 0) return expr;
  // Within one environment and cluster: a customer's plan in staging does not filter production.
  return `(${expr} unless ${on([L.customer, ...FLEET.scopeLabels])} (${failing.join(' or ')}))`;
}

/** `sum by (labels) (increase(metric{filters}[w]))`, restricted by plan/cohort. */
function increaseBy(
  metric: (typeof METRICS)[keyof typeof METRICS],
  by: readonly string[],
  w: Window,
  f: Filters,
  extra: readonly Matcher[] = [],
): string {
  const sel = selector(metric.promName, [...matchers(f, metric.labels), ...extra]);
  const inc = restrictByInfo(`increase(${sel}[${w.range}])`, f);
  return sumBy(keep(by, f), inc);
}

// ---- per customer -------------------------------------------------------------------------

/** Variable (per-call) cost per customer over the window, USD. */
export function costByCustomer(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.cost, [L.customer], w, f);
}

/** Usage and manual revenue per customer over the window, USD. */
export function usageRevenueByCustomer(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.revenue, [L.customer], w, f);
}

/** Subscription revenue earned in the window: current MRR pro-rated to window / 30 days. */
export function mrrProrated(w: Window, f: Filters = {}): string {
  const mrr = selector(METRICS.customerMrr.promName, matchers(f, [L.customer]));
  return `${maxBy(keep([L.customer], f), restrictByInfo(mrr, f))} * ${w.seconds} / ${MONTH_SECONDS}`;
}

/** Total revenue = usage revenue + pro-rated MRR; a customer with only one of them keeps it. */
export function revenueOf(usageRevenue: string, mrr: string): string {
  const u = paren(usageRevenue);
  const m = paren(mrr);
  return `(${u} + ${m}) or ${u} or ${m}`;
}

/** Revenue per customer over the window from raw series. */
export function revenueByCustomer(w: Window, f: Filters = {}): string {
  return revenueOf(usageRevenueByCustomer(w, f), mrrProrated(w, f));
}

/**
 * Contribution margin = revenue - cost. Customers with cost and no revenue (the worst ones) and
 * customers with revenue and no cost both stay in the result.
 */
export function marginOf(revenue: string, cost: string): string {
  const r = paren(revenue);
  const c = paren(cost);
  return `(${r} or ${c} * 0) - (${c} or ${r} * 0)`;
}

/** Margin as a fraction of revenue; customers without revenue have no ratio (see marginOf). */
export function marginRatioOf(margin: string, revenue: string): string {
  return `${paren(margin)} / (${paren(revenue)} > 0)`;
}

/** Margin per customer over the window from raw series. */
export function marginByCustomer(w: Window, f: Filters = {}): string {
  return marginOf(revenueByCustomer(w, f), costByCustomer(w, f));
}

/** Fixed-cost drivers: which counter a pool with `allocate_by="<driver>"` is split by. */
export const ALLOCATION_DRIVERS = {
  requests: METRICS.requests,
  tokens: METRICS.tokens,
  cost: METRICS.cost,
} as const;

/**
 * Fixed cost allocated per customer over the window: for every pool, monthly amount pro-rated to
 * the window, times the customer's share of the pool's driver (requests, tokens or cost) in the
 * window. Pools whose driver saw no usage allocate nothing (no division by zero).
 * `recordedDrivers` names per-customer recording rules of the drivers over the same window (the
 * long-window rules read those instead of the raw counters).
 */
export function allocatedFixedCost(
  w: Window,
  f: Filters = {},
  recordedDrivers?: Readonly<Record<keyof typeof ALLOCATION_DRIVERS, string>>,
): string {
  const fixed = METRICS.fixedCostMonthly;
  const fleet = fleetOf(f);
  const scope = on(keep([], f));
  const parts = Object.entries(ALLOCATION_DRIVERS).map(([driver, metric]) => {
    // Each customer's driver over the window: a recorded rule if given, else the raw counter.
    const record = recordedDrivers?.[driver as keyof typeof ALLOCATION_DRIVERS];
    const own = record ?? increaseBy(metric, [L.customer], w, { customer: f.customer, ...fleet });
    const total = record ? sumBy(keep([], f), record) : increaseBy(metric, [], w, fleet);
    const pool = sumBy(
      keep([L.allocateBy], f),
      maxBy(
        keep([L.pool, L.allocateBy], f),
        selector(fixed.promName, [eq(L.allocateBy, driver), ...fleetMatchers(f)]),
      ),
    );
    return `(${own} / ${scope} group_left () (${total} > 0) * ${scope} group_left (${L.allocateBy}) (${pool} * ${w.seconds} / ${MONTH_SECONDS}))`;
  });
  return sumBy(keep([L.customer], f), parts.join(' or '));
}

/** Cost to serve = variable cost + allocated fixed cost (either may be missing). */
export function costToServeOf(cost: string, fixed: string): string {
  const c = paren(cost);
  const x = paren(fixed);
  return `(${c} + ${x}) or ${c} or ${x}`;
}

/** Requests per customer over the window. */
export function requestsByCustomer(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.requests, [L.customer], w, f);
}

/** Tokens per request per customer (the context-window factor). */
export function tokensPerRequestByCustomer(w: Window, f: Filters = {}): string {
  return `${increaseBy(METRICS.tokens, [L.customer], w, f)} / (${requestsByCustomer(w, f)} > 0)`;
}

// ---- models and features ------------------------------------------------------------------

/** Cost per provider and model over the window. */
export function costByModel(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.cost, [L.provider, L.model], w, f);
}

/** Cost per feature over the window. */
export function costByFeature(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.cost, [L.feature], w, f);
}

/** Requests (uses) per feature over the window. */
export function requestsByFeature(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.requests, [L.feature], w, f);
}

/** Cost per use of each feature: feature cost / feature requests. */
export function costPerUseByFeature(w: Window, f: Filters = {}): string {
  return `${costByFeature(w, f)} / (${requestsByFeature(w, f)} > 0)`;
}

/** Each feature's share of cost (0..1). */
export function featureCostShare(w: Window, f: Filters = {}): string {
  return `${costByFeature(w, f)} / ${on(keep([], f))} group_left () (${increaseBy(METRICS.cost, [], w, f)} > 0)`;
}

/** Each feature's share of requests (0..1). */
export function featureRequestShare(w: Window, f: Filters = {}): string {
  return `${requestsByFeature(w, f)} / ${on(keep([], f))} group_left () (${increaseBy(METRICS.requests, [], w, f)} > 0)`;
}

/** Effective price per model in USD per million tokens (all token buckets). */
export function effectivePricePerMTokens(w: Window, f: Filters = {}): string {
  return `${costByModel(w, f)} / (${increaseBy(METRICS.tokens, [L.provider, L.model], w, f)} > 0) * 1000000`;
}

/** Share of input-side tokens served from the prompt cache, per model. */
export function cacheHitShare(w: Window, f: Filters = {}): string {
  const read = increaseBy(METRICS.tokens, [L.provider, L.model], w, f, [
    { label: L.tokenType, op: '=', value: 'cache_read' },
  ]);
  const input = increaseBy(METRICS.tokens, [L.provider, L.model], w, f, [
    re(L.tokenType, 'input|cache_read|cache_write_5m|cache_write_1h'),
  ]);
  return `${read} / (${input} > 0)`;
}

/** Tokens per model and token type over the window. */
export function tokensByModelAndType(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.tokens, [L.provider, L.model, L.tokenType], w, f);
}

/** LLM share of variable cost (the rest comes from cost rules: vector DB, embeddings, ...). */
export function llmShareOfCost(w: Window, f: Filters = {}): string {
  const llm = increaseBy(METRICS.cost, [], w, f, [eq(L.costType, COST_TYPE.llm)]);
  return `${llm} / (${increaseBy(METRICS.cost, [], w, f)} > 0)`;
}

/** Total variable cost over the window. */
export function totalCost(w: Window, f: Filters = {}): string {
  return increaseBy(METRICS.cost, [], w, f);
}

// ---- whole-business views ------------------------------------------------------------------

/**
 * Number of customers whose margin is below zero (0 when none). With `scope` labels, one count per
 * scope (0 for a scope whose customers are all above water).
 */
export function underwaterCount(margin: string, scope: readonly string[] = []): string {
  const m = paren(margin);
  if (scope.length === 0) return `count(${m} < 0) or vector(0)`;
  // `or on () vector(0)`: the 0 only when there is no customer at all.
  return `${countBy(scope, `${m} < 0`)} or ${countBy(scope, m)} * 0 or on () vector(0)`;
}

/**
 * Share of cost carried by the top 20% of customers (by cost). Safe on empty data: with no
 * customers k is 0 instead of NaN (promtool 2.53: "NaN overflows int64"), and the result is empty.
 */
export function top20CostShare(costPerCustomer: string, scope: readonly string[] = []): string {
  const c = paren(costPerCustomer);
  if (scope.length > 0) return top20CostSharePerScope(c, scope);
  const k = `scalar(ceil(count(${c}) * 0.2) or vector(0))`;
  return `sum(topk(${k}, ${c})) / (sum(${c}) > 0)`;
}

/**
 * The same share per scope (environment, cluster). `topk` takes one k for every group, so the top
 * 20% of each scope are the customers at or above its `quantile(0.8 - 1e-7)`: with n customers of
 * distinct cost that is exactly ceil(0.2 n) of them, as `topk` picks (the rank 0.8 (n - 1) is a
 * multiple of 0.2, and the 1e-7 keeps float error off the boundary up to a million customers per scope).
 * Customers tied at the cut all count, where `topk` would take some of them.
 */
function top20CostSharePerScope(c: string, scope: readonly string[]): string {
  const cut = `quantile by (${scope.join(', ')}) (0.7999999, ${c})`;
  return `${sumBy(scope, `${c} >= ${on(scope)} group_left () ${cut}`)} / (${sumBy(scope, c)} > 0)`;
}

/** Bands of the margin distribution (margin ratio), lower bound inclusive. */
export const MARGIN_BANDS = [
  { band: 'below 0%', min: undefined, max: 0 },
  { band: '0-20%', min: 0, max: 0.2 },
  { band: '20-40%', min: 0.2, max: 0.4 },
  { band: '40-60%', min: 0.4, max: 0.6 },
  { band: '60-80%', min: 0.6, max: 0.8 },
  { band: '80% and above', min: 0.8, max: undefined },
] as const;

/** Label the margin-distribution query puts the band name in. */
export const BAND_LABEL = 'band';
/** Label of the band's position (-1 for below 0%, then 0, 1, ...): the panel sorts on it. */
export const BAND_INDEX_LABEL = 'band_index';
/** Bands per unit of margin ratio between 0% and the top band (20-point bands). */
const BANDS_PER_UNIT = 5;
/**
 * A ratio this close below a band's lower edge counts in the band: margin and revenue are sums
 * of recorded floats, so a customer at exactly 60% comes out as 0.59999999999999, and which band
 * it lands in would be float noise.
 */
const BAND_EDGE_TOLERANCE = 1e-9;

/** A band's lower edge less the tolerance, printed without float noise (0.599999999). */
function bandEdge(edge: number): number {
  return Number((edge - BAND_EDGE_TOLERANCE).toFixed(12));
}

/**
 * Customers per margin band in one pass over the ratios (for panels; the recording rule keeps
 * `marginDistribution`, which also reports empty bands as 0). `marginDistribution` evaluates the
 * ratio once per band: at 100 000 customers that is 6 passes and 83 000 series in each, and a
 * histogram panel would receive every customer's ratio. Here `count_values` counts customers per
 * band index, `floor((ratio + tolerance) * 5)` clamped to the bands (-1 = below 0%; the same
 * edges as `marginDistribution`), and the index is named after its band. Empty bands have no
 * series.
 */
export function marginBandCounts(marginRatio: string): string {
  const top = MARGIN_BANDS.length - 2;
  let out = `count_values("${BAND_INDEX_LABEL}", clamp(floor((${paren(marginRatio)} + ${BAND_EDGE_TOLERANCE}) * ${BANDS_PER_UNIT}), -1, ${top}))`;
  MARGIN_BANDS.forEach(({ band }, i) => {
    out = `label_replace(${out}, "${BAND_LABEL}", "${band}", "${BAND_INDEX_LABEL}", "${i - 1}")`;
  });
  return out;
}

/** Count of customers per margin band, one series per band (and scope; 0 for empty bands). */
export function marginDistribution(marginRatio: string, scope: readonly string[] = []): string {
  const r = paren(marginRatio);
  const zero = scope.length === 0 ? 'vector(0)' : `${countBy(scope, r)} * 0 or on () vector(0)`;
  return MARGIN_BANDS.map(({ band, min, max }) => {
    let filtered = r;
    if (min !== undefined) filtered = `${filtered} >= ${bandEdge(min)}`;
    if (max !== undefined) filtered = `${filtered} < ${bandEdge(max)}`;
    return `label_replace(${countBy(scope, filtered)} or ${zero}, "${BAND_LABEL}", "${band}", "", "")`;
  }).join(' or ');
}

/**
 * Margin and revenue joined to a label of the customer info gauge (cohort, age month, plan) and
 * summed per value of that label: the margin ratio of each group. `infoMatchers` restrict the
 * join to some values (e.g. age month 1).
 */
export function marginRatioByInfoLabel(
  label: string,
  margin: string,
  revenue: string,
  infoMatchers: readonly Matcher[] = [],
  scope: readonly string[] = [],
): string {
  const join = (x: string) =>
    sumBy(
      [label, ...scope],
      `${paren(x)} * ${on([L.customer, ...scope])} group_left (${label}) ${customerInfo(infoMatchers, scope)}`,
    );
  return `${join(margin)} / (${join(revenue)} > 0)`;
}

/** Margin in USD per info label (cohort, age month, plan, segment) and scope labels. */
export function marginByInfoLabel(
  label: string,
  margin: string,
  scope: readonly string[] = [],
  infoMatchers: readonly Matcher[] = [],
): string {
  return sumBy(
    [label, ...scope],
    `${paren(margin)} * ${on([L.customer, ...scope])} group_left (${label}) ${customerInfo(infoMatchers, scope)}`,
  );
}

/** `sum by (by, scope) (increase(metric{fleet}[w]))` of a processor-health counter. */
function healthIncrease(promName: string, by: readonly string[], w: Window, f: Fleet): string {
  return sumBy(keep(by, f), `increase(${selector(promName, fleetMatchers(f))}[${w.range}])`);
}

/** Unpriced requests by provider, model and reason over the window. */
export function unpricedRequests(w: Window, f: Fleet = {}): string {
  return healthIncrease(METRICS.unpricedRequests.promName, [L.provider, L.model, L.reason], w, f);
}

/** `reason` given to an SDK module that was loaded but could not be instrumented. */
export const SDK_UNPATCHED_REASON = 'sdk_unpatched';

/** SDK modules the instrumentations met, by version and status: how many series report each. */
export function sdkCoverage(f: Fleet = {}): string {
  const sel = selector(METRICS.sdkInfo.promName, fleetMatchers(f));
  return countBy(keep([L.sdk, L.sdkVersion, L.sdkStatus], f), sel);
}

/**
 * Loaded SDK modules that could not be instrumented, shaped like {@link unpricedRequests}
 * (provider = the SDK package, model = its version, reason = `sdk_unpatched`, value 1), so the
 * unpriced-usage alert and table cover calls that make no span at all.
 */
export function unpatchedSdks(f: Fleet = {}): string {
  const unpatched = maxBy(
    keep([L.sdk, L.sdkVersion], f),
    selector(METRICS.sdkInfo.promName, [
      eq(L.sdkStatus, SDK_STATUS.unpatched),
      ...fleetMatchers(f),
    ]),
  );
  const relabelled = `label_replace(label_replace(label_replace(${unpatched}, "${L.provider}", "$1", "${L.sdk}", "(.*)"), "${L.model}", "$1", "${L.sdkVersion}", "(.*)"), "${L.reason}", "${SDK_UNPATCHED_REASON}", "", "")`;
  return sumBy(keep([L.provider, L.model, L.reason], f), relabelled);
}

/** Unpriced requests plus uninstrumented SDK modules: everything whose cost is missing. */
export function unpricedUsage(w: Window, f: Fleet = {}): string {
  return `${unpricedRequests(w, f)} or ${unpatchedSdks(f)}`;
}

/** Share of requests that could not be priced (0..1). */
export function unpricedShare(w: Window, f: Filters = {}): string {
  const unpriced = increaseBy(METRICS.requests, [], w, f, [
    { label: L.priced, op: '=', value: 'false' },
  ]);
  const all = increaseBy(METRICS.requests, [], w, f);
  return `(${unpriced} or ${all} * 0) / (${all} > 0)`;
}

/** Events folded into the overflow series, per metric, over the window. */
export function cardinalityOverflow(w: Window, f: Fleet = {}): string {
  return healthIncrease(METRICS.cardinalityOverflow.promName, [L.metric], w, f);
}

/** USD amounts the processor refused to count (not finite, or outside [0, 1e9]), per kind. */
export function rejectedAmounts(w: Window, f: Fleet = {}): string {
  return healthIncrease(METRICS.rejectedAmounts.promName, [L.errorKind], w, f);
}

/** Label values rewritten for Prometheus (invalid UTF-8, too long), per label and reason. */
export function labelValuesNormalized(w: Window, f: Fleet = {}): string {
  return healthIncrease(METRICS.labelValuesNormalized.promName, [L.label, L.reason], w, f);
}

/** Processor errors per kind over the window. */
export function processorErrors(w: Window, f: Fleet = {}): string {
  return healthIncrease(METRICS.processorErrors.promName, [L.errorKind], w, f);
}

// ---- price book ------------------------------------------------------------------------------

/**
 * Age in days of the newest price of each price book in force, by book version: time() minus the
 * newest effectiveFrom that is not in the future. With replicas on one version, the oldest
 * (`min`) decides; replicas on different versions each give their own row.
 */
export function priceBookAgeDays(f: Fleet = {}): string {
  const g = METRICS.priceBookNewestPrice;
  const sel = selector(g.promName, fleetMatchers(f));
  return `(time() - min by (${keep([L.version], f).join(', ')}) (${sel})) / 86400`;
}

/** Calls to models the price book does not know, over the window (one series per scope). */
export function unknownModelRequests(w: Window, f: Fleet = {}): string {
  const u = METRICS.unpricedRequests;
  const sel = selector(u.promName, [
    eq(L.reason, UNPRICED_REASON.unknownModel),
    ...fleetMatchers(f),
  ]);
  return sumBy(keep([], f), `increase(${sel}[${w.range}])`);
}

/**
 * The price book's age in days, only while calls to unknown models are counted in the window: a
 * stale book alone is harmless (prices rarely change), a stale book missing models in use is not.
 */
export function priceBookAgeWithUnknownModels(w: Window, f: Fleet = {}): string {
  return `${paren(priceBookAgeDays(f))} and ${on(keep([], f))} (${unknownModelRequests(w, f)} > 0)`;
}

/** Customers excluded from per-customer alerts: the overflow bucket and unattributed usage. */
export const NOT_A_CUSTOMER_REGEX = `${OVERFLOW_CUSTOMER}|${UNATTRIBUTED}`;
export const NOT_A_CUSTOMER = nre(L.customer, NOT_A_CUSTOMER_REGEX);

// ---- reconciliation --------------------------------------------------------------------------

/** Daily series are written with the day's timestamp; look back this far for the latest day. */
export const DAILY_LOOKBACK = '3d';

/**
 * Provisional (live-priced) LLM cost of one UTC day per provider, model and customer, evaluated
 * at the END of the day (00:00 UTC of the next day) so the 1d window is exactly that day: the
 * input of reconciliation. Rule-priced costs (vector DB, …) are left out: no provider invoices
 * them. On Prometheus the sums are approximate (see the increase() note at the top); on
 * VictoriaMetrics, with a sample at or just before midnight, exact to the scrape interval.
 */
export function provisionalLlmCostOfDay(): string {
  const cost = selector(METRICS.cost.promName, [eq(L.costType, COST_TYPE.llm)]);
  return sumBy([L.provider, L.model, L.customer], `increase(${cost}[${WINDOWS['1d'].range}])`);
}

/** Latest daily reconciliation ratio (reported / provisional) per provider and model. */
export function reconciliationRatio(lookback = DAILY_LOOKBACK): string {
  const r = METRICS.reconciliationRatio;
  return maxBy([L.provider, L.model], `last_over_time(${r.promName}[${lookback}])`);
}

/** Latest daily provisional cost per provider and model. */
export function provisionalDaily(lookback = DAILY_LOOKBACK, f: Filters = {}): string {
  const p = METRICS.provisionalCostDaily;
  return maxBy(
    [L.provider, L.model],
    `last_over_time(${selector(p.promName, matchers(f, p.labels))}[${lookback}])`,
  );
}

/** Latest daily reconciled (provider-reported) cost per provider and model. */
export function reconciledDaily(lookback = DAILY_LOOKBACK, f: Filters = {}): string {
  const p = METRICS.reconciledCostDaily;
  return maxBy(
    [L.provider, L.model],
    `last_over_time(${selector(p.promName, matchers(f, p.labels))}[${lookback}])`,
  );
}

/**
 * Sum of reconciliation corrections per customer over the window. The reconcile job writes one
 * sample per customer, provider and UTC day, so summing the raw samples adds up the days.
 */
export function costCorrectionByCustomer(w: Window, f: Filters = {}): string {
  const c = METRICS.costCorrection;
  const sel = selector(c.promName, matchers(f, [L.customer, L.provider]));
  return sumBy([L.customer], `sum_over_time(${sel}[${w.range}])`);
}

// ---- what-if replay (ai-margin whatif): daily usage cells ---------------------------------

/**
 * Per-day usage for `ai-margin whatif`, evaluated with a range query (step 1d) at each UTC day's
 * end: `increase(...[1d])` of each counter by every label the replay needs.
 */
export const WHATIF_DAILY = {
  /** Tokens per customer, feature, provider, model and token bucket. */
  tokens: (): string => increaseBy(METRICS.tokens, METRICS.tokens.labels, WINDOWS['1d'], {}),
  /** Tokens of long-context calls, by the highest threshold their input exceeded. */
  longContextTokens: (): string =>
    increaseBy(METRICS.longContextTokens, METRICS.longContextTokens.labels, WINDOWS['1d'], {}),
  /** Cost per customer, feature, provider, model and cost type (llm, rule). */
  cost: (): string => increaseBy(METRICS.cost, METRICS.cost.labels, WINDOWS['1d'], {}),
  /** Requests per customer, feature, provider and model (priced or not). */
  requests: (): string =>
    increaseBy(METRICS.requests, [L.customer, L.feature, L.provider, L.model], WINDOWS['1d'], {}),
  /** Usage and manual revenue per customer, feature and revenue type. */
  usageRevenue: (): string =>
    increaseBy(METRICS.revenue, METRICS.revenue.labels, WINDOWS['1d'], {}),
  /** MRR per customer and plan in force during the day (pro-rate with MONTH_SECONDS). */
  mrr: (): string =>
    maxBy([L.customer, L.plan], `last_over_time(${METRICS.customerMrr.promName}[1d])`),
} as const;

// ---- recorded windows (scale) -------------------------------------------------------------
//
// At thousands of customers, `increase(raw[30d])` at query time reads every sample of every
// series in the window: seconds to a minute per panel. The recording rules compute each window
// once (per customer, per model and feature, per customer and model/feature for drill-downs) and
// the panels read their latest value. The names below are the rules' outputs; `w` is a window
// name (`30d`) or the dashboards' `$window` variable.

/** Grafana variable that picks the recorded window of table and stat panels. */
export const WINDOW_VARIABLE = 'window';
/** The windows the rules record and the `$window` variable offers. */
export const RECORDED_WINDOWS = ['1h', '1d', '7d', '30d'] as const satisfies readonly WindowName[];
export type RecordedWindow = (typeof RECORDED_WINDOWS)[number] | `$${typeof WINDOW_VARIABLE}`;

/** Recording-rule output names (used by the rules, the panels, alerts and tests). */
export const RECORD = {
  cost: (w: RecordedWindow) => `customer:ai_margin_cost_usd:increase${w}`,
  /** Variable cost of every customer of a scope (trend panels). */
  scopeCost: (w: RecordedWindow) => `ai_margin:cost_usd:increase${w}`,
  /** Revenue of every customer of a scope (trend panels). */
  scopeRevenue: (w: RecordedWindow) => `ai_margin:revenue_usd:${w}`,
  /** The `TREND_TOP` most expensive customers of each scope by `cost(w)` (trend panels). */
  topCost: (w: RecordedWindow) => `top_customer:ai_margin_cost_usd:increase${w}`,
  usageRevenue: (w: RecordedWindow) => `customer:ai_margin_usage_revenue_usd:increase${w}`,
  revenue: (w: RecordedWindow) => `customer:ai_margin_revenue_usd:${w}`,
  margin: (w: RecordedWindow) => `customer:ai_margin_margin_usd:${w}`,
  marginRatio: (w: RecordedWindow) => `customer:ai_margin_margin_ratio:${w}`,
  fixedAllocated: (w: RecordedWindow) => `customer:ai_margin_fixed_cost_allocated_usd:${w}`,
  costToServe: (w: RecordedWindow) => `customer:ai_margin_cost_to_serve_usd:${w}`,
  top20CostShare: (w: RecordedWindow) => `ai_margin:top20_cost_share:${w}`,
  marginBands: (w: RecordedWindow) => `ai_margin:customers_by_margin_band:${w}`,
  underwater: (w: RecordedWindow) => `ai_margin:underwater_customers:${w}`,
  cohortMarginRatio: (w: RecordedWindow) => `cohort:ai_margin_margin_ratio:${w}`,
  cohortMargin: (w: RecordedWindow) => `cohort:ai_margin_margin_usd:${w}`,
  ageMonthMarginRatio: (w: RecordedWindow) => `age_month:ai_margin_margin_ratio:${w}`,
  unpricedShare: (w: RecordedWindow) => `ai_margin:unpriced_request_share:${w}`,
  // scale: the inputs of the dashboards' table and stat panels
  requests: (w: RecordedWindow) => `customer:ai_margin_requests:increase${w}`,
  tokens: (w: RecordedWindow) => `customer:ai_margin_tokens:increase${w}`,
  costDetail: (w: RecordedWindow) => `customer_feature_model:ai_margin_cost_usd:increase${w}`,
  customerModel: (w: RecordedWindow) => `customer_model:ai_margin_cost_usd:increase${w}`,
  customerFeature: (w: RecordedWindow) => `customer_feature:ai_margin_cost_usd:increase${w}`,
  modelFeatureCost: (w: RecordedWindow) => `model_feature:ai_margin_cost_usd:increase${w}`,
  modelFeatureTokens: (w: RecordedWindow) => `model_feature:ai_margin_tokens:increase${w}`,
  modelFeatureRequests: (w: RecordedWindow) => `model_feature:ai_margin_requests:increase${w}`,
} as const;

/** Labels of the rollups. */
export const ROLLUP_LABELS = {
  costDetail: [L.customer, L.feature, L.provider, L.model, L.costType],
  customerModel: [L.customer, L.provider, L.model],
  customerFeature: [L.customer, L.feature],
  modelFeatureCost: [L.provider, L.model, L.feature, L.costType],
  modelFeatureTokens: [L.provider, L.model, L.feature, L.tokenType],
  modelFeatureRequests: [L.provider, L.model, L.feature, L.priced],
} as const;

/**
 * How old a rule's output may be when panels, alerts and other rules read it. vmalert stamps a
 * group's outputs with the time its evaluation started and writes them back by remote write, so
 * right before the next evaluation lands they are one interval plus one evaluation old, more
 * when an evaluation overruns its interval and skips a tick. At 100,000 customers on 2 cores the
 * 4-minute group took 6-7 minutes: outputs were up to about 15 minutes old, and with 10 minutes
 * here the panels read nothing between evaluations (design note 26).
 */
export const RECORDED_LOOKBACK_MINUTES = 20;
export const RECORDED_LOOKBACK = `${RECORDED_LOOKBACK_MINUTES}m`;

/** The latest value of a recording rule's output: `last_over_time(name{m}[20m])`. */
export function recorded(name: string, m: readonly Matcher[] = []): string {
  return `last_over_time(${selector(name, m)}[${RECORDED_LOOKBACK}])`;
}

/** Customer filters and the fleet scope on a per-customer recorded series. */
function recordedCustomerMatchers(f: Filters): Matcher[] {
  const m: Matcher[] = [];
  if (f.customer !== undefined) m.push(re(L.customer, f.customer));
  if (f.excludeCustomer !== undefined) m.push(nre(L.customer, f.excludeCustomer));
  return [...m, ...scopeMatchers(f)];
}

/** Feature, model and provider filters and the fleet scope on a model/feature rollup. */
function recordedUsageMatchers(f: Filters): Matcher[] {
  const m: Matcher[] = [];
  if (f.feature !== undefined) m.push(re(L.feature, f.feature));
  if (f.model !== undefined) m.push(re(L.model, f.model));
  if (f.provider !== undefined) m.push(re(L.provider, f.provider));
  return [...m, ...scopeMatchers(f)];
}

/** Customer, plan and cohort filters on a per-customer recorded series. */
function customerRecorded(name: string, f: Filters): string {
  return restrictByInfo(recorded(name, recordedCustomerMatchers(f)), f);
}

/** Feature, model and provider filters on a model/feature rollup. */
function usageRecorded(name: string, f: Filters, extra: readonly Matcher[] = []): string {
  return recorded(name, [...recordedUsageMatchers(f), ...extra]);
}

/**
 * Per-customer figures over a recorded window. Filters: customer, plan, cohort (the per-customer
 * rules sum every feature and model: a customer's margin is the whole customer's).
 */
export const recordedByCustomer = {
  cost: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.customer], customerRecorded(RECORD.cost(w), f)),
  revenue: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.customer], customerRecorded(RECORD.revenue(w), f)),
  margin: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.customer], customerRecorded(RECORD.margin(w), f)),
  /**
   * Margin / revenue of the summed figures: a customer served in two selected environments has
   * one ratio of its totals (summing the recorded per-environment ratios would add ratios).
   */
  marginRatio: (w: RecordedWindow, f: Filters = {}) =>
    marginRatioOf(recordedByCustomer.margin(w, f), recordedByCustomer.revenue(w, f)),
  costToServe: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.customer], customerRecorded(RECORD.costToServe(w), f)),
  requests: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.customer], customerRecorded(RECORD.requests(w), f)),
  tokensPerRequest: (w: RecordedWindow, f: Filters = {}) =>
    `${sumBy([L.customer], customerRecorded(RECORD.tokens(w), f))} / (${sumBy([L.customer], customerRecorded(RECORD.requests(w), f))} > 0)`,
  /** Cost of the selected customers per provider and model (drill-down). */
  costByModel: (w: RecordedWindow, f: Filters = {}) => {
    const usage = { ...f, feature: undefined };
    return selectedOrAll(
      [L.provider, L.model],
      f,
      (extra) => usageRecorded(RECORD.customerModel(w), usage, extra),
      (extra) => usageRecorded(RECORD.modelFeatureCost(w), usage, extra),
    );
  },
  /** Cost of the selected customers per feature (drill-down). */
  costByFeature: (w: RecordedWindow, f: Filters = {}) => {
    const usage = { feature: f.feature, environment: f.environment, cluster: f.cluster };
    return selectedOrAll(
      [L.feature],
      f,
      (extra) => usageRecorded(RECORD.customerFeature(w), usage, extra),
      (extra) => usageRecorded(RECORD.modelFeatureCost(w), usage, extra),
    );
  },
};

/**
 * A label no series carries, matched against a Grafana variable's value rather than a series'
 * label. Only the All value `.*` matches the empty string (a selection is `(a|b)` of escaped,
 * non-empty ids), so `ai_margin_variable=~"($customer)"` keeps a selector only when Customer is
 * All and `!~` only when it is not: the backend drops the other side from its index, before it
 * reads a sample. A filter regex that matches the empty string is taken as All. The group is not
 * decoration: VictoriaMetrics 1.112 keeps a series that lacks the label under `!~".*"`
 * (Prometheus drops it); `!~"(.*)"` behaves the same on both.
 */
export const VARIABLE_TEST_LABEL = 'ai_margin_variable';

/** Matches (`=~`) or not (`!~`) when the variable holding the customer filter is All. */
function customerFilterIsAll(customer: string, all: boolean): Matcher {
  return (all ? re : nre)(VARIABLE_TEST_LABEL, `(${customer})`);
}

/**
 * Cost of the selected customers per `by`: from the per-customer rollup `selected` when customers
 * are picked, from the model/feature rollup when Customer is All (the same sums, without reading
 * one series per customer: 250 000 series at 100 000 customers).
 */
function selectedOrAll(
  by: readonly string[],
  f: Filters,
  selected: (extra: readonly Matcher[]) => string,
  all: (extra: readonly Matcher[]) => string,
): string {
  if (f.customer === undefined) return sumBy(by, all([]));
  const picked = sumBy(
    by,
    selected([re(L.customer, f.customer), customerFilterIsAll(f.customer, false)]),
  );
  return `${picked} or ${sumBy(by, all([customerFilterIsAll(f.customer, true)]))}`;
}

/**
 * The table's worst `n` customers by margin: `x and on (customer_id) bottomk(n, margin)`, so
 * every column of a table holds the same rows (Grafana cannot show 10,000 rows usefully).
 */
export function worstCustomers(expr: string, margin: string, n: number): string {
  return `${paren(expr)} and on (${L.customer}) bottomk(${n}, ${paren(margin)})`;
}

/**
 * The margin % column of the same rows: `bottomk(n, margin) / (revenue > 0)`, which reads the
 * margin once instead of twice (`ratio and on (customer_id) bottomk(n, margin)`).
 */
export function worstCustomersMarginRatio(margin: string, revenue: string, n: number): string {
  return marginRatioOf(`bottomk(${n}, ${paren(margin)})`, revenue);
}

/** Whole-business and model/feature figures over a recorded window (feature/model/provider filters). */
export const recordedUsage = {
  totalCost: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([], usageRecorded(RECORD.modelFeatureCost(w), f)),
  costByModel: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.provider, L.model], usageRecorded(RECORD.modelFeatureCost(w), f)),
  costByFeature: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.feature], usageRecorded(RECORD.modelFeatureCost(w), f)),
  requestsByFeature: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.feature], usageRecorded(RECORD.modelFeatureRequests(w), f)),
  costPerUseByFeature: (w: RecordedWindow, f: Filters = {}) =>
    `${recordedUsage.costByFeature(w, f)} / (${recordedUsage.requestsByFeature(w, f)} > 0)`,
  featureCostShare: (w: RecordedWindow, f: Filters = {}) =>
    `${recordedUsage.costByFeature(w, f)} / on () group_left () (${recordedUsage.totalCost(w, f)} > 0)`,
  featureRequestShare: (w: RecordedWindow, f: Filters = {}) =>
    `${recordedUsage.requestsByFeature(w, f)} / on () group_left () (${sumBy([], usageRecorded(RECORD.modelFeatureRequests(w), f))} > 0)`,
  effectivePricePerMTokens: (w: RecordedWindow, f: Filters = {}) =>
    `${recordedUsage.costByModel(w, f)} / (${sumBy([L.provider, L.model], usageRecorded(RECORD.modelFeatureTokens(w), f))} > 0) * 1000000`,
  cacheHitShare: (w: RecordedWindow, f: Filters = {}) => {
    const read = sumBy(
      [L.provider, L.model],
      usageRecorded(RECORD.modelFeatureTokens(w), f, [eq(L.tokenType, 'cache_read')]),
    );
    const input = sumBy(
      [L.provider, L.model],
      usageRecorded(RECORD.modelFeatureTokens(w), f, [
        re(L.tokenType, 'input|cache_read|cache_write_5m|cache_write_1h'),
      ]),
    );
    return `${read} / (${input} > 0)`;
  },
  tokensByModelAndType: (w: RecordedWindow, f: Filters = {}) =>
    sumBy([L.provider, L.model, L.tokenType], usageRecorded(RECORD.modelFeatureTokens(w), f)),
  llmShareOfCost: (w: RecordedWindow, f: Filters = {}) =>
    `${sumBy([], usageRecorded(RECORD.modelFeatureCost(w), f, [eq(L.costType, 'llm')]))} / (${recordedUsage.totalCost(w, f)} > 0)`,
  unpricedShare: (w: RecordedWindow, f: Filters = {}) =>
    `(${sumBy([], usageRecorded(RECORD.modelFeatureRequests(w), f, [eq(L.priced, 'false')]))} or vector(0)) / (${sumBy([], usageRecorded(RECORD.modelFeatureRequests(w), f))} > 0)`,
};

/** What the recording rules aggregate by besides their own labels: the fleet scope. */
export const RULE_SCOPE: Filters = { scopeBy: FLEET.scopeLabels };

/**
 * What each rollup rule sums: the raw counter, the labels it keeps (besides the fleet scope) and
 * its recorded name, whose 1h rule is the tile of the longer windows.
 */
export const ROLLUPS = {
  costDetail: { metric: METRICS.cost, by: ROLLUP_LABELS.costDetail, record: RECORD.costDetail },
  requests: { metric: METRICS.requests, by: [L.customer], record: RECORD.requests },
  tokens: { metric: METRICS.tokens, by: [L.customer], record: RECORD.tokens },
  usageRevenue: { metric: METRICS.revenue, by: [L.customer], record: RECORD.usageRevenue },
  modelFeatureRequests: {
    metric: METRICS.requests,
    by: ROLLUP_LABELS.modelFeatureRequests,
    record: RECORD.modelFeatureRequests,
  },
  modelFeatureTokens: {
    metric: METRICS.tokens,
    by: ROLLUP_LABELS.modelFeatureTokens,
    record: RECORD.modelFeatureTokens,
  },
} as const;
export type RollupName = keyof typeof ROLLUPS;

/** Rule expressions of the rollups (raw series -> recorded window), per fleet scope. */
export const rollupExpr = {
  /**
   * The rollup over a standard window: 1h reads the raw counters; longer windows add up the
   * recorded 1h tiles (see {@link tiledIncrease}).
   */
  increase: (name: RollupName, w: WindowName, shard?: Matcher): string => {
    const r = ROLLUPS[name];
    return isTiled(w)
      ? tiledIncrease(r.metric, r.by, WINDOWS[w], r.record('1h'), shard)
      : increaseBy(r.metric, r.by, WINDOWS[w], RULE_SCOPE, shard ? [shard] : []);
  },
  fromCostDetail: (detail: string, by: readonly string[]) => sumBy(keep(by, RULE_SCOPE), detail),
};

// ---- long windows from hourly tiles ---------------------------------------------------------

/**
 * A tile is the 1h rule's value at a whole hour: its evaluation at or up to this long before
 * (one evaluated late or skipped still counts, shifted by minutes; longer gaps lose the hour).
 */
export const TILE_LOOKBACK = '10m';
/** The raw window of a tiled increase: it reaches back past the last tile read. */
export const SINCE_TILE_WINDOW = '2h';
/** Windows the rules build from the 1h rule's tiles (every standard window longer than 1h). */
export function isTiled(w: WindowName): boolean {
  return w !== '1h';
}
/**
 * The 30-day cost detail is recorded in shards, by the customer id's last character (every id
 * falls in exactly one: the last matcher takes what the others do not). Its tile subquery holds
 * 723 points per customer x feature x model series: at 100,000 customers (285,000 series)
 * VictoriaMetrics refused it for memory (3.58 GB reserved), and Prometheus counts those points
 * against `--query.max-samples` (50 M by default, about 69,000 series). A shard holds a share of
 * the series; each is a rule of its own, evaluated one after the other (design note 24).
 */
export const COST_DETAIL_SHARDS: readonly Matcher[] = [
  re(L.customer, '.*[0-4]'),
  re(L.customer, '.*[5-9]'),
  re(L.customer, '.*[a-mA-M]'),
  re(L.customer, '.*[n-zN-Z]'),
  nre(L.customer, '.*[0-9a-zA-Z]'),
];
/** Windows whose cost detail is recorded in shards. */
export const SHARDED_WINDOWS: readonly WindowName[] = ['30d'];
/** Static label that keeps the shards' rules apart (promtool flags same-name rules without one). */
export const SHARD_LABEL = 'ai_margin_shard';

/** Label that keeps the parts of a tiled window apart until they are summed. */
const TILE_PART = 'ai_margin_tile_part';

/**
 * The increase of `metric` over the window `w` (1d, 7d, 30d) by `by` and the fleet scope, from
 * the 1h rule `tile1h` instead of every raw sample of the window. At evaluation time t, with H
 * the last whole hour and f = (t - H) / 1h:
 *
 * - whole hours: the tiles at H-1h, H-2h, ..., H-w+1h (`sum_over_time` over a subquery at 1h
 *   steps, which every backend aligns to whole hours), covering (H-w, H-1h];
 * - plus the raw `increase(metric[2h])`, covering (t-2h, t];
 * - minus the parts counted twice or outside the window: the fraction 1-f of the tile at H-1h
 *   (its part after t-2h) and the fraction f of the oldest tile (its part before t-w), assuming
 *   even usage within each of those two hours. At whole hours (f = 0) the first is the whole
 *   tile and the second nothing, so the sum is exact.
 *
 * The most recent tile (at H) is not read: a just-recorded tile may not be in the backend yet.
 * Counter resets and new series are handled by `increase()` in the tiles and the raw part. Each
 * part is evaluated once; a `label_replace` keeps their series apart until the outer `sum`.
 * Reads w/1h values per tile series and 2 hours of raw samples instead of the whole window of
 * every raw series: see docs/design-notes.md §22.
 */
export function tiledIncrease(
  metric: (typeof METRICS)[keyof typeof METRICS],
  by: readonly string[],
  w: Window,
  tile1h: string,
  shard?: Matcher,
): string {
  const seconds = Number(w.seconds);
  const only = shard ? [shard] : [];
  const tile = `last_over_time(${selector(tile1h, only)}[${TILE_LOOKBACK}])`;
  const tileAt = (offsetSeconds: number) =>
    `last_over_time(${tile}[1h:1h] offset ${offsetSeconds}s)`;
  const f = '(time() % 3600)';
  const parts = {
    hours: `sum_over_time(${tile}[${seconds - 3600 - 1}s:1h] offset 1h)`,
    raw: increaseBy(metric, by, windowOf(SINCE_TILE_WINDOW), RULE_SCOPE, only),
    overlap: `${tileAt(3600)} * (${f} - 3600) / 3600`,
    before: `${tileAt(seconds - 3600)} * ${f} / -3600`,
  };
  return sumBy(
    keep(by, RULE_SCOPE),
    Object.entries(parts)
      .map(([name, expr]) => `label_replace(${expr}, "${TILE_PART}", "${name}", "", "")`)
      .join(' or '),
  );
}

/** The `n` largest series at each point of a time series panel (10,000 lines help no one). */
export function topSeries(n: number, expr: string): string {
  return `topk(${n}, ${paren(expr)})`;
}

/** Customers per scope the top-cost trend rule keeps (the panel plots 10: 10 per environment). */
export const TREND_TOP = 10;

/**
 * The top-cost trend rule: `topk by (scope) (10, cost)`, so a 30-day trend reads at most 10
 * series per environment and cluster at each point instead of one per customer (8.5 s on
 * VictoriaMetrics at 10,000 customers).
 */
export function topCostRule(costRecord: string, scopeBy: readonly string[]): string {
  return `topk by (${scopeBy.join(', ')}) (${TREND_TOP}, ${costRecord})`;
}

/** A scope-total trend rule: `sum by (scope) (record)` (Revenue vs cost reads one series). */
export function scopeTotalRule(record: string, scopeBy: readonly string[]): string {
  return sumBy(scopeBy, record);
}

// ---- trends (time series panels) ----------------------------------------------------------
//
// Time series panels plot "USD per trailing hour": the 1h rules (recorded every minute) read as
// a series, instead of `rate()` over every raw counter at every point of a 30-day range (4-18 s
// per panel at 10,000 customers). Each point is the total of the hour ending there, so the area
// under a curve is not a total; with a step above 1h (ranges over ~40 days) points skip hours.
// Plain selectors: a point shows the latest evaluation within the backend's lookback.

/** Customer, plan and cohort filters on a per-customer 1h rule, as a series. */
function customerTrend(name: string, f: Filters): string {
  return restrictByInfo(selector(name, recordedCustomerMatchers(f)), f);
}

/** Feature, model and provider filters on a model/feature 1h rule, as a series. */
function usageTrend(name: string, f: Filters): string {
  return selector(name, recordedUsageMatchers(f));
}

/** USD per trailing hour for time series panels, from the 1h recording rules. */
export const trailingHour = {
  /** Variable cost by some of provider, model, feature (feature/model/provider filters). */
  costBy: (by: readonly string[], f: Filters = {}) =>
    sumBy(by, usageTrend(RECORD.modelFeatureCost('1h'), f)),
  /** Variable cost of the selected environments and clusters (the scope-total rule). */
  cost: (f: Filters = {}) => sumBy([], selector(RECORD.scopeCost('1h'), scopeMatchers(f))),
  /**
   * Variable cost of the most expensive customers: the `TREND_TOP` of each selected environment
   * and cluster at each point (the top-cost rule), then those matching the customer/plan/cohort
   * filters. A selected customer outside its environment's top 10 is not plotted.
   */
  topCostByCustomer: (f: Filters = {}) =>
    topSeries(TREND_TOP, sumBy([L.customer], customerTrend(RECORD.topCost('1h'), f))),
  /** Revenue of the selected environments and clusters: usage revenue plus MRR x 1h / 30 days. */
  revenue: (f: Filters = {}) => sumBy([], selector(RECORD.scopeRevenue('1h'), scopeMatchers(f))),
};
