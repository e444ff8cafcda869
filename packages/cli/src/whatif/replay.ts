/**
 * The replay engine: observed usage of a window, a scenario and the price book in, revenue, cost
 * and margin per customer before and after out. Before is the observed history; after starts
 * from it and changes only what a lever touches (repriced with the prices in force each day).
 */
import type { PriceBook } from '@ai-margin/processor';
import {
  applyCap,
  type CustomerMonth,
  subscriptionAfter,
  usagePriceRevenue,
} from './levers/billing';
import { applyCache, applyDiscount, applyRoute, applyTier } from './levers/usage';
import { segmentsOf } from './long-context';
import { type LeverContext, type Portion, Warnings } from './portion';
import { Pricer } from './pricing';
import { describeLever, type PlanPriceLever, type Scenario } from './scenario';
import { monthOf, type UsageHistory } from './types';

export interface Figures {
  revenueUsd: number;
  costUsd: number;
  marginUsd: number;
}

export interface CustomerResult {
  customer: string;
  plan: string;
  before: Figures;
  after: Figures;
  /** Requests before and after (caps cut them). */
  requestsBefore: number;
  requestsAfter: number;
}

export interface CostRow {
  /** `feature` or `provider/model`. */
  key: string;
  costBeforeUsd: number;
  costAfterUsd: number;
  requestsBefore: number;
  requestsAfter: number;
}

export interface PlanRow {
  plan: string;
  customers: number;
  before: Figures;
  after: Figures;
  underWaterBefore: number;
  underWaterAfter: number;
}

export interface ReplayResult {
  scenario: string;
  levers: string[];
  source: string;
  from: string;
  to: string;
  totals: { before: Figures; after: Figures };
  /** Every customer, largest margin change first. */
  customers: CustomerResult[];
  /** Customers whose margin changes sign. */
  signChanges: { nowPositive: string[]; nowNegative: string[] };
  underWater: { before: number; after: number };
  /** Customers whose revenue, cost or requests change. */
  customersAffected: number;
  /** Revenue lost by customers whose revenue goes down (USD, positive). */
  revenueAtRiskUsd: number;
  /** Per plan: what a pricing decision looks at. */
  plans: PlanRow[];
  features: CostRow[];
  models: CostRow[];
  warnings: string[];
  /** True when some cost is a long-context upper bound ("cliff not reconstructable"). */
  cliffUpperBound: boolean;
}

const EPS = 1e-9;

function figures(revenueUsd: number, costUsd: number): Figures {
  return { revenueUsd, costUsd, marginUsd: revenueUsd - costUsd };
}

function add<K>(map: Map<K, number>, key: K, v: number): void {
  map.set(key, (map.get(key) ?? 0) + v);
}

