import {
  ATTR_AI_MARGIN_COST_RULE,
  ATTR_AI_MARGIN_PRICE_PERIOD,
  ATTR_AI_MARGIN_PRICED_MODEL,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  COST_CURRENCY,
  COST_SOURCE,
} from '@ai-margin/conventions';
import type { WritableSpanLike as Span } from './span-types';

// Read once at load: plain strings on the span path instead of property loads per span.
const CURRENCY: string = COST_CURRENCY;
const SOURCE_LOCAL: string = COST_SOURCE.local;

/** The attribute naming what priced a cost: a price period (LLM calls) or a cost rule. */
export type PricedByKey = typeof ATTR_AI_MARGIN_PRICE_PERIOD | typeof ATTR_AI_MARGIN_COST_RULE;

/**
 * Writes a cost this processor computed on a span: amount, currency, source, what priced it
 * (`byKey` = `byValue`: the period id or the rule name) and, after a price period, the model the
 * price book resolved the call to. The only writer of these attributes. Callers check first
 * that the span carries no cost yet (someone else's cost is never overwritten).
 */
export function writeCost(
  span: Span,
  costUsd: number,
  byKey: PricedByKey,
  byValue: string,
  pricedModel?: string,
): void {
  span.setAttribute(ATTR_GEN_AI_USAGE_COST_AMOUNT, costUsd);
  span.setAttribute(ATTR_GEN_AI_USAGE_COST_CURRENCY, CURRENCY);
  span.setAttribute(ATTR_GEN_AI_USAGE_COST_SOURCE, SOURCE_LOCAL);
  // A constant key at each write site: the SDK's attribute checks then see one key per site.
  if (byKey === ATTR_AI_MARGIN_PRICE_PERIOD) {
    span.setAttribute(ATTR_AI_MARGIN_PRICE_PERIOD, byValue);
    if (pricedModel !== undefined) span.setAttribute(ATTR_AI_MARGIN_PRICED_MODEL, pricedModel);
  } else {
    span.setAttribute(ATTR_AI_MARGIN_COST_RULE, byValue);
  }
}
