/**
 * Exactness of the what-if replay on a small hand-made history. Every expected figure is worked
 * out by hand in the comments from the price table below (USD per 1M tokens), not by the code
 * under test.
 *
 * Price table (test-only book, no shipped prices):
 *   acme/big    2026-01-01..: input 10, cache read 1, output 30
 *               2026-01-16..: input 5, cache read 0.5, output 15   (second price period)
 *   acme/small  2026-01-01..: input 1, cache read 0.1, output 2
 *   acme/long   2026-01-01..: input 2, output 8; above 200k input: input 4, output 12; batch x0.5
 *   acme/wide   2026-01-01..: input 1, output 4; above 200k input: input 2, output 6
 *
 * History (January 2026): alice and bob on team ($50/month), carol on starter ($10/month).
 *   c1 2026-01-05 alice chat acme/big   1,000,000 in, 100,000 out, 10 req -> 10 + 3    = 13
 *   c2 2026-01-20 alice chat acme/big   2,000,000 in, 200,000 out, 20 req -> 10 + 3    = 13 (2nd period)
 *   c3 2026-01-10 bob summarise acme/long, 2 calls:
 *        300,000 in, 10,000 out (above the 200k cliff) -> 1.2 + 0.12 = 1.32
 *         50,000 in,  5,000 out                        -> 0.1 + 0.04 = 0.14  => 1.46
 *   c4 2026-01-12 carol chat acme/big   3,000,000 in, 300,000 out, 30 req -> 30 + 9    = 39
 *   usage revenue: bob summarise $0.50 per use x 2 = $1
 * Before: alice 50 - 26 = 24; bob 51 - 1.46 = 49.54; carol 10 - 39 = -29.
 */

import { LONG_CONTEXT_THRESHOLDS } from '@ai-margin/conventions';
import { PriceBook } from '@ai-margin/processor';
import { describe, expect, it } from 'vitest';
import { replay } from '../src/whatif/replay';
import { EMPTY_SCENARIO, parseScenario } from '../src/whatif/scenario';
import { BOOK, BOOK_DATA, history } from './helpers/whatif-fixtures';

const BOOK_WITH_SHIPPED = PriceBook.load({ userFiles: [{ name: 'test.json', data: BOOK_DATA }] });

const cents = (x: number) => Math.round(x * 100) / 100;

function byCustomer(r: ReturnType<typeof replay>) {
  return Object.fromEntries(
    r.customers.map((c) => [
      c.customer,
      {
        before: [cents(c.before.revenueUsd), cents(c.before.costUsd), cents(c.before.marginUsd)],
        after: [cents(c.after.revenueUsd), cents(c.after.costUsd), cents(c.after.marginUsd)],
      },
    ]),
  );
}

function run(levers: unknown[], longContext = true) {
  return replay(history(longContext), parseScenario({ levers }, 'test.yaml'), BOOK);
}

