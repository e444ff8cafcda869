import {
  COST_TYPE,
  type CostType,
  LABELS,
  LONG_CONTEXT_THRESHOLDS,
  OVERFLOW_CUSTOMER,
  OVERFLOW_METRIC,
  PRICED,
  TOKEN_TYPE_LABEL,
} from '@ai-margin/conventions';
import type { BucketUsage, UnpricedReason } from '../cost/types';
import { LabelGuard, type OverflowMetric } from './label-guard';
import type { LabelValues } from './label-values';

/** One data point as both metric paths consume it. */
export interface SeriesPoint {
  labels: Record<string, string>;
  value: number;
}

/** What one span contributed, after pricing (or cost rules), before cardinality limits. */
export interface SpanOutcome {
  customer: string;
  feature: string;
  provider: string;
  model: string;
  costType: CostType;
  /** A GenAI call (counted in `ai_margin_requests_total`); rule spans are not. */
  isCall: boolean;
  priced: boolean;
  /** USD; 0 when unpriced. Always finite and >= 0. */
  costUsd: number;
  tokens?: BucketUsage;
  unpricedReason?: UnpricedReason;
}

const TOKEN_LABEL_BY_INDEX: readonly string[] = [
  TOKEN_TYPE_LABEL.input,
  TOKEN_TYPE_LABEL.cacheRead,
  TOKEN_TYPE_LABEL.cacheWrite5m,
  TOKEN_TYPE_LABEL.cacheWrite1h,
  TOKEN_TYPE_LABEL.output,
  TOKEN_TYPE_LABEL.reasoning,
  TOKEN_TYPE_LABEL.cacheWrite30m,
  TOKEN_TYPE_LABEL.cacheWrite12h,
];

const BUCKETS = TOKEN_LABEL_BY_INDEX.length;

/** All counters of one (customer, feature, provider, model): one Map lookup per span. */
interface SeriesGroup {
  customer: string;
  feature: string;
  provider: string;
  model: string;
  costLlm: number;
  costRule: number;
  llmCostSeen: boolean;
  ruleCostSeen: boolean;
  tokens: Float64Array;
  tokenSeen: number; // bit mask over BUCKET_INDEX
  /** Tokens of calls above a long-context threshold: [band * BUCKETS + bucket]; allocated on first use. */
  longTokens: Float64Array | undefined;
  longSeen: number; // bit mask over band * BUCKETS + bucket
  requestsPriced: number;
  requestsUnpriced: number;
  /** The `__overflow__` group: its series are outside the budget (there is one of each). */
  exempt: boolean;
}

interface KeyedValue {
  labels: Record<string, string>;
  value: number;
}

const SEP = '\u0001';
// Read once at load (a plain string on the span path, not a property load per span).
const LLM = COST_TYPE.llm;

function unpricedLabels(provider: string, model: string, reason: string): Record<string, string> {
  return { [LABELS.provider]: provider, [LABELS.model]: model, [LABELS.reason]: reason };
}

function revenueLabels(customer: string, feature: string, type: string): Record<string, string> {
  return { [LABELS.customer]: customer, [LABELS.feature]: feature, [LABELS.revenueType]: type };
}

/** The customer and feature label values a span was counted under (after the caps). */
export interface AdmittedLabels {
  customer: string;
  feature: string;
}

export interface AggregateLimits {
  maxCustomers: number;
  maxModels: number;
  maxFeatures: number;
  maxProviders: number;
  maxRevenueTypes: number;
  /** Series budget of each metric, across all label combinations (plus the overflow series). */
  maxSeriesPerMetric: number;
}

const OV = OVERFLOW_CUSTOMER;

/** Index into `Aggregates.held`: the metrics whose series the budget counts per group. */
const COST = 0;
const TOKENS = 1;
const REQUESTS = 2;
const LONG_TOKENS = 3;
type HeldMetric = typeof COST | typeof TOKENS | typeof REQUESTS | typeof LONG_TOKENS;
/** `context_above` label values, in band order (as strings once, not per collection). */
const CONTEXT_ABOVE = LONG_CONTEXT_THRESHOLDS.map(String);
const FIRST_THRESHOLD = LONG_CONTEXT_THRESHOLDS[0] as number;

/**
 * In-process cumulative aggregates. The span path only adds numbers to existing entries; the
 * metric paths read them at collection. Memory is bounded twice: per label (the guards) and per
 * metric across label combinations (the series budget): a combination that would take a metric
 * past its budget is counted in the `__overflow__` series instead.
 */
