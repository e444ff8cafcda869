/**
 * Prices of a model on a day, from the price book (`PriceBook.lookup` at the day's start), and
 * the cost of token segments at those prices, cliffs included.
 */
import type { BucketPrices, PriceBook } from '@ai-margin/processor';
import { LONG_CONTEXT_THRESHOLDS, type Segment } from './long-context';
import { BUCKETS, type Bucket, dayMs, type Tokens } from './types';

export type BucketRates = Record<Bucket, number>;

export interface DayPrice {
  provider: string;
  model: string;
  rates: BucketRates;
  /** Cliffs, ascending. */
  tiers: { above: number; rates: BucketRates }[];
  serviceTiers: { batch?: number; flex?: number; priority?: number };
  /** Regional uplift and negotiated discount of the book, as `priceCall` applies them. */
  multiplier: number;
}

export type PriceAnswer = { found: true; price: DayPrice } | { found: false; detail: string };

function rates(p: BucketPrices): BucketRates {
  const cacheWrite5m = p.cacheWrite5m ?? p.input;
  return {
    input: p.input,
    cache_read: p.cacheRead ?? p.input,
    cache_write_5m: cacheWrite5m,
    cache_write_1h: p.cacheWrite1h ?? cacheWrite5m,
    output: p.output,
    reasoning: p.reasoning ?? p.output,
    // Retention-priced writes (OpenAI): a target model without these prices is charged its
    // 5-minute write rate (or input), an estimate the replay's notes name, never zero.
    cache_write_30m: p.cacheWrite30m ?? cacheWrite5m,
    cache_write_12h: p.cacheWrite12h ?? p.cacheWrite30m ?? cacheWrite5m,
  };
}

/** A cost with its bounds: `lower < upper` when a segment straddles a cliff. */
export interface CostRange {
  lower: number;
  upper: number;
}

/** Memoised price lookups per provider, model and day. */
export class Pricer {
  private readonly memo = new Map<string, PriceAnswer>();

  constructor(readonly book: PriceBook) {}

  at(provider: string, model: string, day: string): PriceAnswer {
    const key = `${provider}\u0000${model}\u0000${day}`;
    let hit = this.memo.get(key);
    if (hit) return hit;
    if (this.memo.size > 200_000) this.memo.clear();
    const found = this.book.lookup(provider, model, dayMs(day));
    if (!found.found) {
      hit = { found: false, detail: found.detail };
    } else {
      const period = found.price.period;
      let multiplier = 1;
      if (period.regionalUplift !== undefined && found.geo !== undefined && found.geo !== 'global')
        multiplier *= period.regionalUplift;
      if (found.discountPercent !== undefined) multiplier *= 1 - found.discountPercent / 100;
      hit = {
        found: true,
        price: {
          provider: found.price.provider,
          model: found.price.model,
          rates: rates(period.prices),
          tiers: (period.tiers ?? [])
            .map((t) => ({ above: t.aboveInputTokens, rates: rates(t.prices) }))
            .sort((a, b) => a.above - b.above),
          serviceTiers: { ...(period.serviceTiers ?? {}) },
          multiplier,
        },
      };
    }
    this.memo.set(key, hit);
    return hit;
  }
}

export function tokensCost(t: Tokens, r: BucketRates, multiplier: number): number {
  let usd = 0;
  for (const b of BUCKETS) if (t[b] !== 0) usd += ((t[b] * r[b]) / 1e6) * multiplier;
  return usd;
}

/** True when every cliff of the price is a threshold the processor records bands at. */
export function cliffsOnLadder(p: DayPrice): boolean {
  return p.tiers.every((t) => LONG_CONTEXT_THRESHOLDS.includes(t.above));
}

/**
 * Cost of segments at a day price. A segment of calls with input in (lo, hi] is above a cliff
 * when lo >= cliff, below it when hi <= cliff; otherwise it straddles it and its cost is a range.
 */
export function segmentsCost(segments: readonly Segment[], p: DayPrice): CostRange {
  let lower = 0;
  let upper = 0;
  for (const s of segments) {
    let sure = p.rates;
    const maybe: BucketRates[] = [];
    for (const t of p.tiers) {
      if (s.lo >= t.above) sure = t.rates;
      else if (s.hi > t.above) maybe.push(t.rates);
    }
    const base = tokensCost(s.tokens, sure, p.multiplier);
    let lo = base;
    let hi = base;
    for (const r of maybe) {
      const c = tokensCost(s.tokens, r, p.multiplier);
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    lower += lo;
    upper += hi;
  }
  return { lower, upper };
}