/** Replays `history` under `scenario`. Pure: the same inputs give the same result. */
export function replay(history: UsageHistory, scenario: Scenario, book: PriceBook): ReplayResult {
  const warnings = new Warnings();
  const ctx: LeverContext = {
    pricer: new Pricer(book),
    warnings,
    planOf: (c) => history.plans.get(c) ?? 'unknown',
  };
  const levers = scenario.levers;

  // 1. Usage levers, cell by cell.
  let portions: Portion[] = [];
  for (const cell of history.cells) {
    let list: Portion[] = [
      {
        cell,
        provider: cell.provider,
        model: cell.model,
        segments: segmentsOf(cell.tokens, cell.bands, history.longContext),
        requests: cell.requests,
        costUsd: cell.costUsd,
        observed: true,
        cliffUpperBound: false,
      },
    ];
    for (const lever of levers) {
      switch (lever.kind) {
        case 'route':
          list = list.flatMap((p) => applyRoute(p, lever, ctx));
          break;
        case 'cache':
          list = list.map((p) => applyCache(p, lever, ctx));
          break;
        case 'tier':
          list = list.map((p) => applyTier(p, lever, ctx));
          break;
        case 'discount':
          list = list.map((p) => applyDiscount(p, lever));
          break;
        default:
          break;
      }
    }
    for (const p of list) portions.push(p);
  }

  // 2. Billing levers, per customer and month.
  const months = new Map<string, CustomerMonth>();
  const monthKey = (customer: string, month: string) => `${customer}\u0000${month}`;
  const cmOf = (customer: string, month: string): CustomerMonth => {
    const k = monthKey(customer, month);
    let cm = months.get(k);
    if (!cm) {
      cm = {
        customer,
        plan: ctx.planOf(customer),
        month,
        portions: [],
        kept: new Map(),
        addedRevenueUsd: 0,
      };
      months.set(k, cm);
    }
    return cm;
  };
  for (const p of portions) cmOf(p.cell.customer, monthOf(p.cell.day)).portions.push(p);
  for (const s of history.subscriptions) cmOf(s.customer, s.month);
  for (const r of history.revenue) cmOf(r.customer, monthOf(r.day));
  for (const lever of levers) {
    if (lever.kind !== 'cap' && lever.kind !== 'usage_price') continue;
    for (const cm of months.values()) {
      if (lever.plan !== undefined && cm.plan !== lever.plan) continue;
      if (lever.kind === 'cap') applyCap(cm, lever);
      else cm.addedRevenueUsd += usagePriceRevenue(cm, lever);
    }
  }
  portions = [...months.values()].flatMap((cm) => cm.portions);

  // 3. Figures.
  const revBefore = new Map<string, number>();
  const revAfter = new Map<string, number>();
  const costBefore = new Map<string, number>();
  const costAfter = new Map<string, number>();
  const reqBefore = new Map<string, number>();
  const reqAfter = new Map<string, number>();
  const planPrices = levers.filter((l): l is PlanPriceLever => l.kind === 'plan_price');
  for (const s of history.subscriptions) {
    add(revBefore, s.customer, s.usd);
    add(revAfter, s.customer, subscriptionAfter(s, planPrices));
  }
  for (const r of history.revenue) {
    add(revBefore, r.customer, r.usd);
    const kept = months.get(monthKey(r.customer, monthOf(r.day)))?.kept.get(r.day) ?? 1;
    add(revAfter, r.customer, r.usd * kept);
  }
  for (const cm of months.values()) add(revAfter, cm.customer, cm.addedRevenueUsd);
  for (const o of history.otherCost) {
    add(costBefore, o.customer, o.usd);
    add(costAfter, o.customer, o.usd);
  }
  const featureRows = new Map<string, CostRow>();
  const modelRows = new Map<string, CostRow>();
  const row = (m: Map<string, CostRow>, key: string): CostRow => {
    let r = m.get(key);
    if (!r) {
      r = { key, costBeforeUsd: 0, costAfterUsd: 0, requestsBefore: 0, requestsAfter: 0 };
      m.set(key, r);
    }
    return r;
  };
  for (const c of history.cells) {
    add(costBefore, c.customer, c.costUsd);
    add(reqBefore, c.customer, c.requests);
    for (const r of [row(featureRows, c.feature), row(modelRows, `${c.provider}/${c.model}`)]) {
      r.costBeforeUsd += c.costUsd;
      r.requestsBefore += c.requests;
    }
  }
  let cliffUpperBound = false;
  for (const p of portions) {
    add(costAfter, p.cell.customer, p.costUsd);
    add(reqAfter, p.cell.customer, p.requests);
    cliffUpperBound ||= p.cliffUpperBound;
    for (const r of [
      row(featureRows, p.cell.feature),
      row(modelRows, `${p.provider}/${p.model}`),
    ]) {
      r.costAfterUsd += p.costUsd;
      r.requestsAfter += p.requests;
    }
  }

  const ids = new Set<string>([...revBefore.keys(), ...costBefore.keys(), ...revAfter.keys()]);
  const customers: CustomerResult[] = [...ids].map((customer) => ({
    customer,
    plan: ctx.planOf(customer),
    before: figures(revBefore.get(customer) ?? 0, costBefore.get(customer) ?? 0),
    after: figures(revAfter.get(customer) ?? 0, costAfter.get(customer) ?? 0),
    requestsBefore: reqBefore.get(customer) ?? 0,
    requestsAfter: reqAfter.get(customer) ?? 0,
  }));
  const delta = (c: CustomerResult) => c.after.marginUsd - c.before.marginUsd;
  customers.sort((a, b) => delta(b) - delta(a) || a.customer.localeCompare(b.customer));

  let revenueAtRiskUsd = 0;
  let customersAffected = 0;
  const nowPositive: string[] = [];
  const nowNegative: string[] = [];
  for (const c of customers) {
    const dr = c.after.revenueUsd - c.before.revenueUsd;
    if (dr < -EPS) revenueAtRiskUsd -= dr;
    if (
      Math.abs(dr) > EPS ||
      Math.abs(c.after.costUsd - c.before.costUsd) > EPS ||
      Math.abs(c.requestsAfter - c.requestsBefore) > EPS
    )
      customersAffected += 1;
    if (c.before.marginUsd < 0 && c.after.marginUsd >= 0) nowPositive.push(c.customer);
    if (c.before.marginUsd >= 0 && c.after.marginUsd < 0) nowNegative.push(c.customer);
  }
  const sum = (f: (c: CustomerResult) => number) => customers.reduce((s, c) => s + f(c), 0);
  const planRows = new Map<string, PlanRow>();
  for (const c of customers) {
    const row = planRows.get(c.plan) ?? {
      plan: c.plan,
      customers: 0,
      before: figures(0, 0),
      after: figures(0, 0),
      underWaterBefore: 0,
      underWaterAfter: 0,
    };
    row.customers += 1;
    row.before = figures(
      row.before.revenueUsd + c.before.revenueUsd,
      row.before.costUsd + c.before.costUsd,
    );
    row.after = figures(
      row.after.revenueUsd + c.after.revenueUsd,
      row.after.costUsd + c.after.costUsd,
    );
    if (c.before.marginUsd < 0) row.underWaterBefore += 1;
    if (c.after.marginUsd < 0) row.underWaterAfter += 1;
    planRows.set(c.plan, row);
  }
  const byChange = (a: CostRow, b: CostRow) =>
    Math.abs(b.costAfterUsd - b.costBeforeUsd) - Math.abs(a.costAfterUsd - a.costBeforeUsd) ||
    b.costBeforeUsd - a.costBeforeUsd ||
    a.key.localeCompare(b.key);
  return {
    scenario: scenario.name,
    levers: levers.map(describeLever),
    source: history.source,
    from: history.from,
    to: history.to,
    totals: {
      before: figures(
        sum((c) => c.before.revenueUsd),
        sum((c) => c.before.costUsd),
      ),
      after: figures(
        sum((c) => c.after.revenueUsd),
        sum((c) => c.after.costUsd),
      ),
    },
    customers,
    signChanges: { nowPositive, nowNegative },
    underWater: {
      before: customers.filter((c) => c.before.marginUsd < 0).length,
      after: customers.filter((c) => c.after.marginUsd < 0).length,
    },
    customersAffected,
    revenueAtRiskUsd,
    plans: [...planRows.values()].sort(
      (a, b) => b.before.revenueUsd - a.before.revenueUsd || a.plan.localeCompare(b.plan),
    ),
    features: [...featureRows.values()].sort(byChange),
    models: [...modelRows.values()].sort(byChange),
    warnings: warnings.list(),
    cliffUpperBound,
  };
}
