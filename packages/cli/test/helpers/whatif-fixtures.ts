/**
 * Shared fixtures of the what-if tests: a test-only price book and a small January 2026 history
 * whose figures are worked out by hand in whatif-replay.test.ts.
 */
import { PriceBook } from '@ai-margin/processor';
import type { UsageCell, UsageHistory } from '../../src/whatif/types';

const SRC = 'test table';
export const BOOK_DATA = {
  providers: [
    {
      provider: 'acme',
      currency: 'USD',
      models: [
        {
          id: 'big',
          periods: [
            {
              effectiveFrom: '2026-01-01',
              prices: { input: 10, cacheRead: 1, output: 30 },
              source: SRC,
            },
            {
              effectiveFrom: '2026-01-16',
              prices: { input: 5, cacheRead: 0.5, output: 15 },
              source: SRC,
            },
          ],
        },
        {
          id: 'small',
          periods: [
            {
              effectiveFrom: '2026-01-01',
              prices: { input: 1, cacheRead: 0.1, output: 2 },
              source: SRC,
            },
          ],
        },
        {
          id: 'long',
          periods: [
            {
              effectiveFrom: '2026-01-01',
              prices: { input: 2, output: 8 },
              tiers: [{ aboveInputTokens: 200000, prices: { input: 4, output: 12 } }],
              serviceTiers: { batch: 0.5 },
              source: SRC,
            },
          ],
        },
        {
          id: 'wide',
          periods: [
            {
              effectiveFrom: '2026-01-01',
              prices: { input: 1, output: 4 },
              tiers: [{ aboveInputTokens: 200000, prices: { input: 2, output: 6 } }],
              source: SRC,
            },
          ],
        },
      ],
    },
  ],
};

export const BOOK = PriceBook.load({
  includeShipped: false,
  userFiles: [{ name: 'whatif-test-prices.json', data: BOOK_DATA }],
});

export function tokens(input: number, output: number, cacheRead = 0) {
  return {
    input,
    cache_read: cacheRead,
    cache_write_5m: 0,
    cache_write_1h: 0,
    output,
    reasoning: 0,
    cache_write_30m: 0,
    cache_write_12h: 0,
  };
}

export function cell(
  day: string,
  customer: string,
  feature: string,
  model: string,
  t: ReturnType<typeof tokens>,
  requests: number,
  costUsd: number,
  bands?: UsageCell['bands'],
): UsageCell {
  return {
    day,
    customer,
    feature,
    provider: 'acme',
    model,
    tokens: t,
    requests,
    costUsd,
    ...(bands ? { bands } : {}),
  };
}

export function history(longContext = true): UsageHistory {
  return {
    source: 'test',
    from: '2026-01-01',
    to: '2026-01-31',
    cells: [
      cell('2026-01-05', 'alice', 'chat', 'big', tokens(1_000_000, 100_000), 10, 13),
      cell('2026-01-20', 'alice', 'chat', 'big', tokens(2_000_000, 200_000), 20, 13),
      cell(
        '2026-01-10',
        'bob',
        'summarise',
        'long',
        tokens(350_000, 15_000),
        2,
        1.46,
        longContext ? [{ above: 272_000, tokens: tokens(300_000, 10_000) }] : undefined,
      ),
      cell('2026-01-12', 'carol', 'chat', 'big', tokens(3_000_000, 300_000), 30, 39),
    ],
    revenue: [
      { day: '2026-01-10', customer: 'bob', feature: 'summarise', revenueType: 'usage', usd: 1 },
    ],
    subscriptions: [
      { month: '2026-01', customer: 'alice', plan: 'team', usd: 50, months: 1 },
      { month: '2026-01', customer: 'bob', plan: 'team', usd: 50, months: 1 },
      { month: '2026-01', customer: 'carol', plan: 'starter', usd: 10, months: 1 },
    ],
    otherCost: [],
    plans: new Map([
      ['alice', 'team'],
      ['bob', 'team'],
      ['carol', 'starter'],
    ]),
    longContext,
  };
}