export class Aggregates {
  // customer -> feature -> provider -> model -> group: no key string is built per span.
  private readonly tree = new Map<string, Map<string, Map<string, Map<string, SeriesGroup>>>>();
  private readonly groups: SeriesGroup[] = [];
  private lastGroup: SeriesGroup | undefined;
  private overflowGroup: SeriesGroup | undefined;
  private readonly revenue = new Map<string, KeyedValue>();
  private readonly unpriced = new Map<string, KeyedValue>();
  private readonly budget: number;
  /** Series held per metric, indexed by COST / TOKENS / REQUESTS (the overflow group's not counted). */
  private readonly held = [0, 0, 0, 0];
  readonly overflow = new Map<OverflowMetric, number>();
  readonly customers: LabelGuard;
  readonly models: LabelGuard;
  readonly features: LabelGuard;
  readonly providers: LabelGuard;
  readonly revenueTypes: LabelGuard;

  constructor(limits: AggregateLimits, labelValues: LabelValues) {
    const onOverflow = (d: OverflowMetric) => this.countOverflow(d);
    const guard = (cap: number, d: OverflowMetric) =>
      new LabelGuard(cap, d, labelValues, onOverflow);
    this.customers = guard(limits.maxCustomers, OVERFLOW_METRIC.customer);
    this.models = guard(limits.maxModels, OVERFLOW_METRIC.model);
    this.features = guard(limits.maxFeatures, OVERFLOW_METRIC.feature);
    this.providers = guard(limits.maxProviders, OVERFLOW_METRIC.provider);
    this.revenueTypes = guard(limits.maxRevenueTypes, OVERFLOW_METRIC.revenueType);
    this.budget = limits.maxSeriesPerMetric;
  }

  private countOverflow(d: OverflowMetric): void {
    this.overflow.set(d, (this.overflow.get(d) ?? 0) + 1);
  }

  /**
   * Adds one span; the customer and feature label values used (after the caps) are written to
   * the caller's `admitted` (reused per span: no allocation).
   */
  add(o: SpanOutcome, admitted: AdmittedLabels): void {
    const customer = this.customers.admit(o.customer);
    const feature = this.features.admit(o.feature);
    const provider = this.providers.admit(o.provider);
    const model = this.models.admit(o.model);
    // Calls come in bursts for one customer/feature/model: skip the tree walk for a repeat.
    const last = this.lastGroup;
    const g =
      last !== undefined &&
      last.customer === customer &&
      last.feature === feature &&
      last.provider === provider &&
      last.model === model
        ? last
        : this.findGroup(customer, feature, provider, model);
    this.lastGroup = g;
    // A series seen for the first time (the flag is still false) must fit the metric's budget.
    if (o.costType === LLM) {
      if (o.priced) {
        const c = g.llmCostSeen ? g : this.hold(g, COST);
        c.llmCostSeen = true;
        c.costLlm += o.costUsd;
      }
    } else {
      const c = g.ruleCostSeen ? g : this.hold(g, COST);
      c.ruleCostSeen = true;
      c.costRule += o.costUsd;
    }
    if (o.isCall) {
      if (o.priced) {
        // A request series is held once its count is above 0.
        const r = g.requestsPriced > 0 ? g : this.hold(g, REQUESTS);
        r.requestsPriced++;
      } else {
        const r = g.requestsUnpriced > 0 ? g : this.hold(g, REQUESTS);
        r.requestsUnpriced++;
      }
    }
    const t = o.tokens;
    if (t !== undefined) {
      this.addTokens(g, 0, t.input);
      this.addTokens(g, 1, t.cacheRead);
      this.addTokens(g, 2, t.cacheWrite5m);
      this.addTokens(g, 3, t.cacheWrite1h);
      this.addTokens(g, 4, t.output);
      this.addTokens(g, 5, t.reasoning);
      this.addTokens(g, 6, t.cacheWrite30m);
      this.addTokens(g, 7, t.cacheWrite12h);
      const input =
        t.input + t.cacheRead + t.cacheWrite5m + t.cacheWrite1h + t.cacheWrite30m + t.cacheWrite12h;
      if (input > FIRST_THRESHOLD) this.addLongContext(g, input, t);
    }
    if (!o.priced && o.unpricedReason !== undefined) {
      const reason = o.unpricedReason;
      const key = provider + SEP + model + SEP + reason;
      if (this.unpriced.has(key) || this.unpriced.size < this.budget) {
        this.addKeyed(this.unpriced, key, () => unpricedLabels(provider, model, reason), 1);
      } else {
        this.countOverflow(OVERFLOW_METRIC.unpricedSeries);
        this.addKeyed(
          this.unpriced,
          OV + SEP + OV + SEP + reason,
          () => unpricedLabels(OV, OV, reason),
          1,
        );
      }
    }
    admitted.customer = customer;
    admitted.feature = feature;
  }

