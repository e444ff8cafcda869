/**
 * Levers that change what customers pay or may use: monthly caps per plan (cut or billed as
 * overage), plan prices and usage-based prices. They work on a customer's portions per month.
 */
import { scaleSegments } from '../long-context';
import { type Portion, portionTokens } from '../portion';
import type { CapLever, PlanPriceLever, UsagePriceLever } from '../scenario';
import { monthOf, type SubscriptionCell, sumTokens } from '../types';

/** One customer's portions in one month, with revenue added and usage-revenue kept fractions. */
export interface CustomerMonth {
  customer: string;
  plan: string;
  month: string;
  portions: Portion[];
  /** Fraction of each day's usage still served after cuts (day -> 0..1). */
  kept: Map<string, number>;
  addedRevenueUsd: number;
}

function usageOf(portions: readonly Portion[], cap: CapLever): number {
  let u = 0;
  for (const p of portions)
    u += cap.monthlyTokens !== undefined ? sumTokens(portionTokens(p)) : p.requests;
  return u;
}

function scalePortion(p: Portion, k: number): Portion {
  return {
    ...p,
    segments: scaleSegments(p.segments, k),
    requests: p.requests * k,
    costUsd: p.costUsd * k,
  };
}

/** Applies a cap to one customer-month (the caller checks the plan). */
export function applyCap(cm: CustomerMonth, cap: CapLever): void {
  const limit = cap.monthlyTokens ?? cap.monthlyRequests ?? Number.POSITIVE_INFINITY;
  if (cap.over === 'overage') {
    const over = Math.max(0, usageOf(cm.portions, cap) - limit);
    cm.addedRevenueUsd +=
      cap.monthlyTokens !== undefined
        ? (over / 1e6) * (cap.usdPerMillion ?? 0)
        : over * (cap.usdPerRequest ?? 0);
    return;
  }
  const byDay = new Map<string, Portion[]>();
  for (const p of cm.portions) {
    const list = byDay.get(p.cell.day) ?? [];
    list.push(p);
    byDay.set(p.cell.day, list);
  }
  let used = 0;
  const out: Portion[] = [];
  for (const day of [...byDay.keys()].sort()) {
    const list = byDay.get(day) ?? [];
    const u = usageOf(list, cap);
    const allowed = Math.max(0, limit - used);
    const k = u > allowed ? allowed / u : 1;
    used += Math.min(u, allowed);
    if (k < 1) cm.kept.set(day, (cm.kept.get(day) ?? 1) * k);
    for (const p of list) out.push(k < 1 ? scalePortion(p, k) : p);
  }
  cm.portions = out;
}

/** Usage revenue a usage price adds to one customer-month (the caller checks the plan). */
export function usagePriceRevenue(cm: CustomerMonth, lever: UsagePriceLever): number {
  let uses = 0;
  let tokens = 0;
  for (const p of cm.portions) {
    if (lever.feature !== undefined && p.cell.feature !== lever.feature) continue;
    uses += p.requests;
    tokens += sumTokens(portionTokens(p));
  }
  let usd = 0;
  if (lever.perUse !== undefined) usd += Math.max(0, uses - lever.includedUses) * lever.perUse;
  if (lever.perMillionTokens !== undefined)
    usd += (Math.max(0, tokens - lever.includedTokens) / 1e6) * lever.perMillionTokens;
  return usd;
}

/** Subscription revenue of a cell after plan-price levers (the last lever for the plan wins). */
export function subscriptionAfter(s: SubscriptionCell, levers: readonly PlanPriceLever[]): number {
  let usd = s.usd;
  for (const l of levers) if (l.plan === s.plan) usd = l.usd * s.months;
  return usd;
}

export { monthOf };
