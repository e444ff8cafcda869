import { getAttribution } from '@ai-margin/instrumentation/attribution';
import { sdkCoverage } from '@ai-margin/instrumentation/coverage';
import {
  ATTR_AI_MARGIN_CUSTOMER_ID,
  ATTR_AI_MARGIN_EXTRA_PREFIX,
  ATTR_AI_MARGIN_FEATURE,
  ATTR_AI_MARGIN_PRICE_PERIOD,
  ATTR_AI_MARGIN_PRICED_MODEL,
  ATTR_AI_MARGIN_UNPRICED_REASON,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
} from '@ai-margin/instrumentation/semconv';
import {
  type Attributes,
  type Context,
  createNoopMeter,
  type HrTime,
  type MeterProvider,
  metrics,
} from '@opentelemetry/api';
import { DEFAULTS, type MarginSpanProcessorConfig } from '../config';
import { type CostQuote, priceCall, priceCost } from '../cost/engine';
import { normalizeUsage } from '../cost/normalize';
import type { BucketUsage, CostResult, UnpricedReason } from '../cost/types';
import { ageInMonths, cohortOf } from '../customers/age';
import { CustomerDirectory } from '../customers/directory';
import { LABELS, REJECTED_AMOUNT_KIND, UNATTRIBUTED } from '../metrics/catalog';
import { registerOtelMetrics } from '../metrics/otel-sink';
import { registerPromMetrics } from '../metrics/prom-sink';
import type { MetricSource } from '../metrics/source';
import { PriceBook } from '../prices/price-book';
import { IdempotencyKeys } from '../revenue/idempotency';
import type { RevenueEvent, RevenueOutcome } from '../revenue/types';
import { applyCostRules, type CostRule, validateCostRules } from '../rules/cost-rules';
import { type FixedCostPool, fixedCostSeries, validateFixedCosts } from '../rules/fixed-costs';
import { applyRevenueRules, type RevenueRule, validateRevenueRules } from '../rules/revenue-rules';
import { Aggregates, type SeriesPoint, type SpanOutcome } from './aggregates';
import { isAmount, MAX_AMOUNT_USD } from './amounts';
import { BoundedMap } from './bounded';
import { DiagLimiter } from './diag-limiter';
import { emptyBuckets, fastBuckets } from './fast-buckets';
import { type LabelFix, LabelValues } from './label-values';
import { Pseudonymizer, PseudonymLedger } from './pseudonymize';
import { ErrorBook } from './safety';
import { type CallReading, newCallReading, rawUsageOf, readCallInto } from './span-reader';
// Structural span types: the processor works with any SDK line that calls these hooks (2.x, 3.x).
import type {
  ReadableSpanLike as ReadableSpan,
  WritableSpanLike as Span,
  SpanProcessorLike as SpanProcessor,
} from './span-types';

/** Span attribute naming the cost rule that priced a non-LLM span. */
export const ATTR_AI_MARGIN_COST_RULE = 'ai_margin.cost.rule';

const VERSION = '0.1.0';
const CURRENCY = 'USD';
const SOURCE_LOCAL = 'local';
const UNKNOWN_MODEL = 'unknown';
const EXTRA_SKIP = new Set(['customerId', 'feature']);
// While no global MeterProvider is registered, look again every this many spans.
const METER_PROBE_EVERY = 256;
// Parents of recent calls remembered (a parent ends shortly after its children).
const CALL_PARENTS_KEPT = 4096;
/** Written over a customer attribute whose value could not be pseudonymised: never the raw value. */
const UNREADABLE_ID = 'h_unreadable';
type RejectedKind = (typeof REJECTED_AMOUNT_KIND)[keyof typeof REJECTED_AMOUNT_KIND];

function hrTimeToMs(t: HrTime): number {
  return t[0] * 1000 + t[1] / 1e6;
}

function newOutcome(): SpanOutcome {
  return {
    customer: UNATTRIBUTED,
    feature: UNATTRIBUTED,
    provider: '',
    model: '',
    costType: 'llm',
    isCall: true,
    priced: false,
    costUsd: 0,
    tokens: undefined,
    unpricedReason: undefined,
  };
}

function unpriced(reason: UnpricedReason, detail: string): CostResult {
  return { priced: false, costUsd: null, reason, detail };
}

