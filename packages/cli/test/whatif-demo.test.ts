/**
 * What-if on the demo: the demo's usage source reproduces what the real run (SDKs,
 * instrumentations, MarginSpanProcessor) reported, customer by customer; the empty scenario is
 * that history exactly; and a scenario with a routing change, a plan price and a cap gives the
 * figures recomputed here call by call from the demo's own hand-written price table
 * (src/demo/expected-prices.ts), not from the price book or the replay engine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceBook } from '@ai-margin/processor';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_PRICES, expectedPeriodAt } from '../src/demo/expected-prices';
import type { DemoJson } from '../src/demo/run-demo';
import { runDemo } from '../src/demo/run-demo';
import {
  type DemoCall,
  generateScenario,
  type Scenario,
  USAGE_PRICE_PER_USE,
} from '../src/demo/scenario';
import { replay } from '../src/whatif/replay';
import { EMPTY_SCENARIO } from '../src/whatif/scenario';
import { demoHistory } from '../src/whatif/usage-source-demo';
import { captureIO } from './helpers/capture-io';

const SEED = 7;
const CUSTOMERS = 40;
const CAP = 20_000_000;
const HAIKU = 'anthropic/claude-3-5-haiku-20241022';
const FLASH = 'gcp.gemini/gemini-2.0-flash';

const SCENARIO = `name: haiku to flash, team at $99, starter capped
levers:
  - route: { feature: summarise, from: ${HAIKU}, to: ${FLASH} }
  - plan_price: { plan: team, usd: 99 }
  - cap: { plan: starter, monthly_tokens: ${CAP}, over: cut }
`;

/** Cost of one call at the demo's hand-written prices; `key` overrides the model. */
function callCost(call: DemoCall, key = `${call.provider}/${call.model}`): number {
  const period = expectedPeriodAt(key, call.at);
  if (!period) return 0;
  const u = call.usage;
  const cliff = period.cliff;
  const p =
    cliff && u.input + u.cacheRead + u.cacheWrite5m > cliff.aboveInputTokens
      ? cliff.prices
      : period.prices;
  return (
    (u.input * p.input +
      u.cacheRead * (p.cacheRead ?? p.input) +
      u.cacheWrite5m * (p.cacheWrite5m ?? p.input) +
      (u.output + u.reasoning) * p.output) /
    1e6
  );
}

const callTokens = (c: DemoCall) =>
  c.usage.input + c.usage.cacheRead + c.usage.cacheWrite5m + c.usage.output + c.usage.reasoning;

let scenario: Scenario;
let json: DemoJson;

