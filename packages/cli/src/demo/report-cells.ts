/** Cells of the per-model and per-feature tables, the same in the terminal and HTML reports. */
import { int, share, usd, usdSmall } from './format';
import type { FeatureRow, ModelRow } from './report-model';

/** A model listed as unpriced that has no cost at all: shown as `unpriced`, never as $0. */
export function isUnpricedModel(m: ModelRow, unpricedModels: ReadonlySet<string>): boolean {
  return unpricedModels.has(m.model) && m.costUsd === 0;
}

/** provider, model, cost, share of `totalCostUsd`, requests, cost/call, $/1M tokens, cache-read share. */
export function modelCells(
  m: ModelRow,
  totalCostUsd: number,
  unpricedModels: ReadonlySet<string>,
): string[] {
  // An unpriced model has no cost figures: a "$0" there would read as free, which it is not.
  const unpriced = isUnpricedModel(m, unpricedModels);
  return [
    m.provider,
    m.model,
    unpriced ? 'unpriced' : usd(m.costUsd),
    unpriced ? '-' : share(totalCostUsd > 0 ? m.costUsd / totalCostUsd : 0),
    int(m.requests),
    unpriced ? '-' : usdSmall(m.costPerRequestUsd),
    !unpriced && m.tokens > 0 ? usdSmall(m.usdPerMillionTokens) : '-',
    share(m.cacheReadShare),
  ];
}

/** feature, cost, share of cost, share of requests, requests, cost per use. */
export function featureCells(f: FeatureRow): string[] {
  return [
    f.feature,
    usd(f.costUsd),
    share(f.costShare),
    share(f.requestShare),
    int(f.requests),
    usdSmall(f.costPerUseUsd),
  ];
}
