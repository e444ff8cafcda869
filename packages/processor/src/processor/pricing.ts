import {
  ATTR_AI_MARGIN_PRICE_PERIOD,
  ATTR_AI_MARGIN_UNPRICED_REASON,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  COST_CURRENCY,
  COST_TYPE,
  REJECTED_AMOUNT_KIND,
  UNKNOWN_LABEL_VALUE,
  UNPRICED_REASON,
} from '@ai-margin/conventions';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { priceCall, priceCost } from '../cost/engine';
import { normalizeUsage } from '../cost/normalize';
import type { BucketUsage, CostResult, UnpricedReason } from '../cost/types';
import type { PriceBook } from '../prices/price-book';

/** Where the book in force comes from: read once per span, so a reload is never seen half-way. */
export interface PriceBookSource {
  current(): PriceBook;
}

import type { CostRule } from '../rules/cost-rules';
import type { SpanOutcome } from './aggregates';
import { isAmount, MAX_AMOUNT_USD } from './amounts';
import { BoundedMap } from './bounded';
import { writeCost } from './cost-attributes';
import type { ProcessorHealth } from './health';
import type { PricingScratch } from './pricing-scratch';
import { RulePricer } from './rule-pricing';
import { type CallReading, rawUsageOf, readCallInto, splitReading } from './span-reader';
import type { ReadableSpanLike as ReadableSpan, WritableSpanLike as Span } from './span-types';
import type { Stamping } from './stamping';

// Read once at load (a plain string on the span path, not a property load per span).
const LLM = COST_TYPE.llm;
// Parents of recent calls remembered (a parent ends shortly after its children).
const CALL_PARENTS_KEPT = 4096;

function hrTimeToMs(t: HrTime): number {
  return t[0] * 1000 + t[1] / 1e6;
}

function unpriced(reason: UnpricedReason, detail: string): CostResult {
  return { priced: false, costUsd: null, reason, detail };
}

/**
 * Prices ending spans: GenAI calls from the price book (a fast path for the common priceable
 * call, the general path otherwise, another library's cost when we cannot price), other spans by
 * cost rules ({@link RulePricer}). Writes the cost on the span while it is writable and warns once per unpriced model.
 */
export class SpanPricer {
  /**
   * Span ids of the parents of GenAI calls that carried usage, recently seen. Some libraries wrap
   * each model call in an outer span with the same GenAI attributes but no usage (the Vercel AI
   * SDK's `embed()`): counted on its own it would be an unpriced `missing_usage` call for usage
   * that was priced. A child ends before its parent, so the parent's id is known by then.
   */
  private readonly callParents = new BoundedMap<string, true>(CALL_PARENTS_KEPT);
  private readonly warnedUnpriced = new BoundedMap<string, true>(1000);

  private readonly rules: RulePricer;

  constructor(
    private readonly prices: PriceBookSource,
    costRules: readonly CostRule[],
    private readonly stamping: Stamping,
    private readonly health: ProcessorHealth,
  ) {
    this.rules = new RulePricer(costRules, stamping, health);
  }

  /**
   * What one ending span contributes, in `scratch.outcome`, or `undefined` when nothing.
   * `writable` is the span when attributes may still be set (onEnding), else `undefined`.
   */
  price(
    span: ReadableSpan,
    writable: Span | undefined,
    scratch: PricingScratch,
  ): SpanOutcome | undefined {
    const attrs = span.attributes;
    const call = scratch.reading;
    if (!readCallInto(attrs, call)) return this.rules.price(span, attrs, writable, scratch.outcome);
    if (call.hasUsage) {
      const parent = span.parentSpanContext;
      if (parent !== undefined) this.callParents.set(parent.spanId, true);
    } else if (call.invalidAttribute === undefined) {
      // A span object from an SDK-like tracer may lack spanContext(): then it is no known parent.
      const own = span.spanContext?.();
      // An outer span around calls that were priced themselves (see callParents): not a call.
      if (own !== undefined && this.callParents.delete(own.spanId)) return undefined;
    }
    return this.priceCall(span, attrs, writable, scratch);
  }