describe('what-if replay: hand-computed figures', () => {
  it('empty scenario: after equals the observed history exactly', () => {
    const r = replay(history(), EMPTY_SCENARIO, BOOK);
    expect(r.totals.after).toEqual(r.totals.before);
    expect(cents(r.totals.before.revenueUsd)).toBe(111);
    expect(cents(r.totals.before.costUsd)).toBe(66.46);
    expect(cents(r.totals.before.marginUsd)).toBe(44.54);
    for (const c of r.customers) expect(c.after).toEqual(c.before);
    expect(r.customersAffected).toBe(0);
    expect(r.signChanges).toEqual({ nowPositive: [], nowNegative: [] });
    expect(r.warnings).toEqual([]);
  });

  it('routing (starter chat to acme/small), team at $60, starter cap (cut) and team cap (overage)', () => {
    const r = run([
      { route: { feature: 'chat', from: 'acme/big', to: 'acme/small', plans: ['starter'] } },
      { plan_price: { plan: 'team', usd: 60 } },
      { cap: { plan: 'starter', monthly_tokens: 2_000_000, over: 'cut' } },
      { cap: { plan: 'team', monthly_tokens: 2_500_000, over: 'overage', usd_per_million: 4 } },
    ]);
    // carol: 3M in x $1 + 300k out x $2 = 3.60 on small; cap keeps 2.0M of 3.3M tokens:
    //   3.60 x 2/3.3 = 2.181818...; revenue stays 10 -> margin 7.818182 (was -29: turns positive).
    // alice: team $60 + overage (3.3M - 2.5M) x $4/1M = 3.20 -> revenue 63.20, cost 26, margin 37.20.
    // bob: team $60 + $1 usage = 61, cost 1.46 (365k tokens, under the team cap) -> 59.54.
    expect(byCustomer(r)).toEqual({
      alice: { before: [50, 26, 24], after: [63.2, 26, 37.2] },
      bob: { before: [51, 1.46, 49.54], after: [61, 1.46, 59.54] },
      carol: { before: [10, 39, -29], after: [10, 2.18, 7.82] },
    });
    expect(cents(r.totals.after.revenueUsd)).toBe(134.2);
    expect(cents(r.totals.after.costUsd)).toBe(29.64); // 26 + 1.46 + 2.181818
    expect(cents(r.totals.after.marginUsd)).toBe(104.56);
    expect(r.signChanges).toEqual({ nowPositive: ['carol'], nowNegative: [] });
    expect(r.underWater).toEqual({ before: 1, after: 0 });
    const models = Object.fromEntries(
      r.models.map((m) => [m.key, [cents(m.costBeforeUsd), cents(m.costAfterUsd)]]),
    );
    expect(models).toEqual({
      'acme/big': [65, 26],
      'acme/small': [0, 2.18],
      'acme/long': [1.46, 1.46],
    });
  });

  it('routes priced with the target prices in force each day (two periods)', () => {
    // alice's chat to acme/big is already on big; route it to small with token ratio 1.5:
    //   c1: 1.5M in x 1 + 150k out x 2 = 1.80; c2: 3M x 1 + 300k x 2 = 3.60 -> 5.40.
    // and carol's to small at 40% share: kept 0.6 x 39 = 23.40; moved 1.2M x 1 + 120k x 2 = 1.44.
    const r = run([
      { route: { feature: 'chat', to: 'acme/small', customers: ['alice'], token_ratio: 1.5 } },
      { route: { feature: 'chat', to: 'acme/small', customers: ['carol'], share: 0.4 } },
    ]);
    const c = byCustomer(r);
    expect(c.alice?.after).toEqual([50, 5.4, 44.6]);
    expect(c.carol?.after).toEqual([10, 24.84, -14.84]);
  });

  it('a cliff-crossing call is repriced exactly on a target with its own cliff', () => {
    // bob's summarise to acme/wide: the 300k call is above wide's 200k cliff:
    //   300k x 2 + 10k x 6 = 0.66; the 50k call below it: 50k x 1 + 5k x 4 = 0.07 -> 0.73.
    const r = run([{ route: { feature: 'summarise', to: 'acme/wide' } }]);
    expect(byCustomer(r).bob?.after).toEqual([51, 0.73, 50.27]);
    expect(r.cliffUpperBound).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('without recorded bands the cliff is not reconstructable: upper bound, said so', () => {
    // All 350k input and 15k output at the long-context rate: 0.70 + 0.09 = 0.79.
    const r = run([{ route: { feature: 'summarise', to: 'acme/wide' } }], false);
    expect(byCustomer(r).bob?.after).toEqual([51, 0.79, 50.21]);
    expect(r.cliffUpperBound).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/cliff not reconstructable for acme\/wide/);
  });

  it('cache hit rate, batch tier and provider discount', () => {
    // cache 50% for alice's chat: c1 500k x 10 + 500k x 1 + 100k x 30 = 8.5 (was 13),
    //   c2 (2nd period) 1M x 5 + 1M x 0.5 + 200k x 15 = 8.5 (was 13) -> alice 17.
    // batch for summarise: bob 1.46 x 0.5 = 0.73. Then 10% off acme: alice 15.30, bob 0.657,
    //   carol: cache applies to chat too (50%): 1.5M x 10 + 1.5M x 1 + 9 = 25.5 x 0.9 = 22.95.
    const r = run([
      { cache: { feature: 'chat', hit_rate: 0.5 } },
      { tier: { feature: 'summarise', tier: 'batch' } },
      { discount: { provider: 'acme', percent: 10 } },
    ]);
    const c = byCustomer(r);
    expect(c.alice?.after[1]).toBe(15.3);
    expect(c.bob?.after[1]).toBe(0.66);
    expect(c.carol?.after[1]).toBe(22.95);
  });

  it('usage price with an allowance and a request cap', () => {
    // $0.25 per chat use above 15/month on team: alice 30 uses -> 15 x 0.25 = 3.75.
    // starter capped at 20 requests (cut): carol keeps 20/30 of c4 -> cost 26, revenue 10.
    const r = run([
      { usage_price: { plan: 'team', feature: 'chat', per_use: 0.25, included_uses: 15 } },
      { cap: { plan: 'starter', monthly_requests: 20, over: 'cut' } },
    ]);
    const c = byCustomer(r);
    expect(c.alice?.after).toEqual([53.75, 26, 27.75]);
    expect(c.carol?.after).toEqual([10, 26, -16]);
    expect(r.customers.find((x) => x.customer === 'carol')?.requestsAfter).toBeCloseTo(20, 9);
  });
});

describe('what-if replay: model names', () => {
  it('a route from an alias matches the dated id the calls report (price book resolution)', () => {
    const h = history();
    h.cells = h.cells.map((c) => ({
      ...c,
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      costUsd: 1,
    }));
    const r = replay(
      h,
      parseScenario({
        levers: [{ route: { feature: 'chat', from: 'openai/gpt-4o-mini', to: 'acme/small' } }],
      }),
      BOOK_WITH_SHIPPED,
    );
    expect(r.models.find((m) => m.key === 'acme/small')?.requestsAfter).toBe(60);
  });
});

describe('long-context ladder', () => {
  it('every cliff of the shipped price book is a threshold the processor records', () => {
    const cliffs = new Set<number>();
    for (const m of PriceBook.shipped().list())
      for (const p of m.periods) for (const t of p.tiers ?? []) cliffs.add(t.aboveInputTokens);
    expect(cliffs.size).toBeGreaterThan(0);
    for (const c of cliffs) expect(LONG_CONTEXT_THRESHOLDS).toContain(c);
  });
});

describe('what-if replay: what cannot be priced is said, never silently cheaper', () => {
  it('a route to a model without a price is skipped with a note', () => {
    const r = run([{ route: { feature: 'chat', to: 'acme/unknown-model' } }]);
    expect(r.totals.after).toEqual(r.totals.before);
    expect(r.warnings.join('\n')).toMatch(
      /route chat to acme\/unknown-model skipped on days without a price/,
    );
  });

  it('a batch tier on a model without a batch price stays at standard, with a note', () => {
    const r = run([{ tier: { feature: 'chat', tier: 'batch' } }]);
    expect(r.totals.after).toEqual(r.totals.before);
    expect(r.warnings.join('\n')).toMatch(/no batch price for acme\/big, left at standard/);
  });

  it('a token ratio that may push calls over the target cliff prices them above it', () => {
    // bob's 50k call x 5 = 250k input: above wide's 200k cliff. With bands the 300k call (band
    // 272k..) is surely above; the below-128k segment becomes (0, 640k] and straddles 200k, so it
    // is priced at the long-context rate: (50k x 2 + 5k x 6) x 5 = 0.65; the long call
    // (300k x 2 + 10k x 6) x 5 = 3.30 -> 3.95, flagged.
    const r = run([{ route: { feature: 'summarise', to: 'acme/wide', token_ratio: 5 } }]);
    expect(byCustomer(r).bob?.after[1]).toBe(3.95);
    expect(r.cliffUpperBound).toBe(true);
  });
});

describe('what-if replay: per plan', () => {
  it('sums customers by plan, with under-water counts', () => {
    const r = run([{ plan_price: { plan: 'starter', usd: 45 } }]);
    const plans = Object.fromEntries(
      r.plans.map((p) => [
        p.plan,
        [
          p.customers,
          cents(p.before.marginUsd),
          cents(p.after.marginUsd),
          p.underWaterBefore,
          p.underWaterAfter,
        ],
      ]),
    );
    // team: alice 24 + bob 49.54; starter: carol 10 - 39 = -29 -> 45 - 39 = 6.
    expect(plans).toEqual({ team: [2, 73.54, 73.54, 0, 0], starter: [1, -29, 6, 1, 0] });
  });
});
