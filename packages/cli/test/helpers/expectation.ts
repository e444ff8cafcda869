/**
 * The independent expectation model: what every customer must cost and earn, computed straight
 * from the scenario with the demo's hand-written price table. It shares no code with the price
 * book, the cost engine or the processor, so the demo test can catch errors in any of them.
 */
import { expectedPeriodAt } from '../../src/demo/expected-prices';
import { type DemoCall, type Scenario, USAGE_PRICE_PER_USE } from '../../src/demo/scenario';

export interface ExpectedCustomer {
  customerId: string;
  costUsd: number;
  revenueUsd: number;
  requests: number;
  unpricedRequests: number;
  /** Cost per simulated month (index as `scenario.months`). */
  monthlyCostUsd: number[];
  monthlyRevenueUsd: number[];
}

export interface Expectations {
  customers: Map<string, ExpectedCustomer>;
  totalCostUsd: number;
  totalRevenueUsd: number;
  costByModel: Map<string, number>;
  costByFeature: Map<string, number>;
  unpricedRequests: number;
}

/** Cost of one call in USD, or null when the demo's price table does not know the model. */
export function expectedCallCost(call: DemoCall): number | null {
  const period = expectedPeriodAt(`${call.provider}/${call.model}`, call.at);
  if (!period) return null;
  const u = call.usage;
  const totalInput = u.input + u.cacheRead + u.cacheWrite5m;
  const p =
    period.cliff && totalInput > period.cliff.aboveInputTokens
      ? period.cliff.prices
      : period.prices;
  return (
    (u.input * p.input +
      u.cacheRead * (p.cacheRead ?? p.input) +
      u.cacheWrite5m * (p.cacheWrite5m ?? p.input) +
      (u.output + u.reasoning) * p.output) /
    1e6
  );
}

/**
 * Revenue rules of the demo report: a customer pays its plan's MRR for every simulated month at
 * whose end it has signed up, plus the per-use price of features sold per use.
 */
export function computeExpectations(scenario: Scenario): Expectations {
  const customers = new Map<string, ExpectedCustomer>();
  const months = scenario.months;
  for (const c of scenario.customers) {
    const signup = Date.parse(c.signupAt);
    customers.set(c.id, {
      customerId: c.id,
      costUsd: 0,
      revenueUsd: 0,
      requests: 0,
      unpricedRequests: 0,
      monthlyCostUsd: months.map(() => 0),
      monthlyRevenueUsd: months.map((m) => (signup < m.end ? c.mrrUsd : 0)),
    });
  }
  const costByModel = new Map<string, number>();
  const costByFeature = new Map<string, number>();
  let unpricedRequests = 0;
  for (const call of scenario.calls) {
    const e = customers.get(call.customerId);
    if (!e) continue;
    e.requests += 1;
    const perUse = USAGE_PRICE_PER_USE[call.feature];
    if (perUse) e.monthlyRevenueUsd[call.month] = (e.monthlyRevenueUsd[call.month] ?? 0) + perUse;
    const cost = expectedCallCost(call);
    if (cost === null) {
      e.unpricedRequests += 1;
      unpricedRequests += 1;
      continue;
    }
    e.monthlyCostUsd[call.month] = (e.monthlyCostUsd[call.month] ?? 0) + cost;
    const model = call.responseModel ?? call.model;
    costByModel.set(model, (costByModel.get(model) ?? 0) + cost);
    costByFeature.set(call.feature, (costByFeature.get(call.feature) ?? 0) + cost);
  }
  let totalCostUsd = 0;
  let totalRevenueUsd = 0;
  for (const e of customers.values()) {
    e.costUsd = e.monthlyCostUsd.reduce((s, v) => s + v, 0);
    e.revenueUsd = e.monthlyRevenueUsd.reduce((s, v) => s + v, 0);
    totalCostUsd += e.costUsd;
    totalRevenueUsd += e.revenueUsd;
  }
  return { customers, totalCostUsd, totalRevenueUsd, costByModel, costByFeature, unpricedRequests };
}
