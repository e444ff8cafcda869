/**
 * The cost engine: a pure function from a price book and a normalised call to USD, with a
 * per-bucket breakdown and the period that priced it, or an explicit unpriced reason.
 */

import { UNPRICED_REASON } from '@ai-margin/conventions';
import type { CompiledTier, EffectivePrices, ToolFees } from '../prices/compiled';
import type { InternalResolution, PriceBook } from '../prices/price-book';
import type { RequestedServiceTier, ServiceTier } from '../prices/types';
import { SERVER_TOOLS, TOKEN_BUCKETS } from '../prices/types';
import { emptyBucketUsage } from './normalize';
import type {
  AudioTokens,
  BucketUsage,
  CostRequest,
  CostResult,
  PeriodRef,
  PricedCost,
  ToolCalls,
  Unpriced,
} from './types';

type PricedTier = Exclude<ServiceTier, 'standard'>;

/** Service tier names meaning "standard" in provider responses (OpenAI reports `default`). */
const STANDARD_TIER_NAMES = new Set(['standard', 'default', 'auto']);
const PRICED_TIERS = new Set<string>(['batch', 'flex', 'priority', 'fast']);

/** A bucket count: absent is 0; anything not a finite non-negative number is -1 (invalid). */
function count(value: unknown): number {
  if (value === undefined) return 0;
  return typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY ? value : -1;
}

function bucketUsd(tokens: number, usdPerMillion: number, multiplier: number): number {
  return tokens === 0 ? 0 : ((tokens * usdPerMillion) / 1e6) * multiplier;
}

function unpriced(reason: Unpriced['reason'], detail: string): Unpriced {
  return { priced: false, costUsd: null, reason, detail };
}

type FoundResolution = Extract<InternalResolution, { found: true }>;

/** Call-wide pricing choices for one call (cliff tier, service tier, multipliers). */
export interface CallTerms {
  prices: EffectivePrices;
  tierAbove: number | undefined;
  serviceTier: ServiceTier;
  multiplier: number;
  uplift: number | undefined;
  /** Regional-processing multiplier applied (data residency, `inference_geo`), if any. */
  processingUplift: number | undefined;
  /** Multiplier of per-call tool fees: the discount only (tiers and uplifts price tokens). */
  feeMultiplier: number;
}

const NO_PRICES: EffectivePrices = Object.freeze({
  input: 0,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  cacheWrite30m: 0,
  cacheWrite12h: 0,
  output: 0,
  reasoning: 0,
  inputAudio: 0,
  cacheReadAudio: 0,
  outputAudio: 0,
});

function newCallTerms(): CallTerms {
  return {
    prices: NO_PRICES,
    tierAbove: undefined,
    serviceTier: 'standard',
    multiplier: 1,
    uplift: undefined,
    processingUplift: undefined,
    feeMultiplier: 1,
  };
}

/** A reported processing region that pays a regional-processing uplift (not `global`). */
function isRegional(region: string | undefined): boolean {
  return region !== undefined && region !== '' && region !== 'global' && region !== 'GLOBAL';
}

/** Fills `out` for a call; returns the unpriced answer when the tier has no price. */
function termsOf(
  found: FoundResolution,
  totalInput: number,
  requested: RequestedServiceTier | undefined,
  region: string | undefined,
  out: CallTerms,
): Unpriced | undefined {
  const period = found.period;
  const processingUplift =
    period.regionalProcessingUplift !== undefined && isRegional(region)
      ? period.regionalProcessingUplift
      : undefined;
  if (
    requested === undefined &&
    period.tiers.length === 0 &&
    period.regionalUplift === undefined &&
    processingUplift === undefined &&
    found.discountPercent === undefined
  ) {
    // The common case: standard tier, no cliff tiers, uplift or discount.
    out.prices = period.prices;
    out.tierAbove = undefined;
    out.serviceTier = 'standard';
    out.multiplier = 1;
    out.uplift = undefined;
    out.processingUplift = undefined;
    out.feeMultiplier = 1;
    return undefined;
  }
  let prices = period.prices;
  let tierAbove: number | undefined;
  const tiers = period.tiers;
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as CompiledTier;
    if (totalInput > tier.aboveInputTokens) {
      prices = tier.prices;
      tierAbove = tier.aboveInputTokens;
    }
  }

  const requestedTier = (requested ?? 'standard') as string;
  let serviceTier: ServiceTier = 'standard';
  let multiplier = 1;
  if (!STANDARD_TIER_NAMES.has(requestedTier)) {
    if (!PRICED_TIERS.has(requestedTier)) {
      return unpriced(
        UNPRICED_REASON.noPeriod,
        `unknown service tier "${requestedTier}" for ${period.resolved.ref.id}`,
      );
    }
    const m = period.serviceTiers[requestedTier as PricedTier];
    if (m === undefined) {
      return unpriced(
        UNPRICED_REASON.noPeriod,
        `no "${requestedTier}" service-tier price for ${period.resolved.ref.id} (period has: ${Object.keys(period.serviceTiers).join(', ') || 'standard only'})`,
      );
    }
    serviceTier = requestedTier as PricedTier;
    multiplier = m;
  }
  const uplift =
    period.regionalUplift !== undefined && found.geo !== 'global'
      ? period.regionalUplift
      : undefined;
  if (uplift !== undefined) multiplier *= uplift;
  if (processingUplift !== undefined) multiplier *= processingUplift;
  const feeMultiplier = found.discountPercent !== undefined ? 1 - found.discountPercent / 100 : 1;
  multiplier *= feeMultiplier;
  out.prices = prices;
  out.feeMultiplier = feeMultiplier;
  out.tierAbove = tierAbove;
  out.serviceTier = serviceTier;
  out.multiplier = multiplier;
  out.uplift = uplift;
  out.processingUplift = processingUplift;
  return undefined;
}