  /**
   * A GenAI call (`scratch.reading` holds it). A method of its own, not part of `price`: each gets
   * its own inlining budget, which keeps the engine's fast path inlined (see docs/processor.md).
   */
  private priceCall(
    span: ReadableSpan,
    attrs: Attributes,
    writable: Span | undefined,
    scratch: PricingScratch,
  ): SpanOutcome {
    const call = scratch.reading;
    const o = scratch.outcome;
    this.stamping.attributionInto(span, attrs, o);
    o.provider = call.provider;
    o.costType = LLM;
    o.isCall = true;
    const model = call.model;
    const buckets = scratch.buckets;
    if (
      call.invalidAttribute === undefined &&
      model !== undefined &&
      call.audioTokens <= 0 &&
      splitReading(call, buckets) === undefined
    ) {
      // Fast path for the common case, a priceable call: the same answer as the general path,
      // without its intermediate objects. Anything else takes the general path, which explains
      // what is wrong.
      const quote = scratch.quote;
      const at = hrTimeToMs(span.startTime);
      const period = priceCost(
        this.prices.current(),
        call.provider,
        model,
        at,
        buckets,
        call.serviceTier,
        quote,
        call.hasToolCalls ? call.toolCalls : undefined,
        call.region,
      )
        ? quote.period
        : undefined;
      const costUsd = quote.costUsd;
      if (period !== undefined && costUsd >= 0 && costUsd <= MAX_AMOUNT_USD) {
        if (writable !== undefined && attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] === undefined) {
          writeCost(writable, costUsd, ATTR_AI_MARGIN_PRICE_PERIOD, period.id, quote.resolvedModel);
        }
        o.model = model;
        o.priced = true;
        o.costUsd = costUsd;
        o.tokens = buckets;
        o.unpricedReason = undefined;
        return o;
      }
    }
    return this.priceCallSlowly(span, attrs, writable, call, o);
  }

  /** The general path: prices the call or says why not, and falls back to another's cost. */
  private priceCallSlowly(
    span: ReadableSpan,
    attrs: Attributes,
    writable: Span | undefined,
    call: CallReading,
    o: SpanOutcome,
  ): SpanOutcome {
    const model = call.model;
    let tokens: BucketUsage | undefined;
    let result: CostResult;
    if (call.invalidAttribute !== undefined) {
      result = unpriced(
        UNPRICED_REASON.invalidUsage,
        `span attribute ${call.invalidAttribute} is not a token count (${String(attrs[call.invalidAttribute])})`,
      );
    } else if (!call.hasUsage) {
      result = unpriced(UNPRICED_REASON.missingUsage, 'the span carries no token usage');
    } else {
      const normalized = normalizeUsage(rawUsageOf(call), call.convention);
      if (!normalized.ok) {
        result = unpriced(normalized.reason, normalized.detail);
      } else {
        tokens = normalized.usage;
        result =
          model === undefined
            ? unpriced(UNPRICED_REASON.unknownModel, 'the span names no model')
            : priceCall(this.prices.current(), {
                provider: call.provider,
                model,
                at: hrTimeToMs(span.startTime),
                usage: tokens,
                serviceTier: call.serviceTier,
                ...(call.hasToolCalls ? { toolCalls: call.toolCalls } : {}),
                ...(call.audioTokens > 0
                  ? {
                      audio: {
                        inputTokens: call.audioInputTokens,
                        outputTokens: call.audioOutputTokens,
                      },
                    }
                  : {}),
                ...(call.region !== undefined ? { region: call.region } : {}),
              });
      }
    }

    let priced = result.priced;
    let costUsd = result.priced ? result.costUsd : 0;
    if (priced && !isAmount(costUsd)) {
      // The engine promises finite non-negative costs, but a price file can make one absurd.
      if (Number.isFinite(costUsd) && costUsd >= 0)
        this.health.reject(REJECTED_AMOUNT_KIND.llmCost, costUsd);
      else this.health.errors.record('bad_cost', new Error(`cost engine returned ${costUsd}`));
      result = unpriced(
        UNPRICED_REASON.invalidUsage,
        `computed cost is not a number in [0, ${MAX_AMOUNT_USD}]`,
      );
      priced = false;
      costUsd = 0;
    }

    const existing = attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT];
    if (existing === undefined) {
      if (writable !== undefined) {
        if (result.priced) {
          writeCost(
            writable,
            costUsd,
            ATTR_AI_MARGIN_PRICE_PERIOD,
            result.period.id,
            result.resolvedModel,
          );
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
      this.warnUnpriced(call.provider, model ?? UNKNOWN_LABEL_VALUE, result.detail);
    }
    o.model = model ?? UNKNOWN_LABEL_VALUE;
    o.priced = priced;
    o.costUsd = costUsd;
    o.tokens = tokens;
    o.unpricedReason = unpricedReason;
    return o;
  }

  private isUsableExternalCost(attrs: Attributes, value: unknown): boolean {
    const currency = attrs[ATTR_GEN_AI_USAGE_COST_CURRENCY];
    if (typeof value !== 'number' || (currency !== undefined && currency !== COST_CURRENCY))
      return false;
    if (isAmount(value)) return true;
    this.health.reject(REJECTED_AMOUNT_KIND.externalCost, value);
    return false;
  }

  private warnUnpriced(provider: string, model: string, detail: string): void {
    const key = `${provider}/${model}`;
    if (this.warnedUnpriced.has(key)) return;
    this.warnedUnpriced.set(key, true);
    // Bounded per interval too: a million distinct model names must not make a million lines.
    this.health.diag.warn(
      'unpriced',
      () =>
        `ai-margin: cannot price ${key}: ${detail}. Counted in ai_margin_unpriced_requests_total; add the model to a price file.`,
    );
  }
}
