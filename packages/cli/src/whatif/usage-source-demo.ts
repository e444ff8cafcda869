/**
 * Usage source for the demo: the demo scenario's calls, priced call by call with the price book
 * exactly as the processor prices them (`priceCall` at the call's instant, response model), and
 * aggregated per day into the cells the processor's metrics hold. Long-context bands are filled
 * as the processor is to record them (see `long-context.ts`).
 */
import { type PriceBook, priceCall } from '@ai-margin/processor';
import { DEMO_REVENUE_RULES } from '../demo/driver';
import type { Scenario as DemoScenario } from '../demo/scenario';
import { bandOf } from './long-context';
import {
  dayOf,
  type RevenueCell,
  type SubscriptionCell,
  type Tokens,
  type UsageCell,
  type UsageHistory,
  zeroTokens,
} from './types';

export function demoHistory(demo: DemoScenario, book: PriceBook): UsageHistory {
  const cells = new Map<string, UsageCell>();
  const revenue = new Map<string, RevenueCell>();
  const perUse = new Map<string, number>();
  for (const rule of DEMO_REVENUE_RULES) {
    if (rule.kind !== 'per_use' || rule.feature === undefined) continue;
    for (const f of typeof rule.feature === 'string' ? [rule.feature] : rule.feature) {
      perUse.set(f, rule.usd);
    }
  }
  for (const call of demo.calls) {
    const day = dayOf(call.at);
    const model = call.responseModel ?? call.model;
    const key = `${day}\u0000${call.customerId}\u0000${call.feature}\u0000${call.provider}\u0000${model}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        day,
        customer: call.customerId,
        feature: call.feature,
        provider: call.provider,
        model,
        tokens: zeroTokens(),
        requests: 0,
        costUsd: 0,
      };
      cells.set(key, cell);
    }
    const u = call.usage;
    const tokens: Tokens = {
      input: u.input,
      cache_read: u.cacheRead,
      cache_write_5m: u.cacheWrite5m,
      cache_write_1h: 0,
      output: u.output,
      reasoning: u.reasoning,
      cache_write_30m: 0,
      cache_write_12h: 0,
    };
    const priced = priceCall(book, {
      provider: call.provider,
      model,
      at: call.at,
      usage: {
        input: u.input,
        cacheRead: u.cacheRead,
        cacheWrite5m: u.cacheWrite5m,
        cacheWrite1h: 0,
        output: u.output,
        reasoning: u.reasoning,
        cacheWrite30m: 0,
        cacheWrite12h: 0,
      },
    });
    if (priced.priced) cell.costUsd += priced.costUsd;
    cell.requests += 1;
    for (const k of Object.keys(tokens) as (keyof Tokens)[]) cell.tokens[k] += tokens[k];
    const band = bandOf(u.input + u.cacheRead + u.cacheWrite5m);
    if (band !== undefined) {
      cell.bands ??= [];
      let b = cell.bands.find((x) => x.above === band);
      if (!b) {
        b = { above: band, tokens: zeroTokens() };
        cell.bands.push(b);
      }
      for (const k of Object.keys(tokens) as (keyof Tokens)[]) b.tokens[k] += tokens[k];
    }
    const price = perUse.get(call.feature);
    if (price !== undefined) {
      const rk = `${day}\u0000${call.customerId}\u0000${call.feature}`;
      const r = revenue.get(rk) ?? {
        day,
        customer: call.customerId,
        feature: call.feature,
        revenueType: 'usage',
        usd: 0,
      };
      r.usd += price;
      revenue.set(rk, r);
    }
  }
  // Subscriptions: the MRR of every customer signed up by a month's end, as the demo report counts.
  const subscriptions: SubscriptionCell[] = [];
  for (const c of demo.customers) {
    for (const m of demo.months) {
      if (c.cohort > m.key) continue;
      subscriptions.push({ month: m.key, customer: c.id, plan: c.plan, usd: c.mrrUsd, months: 1 });
    }
  }
  const first = demo.months[0];
  const last = demo.months[demo.months.length - 1];
  return {
    source: `demo (seed ${demo.seed}, ${demo.customers.length} customers)`,
    from: first ? dayOf(first.start) : '',
    to: last ? dayOf(last.end - 1) : '',
    cells: [...cells.values()],
    revenue: [...revenue.values()],
    subscriptions,
    otherCost: [],
    plans: new Map(demo.customers.map((c) => [c.id, c.plan])),
    longContext: true,
  };
}