/**
 * The one cost summation: fills `breakdown` with each bucket's USD (tokens × USD per 1M / 1e6 ×
 * the call-wide multiplier) and returns their sum in TOKEN_BUCKETS order, so summing the
 * breakdown gives exactly the cost. `usage` holds finite non-negative counts. A bucket with
 * tokens but no price (`NaN`, see the price book's fallbacks) makes the sum `NaN`: unpriced.
 */
function costOf(usage: BucketUsage, terms: CallTerms, breakdown: BucketUsage): number {
  const prices = terms.prices;
  const multiplier = terms.multiplier;
  breakdown.input = bucketUsd(usage.input, prices.input, multiplier);
  breakdown.cacheRead = bucketUsd(usage.cacheRead, prices.cacheRead, multiplier);
  breakdown.cacheWrite5m = bucketUsd(usage.cacheWrite5m, prices.cacheWrite5m, multiplier);
  breakdown.cacheWrite1h = bucketUsd(usage.cacheWrite1h, prices.cacheWrite1h, multiplier);
  breakdown.cacheWrite30m = bucketUsd(usage.cacheWrite30m, prices.cacheWrite30m, multiplier);
  breakdown.cacheWrite12h = bucketUsd(usage.cacheWrite12h, prices.cacheWrite12h, multiplier);
  breakdown.output = bucketUsd(usage.output, prices.output, multiplier);
  breakdown.reasoning = bucketUsd(usage.reasoning, prices.reasoning, multiplier);
  return (
    breakdown.input +
    breakdown.cacheRead +
    breakdown.cacheWrite5m +
    breakdown.cacheWrite1h +
    breakdown.cacheWrite30m +
    breakdown.cacheWrite12h +
    breakdown.output +
    breakdown.reasoning
  );
}

function callsUsd(calls: number, usdPerCall: number, multiplier: number): number {
  return calls === 0 ? 0 : calls * usdPerCall * multiplier;
}

/** USD of per-call tool fees; `NaN` when a tool with calls has no fee in the period. */
function toolFeesOf(calls: ToolCalls, fees: ToolFees, multiplier: number): number {
  return (
    callsUsd(calls.webSearch, fees.webSearch, multiplier) +
    callsUsd(calls.webFetch, fees.webFetch, multiplier) +
    callsUsd(calls.codeExecution, fees.codeExecution, multiplier)
  );
}

/** All input tokens of a call (what long-context cliffs compare). */
function totalInputOf(u: BucketUsage): number {
  return (
    u.input + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h + u.cacheWrite30m + u.cacheWrite12h
  );
}

/** Why a `NaN` cost: the first bucket with tokens and no price, described. */
function missingPrice(
  usage: BucketUsage,
  prices: EffectivePrices,
  model: string,
): Unpriced | undefined {
  for (const bucket of TOKEN_BUCKETS) {
    if (usage[bucket] > 0 && Number.isNaN(prices[bucket])) {
      if (bucket === 'cacheWrite5m' || bucket === 'cacheWrite1h') {
        return unpriced(
          UNPRICED_REASON.missingUsageDetail,
          `${model} bills cache writes by retention (30 min / 12 h) and the call reports ${usage[bucket]} cache-write tokens without their retention`,
        );
      }
      return unpriced(
        UNPRICED_REASON.noPeriod,
        `no ${bucket} price for ${model} (${usage[bucket]} ${bucket} tokens)`,
      );
    }
  }
  return undefined;
}

