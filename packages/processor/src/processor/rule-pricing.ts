import {
  ATTR_AI_MARGIN_COST_RULE,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  COST_TYPE,
  REJECTED_AMOUNT_KIND,
} from '@ai-margin/conventions';
import type { Attributes } from '@opentelemetry/api';
import { applyCostRules, type CostRule } from '../rules/cost-rules';
import type { SpanOutcome } from './aggregates';
import { isAmount } from './amounts';
import { writeCost } from './cost-attributes';
import type { ProcessorHealth } from './health';
import type { ReadableSpanLike as ReadableSpan, WritableSpanLike as Span } from './span-types';
import type { Stamping } from './stamping';

/** Prices spans that are not GenAI calls (vector DB queries, GPU jobs) by the user's cost rules. */
export class RulePricer {
  constructor(
    private readonly costRules: readonly CostRule[],
    private readonly stamping: Stamping,
    private readonly health: ProcessorHealth,
  ) {}

  /** A non-GenAI span: priced by the first matching cost rule, if any. */
  price(
    span: ReadableSpan,
    attrs: Attributes,
    writable: Span | undefined,
    o: SpanOutcome,
  ): SpanOutcome | undefined {
    if (this.costRules.length === 0) return undefined;
    const ruleCost = applyCostRules(this.costRules, span.name, attrs);
    if (ruleCost === undefined) return undefined;
    if (!isAmount(ruleCost.costUsd)) {
      this.health.reject(REJECTED_AMOUNT_KIND.costRule, ruleCost.costUsd);
      return undefined;
    }
    this.stamping.attributionInto(span, attrs, o);
    if (writable !== undefined && attrs[ATTR_GEN_AI_USAGE_COST_AMOUNT] === undefined) {
      writeCost(writable, ruleCost.costUsd, ATTR_AI_MARGIN_COST_RULE, ruleCost.rule.name);
    }
    o.provider = ruleCost.provider;
    o.model = ruleCost.rule.name;
    o.costType = COST_TYPE.rule;
    o.isCall = false;
    o.priced = true;
    o.costUsd = ruleCost.costUsd;
    o.tokens = undefined;
    o.unpricedReason = undefined;
    return o;
  }
}