/**
 * Prices GenAI spans at the price in force when they started, stamps attribution and cost on
 * spans, and keeps per-customer cost, token, request and revenue aggregates that the OTel
 * MeterProvider and a prom-client registry read at collection time.
 *
 * Works with `NodeSDK({ spanProcessors: [new MarginSpanProcessor(), exportingProcessor] })` and
 * `new BasicTracerProvider({ spanProcessors })`. Never throws into the application.
 */
export class MarginSpanProcessor implements SpanProcessor {
  private readonly book: PriceBook;
  private readonly aggregates: Aggregates;
  private readonly errors = new ErrorBook();
  /**
   * Span ids of the parents of GenAI calls that carried usage, recently seen. Some libraries wrap
   * each model call in an outer span with the same GenAI attributes but no usage (the Vercel AI
   * SDK's `embed()`): counted on its own it would be an unpriced `missing_usage` call for usage
   * that was priced. A child ends before its parent, so the parent's id is known by then.
   */
  private readonly callParents = new BoundedMap<string, true>(CALL_PARENTS_KEPT);
  private readonly pseudonymizer: Pseudonymizer | undefined;
  private readonly ledger = new PseudonymLedger();
  private readonly extraAttribution: 'keep' | 'hash' | 'drop';
  private readonly diagLimiter: DiagLimiter;
  private readonly labelValues: LabelValues;
  private readonly rejected = new Map<RejectedKind, number>();
  /** Label rewrites by label, then reason (labels are our label names: a fixed set). */
  private readonly labelFixes = new Map<string, Map<LabelFix, number>>();
  private readonly customerKeys: readonly string[];
  private readonly featureKeys: readonly string[];
  /** Both key lists start with the attributes `onStart` stamps (the defaults do). */
  private readonly stampedKeysFirst: boolean;
  private readonly costRules: readonly CostRule[];
  private readonly revenueRules: readonly RevenueRule[];
  private readonly fixedCosts: readonly FixedCostPool[];
  private readonly idempotency: IdempotencyKeys;
  private readonly clock: () => number;
  private readonly stamp: boolean;
  private readonly maxDirectoryCustomers: number;
  private readonly warnedUnpriced = new BoundedMap<string, true>(1000);
  private sawOnEnding = false;
  private spanCustomer = UNATTRIBUTED;
  private spanFeature = UNATTRIBUTED;
  private lastAttribution: object | undefined;
  private lastExtras: ReadonlyArray<[string, string]> = [];
  private isShutdown = false;
  /** Scratch of the span path, reused per span (`evaluating` guards against re-entry). */
  private readonly reading: CallReading = newCallReading();
  private readonly buckets: BucketUsage = emptyBuckets();
  private readonly quote: CostQuote = { period: undefined, resolvedModel: '' };
  private readonly outcome: SpanOutcome = newOutcome();
  private evaluating = false;
  private readonly source: MetricSource;
  private meterProbe: number;
  private readonly explicitMeterProvider: MeterProvider | false | undefined;
  private unregisterOtel: (() => void) | undefined;
  /** The customer directory (plan, MRR, signup, segment). `ready` settles after the first load. */
  readonly customers: CustomerDirectory;