/** Audio tokens of a call, by the bucket that holds them. */
interface AudioSplit {
  input: number;
  cacheRead: number;
  output: number;
}

/**
 * Places a call's audio tokens in its buckets: audio input in uncached `input` first, the rest in
 * `cacheRead` (a span does not say which audio was cached; uncached is the dearer reading), audio
 * output in `output`. More audio than the bucket holds is `invalid_usage`.
 */
function splitAudio(usage: BucketUsage, audio: AudioTokens): AudioSplit | Unpriced {
  const audioIn = count(audio.inputTokens);
  const audioOut = count(audio.outputTokens);
  if (audioIn < 0 || audioOut < 0) {
    const bad = audioIn < 0 ? 'inputTokens' : 'outputTokens';
    return unpriced(
      UNPRICED_REASON.invalidUsage,
      `audio.${bad} must be a non-negative number, got ${String(audio[bad])}`,
    );
  }
  if (audioIn > usage.input + usage.cacheRead) {
    return unpriced(
      UNPRICED_REASON.invalidUsage,
      `${audioIn} audio input tokens exceed the call's uncached and cached input (${usage.input} + ${usage.cacheRead})`,
    );
  }
  if (audioOut > usage.output) {
    return unpriced(
      UNPRICED_REASON.invalidUsage,
      `${audioOut} audio output tokens exceed the call's output tokens (${usage.output}, reasoning excluded)`,
    );
  }
  const input = Math.min(audioIn, usage.input);
  return { input, cacheRead: audioIn - input, output: audioOut };
}

const AUDIO_PARTS = [
  ['input', 'inputAudio', 'audio input'],
  ['cacheRead', 'cacheReadAudio', 'cached audio input'],
  ['output', 'outputAudio', 'audio output'],
] as const;

/**
 * Moves the audio tokens of `usage` out of their text buckets: returns the text-only usage, or
 * the unpriced answer when the period has no price for audio the call has.
 */
function audioTextUsage(
  usage: BucketUsage,
  split: AudioSplit,
  prices: EffectivePrices,
  model: string,
): BucketUsage | Unpriced {
  for (const [bucket, price, what] of AUDIO_PARTS) {
    if (split[bucket] > 0 && Number.isNaN(prices[price])) {
      return unpriced(
        UNPRICED_REASON.noPeriod,
        `no ${price} price for ${model} (${split[bucket]} ${what} tokens): priced as text they would be too cheap`,
      );
    }
  }
  return {
    ...usage,
    input: usage.input - split.input,
    cacheRead: usage.cacheRead - split.cacheRead,
    output: usage.output - split.output,
  };
}

/** Adds the audio tokens' USD to their buckets of `breakdown`; returns the audio USD. */
function addAudioCost(split: AudioSplit, terms: CallTerms, breakdown: BucketUsage): number {
  let total = 0;
  for (const [bucket, price] of AUDIO_PARTS) {
    const usd = bucketUsd(split[bucket], terms.prices[price], terms.multiplier);
    breakdown[bucket] += usd;
    total += usd;
  }
  return total;
}

function missingFee(
  calls: Partial<ToolCalls>,
  fees: ToolFees,
  model: string,
): Unpriced | undefined {
  for (const tool of SERVER_TOOLS) {
    const n = calls[tool] ?? 0;
    if (n > 0 && Number.isNaN(fees[tool])) {
      return unpriced(
        UNPRICED_REASON.noPeriod,
        `no ${tool} per-call fee for ${model} (${n} ${tool} calls reported)`,
      );
    }
  }
  return undefined;
}

/**
 * @internal The span path's reusable pricing state, owned by the caller: {@link priceCost} fills
 * it in place (the period that priced the call, and the terms and breakdown it used).
 */
export interface CostQuote {
  /** USD, when priced (a field, not a return value: a double field is stored unboxed). */
  costUsd: number;
  /** The part of `costUsd` that is per-call tool fees (0 without tool calls). */
  toolFeesUsd: number;
  /** Set when the call was priced. */
  period: PeriodRef | undefined;
  resolvedModel: string;
  readonly terms: CallTerms;
  readonly breakdown: BucketUsage;
}