  /** Adds `n` tokens to bucket `i` (order of TOKEN_LABEL_BY_INDEX). */
  private addTokens(g: SeriesGroup, i: number, n: number): void {
    if (n > 0) {
      const t = (g.tokenSeen & (1 << i)) !== 0 ? g : this.hold(g, TOKENS);
      t.tokenSeen |= 1 << i;
      t.tokens[i] = (t.tokens[i] as number) + n;
    }
  }

  /**
   * A call above a long-context threshold: its buckets again, under the highest threshold its
   * total input exceeds (what-if repricing needs them to re-apply a cliff exactly).
   */
  private addLongContext(g: SeriesGroup, input: number, t: BucketUsage): void {
    let band = 0;
    while (
      band + 1 < LONG_CONTEXT_THRESHOLDS.length &&
      input > (LONG_CONTEXT_THRESHOLDS[band + 1] as number)
    )
      band++;
    const base = band * BUCKETS;
    // In TOKEN_LABEL_BY_INDEX order.
    const counts = [
      t.input,
      t.cacheRead,
      t.cacheWrite5m,
      t.cacheWrite1h,
      t.output,
      t.reasoning,
      t.cacheWrite30m,
      t.cacheWrite12h,
    ];
    for (let i = 0; i < BUCKETS; i++) {
      const n = counts[i] as number;
      if (!(n > 0)) continue;
      const bit = 1 << (base + i);
      const h = (g.longSeen & bit) !== 0 ? g : this.hold(g, LONG_TOKENS);
      h.longTokens ??= new Float64Array(LONG_CONTEXT_THRESHOLDS.length * BUCKETS);
      h.longSeen |= bit;
      h.longTokens[base + i] = (h.longTokens[base + i] as number) + n;
    }
  }

  /**
   * For a series of `g` seen for the first time: `g` when `metric` has room in its budget (the
   * series is then counted as held), else the overflow group.
   */
  private hold(g: SeriesGroup, metric: HeldMetric): SeriesGroup {
    if (g.exempt) return g;
    if ((this.held[metric] as number) < this.budget) {
      this.held[metric] = (this.held[metric] as number) + 1;
      return g;
    }
    return this.spill();
  }

  /** The overflow group, for one series that did not fit its metric's budget. */
  private spill(): SeriesGroup {
    this.countOverflow(OVERFLOW_METRIC.series);
    return this.overflow4();
  }

  /** The group whose four labels are all `__overflow__`, outside the budget. */
  private overflow4(): SeriesGroup {
    let g = this.overflowGroup;
    if (g === undefined) {
      g = this.findGroup(OV, OV, OV, OV, true);
      g.exempt = true;
      this.overflowGroup = g;
    }
    return g;
  }

  /** Whether a new label combination fits: every metric still has room. */
  private hasRoom(): boolean {
    const b = this.budget;
    return this.held.every((n) => n < b);
  }

  private findGroup(
    customer: string,
    feature: string,
    provider: string,
    model: string,
    force = false,
  ): SeriesGroup {
    if (!force) {
      const hit = this.tree.get(customer)?.get(feature)?.get(provider)?.get(model);
      if (hit !== undefined) return hit;
      if (!this.hasRoom()) {
        // Nothing is created for a combination beyond the budget: memory stays flat.
        this.countOverflow(OVERFLOW_METRIC.series);
        return this.overflow4();
      }
    }
    let byFeature = this.tree.get(customer);
    if (byFeature === undefined) {
      byFeature = new Map();
      this.tree.set(customer, byFeature);
    }
    let byProvider = byFeature.get(feature);
    if (byProvider === undefined) {
      byProvider = new Map();
      byFeature.set(feature, byProvider);
    }
    let byModel = byProvider.get(provider);
    if (byModel === undefined) {
      byModel = new Map();
      byProvider.set(provider, byModel);
    }
    let g = byModel.get(model);
    if (g === undefined) {
      g = {
        customer,
        feature,
        provider,
        model,
        costLlm: 0,
        costRule: 0,
        llmCostSeen: false,
        ruleCostSeen: false,
        tokens: new Float64Array(TOKEN_LABEL_BY_INDEX.length),
        tokenSeen: 0,
        longTokens: undefined,
        longSeen: 0,
        requestsPriced: 0,
        requestsUnpriced: 0,
        exempt: false,
      };
      byModel.set(model, g);
      this.groups.push(g);
    }
    return g;
  }

