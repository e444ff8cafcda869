import { DEFAULT_REVENUE_TYPE } from '@ai-margin/conventions';
import type { BucketUsage } from '../cost/types';
import { TOKEN_BUCKETS, type TokenBucket } from '../prices/types';
import { isAmount, MAX_AMOUNT_USD } from '../processor/amounts';

export interface RuleScope {
  /** Only calls of these features (default: every feature). */
  feature?: string | readonly string[];
  /** `revenue_type` label. Default `usage`. */
  revenueType?: string;
}

/** A fixed price per LLM call of a feature (e.g. $0.01 per summary). */
export interface PerUseRevenueRule extends RuleScope {
  kind: 'per_use';
  usd: number;
}

/** A price per 1M tokens the product charges (e.g. usage-based API resale). */
export interface PerTokenRevenueRule extends RuleScope {
  kind: 'per_token';
  usdPerMillion: number;
  /** Token buckets charged. Default: every bucket. */
  tokenTypes?: readonly TokenBucket[];
}

/** Cost plus a percentage: revenue = cost x (1 + percent / 100). Applies to LLM and rule costs. */
export interface MarkupRevenueRule extends RuleScope {
  kind: 'markup';
  percent: number;
}

/** Usage revenue recorded on the same span that produced the cost. Every matching rule applies. */
export type RevenueRule = PerUseRevenueRule | PerTokenRevenueRule | MarkupRevenueRule;

function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Checks rules once at construction; throws an error naming the rule for bad config. */
export function validateRevenueRules(rules: readonly RevenueRule[]): readonly RevenueRule[] {
  rules.forEach((rule, i) => {
    const where = `revenueRules[${i}]`;
    if (!rule || typeof rule !== 'object') throw new Error(`ai-margin: ${where}: not an object`);
    if (rule.kind === 'per_use') {
      if (!isAmount(rule.usd)) {
        throw new Error(`ai-margin: ${where}: "usd" must be a number in [0, ${MAX_AMOUNT_USD}]`);
      }
    } else if (rule.kind === 'per_token') {
      if (!isNonNegative(rule.usdPerMillion)) {
        throw new Error(`ai-margin: ${where}: "usdPerMillion" must be >= 0`);
      }
      const unknown = rule.tokenTypes?.find(
        (t) => !(TOKEN_BUCKETS as readonly string[]).includes(t),
      );
      if (unknown !== undefined) {
        throw new Error(
          `ai-margin: ${where}: "tokenTypes" has ${JSON.stringify(unknown)}; use ${TOKEN_BUCKETS.join(', ')}`,
        );
      }
    } else if (rule.kind === 'markup') {
      if (
        typeof rule.percent !== 'number' ||
        !Number.isFinite(rule.percent) ||
        rule.percent < -100
      ) {
        throw new Error(`ai-margin: ${where}: "percent" must be a number >= -100`);
      }
    } else {
      throw new Error(
        `ai-margin: ${where}: "kind" must be per_use, per_token or markup (got ${String((rule as { kind?: unknown }).kind)})`,
      );
    }
  });
  return rules;
}

function featureMatches(rule: RuleScope, feature: string): boolean {
  const f = rule.feature;
  if (f === undefined) return true;
  return typeof f === 'string' ? f === feature : f.includes(feature);
}

export interface RevenueInput {
  feature: string;
  isCall: boolean;
  /** USD cost of the span (0 when unpriced). */
  costUsd: number;
  priced: boolean;
  tokens?: BucketUsage;
}

/** Calls `emit(revenueType, usd)` for every rule that applies to the span. Never throws. */
export function applyRevenueRules(
  rules: readonly RevenueRule[],
  input: RevenueInput,
  emit: (revenueType: string, usd: number) => void,
): void {
  for (const rule of rules) {
    if (!featureMatches(rule, input.feature)) continue;
    const type = rule.revenueType ?? DEFAULT_REVENUE_TYPE;
    if (rule.kind === 'per_use') {
      if (input.isCall) emit(type, rule.usd);
    } else if (rule.kind === 'per_token') {
      const t = input.tokens;
      if (t === undefined) continue;
      let tokens = 0;
      for (const bucket of rule.tokenTypes ?? TOKEN_BUCKETS) tokens += t[bucket] ?? 0;
      if (tokens > 0) emit(type, (tokens * rule.usdPerMillion) / 1_000_000);
    } else if (input.priced && input.costUsd > 0) {
      emit(type, input.costUsd * (1 + rule.percent / 100));
    }
  }
}