  constructor(config: MarginSpanProcessorConfig = {}) {
    this.clock = config.clock ?? Date.now;
    this.stamp = config.stampAttribution !== false;
    this.book =
      config.prices instanceof PriceBook
        ? config.prices
        : Array.isArray(config.prices) && config.prices.length > 0
          ? PriceBook.load({ userFiles: [...config.prices] })
          : PriceBook.shipped();
    const maxCustomers = config.maxCustomers ?? DEFAULTS.maxCustomers;
    this.maxDirectoryCustomers = maxCustomers;
    this.diagLimiter = new DiagLimiter(this.clock);
    this.labelValues = new LabelValues(
      config.maxLabelValueBytes ?? DEFAULTS.maxLabelValueBytes,
      (label, fix) => this.countLabelFix(label, fix),
    );
    this.aggregates = new Aggregates(
      {
        maxCustomers,
        maxModels: config.maxModels ?? DEFAULTS.maxModels,
        maxFeatures: config.maxFeatures ?? DEFAULTS.maxFeatures,
        maxProviders: config.maxProviders ?? DEFAULTS.maxProviders,
        maxRevenueTypes: config.maxRevenueTypes ?? DEFAULTS.maxRevenueTypes,
        maxSeriesPerMetric: config.maxSeriesPerMetric ?? DEFAULTS.maxSeriesPerMetric,
      },
      this.labelValues,
    );
    this.pseudonymizer = config.pseudonymize ? new Pseudonymizer(config.pseudonymize) : undefined;
    this.extraAttribution = config.extraAttribution ?? DEFAULTS.extraAttribution;
    if (this.extraAttribution === 'hash' && this.pseudonymizer === undefined) {
      throw new Error(
        "ai-margin: extraAttribution: 'hash' needs the pseudonymize option (its key)",
      );
    }
    this.customerKeys = config.attributeKeys?.customer ?? DEFAULTS.customerKeys;
    this.featureKeys = config.attributeKeys?.feature ?? DEFAULTS.featureKeys;
    this.stampedKeysFirst =
      this.customerKeys[0] === ATTR_AI_MARGIN_CUSTOMER_ID &&
      this.featureKeys[0] === ATTR_AI_MARGIN_FEATURE;
    this.costRules = validateCostRules(config.costRules ?? []);
    this.revenueRules = validateRevenueRules(config.revenueRules ?? []);
    this.fixedCosts = validateFixedCosts(config.fixedCosts ?? []);
    this.idempotency = new IdempotencyKeys(
      config.maxIdempotencyKeys ?? DEFAULTS.maxIdempotencyKeys,
    );

    this.customers = new CustomerDirectory(config.customers);
    this.customers.onLoad = (list) => {
      // Customers in the directory get their own series first, up to the cap.
      for (const c of list) this.aggregates.customers.admit(this.pseudonym(c.id));
    };
    this.customers.onLoad(this.customers.list());

    this.source = {
      cost: () => this.aggregates.costSeries(),
      tokens: () => this.aggregates.tokenSeries(),
      requests: () => this.aggregates.requestSeries(),
      unpricedRequests: () => this.aggregates.unpricedSeries(),
      revenue: () => this.aggregates.revenueSeries(),
      customerMrr: () => this.mrrSeries(),
      customerInfo: () => this.infoSeries(),
      fixedCostMonthly: () => this.fixedCostSeries(),
      cardinalityOverflow: () => this.aggregates.overflowSeries(),
      rejectedAmounts: () => this.rejectedSeries(),
      labelValuesNormalized: () => this.labelFixSeries(),
      processorErrors: () => this.errorSeries(),
      sdkInfo: sdkInfoSeries,
    };
    const onError = (kind: string, err: unknown) => this.errors.record(kind, err);
    if (config.registry) registerPromMetrics(config.registry, this.source, onError);
    this.explicitMeterProvider = config.meterProvider;
    // The first span probes for a global MeterProvider (NodeSDK registers it after construction).
    this.meterProbe = METER_PROBE_EVERY - 1;
    this.bindMeterProvider();
  }

  // --- SpanProcessor --------------------------------------------------------------------------

  onStart(span: Span, parentContext: Context): void {
    if (this.isShutdown) return;
    try {
      if (this.unregisterOtel === undefined && ++this.meterProbe >= METER_PROBE_EVERY) {
        this.meterProbe = 0;
        this.bindMeterProvider();
      }
      if (this.stamp) {
        const attribution = getAttribution(parentContext);
        if (attribution !== undefined) this.stampAttribution(span, attribution);
      }
      if (this.pseudonymizer !== undefined) this.pseudonymizeSpan(span, this.pseudonymizer);
    } catch (err) {
      this.errors.record('on_start', err);
    }
  }

  /**
   * sdk-trace-base >= 2.3 and sdk-trace 3.x: the span is still writable, so cost attributes can
   * be set. The SDK calls this from `span.end()` right before `onEnd`, when the end is already
   * committed, so the aggregates are updated here too: handing the result to `onEnd` through a
   * WeakMap cost more than the rest of the span path (see docs/processor.md, "Performance").
   */
  onEnding(span: Span): void {
    this.sawOnEnding = true;
    if (this.isShutdown) return;
    // Every span, GenAI or not: an id set with setAttribute after onStart must not leave raw.
    if (this.pseudonymizer !== undefined) this.pseudonymizeSpan(span, this.pseudonymizer);
    this.process(span, span, 'on_ending');
  }

