/**
 * Price book types: the shape of the shipped per-provider data files (`prices/data/*.json`) and
 * of a user price file. All prices are USD per 1,000,000 tokens; all instants are ISO-8601 UTC.
 */

/** Non-overlapping token buckets. Every token of a call lands in exactly one bucket. */
export type TokenBucket =
  | 'input' // uncached input
  | 'cacheRead'
  | 'cacheWrite5m'
  | 'cacheWrite1h'
  | 'cacheWrite30m' // OpenAI cache writes kept 30 minutes
  | 'cacheWrite12h' // OpenAI cache writes kept 12 hours
  | 'output' // output excluding reasoning tokens
  | 'reasoning'; // reasoning tokens; billed at the output price unless priced apart

export const TOKEN_BUCKETS: readonly TokenBucket[] = [
  'input',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'cacheWrite30m',
  'cacheWrite12h',
  'output',
  'reasoning',
];

/**
 * Audio prices, USD per 1M tokens, for the audio part of a bucket: audio tokens are counted in the
 * `input` / `cacheRead` / `output` buckets (as providers report them) and priced here instead of
 * at the text price. No fallback: a call with audio tokens and no audio price is unpriced.
 */
export type AudioPriceKey = 'inputAudio' | 'cacheReadAudio' | 'outputAudio';

/** The audio price keys of {@link BucketPrices}, in their usual order. */
export const AUDIO_PRICE_KEYS: readonly AudioPriceKey[] = [
  'inputAudio',
  'cacheReadAudio',
  'outputAudio',
];

/** Every key of {@link BucketPrices}: the token buckets and the audio prices. */
export type PriceKey = TokenBucket | AudioPriceKey;

/** Every key a price file's `prices` may hold: {@link TOKEN_BUCKETS}, then {@link AUDIO_PRICE_KEYS}. */
export const PRICE_KEYS: readonly PriceKey[] = [...TOKEN_BUCKETS, ...AUDIO_PRICE_KEYS];

/**
 * Service tiers that change the price by a multiplier. `standard` is the default (x1). `fast` is
 * Anthropic fast mode (`usage.speed: "fast"`), a per-model multiplier on the standard rates.
 */
export type ServiceTier = 'standard' | 'batch' | 'flex' | 'priority' | 'fast';

/**
 * A service tier as a call reports it: one of {@link ServiceTier}, or a name we have no price
 * for (OpenAI's `ultrafast`, say), which makes the call unpriced, never priced as standard.
 */
export type RequestedServiceTier = ServiceTier | (string & {});

/** USD per 1M tokens for each bucket. `input` and `output` are required. */
export interface BucketPrices {
  input: number;
  output: number;
  /** Missing: cache reads are billed as uncached input. */
  cacheRead?: number;
  /**
   * Missing: 5-minute cache writes are billed as uncached input, unless the prices have a
   * `cacheWrite30m` or `cacheWrite12h` (an OpenAI model that bills writes by retention): then a
   * cache write whose retention the span does not report is unpriced (`missing_usage_detail`).
   */
  cacheWrite5m?: number;
  /** Missing: 1-hour cache writes are billed at the 5-minute write price, else as input. */
  cacheWrite1h?: number;
  /**
   * OpenAI-model cache writes kept 30 minutes (openai 7 `ttl_30m_tokens`). Missing: a call with
   * such writes is unpriced (`missing_price`): no other bucket's price is known to apply.
   */
  cacheWrite30m?: number;
  /** OpenAI-model cache writes kept 12 hours (`ttl_12h_tokens`). Missing: as `cacheWrite30m`. */
  cacheWrite12h?: number;
  /** Missing: reasoning tokens are billed at the output price. */
  reasoning?: number;
  /**
   * Uncached audio input tokens (a part of `input`). Missing: a call with audio input is
   * unpriced (`no_period`), never priced as text.
   */
  inputAudio?: number;
  /** Cached audio input tokens (a part of `cacheRead`). Missing: as `inputAudio`. */
  cacheReadAudio?: number;
  /** Audio output tokens (a part of `output`). Missing: as `inputAudio`. */
  outputAudio?: number;
}

/** Server-side tools billed per call, USD per 1,000 calls (see {@link PricePeriod.toolFees}). */
export type ServerTool = 'webSearch' | 'webFetch' | 'codeExecution';

export const SERVER_TOOLS: readonly ServerTool[] = ['webSearch', 'webFetch', 'codeExecution'];

