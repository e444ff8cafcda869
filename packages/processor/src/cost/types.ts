import type { UNPRICED_REASON } from '@ai-margin/conventions';
import type {
  PricePeriod,
  RequestedServiceTier,
  ServerTool,
  ServiceTier,
  TokenBucket,
} from '../prices/types';

/** Token counts in non-overlapping buckets (see `normalizeUsage`). */
export type BucketUsage = Record<TokenBucket, number>;

/** Calls of server-side tools billed per call (Anthropic web search, say), by tool. */
export type ToolCalls = Record<ServerTool, number>;

/**
 * Usage as a provider or convention reports it. Which fields overlap depends on `convention`:
 * - `semconv`: `inputTokens` includes cache reads and writes; `outputTokens` includes reasoning.
 * - `openai`: `inputTokens` (prompt_tokens) includes cached tokens; output includes reasoning.
 * - `anthropic`: `inputTokens` excludes cache reads and cache writes.
 * - `bedrock` (Converse): `inputTokens` excludes cache reads and writes.
 * - `gemini`: `inputTokens` (promptTokenCount) includes cached; `outputTokens`
 *   (candidatesTokenCount) excludes thoughts, so `reasoningTokens` are added on top.
 */
export type UsageConvention = 'semconv' | 'openai' | 'anthropic' | 'bedrock' | 'gemini';

export interface RawUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  /** Cache writes with no TTL split: counted as 5-minute writes. */
  cacheWriteTokens?: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  /** OpenAI cache writes kept 30 minutes: a part of `cacheWriteTokens` when both are given. */
  cacheWrite30mTokens?: number;
  /** OpenAI cache writes kept 12 hours: a part of `cacheWriteTokens` when both are given. */
  cacheWrite12hTokens?: number;
  reasoningTokens?: number;
}

export interface CostRequest {
  /** `gen_ai.provider.name` (or an alias of it). */
  provider: string;
  /** Response model when known, else request model. */
  model: string;
  /** When the call started: epoch milliseconds. */
  at: number;
  usage: BucketUsage;
  serviceTier?: RequestedServiceTier;
  /** Server-tool calls billed per call; absent tools are 0 calls. */
  toolCalls?: Partial<ToolCalls>;
  /**
   * Audio tokens inside `usage` (providers report them as a part of input and output): priced at
   * the period's audio prices instead of the text prices. Audio input is taken from the uncached
   * `input` bucket first, the rest from `cacheRead`; audio output from `output`.
   */
  audio?: AudioTokens;
  /**
   * Where the call was processed, as it reports it (`ai_margin.inference_region`): `global`, or a
   * region (`us`, `eu`, ...) that pays the period's `regionalProcessingUplift`. Absent: global.
   */
  region?: string;
}

/** Audio token counts of a call, each a part of the usage's input or output. */
export interface AudioTokens {
  /** Audio input tokens, a part of `input` + `cacheRead` (absent: 0). */
  inputTokens?: number;
  /** Audio output tokens, a part of `output` (absent: 0). */
  outputTokens?: number;
}

/** Identifies the period that priced a call, e.g. `openai/o3-2025-04-16@2025-06-10T00:00:00.000Z`. */
export interface PeriodRef {
  id: string;
  provider: string;
  model: string;
  effectiveFrom: string;
  effectiveTo?: string;
  source: string;
}

export type UnpricedReason =
  | typeof UNPRICED_REASON.unknownModel
  | typeof UNPRICED_REASON.noPeriod // model known, but no price in force at that instant
  | typeof UNPRICED_REASON.missingUsage
  | typeof UNPRICED_REASON.invalidUsage
  | typeof UNPRICED_REASON.missingUsageDetail; // the price needs a detail the usage lacks

export interface PricedCost {
  priced: true;
  costUsd: number;
  /** USD per bucket; with `toolFeesUsd` it sums to `costUsd`. */
  breakdown: BucketUsage;
  /** USD of per-call server-tool fees (web search, ...), when the call reported such calls. */
  toolFeesUsd?: number;
  period: PeriodRef;
  /** The model id the price book resolved the request to (after aliases and prefixes). */
  resolvedModel: string;
  /** The cliff tier applied (`aboveInputTokens`), if any. */
  tierAboveInputTokens?: number;
  serviceTier: ServiceTier;
  /** Discount percentage applied, if any. */
  discountPercent?: number;
  /** Bedrock cross-region prefix of the requested id (`us`, `global`), if any. */
  geo?: string;
  /** Regional uplift multiplier applied (Bedrock geo/in-region profiles), if any. */
  regionalUplift?: number;
  /** The processing region the call reported (`CostRequest.region`), if any. */
  region?: string;
  /** Regional-processing multiplier applied (data residency, `inference_geo`), if any. */
  regionalProcessingUplift?: number;
  /** The part of the breakdown that is audio tokens at audio prices, when the call had audio. */
  audioUsd?: number;
}

export interface Unpriced {
  priced: false;
  costUsd: null;
  reason: UnpricedReason;
  /** Human-readable: names the provider/model/instant or field. */
  detail: string;
}

export type CostResult = PricedCost | Unpriced;

/** A resolved period with its owner, as returned by a price lookup. */
export interface ResolvedPrice {
  provider: string;
  model: string;
  period: PricePeriod;
  ref: PeriodRef;
}
