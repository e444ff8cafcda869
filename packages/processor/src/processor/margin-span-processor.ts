import { UNATTRIBUTED } from '@ai-margin/conventions';
import { getAttribution } from '@ai-margin/instrumentation/attribution';
import type { Context } from '@opentelemetry/api';
import { DEFAULTS, type MarginSpanProcessorConfig } from '../config';
import { CustomerDirectory } from '../customers/directory';
import { registerPromMetrics } from '../metrics/prom-sink';
import type { MetricSource } from '../metrics/source';
import { PriceBook } from '../prices/price-book';
import { ReloadingPriceBook, type ReloadOutcome } from '../prices/reloading-price-book';
import type { RevenueEvent, RevenueOutcome } from '../revenue/types';
import { validateCostRules } from '../rules/cost-rules';
import { validateFixedCosts } from '../rules/fixed-costs';
import { validateRevenueRules } from '../rules/revenue-rules';
import { type AdmittedLabels, Aggregates, type SpanOutcome } from './aggregates';
import { DirectorySeries, sdkInfoSeries } from './directory-series';
import { ProcessorHealth } from './health';
import { LabelValues } from './label-values';
import { MeterBinding } from './meter-binding';
import { SpanPricer } from './pricing';
import { newPricingScratch, type PricingScratch } from './pricing-scratch';
import { Pseudonymizer } from './pseudonymize';
import { RevenueApi } from './revenue-api';
// Structural span types: the processor works with any SDK line that calls these hooks (2.x, 3.x).
import type {
  ReadableSpanLike as ReadableSpan,
  WritableSpanLike as Span,
  SpanProcessorLike as SpanProcessor,
} from './span-types';
import { Stamping } from './stamping';

/** Span attribute naming the cost rule that priced a non-LLM span. */
export { ATTR_AI_MARGIN_COST_RULE } from '@ai-margin/conventions';

/**
 * Prices GenAI spans at the price in force when they started, stamps attribution and cost on
 * spans, and keeps per-customer cost, token, request and revenue aggregates that the OTel
 * MeterProvider and a prom-client registry read at collection time.
 *
 * Works with `NodeSDK({ spanProcessors: [new MarginSpanProcessor(), exportingProcessor] })` and
 * `new BasicTracerProvider({ spanProcessors })`. Never throws into the application.
 *
 * The jobs live in their own files: attribution and pseudonyms (`stamping.ts`), pricing
 * (`pricing.ts`, `rule-pricing.ts`), metric binding (`meter-binding.ts`), revenue
 * (`revenue-api.ts`), configuration series (`directory-series.ts`), health (`health.ts`).
 */
export class MarginSpanProcessor implements SpanProcessor {
  private readonly aggregates: Aggregates;
  private readonly health: ProcessorHealth;
  private readonly stamping: Stamping;
  private readonly pricer: SpanPricer;
  private readonly revenue: RevenueApi;
  private readonly meters: MeterBinding;
  /** The price book in force (reloaded from the user's files when they change). */
  private readonly prices: ReloadingPriceBook;
  /** Whether shutdown stops the reload timer (not when the user passed their own reloader). */
  private readonly ownsPrices: boolean;
  private readonly stamp: boolean;
  private readonly pseudonymize: boolean;
  private sawOnEnding = false;
  private isShutdown = false;
  /** The span path's reusable objects (`evaluating` guards them against re-entry). */
  private readonly scratch: PricingScratch = newPricingScratch();
  private readonly admitted: AdmittedLabels = { customer: UNATTRIBUTED, feature: UNATTRIBUTED };
  private evaluating = false;
  /** The customer directory (plan, MRR, signup, segment). `ready` settles after the first load. */
  readonly customers: CustomerDirectory;

  constructor(config: MarginSpanProcessorConfig = {}) {
    const clock = config.clock ?? Date.now;
    this.stamp = config.stampAttribution !== false;
    const prices = pricesOf(config);
    this.prices = prices;
    this.ownsPrices = !(config.prices instanceof ReloadingPriceBook);
    const maxCustomers = config.maxCustomers ?? DEFAULTS.maxCustomers;
    const health = new ProcessorHealth(clock);
    this.health = health;
    const labelValues = new LabelValues(
      config.maxLabelValueBytes ?? DEFAULTS.maxLabelValueBytes,
      (label, fix) => health.countLabelFix(label, fix),
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
      labelValues,
    );
    const pseudonymizer = config.pseudonymize ? new Pseudonymizer(config.pseudonymize) : undefined;
    this.pseudonymize = pseudonymizer !== undefined;
    const extraAttribution = config.extraAttribution ?? DEFAULTS.extraAttribution;
    if (extraAttribution === 'hash' && pseudonymizer === undefined) {
      throw new Error(
        "ai-margin: extraAttribution: 'hash' needs the pseudonymize option (its key)",
      );
    }
    const stamping = new Stamping({
      pseudonymizer,
      extraAttribution,
      customerKeys: config.attributeKeys?.customer ?? DEFAULTS.customerKeys,
      featureKeys: config.attributeKeys?.feature ?? DEFAULTS.featureKeys,
      errors: health.errors,
    });
    this.stamping = stamping;
    this.pricer = new SpanPricer(
      prices,
      validateCostRules(config.costRules ?? []),
      stamping,
      health,
    );
    this.revenue = new RevenueApi(
      this.aggregates,
      validateRevenueRules(config.revenueRules ?? []),
      config.maxIdempotencyKeys ?? DEFAULTS.maxIdempotencyKeys,
      stamping,
      health,
    );
    const fixedCosts = validateFixedCosts(config.fixedCosts ?? []);

    this.customers = new CustomerDirectory(config.customers);
    this.customers.onLoad = (list) => {
      // Customers in the directory get their own series first, up to the cap.
      for (const c of list) this.aggregates.customers.admit(stamping.pseudonym(c.id));
    };
    this.customers.onLoad(this.customers.list());

    const directory = new DirectorySeries(
      this.customers,
      maxCustomers,
      fixedCosts,
      labelValues,
      stamping,
      clock,
    );
    const aggregates = this.aggregates;
    const source: MetricSource = {
      cost: () => aggregates.costSeries(),
      tokens: () => aggregates.tokenSeries(),
      longContextTokens: () => aggregates.longContextTokenSeries(),
      requests: () => aggregates.requestSeries(),
      unpricedRequests: () => aggregates.unpricedSeries(),
      revenue: () => aggregates.revenueSeries(),
      customerMrr: () => directory.mrr(),
      customerInfo: () => directory.info(),
      fixedCostMonthly: () => directory.fixedCost(),
      cardinalityOverflow: () => aggregates.overflowSeries(),
      rejectedAmounts: () => health.rejectedSeries(),
      labelValuesNormalized: () => health.labelFixSeries(),
      processorErrors: () => health.errorSeries(),
      sdkInfo: sdkInfoSeries,
      ...prices.metricSource(),
    };
    const onError = (kind: string, err: unknown) => health.errors.record(kind, err);
    if (config.registry) registerPromMetrics(config.registry, source, onError);
    this.meters = new MeterBinding(config.meterProvider, source, health.errors);
  }

