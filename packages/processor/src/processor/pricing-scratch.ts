import { COST_TYPE, UNATTRIBUTED } from '@ai-margin/conventions';
import { type CostQuote, newCostQuote } from '../cost/engine';
import { emptyBucketUsage } from '../cost/normalize';
import type { BucketUsage } from '../cost/types';
import type { SpanOutcome } from './aggregates';
import { type CallReading, newCallReading } from './span-reader';

/** The span path's reusable objects, owned by the caller (one set per non-re-entrant caller). */
export interface PricingScratch {
  readonly reading: CallReading;
  readonly buckets: BucketUsage;
  readonly quote: CostQuote;
  /** Filled and returned by {@link SpanPricer.price}. */
  readonly outcome: SpanOutcome;
}

export function newPricingScratch(): PricingScratch {
  return {
    reading: newCallReading(),
    buckets: emptyBucketUsage(),
    quote: newCostQuote(),
    outcome: {
      customer: UNATTRIBUTED,
      feature: UNATTRIBUTED,
      provider: '',
      model: '',
      costType: COST_TYPE.llm,
      isCall: true,
      priced: false,
      costUsd: 0,
      tokens: undefined,
      unpricedReason: undefined,
    },
  };
}
