/**
 * Label values that more than one package writes or matches: the processor writes them, the
 * query catalog, the CLI and reconciliation select on them. Values that only one file uses stay
 * there.
 */

/** Value of `customer_id` that collects usage beyond the distinct-customer cap. */
export const OVERFLOW_CUSTOMER = '__overflow__';
/** `metric` label values of `METRICS.cardinalityOverflow`: a capped label, or a series budget. */
export const OVERFLOW_METRIC = {
  customer: 'customer_id',
  feature: 'feature',
  provider: 'provider',
  model: 'model',
  revenueType: 'revenue_type',
  series: 'series',
  revenueSeries: 'revenue_series',
  unpricedSeries: 'unpriced_series',
} as const;

/** `kind` label values of `METRICS.rejectedAmounts`. */
export const REJECTED_AMOUNT_KIND = {
  externalCost: 'external_cost',
  llmCost: 'llm_cost',
  costRule: 'cost_rule',
  revenueRule: 'revenue_rule',
  revenueEvent: 'revenue_event',
} as const;

/** `reason` label values of `METRICS.labelValuesNormalized`. */
export const LABEL_FIX_REASON = {
  invalidUtf8: 'invalid_utf8',
  tooLong: 'too_long',
} as const;

/** Value of a label whose value is not known (a call naming no model, a customer without signup date). */
export const UNKNOWN_LABEL_VALUE = 'unknown';

/** Value used when a span carries no customer attribution. */
export const UNATTRIBUTED = 'unattributed';

/** `status` label values of `METRICS.sdkInfo` (as recorded by @ai-margin/instrumentation). */
export const SDK_STATUS = {
  instrumented: 'instrumented',
  untested: 'untested',
  unpatched: 'unpatched',
} as const;

/** Token-type label values, one per non-overlapping bucket. */
export const TOKEN_TYPE_LABEL = {
  input: 'input',
  cacheRead: 'cache_read',
  cacheWrite5m: 'cache_write_5m',
  cacheWrite1h: 'cache_write_1h',
  cacheWrite30m: 'cache_write_30m',
  cacheWrite12h: 'cache_write_12h',
  output: 'output',
  reasoning: 'reasoning',
} as const;

/** `cost_type` label values of `METRICS.cost`: priced LLM calls, or spans priced by a cost rule. */
export const COST_TYPE = {
  llm: 'llm',
  rule: 'rule',
} as const;
export type CostType = (typeof COST_TYPE)[keyof typeof COST_TYPE];

/** `reason` label values of `METRICS.unpricedRequests` (and `ai_margin.unpriced.reason`). */
export const UNPRICED_REASON = {
  unknownModel: 'unknown_model',
  noPeriod: 'no_period',
  missingUsage: 'missing_usage',
  invalidUsage: 'invalid_usage',
  /**
   * The price needs a usage detail the span lacks (an OpenAI cache write without its retention,
   * on a model that bills writes by retention): unpriced rather than priced at a guess.
   */
  missingUsageDetail: 'missing_usage_detail',
  sdkUnpatched: 'sdk_unpatched',
} as const;
export type UnpricedReasonValue = (typeof UNPRICED_REASON)[keyof typeof UNPRICED_REASON];

/** `priced` label values of `METRICS.requests`. */
export const PRICED = { yes: 'true', no: 'false' } as const;

/** `revenue_type` given to revenue when a rule or event names none. */
export const DEFAULT_REVENUE_TYPE = 'usage';

/** Token types that are input to the model (everything but output and reasoning). */
export const INPUT_TOKEN_TYPES: readonly string[] = [
  TOKEN_TYPE_LABEL.input,
  TOKEN_TYPE_LABEL.cacheRead,
  TOKEN_TYPE_LABEL.cacheWrite5m,
  TOKEN_TYPE_LABEL.cacheWrite1h,
  TOKEN_TYPE_LABEL.cacheWrite30m,
  TOKEN_TYPE_LABEL.cacheWrite12h,
];

/** `result` label values of `METRICS.priceBookReloads`. */
export const PRICE_BOOK_RELOAD_RESULT = { ok: 'ok', failed: 'failed' } as const;
export type PriceBookReloadResult =
  (typeof PRICE_BOOK_RELOAD_RESULT)[keyof typeof PRICE_BOOK_RELOAD_RESULT];

/**
 * `reason` label values of `METRICS.priceBookReloads` with result `failed` (empty for `ok`):
 * a price file could not be read (missing, permissions), or it was read but is invalid (bad
 * JSON/YAML, schema, overlapping periods, unknown alias target).
 */
export const PRICE_BOOK_RELOAD_REASON = { unreadable: 'unreadable', invalid: 'invalid' } as const;
export type PriceBookReloadReason =
  (typeof PRICE_BOOK_RELOAD_REASON)[keyof typeof PRICE_BOOK_RELOAD_REASON];

/**
 * `context_above` label values of `METRICS.longContextTokens` (as decimal strings): a call whose
 * total input (input + cache_read + cache writes) exceeds one of these records its tokens under
 * the highest one exceeded. Holds every long-context cliff (`aboveInputTokens`) of the shipped
 * price book, so the what-if replay can price any call on any model exactly.
 */
export const LONG_CONTEXT_THRESHOLDS: readonly number[] = [128_000, 200_000, 272_000];