beforeAll(async () => {
  scenario = generateScenario({ seed: SEED, customers: CUSTOMERS });
  const dir = mkdtempSync(join(tmpdir(), 'whatif-demo-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, SCENARIO);
  const io = captureIO();
  const code = await runDemo(
    [
      '--json',
      '--seed',
      String(SEED),
      '--customers',
      String(CUSTOMERS),
      '--whatif',
      file,
      '--suggest',
    ],
    io,
  );
  expect(code).toBe(0);
  json = JSON.parse(io.out) as DemoJson;
}, 180_000);

describe('ai-margin demo --whatif', () => {
  it('before = what the real run reported, per customer, to the cent', () => {
    const result = json.whatif?.whatif;
    expect(result).toBeTruthy();
    if (!result) return;
    const reported = new Map(json.report.customers.map((c) => [c.customerId, c]));
    expect(result.customers.length).toBe(reported.size);
    for (const c of result.customers) {
      const r = reported.get(c.customer);
      expect(r, c.customer).toBeTruthy();
      expect(c.before.costUsd).toBeCloseTo(r?.costUsd ?? Number.NaN, 6);
      expect(c.before.revenueUsd).toBeCloseTo(r?.revenueUsd ?? Number.NaN, 6);
    }
    expect(result.totals.before.costUsd).toBeCloseTo(json.report.totals.costUsd, 6);
    expect(result.totals.before.revenueUsd).toBeCloseTo(json.report.totals.revenueUsd, 6);
  });

  it('the empty scenario replays the observed history exactly', () => {
    const r = replay(
      demoHistory(scenario, PriceBook.shipped()),
      EMPTY_SCENARIO,
      PriceBook.shipped(),
    );
    for (const c of r.customers) expect(c.after).toEqual(c.before);
    expect(r.totals.after).toEqual(r.totals.before);
  });

  it('routing + plan price + cap: the figures recomputed call by call from the hand price table', () => {
    const result = json.whatif?.whatif;
    if (!result) throw new Error('no what-if result');
    const plan = new Map(scenario.customers.map((c) => [c.id, c]));
    // Cost after routing, per call.
    const costAfter = (call: DemoCall) =>
      call.feature === 'summarise' && `${call.provider}/${call.model}` === HAIKU
        ? callCost(call, FLASH)
        : callCost(call);
    const tokensAfter = callTokens; // flash bills the same token counts (ratio 1)
    const expected = new Map<string, { revenue: number; cost: number }>();
    for (const c of scenario.customers) {
      const months = scenario.months.filter((m) => c.cohort <= m.key).length;
      expected.set(c.id, { revenue: months * (c.plan === 'team' ? 99 : c.mrrUsd), cost: 0 });
    }
    // Per customer-month, day by day: a starter customer's usage above CAP tokens is cut.
    const byCustomerMonth = new Map<string, DemoCall[]>();
    for (const call of scenario.calls) {
      const k = `${call.customerId} ${new Date(call.at).toISOString().slice(0, 7)}`;
      byCustomerMonth.set(k, [...(byCustomerMonth.get(k) ?? []), call]);
    }
    let cutCustomers = 0;
    for (const calls of byCustomerMonth.values()) {
      const customer = plan.get(calls[0]?.customerId ?? '');
      const e = expected.get(customer?.id ?? '');
      if (!customer || !e) continue;
      const days = new Map<string, DemoCall[]>();
      for (const call of calls) {
        const d = new Date(call.at).toISOString().slice(0, 10);
        days.set(d, [...(days.get(d) ?? []), call]);
      }
      let used = 0;
      let cut = false;
      for (const d of [...days.keys()].sort()) {
        const list = days.get(d) ?? [];
        const t = list.reduce((s, c) => s + tokensAfter(c), 0);
        const kept = customer.plan === 'starter' ? Math.min(1, Math.max(0, CAP - used) / t) : 1;
        if (kept < 1) cut = true;
        used += t * kept;
        for (const call of list) {
          e.cost += costAfter(call) * kept;
          e.revenue += (USAGE_PRICE_PER_USE[call.feature] ?? 0) * kept;
        }
      }
      if (cut) cutCustomers += 1;
    }
    expect(cutCustomers).toBeGreaterThan(0); // the cap bites
    expect(EXPECTED_PRICES[HAIKU]).toBeTruthy();
    const moved = scenario.calls.filter(
      (c) => c.feature === 'summarise' && `${c.provider}/${c.model}` === HAIKU,
    );
    expect(moved.length).toBeGreaterThan(0); // the route moves calls
    for (const c of result.customers) {
      const e = expected.get(c.customer);
      expect(
        Math.abs(c.after.costUsd - (e?.cost ?? Number.NaN)),
        `${c.customer} cost`,
      ).toBeLessThan(0.005);
      expect(
        Math.abs(c.after.revenueUsd - (e?.revenue ?? Number.NaN)),
        `${c.customer} revenue`,
      ).toBeLessThan(0.005);
    }
    let total = 0;
    for (const e of expected.values()) total += e.revenue - e.cost;
    expect(Math.abs(result.totals.after.marginUsd - total)).toBeLessThan(0.01);
  });

  it('--suggest finds moves that fix most under-water customers, one line each', () => {
    const s = json.whatif?.suggest;
    if (!s) throw new Error('no suggestions');
    const under = json.report.underWater.length;
    expect(under).toBeGreaterThan(0);
    expect(s.suggestions.length).toBeGreaterThan(0);
    for (const x of s.suggestions) {
      expect(x.marginGainUsd).toBeGreaterThan(0);
      expect(x.why).not.toMatch(/\n/);
      expect(x.why.length).toBeGreaterThan(20);
      expect(x.yaml).toMatch(/^- (route|plan_price|cap|usage_price): \{/);
    }
    // Sorted by margin gained.
    const gains = s.suggestions.map((x) => x.marginGainUsd);
    expect([...gains].sort((a, b) => b - a)).toEqual(gains);
    // Together they fix most of the customers under water.
    expect(s.combined?.underWaterBefore).toBe(under);
    expect(s.combined?.underWaterAfter ?? under).toBeLessThanOrEqual(Math.floor(under / 2));
  });
});
