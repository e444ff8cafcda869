import type { Attributes } from '@opentelemetry/api';
import { isAmount, MAX_AMOUNT_USD } from '../processor/amounts';

/**
 * Cost of a non-LLM span (vector query, search API, GPU job), matched on span name and/or
 * attributes. The first matching rule wins; GenAI spans are priced from the price book instead.
 * The cost is recorded as `ai_margin_cost_usd_total{cost_type="rule", provider, model=<name>}`.
 */
export interface CostRule {
  /** Becomes the `model` label, e.g. `pinecone.query`. */
  name: string;
  /** Becomes the `provider` label, e.g. `pinecone`. Default `internal`. */
  provider?: string;
  /** Span name: exact string or a RegExp. */
  spanName?: string | RegExp;
  /**
   * Attributes that must all match: an exact value, a RegExp tested on the string form, or
   * `true` for "present with any value".
   */
  attributes?: Readonly<Record<string, string | number | boolean | RegExp>>;
  /** USD per matching span. */
  usdPerCall?: number;
  /** USD per unit of a numeric span attribute (e.g. `{ attribute: 'db.vector.query.top_k', usd: 0.00001 }`). */
  perUnit?: { attribute: string; usd: number };
}

export interface RuleCost {
  rule: CostRule;
  provider: string;
  costUsd: number;
}

function isUsd(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Checks rules once at construction; throws an error naming the rule for bad config. */
export function validateCostRules(rules: readonly CostRule[]): readonly CostRule[] {
  rules.forEach((rule, i) => {
    const where = `costRules[${i}]${rule && typeof rule.name === 'string' ? ` (${rule.name})` : ''}`;
    if (!rule || typeof rule.name !== 'string' || rule.name === '') {
      throw new Error(`ai-margin: ${where}: "name" must be a non-empty string`);
    }
    if (rule.spanName === undefined && rule.attributes === undefined) {
      throw new Error(`ai-margin: ${where}: give "spanName" and/or "attributes" to match on`);
    }
    if (rule.usdPerCall === undefined && rule.perUnit === undefined) {
      throw new Error(`ai-margin: ${where}: give "usdPerCall" and/or "perUnit"`);
    }
    if (rule.usdPerCall !== undefined && !isAmount(rule.usdPerCall)) {
      throw new Error(
        `ai-margin: ${where}: "usdPerCall" must be a number in [0, ${MAX_AMOUNT_USD}]`,
      );
    }
    if (
      rule.perUnit !== undefined &&
      (typeof rule.perUnit.attribute !== 'string' || !isUsd(rule.perUnit.usd))
    ) {
      throw new Error(
        `ai-margin: ${where}: "perUnit" needs { attribute: string, usd: number >= 0 }`,
      );
    }
  });
  return rules;
}

/** An attribute the span itself has: a key like `constructor` must not find `Object.prototype`'s. */
function own(attrs: Attributes, key: string): unknown {
  return Object.hasOwn(attrs, key) ? attrs[key] : undefined;
}

function matches(rule: CostRule, name: string, attrs: Attributes): boolean {
  const sn = rule.spanName;
  if (sn !== undefined) {
    if (typeof sn === 'string' ? sn !== name : !sn.test(name)) return false;
  }
  const wanted = rule.attributes;
  if (wanted !== undefined) {
    for (const key of Object.keys(wanted)) {
      const expected = wanted[key];
      const actual = own(attrs, key);
      if (actual === undefined || actual === null) return false;
      if (expected === true) continue;
      if (expected instanceof RegExp) {
        if (!expected.test(String(actual))) return false;
      } else if (actual !== expected) {
        return false;
      }
    }
  }
  return true;
}

/** Cost of the span by the first matching rule, or `undefined`. Never throws. */
export function applyCostRules(
  rules: readonly CostRule[],
  name: string,
  attrs: Attributes,
): RuleCost | undefined {
  for (const rule of rules) {
    if (!matches(rule, name, attrs)) continue;
    let cost = rule.usdPerCall ?? 0;
    const unit = rule.perUnit;
    if (unit !== undefined) {
      const n = own(attrs, unit.attribute);
      // Units beyond 1e12 are a unit or type error, not usage: ignore them rather than overflow sums.
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1e12) cost += n * unit.usd;
    }
    return {
      rule,
      provider: rule.provider ?? 'internal',
      costUsd: Number.isFinite(cost) ? cost : 0,
    };
  }
  return undefined;
}
