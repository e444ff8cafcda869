/**
 * Levers that change what calls cost: route a feature to another model, change its cache hit
 * rate, move it to a batch/flex tier, apply a provider discount. Each maps a portion to the
 * portions it becomes.
 */
import { type Segment, scaleSegments } from '../long-context';
import type { LeverContext, Portion } from '../portion';
import { type CostRange, cliffsOnLadder, type DayPrice, segmentsCost } from '../pricing';
import type { CacheLever, DiscountLever, ModelRef, RouteLever, TierLever } from '../scenario';

/**
 * True when the portion is on `ref`: the same label value, or an id the price book resolves to
 * the same model on that day (`gpt-4o` names the `gpt-4o-2024-08-06` a response reports).
 */
function matchesModel(p: Portion, ref: ModelRef | undefined, ctx: LeverContext): boolean {
  if (!ref) return true;
  if (ref.provider !== undefined && ref.provider !== p.provider) return false;
  if (ref.model === p.model) return true;
  const a = ctx.pricer.at(p.provider, ref.model, p.cell.day);
  const b = ctx.pricer.at(p.provider, p.model, p.cell.day);
  return (
    a.found && b.found && a.price.provider === b.price.provider && a.price.model === b.price.model
  );
}

function label(provider: string, model: string): string {
  return `${provider}/${model}`;
}

/** Cost of segments on a price; flags the portion when a cliff straddles. */
function priced(price: DayPrice, segments: Segment[], ctx: LeverContext): CostRange {
  const range = segmentsCost(segments, price);
  if (range.upper > range.lower) {
    ctx.warnings.add(
      `cliff not reconstructable for ${label(price.provider, price.model)}${cliffsOnLadder(price) ? '' : ' (cliff not on the recorded ladder)'}: calls may cross its long-context cliff, priced at the long-context rate (upper bound)`,
    );
  }
  return range;
}

export function applyRoute(p: Portion, lever: RouteLever, ctx: LeverContext): Portion[] {
  if (p.cell.feature !== lever.feature || !matchesModel(p, lever.from, ctx)) return [p];
  if (p.provider === lever.to.provider && matchesModel(p, lever.to, ctx)) return [p];
  if (lever.plans && !lever.plans.includes(ctx.planOf(p.cell.customer))) return [p];
  if (lever.customers && !lever.customers.includes(p.cell.customer)) return [p];
  if (lever.share === 0) return [p];
  const target = ctx.pricer.at(lever.to.provider, lever.to.model, p.cell.day);
  if (!target.found) {
    ctx.warnings.add(
      `route ${lever.feature} to ${label(lever.to.provider, lever.to.model)} skipped on days without a price: ${target.detail}`,
    );
    return [p];
  }
  const segments = scaleSegments(p.segments, lever.share, lever.tokenRatio);
  const cost = priced(target.price, segments, ctx);
  const moved: Portion = {
    cell: p.cell,
    provider: lever.to.provider,
    model: lever.to.model,
    segments,
    requests: p.requests * lever.share,
    costUsd: cost.upper,
    observed: false,
    cliffUpperBound: cost.upper > cost.lower,
  };
  if (lever.share === 1) return [moved];
  const kept: Portion = {
    ...p,
    segments: scaleSegments(p.segments, 1 - lever.share),
    requests: p.requests * (1 - lever.share),
    costUsd: p.costUsd * (1 - lever.share),
  };
  return [kept, moved];
}

export function applyCache(p: Portion, lever: CacheLever, ctx: LeverContext): Portion {
  if (p.cell.feature !== lever.feature || !matchesModel(p, lever.model, ctx)) return p;
  const price = ctx.pricer.at(p.provider, p.model, p.cell.day);
  if (!price.found) {
    ctx.warnings.add(
      `cache change for ${lever.feature} skipped for ${label(p.provider, p.model)} (no price): ${price.detail}`,
    );
    return p;
  }
  const segments = p.segments.map((s) => {
    const pool = s.tokens.input + s.tokens.cache_read;
    const cacheRead = pool * lever.hitRate;
    return { ...s, tokens: { ...s.tokens, cache_read: cacheRead, input: pool - cacheRead } };
  });
  const after = priced(price.price, segments, ctx);
  let costUsd: number;
  if (p.observed) {
    // Observed cost plus the repriced difference, under one consistent cliff assumption.
    const before = segmentsCost(p.segments, price.price);
    costUsd = p.costUsd + Math.max(after.lower - before.lower, after.upper - before.upper);
  } else {
    costUsd = after.upper;
  }
  return {
    ...p,
    segments,
    costUsd: Math.max(0, costUsd),
    cliffUpperBound: p.cliffUpperBound || after.upper > after.lower,
  };
}

export function applyTier(p: Portion, lever: TierLever, ctx: LeverContext): Portion {
  if (p.cell.feature !== lever.feature || lever.share === 0) return p;
  const price = ctx.pricer.at(p.provider, p.model, p.cell.day);
  const m = price.found ? price.price.serviceTiers[lever.tier] : undefined;
  if (m === undefined) {
    ctx.warnings.add(
      `${lever.tier} tier for ${lever.feature}: no ${lever.tier} price for ${label(p.provider, p.model)}, left at standard`,
    );
    return p;
  }
  return { ...p, costUsd: p.costUsd * (1 - lever.share + lever.share * m) };
}

export function applyDiscount(p: Portion, lever: DiscountLever): Portion {
  if (p.provider !== lever.provider) return p;
  if (lever.model !== undefined && p.model !== lever.model) return p;
  return { ...p, costUsd: p.costUsd * (1 - lever.percent / 100) };
}