  /** Only does work on SDKs without `onEnding` (the span is read-only then: aggregates only). */
  onEnd(span: ReadableSpan): void {
    if (this.sawOnEnding || this.isShutdown) return;
    this.process(span, undefined, 'on_end');
  }

  /** Nothing is buffered: metrics are read from the aggregates at collection. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Stops the directory refresh timer and ignores later spans. Aggregates stay readable so the
   * MeterProvider's final collection (and a last scrape) still see every value.
   */
  shutdown(): Promise<void> {
    if (!this.isShutdown) {
      this.isShutdown = true;
      try {
        this.customers.stop();
        this.diagLimiter.flush();
      } catch (err) {
        this.errors.record('shutdown', err);
      }
    }
    return Promise.resolve();
  }

  // --- Revenue ----------------------------------------------------------------------------------

  /**
   * Records a billing event (e.g. from a webhook) as `ai_margin_revenue_usd_total{revenue_type}`.
   * A repeated `idempotencyKey` is counted once (the last `maxIdempotencyKeys` keys are
   * remembered, per process). Never throws; returns what happened.
   */
  recordRevenue(event: RevenueEvent): RevenueOutcome {
    try {
      if (this.isShutdown) return 'shutdown';
      const { customerId, usd, type, idempotencyKey, feature } = event ?? ({} as RevenueEvent);
      if (
        typeof customerId !== 'string' ||
        customerId === '' ||
        typeof type !== 'string' ||
        type === '' ||
        typeof idempotencyKey !== 'string' ||
        idempotencyKey === '' ||
        typeof usd !== 'number' ||
        (feature !== undefined && typeof feature !== 'string')
      ) {
        this.diagLimiter.warn(
          'record_revenue',
          () =>
            `ai-margin: recordRevenue needs { customerId: string, usd: number in [0, ${MAX_AMOUNT_USD}], type: string, idempotencyKey: string }; event ignored`,
        );
        return 'invalid';
      }
      if (!isAmount(usd)) {
        this.reject(REJECTED_AMOUNT_KIND.revenueEvent, usd);
        return 'invalid';
      }
      if (!this.idempotency.firstTime(idempotencyKey)) return 'duplicate';
      this.aggregates.addRevenue(this.pseudonym(customerId), feature || UNATTRIBUTED, type, usd);
      return 'recorded';
    } catch (err) {
      this.errors.record('record_revenue', err);
      return 'invalid';
    }
  }

  // --- Span evaluation ------------------------------------------------------------------------

  /**
   * Prices one ending span and adds it to the aggregates. The span path reuses one reading and one
   * bucket object; a re-entrant call (e.g. a diag logger that creates spans) gets fresh ones.
   */
  private process(span: ReadableSpan, writable: Span | undefined, errorKind: string): void {
    const reentrant = this.evaluating;
    this.evaluating = true;
    try {
      const outcome = reentrant
        ? this.evaluate(span, writable, newCallReading(), emptyBuckets(), newOutcome())
        : this.evaluate(span, writable, this.reading, this.buckets, this.outcome);
      if (outcome !== undefined) this.aggregate(outcome);
    } catch (err) {
      this.errors.record(errorKind, err);
    } finally {
      if (!reentrant) this.evaluating = false;
    }
  }

