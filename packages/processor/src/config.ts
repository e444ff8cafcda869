import { ATTR_AI_MARGIN_CUSTOMER_ID, ATTR_AI_MARGIN_FEATURE } from '@ai-margin/conventions';
import type { MeterProvider } from '@opentelemetry/api';
import type { CustomersOption } from './customers/types';
import type { PriceBook, ReloadingPriceBook } from './prices/index';
import type { CostRule } from './rules/cost-rules';
import type { FixedCostPool } from './rules/fixed-costs';
import type { RevenueRule } from './rules/revenue-rules';

/**
 * The part of a prom-client `Registry` the processor uses. Structural, so prom-client 14 and 15
 * both fit and the processor does not load prom-client itself.
 */
export interface PromRegistryLike {
  registerMetric(metric: unknown): void;
  removeSingleMetric?(name: string): void;
}

/** Where the processor reads attribution on a span. Every list is tried in order; first hit wins. */
export interface AttributeKeys {
  /**
   * Span attributes holding the customer id. Default: `ai_margin.customer_id`,
   * `traceloop.association.properties.customer_id` (OpenLLMetry),
   * `ai.telemetry.metadata.customerId` and `ai.telemetry.metadata.customer_id` (Vercel AI SDK).
   */
  customer?: readonly string[];
  /**
   * Span attributes holding the product feature. Default: `ai_margin.feature`,
   * `traceloop.association.properties.feature`, `ai.telemetry.metadata.feature`,
   * `ai.telemetry.functionId` (Vercel AI SDK).
   */
  feature?: readonly string[];
}

/** Keyed pseudonymisation of customer ids (HMAC-SHA256). */
export interface PseudonymizeOptions {
  /** Secret key (>= 16 bytes). Keep it stable: a new key gives every customer a new pseudonym. */
  key: string | Uint8Array;
  /** Distinct ids whose pseudonym is cached. Default 50,000 (about 8 MB at most). */
  cacheSize?: number;
}

/** Caps that keep memory and series counts bounded whatever the spans carry. */
export interface CardinalityLimits {
  /** Distinct customer ids (after pseudonymisation) kept as their own series. Default 10,000. */
  maxCustomers?: number;
  /** Distinct model label values. Default 500. */
  maxModels?: number;
  /** Distinct feature label values. Default 1,000. */
  maxFeatures?: number;
  /** Distinct provider label values. Default 100. */
  maxProviders?: number;
  /** Distinct `revenue_type` label values (from `recordRevenue` and revenue rules). Default 100. */
  maxRevenueTypes?: number;
  /**
   * Series budget of each metric across all its label combinations (customer x feature x
   * provider x model, or customer x feature x revenue type), whatever each label's own cap allows.
   * A new combination that would take cost, tokens or requests past it is counted in the
   * all-`__overflow__` series instead, and `ai_margin_cardinality_overflow_total{metric="series"}`
   * rises (`revenue_series`, `unpriced_series` for the others). Default 100,000.
   */
  maxSeriesPerMetric?: number;
  /**
   * Longest label value, in UTF-8 bytes. Longer values are cut and end in `~` + 16 hex digits of a
   * hash of the whole value (so they stay distinct); counted in
   * `ai_margin_label_values_normalized_total`. Default 256 (VictoriaMetrics drops values over 4 KB).
   */
  maxLabelValueBytes?: number;
}

/** Configuration of {@link MarginSpanProcessor}. Every field is optional. */
export interface MarginSpanProcessorConfig extends CardinalityLimits {
  /**
   * A prom-client `Registry`: the processor registers its metrics in it (collected on scrape, so
   * they join the service's existing `/metrics`). Omit to use only the OTel path.
   */
  registry?: PromRegistryLike;
  /**
   * MeterProvider for the OTel path. Default: the global one (`NodeSDK` sets it). Pass `false` to
   * disable the OTel path (e.g. prom-client only).
   */
  meterProvider?: MeterProvider | false;
  /**
   * The price book: paths of user price files (JSON or YAML) layered over the shipped prices, a
   * loaded `PriceBook` (used as it is), or a `ReloadingPriceBook` you manage. Default: the
   * shipped prices. With paths, the files are re-read every `priceReloadIntervalMs` and on
   * `reloadPrices()`; a bad edit keeps the last good book (docs/pricing-data.md).
   */
  prices?: PriceBook | ReloadingPriceBook | readonly string[];
  /**
   * Re-read the `prices` files this often (ms; an unref'd timer). Missing or 0: only on
   * `reloadPrices()` (for example from a SIGHUP handler).
   */
  priceReloadIntervalMs?: number;
  /** Customer directory: plan, MRR, signup date, segment. See `CustomersOption`. */
  customers?: CustomersOption;
  /** Usage revenue rules, applied to each GenAI call (and each cost-rule span). */
  revenueRules?: readonly RevenueRule[];
  /** Costs of non-LLM spans (vector queries, search APIs, ...). */
  costRules?: readonly CostRule[];
  /** Fixed monthly cost pools, exported as gauges to allocate in recording rules. */
  fixedCosts?: readonly FixedCostPool[];
  /** Where attribution is read on spans (see defaults in {@link AttributeKeys}). */
  attributeKeys?: AttributeKeys;
  /** Pseudonymise customer ids on spans and metrics before they reach any exporter. */
  pseudonymize?: PseudonymizeOptions;
  /**
   * What `onStart` does with the keys of `withAttribution({...})` other than `customerId` and
   * `feature` (stamped as `ai_margin.attr.<key>`): `keep` them as given (default), `hash` their
   * values with the `pseudonymize` key (requires `pseudonymize`), or `drop` them.
   */
  extraAttribution?: 'keep' | 'hash' | 'drop';
  /**
   * Distinct `recordRevenue` idempotency keys remembered. Default 100,000. A key repeated after
   * this many newer keys is counted again.
   */
  maxIdempotencyKeys?: number;
  /** Time source (epoch ms) for customer age and directory refresh; tests inject one. */
  clock?: () => number;
  /**
   * Stamp the active attribution (from `withAttribution`) on every span in `onStart`. Default true.
   */
  stampAttribution?: boolean;
}

/** Defaults, documented in docs/processor.md. */
export const DEFAULTS = {
  maxCustomers: 10_000,
  maxModels: 500,
  maxFeatures: 1_000,
  maxProviders: 100,
  maxRevenueTypes: 100,
  maxSeriesPerMetric: 100_000,
  maxLabelValueBytes: 256,
  extraAttribution: 'keep',
  maxIdempotencyKeys: 100_000,
  pseudonymCacheSize: 50_000,
  customerKeys: [
    ATTR_AI_MARGIN_CUSTOMER_ID,
    'traceloop.association.properties.customer_id',
    'ai.telemetry.metadata.customerId',
    'ai.telemetry.metadata.customer_id',
    // Vercel AI SDK 7: `runtimeContext` keys listed in `includeRuntimeContext`.
    'ai.settings.context.customerId',
    'ai.settings.context.customer_id',
  ],
  featureKeys: [
    ATTR_AI_MARGIN_FEATURE,
    'traceloop.association.properties.feature',
    'ai.telemetry.metadata.feature',
    'ai.settings.context.feature',
    'ai.telemetry.functionId',
  ],
} as const;
