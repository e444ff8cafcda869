/**
 * The metric catalog: the one place where ai-margin's metric names, units, descriptions and
 * labels are defined. The OTel path (MeterProvider -> OTLP) and the prom-client path use it, and
 * `@ai-margin/dashboards` builds every PromQL query from it, so a metric has the same Prometheus
 * name everywhere.
 *
 * Naming: the OTel name uses dots; the unit is in braces (`{USD}`) so OTLP->Prometheus naming does
 * not append it; monotonic counters get `_total`. So `ai_margin.cost.usd` (counter, `{USD}`)
 * arrives as `ai_margin_cost_usd_total` by OTLP and is registered under that name in prom-client.
 *
 * This module has no dependencies so that dashboards and tools can import it cheaply.
 */

export type MetricKind = 'counter' | 'gauge';

export interface MetricDefinition {
  /** OTel instrument name. */
  readonly otelName: string;
  /** Prometheus series name, identical on the OTLP and prom-client paths. */
  readonly promName: string;
  readonly kind: MetricKind;
  /** UCUM-style unit; braces keep it out of the Prometheus name. */
  readonly unit: string;
  readonly description: string;
  /** Data-point labels (never resource attributes: those do not reach Prometheus as labels). */
  readonly labels: readonly string[];
}

/** Label names used across metrics and queries. */
export const LABELS = {
  customer: 'customer_id',
  feature: 'feature',
  provider: 'provider',
  model: 'model',
  costType: 'cost_type',
  tokenType: 'token_type',
  priced: 'priced',
  revenueType: 'revenue_type',
  plan: 'plan',
  cohort: 'customer_cohort',
  ageMonth: 'customer_age_month',
  segment: 'segment',
  pool: 'pool',
  allocateBy: 'allocate_by',
  reason: 'reason',
  metric: 'metric',
  errorKind: 'kind',
  sdk: 'sdk',
  sdkVersion: 'sdk_version',
  sdkStatus: 'status',
  label: 'label',
  result: 'result',
  version: 'version',
  newestPriceDate: 'newest_price_date',
  contextAbove: 'context_above',
  /**
   * Fleet labels: where a series comes from. Not written by the processor; they come from the
   * path into the TSDB (scrape job and target labels, or OTel resource attributes such as
   * `deployment.environment.name`, which VictoriaMetrics' OTLP receiver turns into labels).
   */
  job: 'job',
  environment: 'deployment_environment_name',
  cluster: 'cluster',
} as const;

const L = LABELS;

function define<T extends Record<string, MetricDefinition>>(defs: T): T {
  return defs;
}

