/** fast-check properties of the what-if replay engine on random histories and scenarios. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../src/whatif/replay';
import { EMPTY_SCENARIO, parseScenario } from '../src/whatif/scenario';
import type { UsageHistory } from '../src/whatif/types';
import { BOOK } from './helpers/whatif-fixtures';

const MODELS = ['big', 'small', 'long', 'wide'] as const;
const FEATURES = ['chat', 'summarise', 'search'] as const;
const CUSTOMERS = ['a', 'b', 'c', 'd', 'e'] as const;
const PLANS = ['starter', 'team'] as const;

const count = fc.integer({ min: 0, max: 2_000_000 });
const cellArb = fc.record({
  day: fc.integer({ min: 1, max: 31 }).map((d) => `2026-01-${String(d).padStart(2, '0')}`),
  customer: fc.constantFrom(...CUSTOMERS),
  feature: fc.constantFrom(...FEATURES),
  model: fc.constantFrom(...MODELS),
  input: count,
  cacheRead: count,
  output: fc.integer({ min: 0, max: 200_000 }),
  requests: fc.integer({ min: 1, max: 50 }),
  cost: fc.double({ min: 0, max: 500, noNaN: true }),
  band: fc.option(fc.constantFrom(128_000, 200_000, 272_000), { nil: undefined }),
});

const historyArb = fc
  .record({
    cells: fc.array(cellArb, { maxLength: 40 }),
    plans: fc.array(fc.constantFrom(...PLANS), {
      minLength: CUSTOMERS.length,
      maxLength: CUSTOMERS.length,
    }),
    mrr: fc.array(fc.integer({ min: 0, max: 500 }), {
      minLength: CUSTOMERS.length,
      maxLength: CUSTOMERS.length,
    }),
    longContext: fc.boolean(),
  })
  .map(
    ({ cells, plans, mrr, longContext }): UsageHistory => ({
      source: 'random',
      from: '2026-01-01',
      to: '2026-01-31',
      cells: cells.map((c) => {
        const tokens = {
          input: c.input,
          cache_read: c.cacheRead,
          cache_write_5m: 0,
          cache_write_1h: 0,
          output: c.output,
          reasoning: 0,
          cache_write_30m: 0,
          cache_write_12h: 0,
        };
        const bandTokens = {
          ...tokens,
          input: Math.floor(c.input / 2),
          cache_read: Math.floor(c.cacheRead / 2),
          output: Math.floor(c.output / 2),
        };
        return {
          day: c.day,
          customer: c.customer,
          feature: c.feature,
          provider: 'acme',
          model: c.model,
          tokens,
          requests: c.requests,
          costUsd: c.cost,
          ...(longContext && c.band !== undefined
            ? { bands: [{ above: c.band, tokens: bandTokens }] }
            : {}),
        };
      }),
      revenue: cells
        .filter((c) => c.feature === 'search')
        .map((c) => ({
          day: c.day,
          customer: c.customer,
          feature: c.feature,
          revenueType: 'usage',
          usd: c.requests * 0.1,
        })),
      subscriptions: CUSTOMERS.map((customer, i) => ({
        month: '2026-01',
        customer,
        plan: plans[i] ?? 'starter',
        usd: mrr[i] ?? 0,
        months: 1,
      })),
      otherCost: [],
      plans: new Map(CUSTOMERS.map((c, i) => [c, plans[i] ?? 'starter'])),
      longContext,
    }),
  );

const ref = (m: string) => `acme/${m}`;
const leverArb = fc.oneof(
  fc.record({
    route: fc.record({
      feature: fc.constantFrom(...FEATURES),
      to: fc.constantFrom(...MODELS).map(ref),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      token_ratio: fc.double({ min: 0.5, max: 2, noNaN: true }),
    }),
  }),
  fc.record({
    plan_price: fc.record({
      plan: fc.constantFrom(...PLANS),
      usd: fc.integer({ min: 0, max: 1000 }),
    }),
  }),
  fc.record({
    cap: fc.record({
      plan: fc.constantFrom(...PLANS),
      monthly_tokens: fc.integer({ min: 0, max: 10_000_000 }),
      over: fc.constant('cut'),
    }),
  }),
  fc.record({
    cache: fc.record({
      feature: fc.constantFrom(...FEATURES),
      hit_rate: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  }),
  fc.record({
    discount: fc.record({
      provider: fc.constant('acme'),
      percent: fc.integer({ min: 0, max: 100 }),
    }),
  }),
  fc.record({ tier: fc.record({ feature: fc.constant('summarise'), tier: fc.constant('batch') }) }),
);

describe('what-if replay properties', () => {
  it('the empty scenario is the identity, customer by customer, exactly', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const r = replay(h, EMPTY_SCENARIO, BOOK);
        for (const c of r.customers) expect(c.after).toEqual(c.before);
        expect(r.customersAffected).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('routing a share of 0, a cap nobody reaches or a 0% discount changes nothing', () => {
    fc.assert(
      fc.property(
        historyArb,
        fc.constantFrom(...FEATURES),
        fc.constantFrom(...MODELS),
        (h, feature, to) => {
          const r = replay(
            h,
            parseScenario({
              levers: [
                { route: { feature, to: ref(to), share: 0 } },
                { cap: { plan: 'team', monthly_tokens: 1e15, over: 'cut' } },
                { discount: { provider: 'acme', percent: 0 } },
              ],
            }),
            BOOK,
          );
          for (const c of r.customers) expect(c.after).toEqual(c.before);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('any combination of levers gives finite, non-negative cost and revenue', () => {
    fc.assert(
      fc.property(historyArb, fc.array(leverArb, { maxLength: 6 }), (h, levers) => {
        const r = replay(h, parseScenario({ levers }), BOOK);
        for (const c of r.customers) {
          for (const v of [c.after.costUsd, c.after.revenueUsd]) {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
        }
        expect(Number.isFinite(r.totals.after.marginUsd)).toBe(true);
        // Totals are the sum of the customers.
        const sum = r.customers.reduce((s, c) => s + c.after.costUsd, 0);
        expect(r.totals.after.costUsd).toBeCloseTo(sum, 6);
      }),
      { numRuns: 150 },
    );
  });

  it('a cut cap never raises cost or requests, and a 100% discount zeroes model cost', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 5_000_000 }), (h, cap) => {
        const capped = replay(
          h,
          parseScenario({
            levers: [{ cap: { plan: 'starter', monthly_tokens: cap, over: 'cut' } }],
          }),
          BOOK,
        );
        for (const c of capped.customers) {
          expect(c.after.costUsd).toBeLessThanOrEqual(c.before.costUsd + 1e-9);
          expect(c.requestsAfter).toBeLessThanOrEqual(c.requestsBefore + 1e-9);
        }
        const free = replay(
          h,
          parseScenario({ levers: [{ discount: { provider: 'acme', percent: 100 } }] }),
          BOOK,
        );
        expect(free.totals.after.costUsd).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('routing everything to the same model it is on changes nothing', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom(...MODELS), (h, m) => {
        const only = { ...h, cells: h.cells.map((c) => ({ ...c, model: m })) };
        const r = replay(
          only,
          parseScenario({
            levers: FEATURES.map((feature) => ({ route: { feature, to: ref(m) } })),
          }),
          BOOK,
        );
        for (const c of r.customers) expect(c.after).toEqual(c.before);
      }),
      { numRuns: 50 },
    );
  });
});