/** @internal */
export function newCostQuote(): CostQuote {
  return {
    costUsd: 0,
    toolFeesUsd: 0,
    period: undefined,
    resolvedModel: '',
    terms: newCallTerms(),
    breakdown: emptyBucketUsage(),
  };
}

/**
 * @internal The span processor's fast path: the same cost as `priceCall(...).costUsd`, bit for
 * bit, without building the result object. Returns `false` whenever `priceCall` would not return
 * a price (then call it for the reason); on `true`, `out` holds the cost and the period. `usage`
 * must hold finite non-negative counts in every bucket.
 */
export function priceCost(
  book: PriceBook,
  provider: string,
  model: string,
  at: number,
  usage: BucketUsage,
  serviceTier: RequestedServiceTier | undefined,
  out: CostQuote,
  toolCalls?: ToolCalls,
  region?: string,
): boolean {
  out.period = undefined;
  try {
    const found = book.resolve(provider, model, at);
    if (!found.found) return false;
    const terms = out.terms;
    if (termsOf(found, totalInputOf(usage), serviceTier, region, terms) !== undefined) return false;
    let cost = costOf(usage, terms, out.breakdown);
    let fees = 0;
    if (toolCalls !== undefined) {
      fees = toolFeesOf(toolCalls, found.period.toolFees, terms.feeMultiplier);
      cost += fees;
    }
    // NaN: a bucket or tool with usage and no price; priceCall says which.
    if (!(cost >= 0)) return false;
    out.costUsd = cost;
    out.toolFeesUsd = fees;
    out.period = found.period.resolved.ref;
    out.resolvedModel = found.period.resolved.model;
    return true;
  } catch {
    out.period = undefined;
    return false;
  }
}

/**
 * Prices one call. Never throws.
 *
 * - The cliff tier is chosen on total input (input + cache read + both cache writes): above the
 *   highest exceeded `aboveInputTokens`, every bucket, output included, uses that tier's prices.
 * - A non-standard service tier multiplies the whole call. When the period has no multiplier for
 *   the requested tier the call is unpriced (`no_period`, naming the tier): a standard price for
 *   a batch or priority call would be silently wrong.
 * - Bedrock: the period's `regionalUplift` multiplies the call unless the id had the `global.` prefix.
 * - `regionalProcessingUplift` multiplies the call when it reports a processing region other
 *   than `global` (`req.region`: OpenAI data residency, Anthropic `inference_geo`).
 * - Audio tokens (`req.audio`, parts of the input and output buckets) are priced at the period's
 *   audio prices; audio with no audio price makes the call unpriced, never priced as text.
 * - A negotiated discount (model-specific over provider-wide) applies last.
 * - Each bucket costs tokens × USD-per-1M / 1e6 (× the multipliers); `costUsd` is their sum.
 * - Server-tool calls (`toolCalls`) cost calls × the period's fee per 1,000 / 1,000 (× the
 *   discount only), added as `toolFeesUsd`. A tool with calls and no fee in the period, a
 *   bucket with tokens and no price (OpenAI 30-min/12-h cache writes), or cache writes without
 *   the retention a retention-priced model needs make the call unpriced, never cheaper.
 */
export function priceCall(book: PriceBook, req: CostRequest): CostResult {
  try {
    return priceUnchecked(book, req);
  } catch (err) {
    return unpriced(
      UNPRICED_REASON.invalidUsage,
      `cannot price call: ${(err as Error)?.message ?? String(err)}`,
    );
  }
}