  /**
   * Prices one ending span. `writable` is the span when attributes may still be set (onEnding),
   * else `undefined` (onEnd fallback).
   */
  private evaluate(
    span: ReadableSpan,
    writable: Span | undefined,
    call: CallReading,
    buckets: BucketUsage,
    scratch: SpanOutcome,
  ): SpanOutcome | undefined {
    const attrs = span.attributes;
    if (readCallInto(attrs, call)) {
      if (call.hasUsage) {
        const parent = span.parentSpanContext;
        if (parent !== undefined) this.callParents.set(parent.spanId, true);
      } else if (call.invalidAttribute === undefined) {
        // A span object from an SDK-like tracer may lack spanContext(): then it is no known parent.
        const own = span.spanContext?.();
        // An outer span around calls that were priced themselves (see callParents): not a call.
        if (own !== undefined && this.callParents.delete(own.spanId)) return undefined;
      }
      return this.evaluateCall(span, attrs, writable, call, buckets, scratch);
    }
    if (this.costRules.length === 0) return undefined;
    const ruleCost = applyCostRules(this.costRules, span.name, attrs);
    if (ruleCost === undefined) return undefined;
    if (!isAmount(ruleCost.costUsd)) {
      this.reject(REJECTED_AMOUNT_KIND.costRule, ruleCost.costUsd);
      return undefined;
    }
    this.attributionOf(span, attrs);
    const customer = this.spanCustomer;
    const feature = this.spanFeature;
    if (writable !== undefined && attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] === undefined) {
      writable.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, ruleCost.costUsd);
      writable.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, CURRENCY);
      writable.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, SOURCE_LOCAL);
      writable.setAttribute(ATTR_AI_MARGIN_COST_RULE, ruleCost.rule.name);
    }
    return {
      customer,
      feature,
      provider: ruleCost.provider,
      model: ruleCost.rule.name,
      costType: 'rule',
      isCall: false,
      priced: true,
      costUsd: ruleCost.costUsd,
    };
  }

  private evaluateCall(
    span: ReadableSpan,
    attrs: Attributes,
    writable: Span | undefined,
    call: CallReading,
    buckets: BucketUsage,
    scratch: SpanOutcome,
  ): SpanOutcome {
    this.attributionOf(span, attrs);
    const customer = this.spanCustomer;
    const feature = this.spanFeature;
    const model = call.model;
    if (
      call.invalidAttribute === undefined &&
      call.unpricedUsage === undefined &&
      call.hasUsage &&
      model !== undefined &&
      fastBuckets(call, buckets)
    ) {
      // Fast path for the common case, a priceable call: the same answer as the general path
      // below, without its intermediate objects. Anything else takes the general path, which
      // explains what is wrong.
      const quote = this.quote;
      const costUsd = priceCost(
        this.book,
        call.provider,
        model,
        hrTimeToMs(span.startTime),
        buckets,
        call.serviceTier,
        quote,
      );
      const period = quote.period;
      if (costUsd >= 0 && costUsd <= MAX_AMOUNT_USD && period !== undefined) {
        quote.period = undefined;
        if (writable !== undefined && attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] === undefined) {
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, costUsd);
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, CURRENCY);
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, SOURCE_LOCAL);
          writable.setAttribute(ATTR_AI_MARGIN_PRICE_PERIOD, period.id);
          writable.setAttribute(ATTR_AI_MARGIN_PRICED_MODEL, quote.resolvedModel);
        }
        scratch.customer = customer;
        scratch.feature = feature;
        scratch.provider = call.provider;
        scratch.model = model;
        scratch.costType = 'llm';
        scratch.isCall = true;
        scratch.priced = true;
        scratch.costUsd = costUsd;
        scratch.tokens = buckets;
        scratch.unpricedReason = undefined;
        return scratch;
      }
      quote.period = undefined;
    }
    let tokens: BucketUsage | undefined;
    let result: CostResult;
    if (call.invalidAttribute !== undefined) {
      result = unpriced(
        'invalid_usage',
        `span attribute ${call.invalidAttribute} is not a token count (${String(attrs[call.invalidAttribute])})`,
      );
    } else if (!call.hasUsage) {
      result = unpriced('missing_usage', 'the span carries no token usage');
    } else if (call.unpricedUsage !== undefined) {
      result = unpriced(
        'no_period',
        `${call.unpricedUsage} = ${String(attrs[call.unpricedUsage])}: the price book has no bucket for cache writes of this retention, so they are not priced as 5-minute writes`,
      );
    } else {
      const normalized = normalizeUsage(rawUsageOf(call), call.convention);
      if (!normalized.ok) {
        result = unpriced(normalized.reason, normalized.detail);
      } else {
        tokens = normalized.usage;
        result =
          model === undefined
            ? unpriced('unknown_model', 'the span names no model')
            : priceCall(this.book, {
                provider: call.provider,
                model,
                at: hrTimeToMs(span.startTime),
                usage: tokens,
                serviceTier: call.serviceTier,
              });
      }
    }

    let priced = result.priced;
    let costUsd = result.priced ? result.costUsd : 0;
    if (priced && !isAmount(costUsd)) {
      // The engine promises finite non-negative costs, but a price file can make one absurd.
      if (Number.isFinite(costUsd) && costUsd >= 0)
        this.reject(REJECTED_AMOUNT_KIND.llmCost, costUsd);
      else this.errors.record('bad_cost', new Error(`cost engine returned ${costUsd}`));
      result = unpriced('invalid_usage', `computed cost is not a number in [0, ${MAX_AMOUNT_USD}]`);
      priced = false;
      costUsd = 0;
    }

    const existing = attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT];
    if (existing === undefined) {
      if (writable !== undefined) {
        if (result.priced) {
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, costUsd);
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, CURRENCY);
          writable.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, SOURCE_LOCAL);
          writable.setAttribute(ATTR_AI_MARGIN_PRICE_PERIOD, result.period.id);
          writable.setAttribute(ATTR_AI_MARGIN_PRICED_MODEL, result.resolvedModel);
        } else {
          writable.setAttribute(ATTR_AI_MARGIN_UNPRICED_REASON, result.reason);
        }
      }
    } else if (!priced && this.isUsableExternalCost(attrs, existing)) {
      // Someone else (e.g. a gateway reporting provider cost) priced it and we cannot: use theirs.
      priced = true;
      costUsd = existing as number;
    }

    const unpricedReason = priced || result.priced ? undefined : result.reason;
    if (unpricedReason !== undefined && !result.priced) {
      this.warnUnpriced(call.provider, model ?? UNKNOWN_MODEL, result.detail);
    }
    return {
      customer,
      feature,
      provider: call.provider,
      model: model ?? UNKNOWN_MODEL,
      costType: 'llm',
      isCall: true,
      priced,
      costUsd,
      tokens,
      unpricedReason,
    };
  }

  private isUsableExternalCost(attrs: Attributes, value: unknown): boolean {
    const currency = attrs[ATTR_GEN_AI_USAGE_COST_CURRENCY];
    if (typeof value !== 'number' || (currency !== undefined && currency !== CURRENCY))
      return false;
    if (isAmount(value)) return true;
    this.reject(REJECTED_AMOUNT_KIND.externalCost, value);
    return false;
  }

  /** Counts an amount left out of the aggregates (a bounded diag line says which kind). */
  private reject(kind: RejectedKind, value: number): void {
    this.rejected.set(kind, (this.rejected.get(kind) ?? 0) + 1);
    this.diagLimiter.warn(
      `rejected_${kind}`,
      () =>
        `ai-margin: ${kind} of ${value} USD not counted (accepted: a number in [0, ${MAX_AMOUNT_USD}]); counted in ai_margin_rejected_amounts_total`,
    );
  }

  private countLabelFix(label: string, fix: LabelFix): void {
    let byReason = this.labelFixes.get(label);
    if (byReason === undefined) {
      byReason = new Map();
      this.labelFixes.set(label, byReason);
    }
    byReason.set(fix, (byReason.get(fix) ?? 0) + 1);
  }

  private warnUnpriced(provider: string, model: string, detail: string): void {
    const key = `${provider}/${model}`;
    if (this.warnedUnpriced.has(key)) return;
    this.warnedUnpriced.set(key, true);
    // Bounded per interval too: a million distinct model names must not make a million lines.
    this.diagLimiter.warn(
      'unpriced',
      () =>
        `ai-margin: cannot price ${key}: ${detail}. Counted in ai_margin_unpriced_requests_total; add the model to a price file.`,
    );
  }

  private aggregate(outcome: SpanOutcome): void {
    const aggregates = this.aggregates;
    aggregates.add(outcome);
    if (this.revenueRules.length === 0) return;
    applyRevenueRules(this.revenueRules, outcome, (revenueType, usd) => {
      if (isAmount(usd)) {
        aggregates.addRevenueAdmitted(
          aggregates.admittedCustomer,
          aggregates.admittedFeature,
          revenueType,
          usd,
        );
      } else if (usd !== 0) {
        this.reject(REJECTED_AMOUNT_KIND.revenueRule, usd);
      }
    });
  }

  // --- Attribution ----------------------------------------------------------------------------

  private stampAttribution(
    span: Span,
    attribution: Readonly<Record<string, string | undefined>>,
  ): void {
    const attrs = span.attributes;
    const customerId = attribution.customerId;
    if (customerId !== undefined && attrs[ATTR_AI_MARGIN_CUSTOMER_ID] === undefined) {
      const pseudonymizer = this.pseudonymizer;
      if (pseudonymizer === undefined) span.setAttribute(ATTR_AI_MARGIN_CUSTOMER_ID, customerId);
      else
        this.writePseudonym(span, ATTR_AI_MARGIN_CUSTOMER_ID, pseudonymizer.pseudonym(customerId));
    }
    const feature = attribution.feature;
    if (feature !== undefined && attrs[ATTR_AI_MARGIN_FEATURE] === undefined) {
      span.setAttribute(ATTR_AI_MARGIN_FEATURE, feature);
    }
    // Attribution objects are frozen and shared by every span of a request: compute their extra
    // keys once per object.
    if (attribution !== this.lastAttribution) {
      const extras: Array<[string, string]> = [];
      const mode = this.extraAttribution;
      if (mode !== 'drop') {
        for (const key of Object.keys(attribution)) {
          const value = attribution[key];
          if (EXTRA_SKIP.has(key) || typeof value !== 'string') continue;
          const out = mode === 'hash' ? this.pseudonym(value) : value;
          extras.push([ATTR_AI_MARGIN_EXTRA_PREFIX + key, out]);
        }
      }
      this.lastAttribution = attribution;
      this.lastExtras = extras;
    }
    const extras = this.lastExtras;
    for (let i = 0; i < extras.length; i++) {
      const [attrName, value] = extras[i] as [string, string];
      if (attrs[attrName] === undefined) span.setAttribute(attrName, value);
    }
  }

  /**
   * Replaces raw customer ids on the span (every configured key) with their pseudonyms. A value
   * is raw unless this processor wrote it on this span (never judged by its shape). Each key on
   * its own: a value that cannot be read is overwritten with a placeholder, never left raw.
   */
  private pseudonymizeSpan(span: Span, pseudonymizer: Pseudonymizer): void {
    const keys = this.customerKeys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      try {
        const value = span.attributes[key];
        if (value === undefined || value === null || this.ledger.wrote(span, value)) continue;
        this.writePseudonym(
          span,
          key,
          pseudonymizer.pseudonym(typeof value === 'string' ? value : String(value)),
        );
      } catch (err) {
        this.errors.record('pseudonymize', err);
        try {
          this.writePseudonym(span, key, UNREADABLE_ID);
        } catch (err2) {
          this.errors.record('pseudonymize', err2);
        }
      }
    }
  }

  /** Writes a pseudonym on the span and notes it as ours (so it is not hashed again). */
  private writePseudonym(span: Span, key: string, pseudonym: string): void {
    span.setAttribute(key, pseudonym);
    this.ledger.add(span, pseudonym);
  }

  /** Reads the span's customer and feature into `spanCustomer` / `spanFeature` (no allocation). */
  private attributionOf(span: ReadableSpan, attrs: Attributes): void {
    let customer: string | undefined;
    let feature: string | undefined;
    // Usually the stamped attributes answer: read them at sites of their own (one inline cache).
    if (this.stampedKeysFirst) {
      const c = attrs[ATTR_AI_MARGIN_CUSTOMER_ID];
      if (typeof c === 'string' && c !== '') customer = c;
      const f = attrs[ATTR_AI_MARGIN_FEATURE];
      if (typeof f === 'string' && f !== '') feature = f;
    }
    if (customer === undefined) customer = this.firstCustomer(attrs);
    if (feature === undefined) feature = this.firstFeature(attrs);
    this.spanCustomer =
      customer === undefined
        ? UNATTRIBUTED
        : this.pseudonymizer === undefined || this.ledger.wrote(span, customer)
          ? customer
          : this.pseudonymizer.pseudonym(customer);
    this.spanFeature = feature ?? UNATTRIBUTED;
  }

  private firstCustomer(attrs: Attributes): string | undefined {
    for (const key of this.customerKeys) {
      const v = attrs[key];
      if (typeof v === 'string' && v !== '') return v;
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    }
    return undefined;
  }

  private firstFeature(attrs: Attributes): string | undefined {
    for (const key of this.featureKeys) {
      const v = attrs[key];
      if (typeof v === 'string' && v !== '') return v;
    }
    return undefined;
  }

  private pseudonym(id: string): string {
    return this.pseudonymizer === undefined ? id : this.pseudonymizer.pseudonym(id);
  }

  // --- Metrics ----------------------------------------------------------------------------------

  /** Binds the OTel path to the configured or (once registered) global MeterProvider. */
  private bindMeterProvider(): void {
    if (this.unregisterOtel !== undefined || this.explicitMeterProvider === false) return;
    try {
      const provider = this.explicitMeterProvider ?? metrics.getMeterProvider();
      // The API's global is a no-op until an SDK registers one; try again later in that case.
      if (this.explicitMeterProvider === undefined) {
        if (provider.getMeter('@ai-margin/probe') === createNoopMeter()) return;
      }
      this.unregisterOtel = registerOtelMetrics(provider, this.source, VERSION, (kind, err) =>
        this.errors.record(kind, err),
      );
    } catch (err) {
      this.errors.record('otel_register', err);
      this.unregisterOtel = () => {};
    }
  }

  /**
   * Makes the OTel path bind now (e.g. right after `NodeSDK.start()`), instead of on one of the
   * next spans. Useful when metrics must be exported before any span was seen.
   */
  bindMetrics(): void {
    this.bindMeterProvider();
  }

  private directoryCustomers() {
    const list = this.customers.list();
    return list.length > this.maxDirectoryCustomers
      ? list.slice(0, this.maxDirectoryCustomers)
      : list;
  }

  /** A directory value (customer id, plan, segment) as a label value. */
  private label(label: string, value: string): string {
    return this.labelValues.normalize(label, value);
  }

  private mrrSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const c of this.directoryCustomers()) {
      if (c.mrrUsd === undefined) continue;
      out.push({
        labels: {
          [LABELS.customer]: this.label(LABELS.customer, this.pseudonym(c.id)),
          [LABELS.plan]: this.label(LABELS.plan, c.plan),
        },
        value: c.mrrUsd,
      });
    }
    return out;
  }

  private infoSeries(): SeriesPoint[] {
    const now = this.clock();
    return this.directoryCustomers().map((c) => ({
      labels: {
        [LABELS.customer]: this.label(LABELS.customer, this.pseudonym(c.id)),
        [LABELS.plan]: this.label(LABELS.plan, c.plan),
        [LABELS.cohort]: c.signupMs === undefined ? 'unknown' : cohortOf(c.signupMs),
        [LABELS.ageMonth]:
          c.signupMs === undefined ? 'unknown' : String(ageInMonths(c.signupMs, now)),
        [LABELS.segment]: this.label(LABELS.segment, c.segment),
      },
      value: 1,
    }));
  }

  private fixedCostSeries(): SeriesPoint[] {
    const out = fixedCostSeries(this.fixedCosts);
    for (const p of out)
      p.labels[LABELS.pool] = this.label(LABELS.pool, p.labels[LABELS.pool] ?? '');
    return out;
  }

  private rejectedSeries(): SeriesPoint[] {
    return [...this.rejected].map(([kind, value]) => ({
      labels: { [LABELS.errorKind]: kind },
      value,
    }));
  }

  private labelFixSeries(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (const [label, byReason] of this.labelFixes) {
      for (const [reason, value] of byReason) {
        out.push({ labels: { [LABELS.label]: label, [LABELS.reason]: reason }, value });
      }
    }
    return out;
  }

  private errorSeries(): SeriesPoint[] {
    return [...this.errors.counts].map(([kind, value]) => ({
      labels: { [LABELS.errorKind]: kind },
      value,
    }));
  }
}

/** One series per SDK module the instrumentations met (value 1), from their coverage registry. */
function sdkInfoSeries(): SeriesPoint[] {
  return sdkCoverage().map((e) => ({
    labels: { [LABELS.sdk]: e.sdk, [LABELS.sdkVersion]: e.version, [LABELS.sdkStatus]: e.status },
    value: 1,
  }));
}