/**
 * A long-context cliff: when a request's total input tokens (uncached + cache read + cache writes)
 * exceed `aboveInputTokens`, *every* token of the request, output included, is billed at `prices`.
 */
export interface PriceTier {
  aboveInputTokens: number;
  prices: BucketPrices;
}

/** One dated price period of one model. */
export interface PricePeriod {
  /** Inclusive UTC instant, ISO-8601 (`2025-06-10T00:00:00Z` or `2025-06-10`, meaning midnight UTC). */
  effectiveFrom: string;
  /** Exclusive UTC instant; missing = open-ended (or until the next period's `effectiveFrom`). */
  effectiveTo?: string;
  prices: BucketPrices;
  /** Cliff tiers, ascending by `aboveInputTokens`. */
  tiers?: PriceTier[];
  /** Multipliers on the whole call for non-standard service tiers (e.g. `{ batch: 0.5 }`). */
  serviceTiers?: Partial<Record<Exclude<ServiceTier, 'standard'>, number>>;
  /**
   * Multiplier for Bedrock geo/in-region inference profiles (`us.`, `eu.`, `apac.`, `jp.`, `au.`,
   * or no prefix) relative to the `global.` profile price in `prices` (e.g. 1.1 for +10%).
   */
  regionalUplift?: number;
  /**
   * Multiplier for calls processed in a chosen region rather than globally, relative to `prices`
   * (OpenAI data-residency endpoints such as `eu.api.openai.com`, Anthropic `inference_geo: "us"`;
   * 1.1 for +10%). Applies when the call reports a processing region other than `global`
   * (`ai_margin.inference_region`); a call that reports none is priced at the global rate.
   */
  regionalProcessingUplift?: number;
  /**
   * Per-call fees of server-side tools, USD per 1,000 calls (Anthropic web search: 10). Charged
   * on the calls the span reports (`ai_margin.usage.server_tool.<tool>.calls`), on top of the
   * token cost; service-tier multipliers and uplifts do not apply to them, a discount does.
   */
  toolFees?: Partial<Record<ServerTool, number>>;
  /** Where this price comes from (URL, dataset commit, announcement). Required. */
  source: string;
  /** Free text: caveats, approximate dates, disagreements between sources. */
  note?: string;
}

/** One model with all its price periods. */
export interface ModelPrices {
  /** Canonical id, e.g. `gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`. */
  id: string;
  /** Other exact ids that are the same model at the same prices (short names, dated snapshots). */
  aliases?: string[];
  /** Periods sorted by `effectiveFrom`; they must not overlap. */
  periods: PricePeriod[];
  /**
   * When the provider retired the model (`YYYY-MM-DD` or ISO-8601 instant). Informational: the
   * periods keep their history so that calls made before retirement are still priced.
   */
  retiredOn?: string;
  /** Free text about the model (not used for pricing). */
  note?: string;
}

/**
 * A moving alias: an id whose target model changes on a date (e.g. `gpt-4o` pointed at
 * `gpt-4o-2024-05-13`, then at `gpt-4o-2024-08-06`). Used only when the response model is absent.
 */
export interface MovingAlias {
  alias: string;
  targets: { model: string; effectiveFrom: string; source: string; note?: string }[];
  /** Free text (not used for pricing). */
  note?: string;
}

/** One provider's price file (shipped or user-supplied). */
export interface ProviderPriceFile {
  /** `gen_ai.provider.name` value, e.g. `openai`, `anthropic`, `aws.bedrock`, `gcp.gemini`. */
  provider: string;
  /** Other provider names priced by this file (e.g. `azure.ai.openai` -> openai, `gcp.vertex_ai`). */
  providerAliases?: string[];
  currency: 'USD';
  models: ModelPrices[];
  movingAliases?: MovingAlias[];
  /** Free text about the file (not used for pricing). */
  note?: string;
  /** Optional JSON Schema reference for editors (ignored). */
  $schema?: string;
}

/** A negotiated discount, as a percentage, with its own effective dates. */
export interface Discount {
  provider: string;
  /** Missing = every model of the provider. A model-specific discount wins over a provider-wide one. */
  model?: string;
  percent: number;
  effectiveFrom: string;
  effectiveTo?: string;
  source?: string;
  /** Free text (not used for pricing). */
  note?: string;
}

/** A user price file: extra/overriding models per provider, and discounts. */
export interface UserPriceFile {
  providers?: ProviderPriceFile[];
  discounts?: Discount[];
  /** Free text about the file (not used for pricing). */
  note?: string;
  /** Optional JSON Schema reference for editors (ignored). */
  $schema?: string;
}
