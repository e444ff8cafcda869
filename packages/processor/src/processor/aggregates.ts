import type { BucketUsage, UnpricedReason } from '../cost/types';
import { LABELS, OVERFLOW_CUSTOMER, TOKEN_TYPE_LABEL } from '../metrics/catalog';

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
  costType: 'llm' | 'rule';
  /** A GenAI call (counted in `ai_margin_requests_total`); rule spans are not. */
  isCall: boolean;
  priced: boolean;
  /** USD; 0 when unpriced. Always finite and >= 0. */
  costUsd: number;
  tokens?: BucketUsage;
  unpricedReason?: UnpricedReason;
}

/** Cardinality dimension names, used as the `metric` label of the overflow counter. */
export type Dimension = 'customer_id' | 'model' | 'feature' | 'provider';

/** Admits up to `cap` distinct values; later new values become {@link OVERFLOW_CUSTOMER}. */
export class LabelGuard {
  private readonly seen = new Set<string>();
  /** The last value admitted as itself (values are never forgotten, so it stays admitted). */
  private last: string | undefined;

  constructor(
    private readonly cap: number,
    private readonly dimension: Dimension,
    private readonly onOverflow: (dimension: Dimension) => void,
  ) {}

  admit(value: string): string {
    if (value === this.last) return value;
    if (this.seen.has(value)) {
      this.last = value;
      return value;
    }
    if (this.seen.size < this.cap) {
      this.seen.add(value);
      this.last = value;
      return value;
    }
    this.onOverflow(this.dimension);
    return OVERFLOW_CUSTOMER;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Adds `n` tokens to bucket `i` (order of TOKEN_LABEL_BY_INDEX). */
function addTokens(g: SeriesGroup, i: number, n: number): void {
  if (n > 0) {
    g.tokens[i] = (g.tokens[i] as number) + n;
    g.tokenSeen |= 1 << i;
  }
}
const TOKEN_LABEL_BY_INDEX: readonly string[] = [
  TOKEN_TYPE_LABEL.input,
  TOKEN_TYPE_LABEL.cacheRead,
  TOKEN_TYPE_LABEL.cacheWrite5m,
  TOKEN_TYPE_LABEL.cacheWrite1h,
  TOKEN_TYPE_LABEL.output,
  TOKEN_TYPE_LABEL.reasoning,
];

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
  requestsPriced: number;
  requestsUnpriced: number;
}

interface KeyedValue {
  labels: Record<string, string>;
  value: number;
}

const SEP = '\u0001';

export interface AggregateLimits {
  maxCustomers: number;
  maxModels: number;
  maxFeatures: number;
  maxProviders: number;
}

/**
 * In-process cumulative aggregates. The span path only adds numbers to existing entries; the
 * metric paths read them at collection. Memory is bounded by the label guards.
 */
export class Aggregates {
  // customer -> feature -> provider -> model -> group: no key string is built per span.
  private readonly tree = new Map<string, Map<string, Map<string, Map<string, SeriesGroup>>>>();
  private readonly groups: SeriesGroup[] = [];
  private lastGroup: SeriesGroup | undefined;
  private readonly revenue = new Map<string, KeyedValue>();
  private readonly unpriced = new Map<string, KeyedValue>();
  readonly overflow = new Map<Dimension, number>();
  readonly customers: LabelGuard;
  readonly models: LabelGuard;
  readonly features: LabelGuard;
  readonly providers: LabelGuard;

  constructor(limits: AggregateLimits) {
    const onOverflow = (d: Dimension) => this.overflow.set(d, (this.overflow.get(d) ?? 0) + 1);
    this.customers = new LabelGuard(limits.maxCustomers, 'customer_id', onOverflow);
    this.models = new LabelGuard(limits.maxModels, 'model', onOverflow);
    this.features = new LabelGuard(limits.maxFeatures, 'feature', onOverflow);
    this.providers = new LabelGuard(limits.maxProviders, 'provider', onOverflow);
  }

  /** Customer label value used by the last `add` (after the cap). */
  admittedCustomer = '';
  /** Feature label value used by the last `add` (after the cap). */
  admittedFeature = '';

  /** Adds one span; the label values used (after the caps) are left in `admitted*`. */
  add(o: SpanOutcome): void {
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
    if (o.costType === 'llm') {
      if (o.priced) {
        g.costLlm += o.costUsd;
        g.llmCostSeen = true;
      }
    } else {
      g.costRule += o.costUsd;
      g.ruleCostSeen = true;
    }
    if (o.isCall) {
      if (o.priced) g.requestsPriced++;
      else g.requestsUnpriced++;
    }
    const t = o.tokens;
    if (t !== undefined) {
      addTokens(g, 0, t.input);
      addTokens(g, 1, t.cacheRead);
      addTokens(g, 2, t.cacheWrite5m);
      addTokens(g, 3, t.cacheWrite1h);
      addTokens(g, 4, t.output);
      addTokens(g, 5, t.reasoning);
    }
    if (!o.priced && o.unpricedReason !== undefined) {
      this.addKeyed(
        this.unpriced,
        provider + SEP + model + SEP + o.unpricedReason,
        () => ({
          [LABELS.provider]: provider,
          [LABELS.model]: model,
          [LABELS.reason]: o.unpricedReason as string,
        }),
        1,
      );
    }
    this.admittedCustomer = customer;
    this.admittedFeature = feature;
  }

  private findGroup(
    customer: string,
    feature: string,
    provider: string,
    model: string,
  ): SeriesGroup {
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
        tokens: new Float64Array(6),
        tokenSeen: 0,
        requestsPriced: 0,
        requestsUnpriced: 0,
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

  /** Adds revenue for labels that already went through the caps. */
  addRevenueAdmitted(customer: string, feature: string, revenueType: string, usd: number): void {
    this.addKeyed(
      this.revenue,
      customer + SEP + feature + SEP + revenueType,
      () => ({
        [LABELS.customer]: customer,
        [LABELS.feature]: feature,
        [LABELS.revenueType]: revenueType,
      }),
      usd,
    );
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
      if (g.llmCostSeen) out.push({ labels: this.costLabels(g, 'llm'), value: g.costLlm });
      if (g.ruleCostSeen) out.push({ labels: this.costLabels(g, 'rule'), value: g.costRule });
    }
    return out;
  }

  tokenSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      if (g.tokenSeen === 0) continue;
      for (let i = 0; i < 6; i++) {
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

  requestSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const g of this.groups) {
      if (g.requestsPriced > 0)
        out.push({ labels: this.requestLabels(g, 'true'), value: g.requestsPriced });
      if (g.requestsUnpriced > 0) {
        out.push({ labels: this.requestLabels(g, 'false'), value: g.requestsUnpriced });
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