function priceUnchecked(book: PriceBook, req: CostRequest): CostResult {
  if (!req || typeof req !== 'object')
    return unpriced(UNPRICED_REASON.invalidUsage, 'no cost request');
  const usage = req.usage as Partial<BucketUsage> | undefined;
  if (!usage || typeof usage !== 'object')
    return unpriced(UNPRICED_REASON.missingUsage, 'no usage on the call');
  const input = count(usage.input);
  const cacheRead = count(usage.cacheRead);
  const cacheWrite5m = count(usage.cacheWrite5m);
  const cacheWrite1h = count(usage.cacheWrite1h);
  const cacheWrite30m = count(usage.cacheWrite30m);
  const cacheWrite12h = count(usage.cacheWrite12h);
  const output = count(usage.output);
  const reasoning = count(usage.reasoning);
  if (
    input < 0 ||
    cacheRead < 0 ||
    cacheWrite5m < 0 ||
    cacheWrite1h < 0 ||
    cacheWrite30m < 0 ||
    cacheWrite12h < 0 ||
    output < 0 ||
    reasoning < 0
  ) {
    const bad = TOKEN_BUCKETS.find((b) => count(usage[b]) < 0)!;
    return unpriced(
      UNPRICED_REASON.invalidUsage,
      `usage.${bad} must be a non-negative number, got ${String(usage[bad])}`,
    );
  }
  const rawCalls = req.toolCalls as Partial<ToolCalls> | undefined;
  let toolCalls: ToolCalls | undefined;
  if (rawCalls !== undefined && rawCalls !== null) {
    if (typeof rawCalls !== 'object')
      return unpriced(UNPRICED_REASON.invalidUsage, 'toolCalls must be an object');
    toolCalls = { webSearch: 0, webFetch: 0, codeExecution: 0 };
    for (const tool of SERVER_TOOLS) {
      const n = count(rawCalls[tool]);
      if (n < 0) {
        return unpriced(
          UNPRICED_REASON.invalidUsage,
          `toolCalls.${tool} must be a non-negative number, got ${String(rawCalls[tool])}`,
        );
      }
      toolCalls[tool] = n;
    }
  }
  const counted: BucketUsage = {
    input,
    cacheRead,
    cacheWrite5m,
    cacheWrite1h,
    cacheWrite30m,
    cacheWrite12h,
    output,
    reasoning,
  };
  if (typeof req.provider !== 'string' || typeof req.model !== 'string') {
    return unpriced(UNPRICED_REASON.unknownModel, 'provider and model must be strings');
  }
  const region = req.region;
  if (region !== undefined && typeof region !== 'string') {
    return unpriced(UNPRICED_REASON.invalidUsage, 'region must be a string');
  }
  let audio: AudioSplit | undefined;
  if (req.audio !== undefined && req.audio !== null) {
    if (typeof req.audio !== 'object')
      return unpriced(UNPRICED_REASON.invalidUsage, 'audio must be an object');
    const split = splitAudio(counted, req.audio);
    if ('priced' in split) return split;
    if (split.input + split.cacheRead + split.output > 0) audio = split;
  }

  const found: InternalResolution = book.resolve(req.provider, req.model, req.at);
  if (!found.found) return unpriced(found.reason, found.detail);
  const terms = newCallTerms();
  const refused = termsOf(found, totalInputOf(counted), req.serviceTier, region, terms);
  if (refused !== undefined) return refused;
  const period = found.period;
  const { tierAbove, serviceTier, uplift, processingUplift } = terms;
  let text = counted;
  if (audio !== undefined) {
    const t = audioTextUsage(counted, audio, terms.prices, period.resolved.model);
    if ('priced' in t) return t;
    text = t;
  }
  const breakdown = emptyBucketUsage();
  let costUsd = costOf(text, terms, breakdown);
  const missing = missingPrice(text, terms.prices, period.resolved.model);
  if (missing !== undefined) return missing;
  let audioUsd: number | undefined;
  if (audio !== undefined) {
    audioUsd = addAudioCost(audio, terms, breakdown);
    // Summed again in bucket order, so that the breakdown sums exactly to the cost.
    costUsd = 0;
    for (const bucket of TOKEN_BUCKETS) costUsd += breakdown[bucket];
  }
  let toolFeesUsd: number | undefined;
  if (toolCalls !== undefined) {
    const noFee = missingFee(toolCalls, period.toolFees, period.resolved.model);
    if (noFee !== undefined) return noFee;
    toolFeesUsd = toolFeesOf(toolCalls, period.toolFees, terms.feeMultiplier);
    costUsd += toolFeesUsd;
  }

  const result: PricedCost = {
    priced: true,
    costUsd,
    breakdown,
    period: period.resolved.ref,
    resolvedModel: period.resolved.model,
    serviceTier,
  };
  if (toolFeesUsd !== undefined && toolFeesUsd > 0) result.toolFeesUsd = toolFeesUsd;
  if (tierAbove !== undefined) result.tierAboveInputTokens = tierAbove;
  if (found.discountPercent !== undefined) result.discountPercent = found.discountPercent;
  if (found.geo !== undefined) result.geo = found.geo;
  if (uplift !== undefined) result.regionalUplift = uplift;
  if (region !== undefined && region !== '') result.region = region;
  if (processingUplift !== undefined) result.regionalProcessingUplift = processingUplift;
  if (audioUsd !== undefined) result.audioUsd = audioUsd;
  return result;
}