export const METRICS = define({
  /** Cost of calls: LLM calls priced from the price book, and non-LLM spans priced by cost rules. */
  cost: {
    otelName: 'ai_margin.cost.usd',
    promName: 'ai_margin_cost_usd_total',
    kind: 'counter',
    unit: '{USD}',
    description: 'Provisional cost to serve, in USD, at the price in force when each call started',
    labels: [L.customer, L.feature, L.provider, L.model, L.costType],
  },
  tokens: {
    otelName: 'ai_margin.tokens',
    promName: 'ai_margin_tokens_total',
    kind: 'counter',
    unit: '{token}',
    description:
      'Tokens by non-overlapping bucket (input = uncached input, cache_read, cache_write_5m, cache_write_1h, output, reasoning)',
    labels: [L.customer, L.feature, L.provider, L.model, L.tokenType],
  },
  longContextTokens: {
    otelName: 'ai_margin.long_context.tokens',
    promName: 'ai_margin_long_context_tokens_total',
    kind: 'counter',
    unit: '{token}',
    description:
      'Tokens (by bucket) of calls whose total input exceeded a threshold of LONG_CONTEXT_THRESHOLDS; context_above = the highest threshold exceeded. A subset of ai_margin.tokens, for repricing long-context cliffs',
    labels: [L.customer, L.feature, L.provider, L.model, L.tokenType, L.contextAbove],
  },
  requests: {
    otelName: 'ai_margin.requests',
    promName: 'ai_margin_requests_total',
    kind: 'counter',
    unit: '{request}',
    description: 'GenAI calls seen by the processor; priced="false" when no price could be applied',
    labels: [L.customer, L.feature, L.provider, L.model, L.priced],
  },
  unpricedRequests: {
    otelName: 'ai_margin.unpriced.requests',
    promName: 'ai_margin_unpriced_requests_total',
    kind: 'counter',
    unit: '{request}',
    description:
      'GenAI calls that could not be priced, by reason (unknown_model, no_period, missing_usage, invalid_usage)',
    labels: [L.provider, L.model, L.reason],
  },
  revenue: {
    otelName: 'ai_margin.revenue.usd',
    promName: 'ai_margin_revenue_usd_total',
    kind: 'counter',
    unit: '{USD}',
    description: 'Usage and manual revenue in USD (subscription revenue is the MRR gauge)',
    labels: [L.customer, L.feature, L.revenueType],
  },
  customerMrr: {
    otelName: 'ai_margin.customer.mrr.usd',
    promName: 'ai_margin_customer_mrr_usd',
    kind: 'gauge',
    unit: '{USD}',
    description: 'Monthly recurring (subscription) revenue per customer, in USD',
    labels: [L.customer, L.plan],
  },
  customerInfo: {
    otelName: 'ai_margin.customer.info',
    promName: 'ai_margin_customer_info',
    kind: 'gauge',
    unit: '1',
    description:
      'Customer metadata (always 1): plan, signup cohort (YYYY-MM), age in whole months, segment; join with group_left',
    labels: [L.customer, L.plan, L.cohort, L.ageMonth, L.segment],
  },
  fixedCostMonthly: {
    otelName: 'ai_margin.fixed_cost.monthly.usd',
    promName: 'ai_margin_fixed_cost_monthly_usd',
    kind: 'gauge',
    unit: '{USD}',
    description: 'Fixed-cost pools (USD per month) to allocate to customers by a driver',
    labels: [L.pool, L.allocateBy],
  },
  reconciliationRatio: {
    otelName: 'ai_margin.reconciliation.ratio',
    promName: 'ai_margin_reconciliation_ratio',
    kind: 'gauge',
    unit: '1',
    description:
      'Reported (invoice) cost divided by provisional cost, per provider and model, per UTC day',
    labels: [L.provider, L.model],
  },
  reconciledCostDaily: {
    otelName: 'ai_margin.reconciled.cost.usd',
    promName: 'ai_margin_reconciled_cost_usd',
    kind: 'gauge',
    unit: '{USD}',
    description:
      "Cost reported by the provider (invoice / cost report) for one UTC day, written with the day's timestamp",
    labels: [L.provider, L.model],
  },
  provisionalCostDaily: {
    otelName: 'ai_margin.provisional.cost.usd',
    promName: 'ai_margin_provisional_cost_usd',
    kind: 'gauge',
    unit: '{USD}',
    description:
      "Provisional (live-priced) cost for one UTC day as used by reconciliation, with the day's timestamp",
    labels: [L.provider, L.model],
  },
  costCorrection: {
    otelName: 'ai_margin.cost.correction.usd',
    promName: 'ai_margin_cost_correction_usd',
    kind: 'gauge',
    unit: '{USD}',
    description:
      'Reconciliation correction for one UTC day spread over customers pro rata to their provisional cost (reported - provisional)',
    labels: [L.customer, L.provider],
  },
  cardinalityOverflow: {
    otelName: 'ai_margin.cardinality.overflow',
    promName: 'ai_margin_cardinality_overflow_total',
    kind: 'counter',
    unit: '{event}',
    description:
      'Events folded into an __overflow__ series: metric = the label whose distinct-value cap was reached (customer_id, feature, provider, model, revenue_type), or the series budget that was full (series, revenue_series, unpriced_series)',
    labels: [L.metric],
  },
  rejectedAmounts: {
    otelName: 'ai_margin.rejected.amounts',
    promName: 'ai_margin_rejected_amounts_total',
    kind: 'counter',
    unit: '{event}',
    description:
      'USD amounts not counted because they were not finite numbers in [0, 1e9]: kind external_cost, llm_cost, cost_rule, revenue_rule, revenue_event',
    labels: [L.errorKind],
  },
  labelValuesNormalized: {
    otelName: 'ai_margin.label_values.normalized',
    promName: 'ai_margin_label_values_normalized_total',
    kind: 'counter',
    unit: '{value}',
    description:
      'Label values rewritten for Prometheus (lone surrogates replaced, or cut to the length limit; a hash suffix keeps them distinct), by label and reason (invalid_utf8, too_long)',
    labels: [L.label, L.reason],
  },
  sdkInfo: {
    otelName: 'ai_margin.sdk.info',
    promName: 'ai_margin_sdk_info',
    kind: 'gauge',
    unit: '1',
    description:
      'LLM SDK modules the instrumentations met (always 1): status instrumented, untested (newer than the tested range, patched) or unpatched (calls invisible)',
    labels: [L.sdk, L.sdkVersion, L.sdkStatus],
  },
  priceBookInfo: {
    otelName: 'ai_margin.price_book.info',
    promName: 'ai_margin_price_book_info',
    kind: 'gauge',
    unit: '1',
    description:
      'The price book in force (always 1): version = content hash of the shipped and user price files, newest_price_date = newest effectiveFrom (YYYY-MM-DD) that is not in the future',
    labels: [L.version, L.newestPriceDate],
  },
  priceBookNewestPrice: {
    otelName: 'ai_margin.price_book.newest_price.timestamp_seconds',
    promName: 'ai_margin_price_book_newest_price_timestamp_seconds',
    kind: 'gauge',
    unit: '{s}',
    description:
      'Unix time of the newest price in the price book in force (newest effectiveFrom not in the future), by book version; time() minus this is the age of the book',
    labels: [L.version],
  },
  priceBookReloads: {
    otelName: 'ai_margin.price_book.reloads',
    promName: 'ai_margin_price_book_reloads_total',
    kind: 'counter',
    unit: '{reload}',
    description:
      'Price book reloads that swapped in a new book (result ok) or kept the last good one (result failed, reason unreadable or invalid); unchanged files are not counted',
    labels: [L.result, L.reason],
  },
  processorErrors: {
    otelName: 'ai_margin.processor.errors',
    promName: 'ai_margin_processor_errors_total',
    kind: 'counter',
    unit: '{error}',
    description: 'Internal errors caught by the processor (never thrown into the application)',
    labels: [L.errorKind],
  },
});

export type MetricKey = keyof typeof METRICS;