  // --- SpanProcessor --------------------------------------------------------------------------

  onStart(span: Span, parentContext: Context): void {
    if (this.isShutdown) return;
    try {
      // The cheap checks stay here, so a span that needs neither pays for no call.
      if (!this.meters.bound) this.meters.probe();
      if (this.stamp) {
        const attribution = getAttribution(parentContext);
        if (attribution !== undefined) this.stamping.stamp(span, attribution);
      }
      if (this.pseudonymize) this.stamping.pseudonymizeSpan(span);
    } catch (err) {
      this.health.errors.record('on_start', err);
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
    if (this.pseudonymize) this.stamping.pseudonymizeSpan(span);
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
        if (this.ownsPrices) this.prices.close();
        this.health.diag.flush();
      } catch (err) {
        this.health.errors.record('shutdown', err);
      }
    }
    return Promise.resolve();
  }

  /**
   * Records a billing event (e.g. from a webhook) as `ai_margin_revenue_usd_total{revenue_type}`.
   * A repeated `idempotencyKey` is counted once (the last `maxIdempotencyKeys` keys are
   * remembered, per process). Never throws; returns what happened.
   */
  recordRevenue(event: RevenueEvent): RevenueOutcome {
    try {
      if (this.isShutdown) return 'shutdown';
      return this.revenue.record(event);
    } catch (err) {
      this.health.errors.record('record_revenue', err);
      return 'invalid';
    }
  }

  /**
   * Re-reads the user price files now (they are also re-read every `priceReloadIntervalMs`).
   * A valid change is swapped in at once; a bad file keeps the book in force and is counted in
   * `ai_margin_price_book_reloads_total{result="failed"}`. Never throws. For example:
   * `process.on('SIGHUP', () => margin.reloadPrices())`.
   */
  reloadPrices(): ReloadOutcome {
    return this.prices.reload();
  }

  /**
   * Makes the OTel path bind now (e.g. right after `NodeSDK.start()`), instead of on one of the
   * next spans. Useful when metrics must be exported before any span was seen.
   */
  bindMetrics(): void {
    this.meters.bind();
  }

  /**
   * Prices one ending span and adds it to the aggregates. The span path reuses one set of
   * scratch objects; a re-entrant call (e.g. a diag logger that creates spans) gets fresh ones.
   */
  private process(span: ReadableSpan, writable: Span | undefined, errorKind: string): void {
    const reentrant = this.evaluating;
    this.evaluating = true;
    try {
      const scratch = reentrant ? newPricingScratch() : this.scratch;
      const admitted = reentrant ? { customer: '', feature: '' } : this.admitted;
      const outcome = this.pricer.price(span, writable, scratch);
      if (outcome !== undefined) this.aggregate(outcome, admitted);
    } catch (err) {
      this.health.errors.record(errorKind, err);
    } finally {
      if (!reentrant) this.evaluating = false;
    }
  }

  /** Counts a span's outcome, then the revenue the rules give for it (a method of its own: see `SpanPricer.priceCall`). */
  private aggregate(outcome: SpanOutcome, admitted: AdmittedLabels): void {
    this.aggregates.add(outcome, admitted);
    this.revenue.applyRules(outcome, admitted);
  }
}

/** The price book option as a reloading book (a fixed one for a given `PriceBook`). */
function pricesOf(config: MarginSpanProcessorConfig): ReloadingPriceBook {
  const prices = config.prices;
  if (prices instanceof ReloadingPriceBook) return prices;
  if (prices instanceof PriceBook) return new ReloadingPriceBook({ book: prices });
  if (Array.isArray(prices) && prices.length > 0) {
    return new ReloadingPriceBook({
      files: prices as readonly string[],
      reloadIntervalMs: config.priceReloadIntervalMs ?? 0,
    });
  }
  return new ReloadingPriceBook({ book: PriceBook.shipped() });
}