  /** Adds revenue; `customer` and `feature` go through the caps. */
  addRevenue(customer: string, feature: string, revenueType: string, usd: number): void {
    const c = this.customers.admit(customer);
    const f = this.features.admit(feature);
    this.addRevenueAdmitted(c, f, revenueType, usd);
  }

  /** Adds revenue for a customer and feature that already went through the caps. */
  addRevenueAdmitted(customer: string, feature: string, revenueType: string, usd: number): void {
    const type = this.revenueTypes.admit(revenueType);
    const key = customer + SEP + feature + SEP + type;
    if (this.revenue.has(key) || this.revenue.size < this.budget) {
      this.addKeyed(this.revenue, key, () => revenueLabels(customer, feature, type), usd);
    } else {
      // Beyond the budget the revenue type is kept (its own cap bounds these series).
      this.countOverflow(OVERFLOW_METRIC.revenueSeries);
      this.addKeyed(
        this.revenue,
        OV + SEP + OV + SEP + type,
        () => revenueLabels(OV, OV, type),
        usd,
      );
    }
  }

  private addKeyed(
    map: Map<string, KeyedValue>,
    key: string,
    labels: () => Record<string, string>,
    value: number,
  ): void {
    const hit = map.get(key);
    if (hit !== undefined) hit.value += value;
    else map.set(key, { labels: labels(), value });
  }

  costSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      if (g.llmCostSeen) out.push({ labels: this.costLabels(g, COST_TYPE.llm), value: g.costLlm });
      if (g.ruleCostSeen)
        out.push({ labels: this.costLabels(g, COST_TYPE.rule), value: g.costRule });
    }
    return out;
  }

  tokenSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      if (g.tokenSeen === 0) continue;
      for (let i = 0; i < TOKEN_LABEL_BY_INDEX.length; i++) {
        if ((g.tokenSeen & (1 << i)) === 0) continue;
        out.push({
          labels: {
            [LABELS.customer]: g.customer,
            [LABELS.feature]: g.feature,
            [LABELS.provider]: g.provider,
            [LABELS.model]: g.model,
            [LABELS.tokenType]: TOKEN_LABEL_BY_INDEX[i] as string,
          },
          value: g.tokens[i] as number,
        });
      }
    }
    return out;
  }

  longContextTokenSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      const long = g.longTokens;
      if (long === undefined) continue;
      for (let k = 0; k < long.length; k++) {
        if ((g.longSeen & (1 << k)) === 0) continue;
        out.push({
          labels: {
            [LABELS.customer]: g.customer,
            [LABELS.feature]: g.feature,
            [LABELS.provider]: g.provider,
            [LABELS.model]: g.model,
            [LABELS.tokenType]: TOKEN_LABEL_BY_INDEX[k % BUCKETS] as string,
            [LABELS.contextAbove]: CONTEXT_ABOVE[Math.floor(k / BUCKETS)] as string,
          },
          value: long[k] as number,
        });
      }
    }
    return out;
  }

  requestSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      if (g.requestsPriced > 0)
        out.push({ labels: this.requestLabels(g, PRICED.yes), value: g.requestsPriced });
      if (g.requestsUnpriced > 0) {
        out.push({ labels: this.requestLabels(g, PRICED.no), value: g.requestsUnpriced });
      }
    }
    return out;
  }

  unpricedSeries(): SeriesPoint[] {
    return [...this.unpriced.values()].map((v) => ({ labels: v.labels, value: v.value }));
  }

  revenueSeries(): SeriesPoint[] {
    return [...this.revenue.values()].map((v) => ({ labels: v.labels, value: v.value }));
  }

  overflowSeries(): SeriesPoint[] {
    return [...this.overflow].map(([dimension, value]) => ({
      labels: { [LABELS.metric]: dimension },
      value,
    }));
  }

  /** Number of distinct (customer, feature, provider, model) groups held. */
  get groupCount(): number {
    return this.groups.length;
  }

  private costLabels(g: SeriesGroup, costType: string): Record<string, string> {
    return {
      [LABELS.customer]: g.customer,
      [LABELS.feature]: g.feature,
      [LABELS.provider]: g.provider,
      [LABELS.model]: g.model,
      [LABELS.costType]: costType,
    };
  }

  private requestLabels(g: SeriesGroup, priced: string): Record<string, string> {
    return {
      [LABELS.customer]: g.customer,
      [LABELS.feature]: g.feature,
      [LABELS.provider]: g.provider,
      [LABELS.model]: g.model,
      [LABELS.priced]: priced,
    };
  }
}
