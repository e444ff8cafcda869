/**
 * `--suggest`: searches the levers the data supports and ranks them by margin gained.
 *
 * - Routing: each feature's traffic on each model, moved to each model the product already runs
 *   (integration and prompts exist; with `allModels`, every model of the price book) that is
 *   cheaper for that traffic at the window's prices; embeddings only to embedding models.
 * - Plan prices: for each plan with customers under water, the price that brings its median
 *   under-water customer to break-even (rounded up to a price ending in 9).
 * - Caps: per plan, a monthly token cap at the heavy users' 90th and 95th percentiles, cut or
 *   billed as overage at twice the plan's cost per 1M tokens.
 *
 * Every candidate is replayed in full; the answer keeps the best target per feature and model
 * and shows, for each move, the customers it touches and the revenue at risk (their revenue
 * before the move: what leaves if they do).
 */
import type { PriceBook } from '@ai-margin/processor';
import { Pricer, tokensCost } from './pricing';
import { type ReplayResult, replay } from './replay';
import type { Lever, Scenario } from './scenario';
import { describeLever } from './scenario';
import { monthOf, sumTokens, type UsageHistory } from './types';

export interface Suggestion {
  move: string;
  lever: Lever;
  /** The lever as one line of scenario YAML. */
  yaml: string;
  marginGainUsd: number;
  customersAffected: number;
  revenueAtRiskUsd: number;
  /** Customers under water before and not after. */
  fixes: number;
  /** Customers above water before and under after. */
  breaks: number;
  /** One line: what the move does, with the numbers behind it. */
  why: string;
}

export interface SuggestResult {
  suggestions: Suggestion[];
  /** The top suggestions applied together (one per feature/model, plan and cap). */
  combined: {
    levers: string[];
    underWaterBefore: number;
    underWaterAfter: number;
    marginGainUsd: number;
  } | null;
  candidatesTried: number;
}

/** Most candidates replayed (bounded work on huge histories). */
const MAX_CANDIDATES = 120;

function yamlOf(l: Lever): string {
  const { kind, ...rest } = l as Lever & Record<string, unknown>;
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const fields = Object.entries(rest)
    .filter(
      ([k, v]) =>
        v !== undefined && !(k === 'share' && v === 1) && !(k === 'tokenRatio' && v === 1),
    )
    .filter(([k, v]) => !((k === 'includedUses' || k === 'includedTokens') && v === 0))
    .map(([k, v]) => {
      let val: string;
      if (v && typeof v === 'object' && 'model' in (v as object)) {
        const m = v as { provider?: string; model: string };
        val = m.provider ? `${m.provider}/${m.model}` : m.model;
      } else if (Array.isArray(v)) val = `[${v.join(', ')}]`;
      else val = String(v);
      return `${snake(k)}: ${val}`;
    });
  return `- ${kind}: { ${fields.join(', ')} }`;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? 0;
}

function niceUp(x: number, step: number): number {
  return Math.ceil(x / step) * step;
}

function money(n: number): string {
  const v =
    Math.abs(n) >= 100 ? Math.round(Math.abs(n)).toLocaleString('en-US') : Math.abs(n).toFixed(2);
  return `${n < 0 ? '-' : ''}$${v}`;
}

const isEmbedding = (model: string) => /embed/i.test(model);

interface Candidate {
  lever: Lever;
  /** `risk`: revenue before the move of the customers it touches. */
  why: (r: ReplayResult, base: ReplayResult, risk: number) => string;
  group: string;
}

function routeCandidates(h: UsageHistory, book: PriceBook, allModels: boolean): Candidate[] {
  const pricer = new Pricer(book);
  const day = h.to;
  // Traffic per feature and model, and the models in use.
  const traffic = new Map<
    string,
    {
      feature: string;
      provider: string;
      model: string;
      cost: number;
      tokens: ReturnType<typeof sumTokens>;
    }
  >();
  const tokensBy = new Map<string, Record<string, number>>();
  const models = new Map<string, { provider: string; model: string }>();
  for (const c of h.cells) {
    const key = `${c.feature}\u0000${c.provider}\u0000${c.model}`;
    const t = traffic.get(key) ?? {
      feature: c.feature,
      provider: c.provider,
      model: c.model,
      cost: 0,
      tokens: 0,
    };
    t.cost += c.costUsd;
    t.tokens += sumTokens(c.tokens);
    traffic.set(key, t);
    const tb = tokensBy.get(key) ?? {};
    for (const [b, v] of Object.entries(c.tokens)) tb[b] = (tb[b] ?? 0) + v;
    tokensBy.set(key, tb);
    if (pricer.at(c.provider, c.model, day).found)
      models.set(`${c.provider}/${c.model}`, { provider: c.provider, model: c.model });
  }
  if (allModels) {
    // Every model of the price book with a price on the window's last day.
    for (const m of book.list()) {
      if (pricer.at(m.provider, m.model, day).found)
        models.set(`${m.provider}/${m.model}`, { provider: m.provider, model: m.model });
    }
  }
  const out: { c: Candidate; saving: number }[] = [];
  for (const [key, t] of traffic) {
    if (t.cost <= 0) continue;
    const tb = tokensBy.get(key) ?? {};
    const tokens = {
      input: tb.input ?? 0,
      cache_read: tb.cache_read ?? 0,
      cache_write_5m: tb.cache_write_5m ?? 0,
      cache_write_1h: tb.cache_write_1h ?? 0,
      output: tb.output ?? 0,
      reasoning: tb.reasoning ?? 0,
      cache_write_30m: tb.cache_write_30m ?? 0,
      cache_write_12h: tb.cache_write_12h ?? 0,
    };
    const here = pricer.at(t.provider, t.model, day);
    if (!here.found) continue;
    const current = tokensCost(tokens, here.price.rates, here.price.multiplier);
    for (const target of models.values()) {
      if (target.provider === t.provider && target.model === t.model) continue;
      if (isEmbedding(target.model) !== isEmbedding(t.model)) continue;
      const p = pricer.at(target.provider, target.model, day);
      if (!p.found) continue;
      const cost = tokensCost(tokens, p.price.rates, p.price.multiplier);
      if (cost >= current * 0.95) continue;
      const lever: Lever = {
        kind: 'route',
        feature: t.feature,
        from: { provider: t.provider, model: t.model },
        to: { provider: target.provider, model: target.model },
        share: 1,
        tokenRatio: 1,
      };
      out.push({
        saving: current - cost,
        c: {
          lever,
          group: `route ${t.feature} ${t.provider}/${t.model}`,
          why: (r, base) => {
            const fromCost = traffic.get(key)?.cost ?? 0;
            return `Route ${t.feature} from ${t.model} to ${target.model}: those calls cost ${money(fromCost)} over the window, ${money(fromCost - (r.totals.before.costUsd - r.totals.after.costUsd))} on ${target.model} at its prices each day; ${r.customersAffected} customers see the new model (check output quality first), ${r.signChanges.nowPositive.length} of ${base.underWater.before} under-water customers turn positive.`;
          },
        },
      });
    }
  }
  out.sort((a, b) => b.saving - a.saving);
  return out.slice(0, 80).map((x) => x.c);
}

function planCandidates(h: UsageHistory, base: ReplayResult): Candidate[] {
  const out: Candidate[] = [];
  const months = new Map<string, number>();
  const price = new Map<string, Map<number, number>>();
  for (const s of h.subscriptions) {
    months.set(s.customer, (months.get(s.customer) ?? 0) + s.months);
    if (s.months > 0) {
      const m = price.get(s.plan) ?? new Map<number, number>();
      const p = Math.round((s.usd / s.months) * 100) / 100;
      m.set(p, (m.get(p) ?? 0) + 1);
      price.set(s.plan, m);
    }
  }
  const plans = new Set(base.customers.map((c) => c.plan));
  for (const plan of plans) {
    const list = price.get(plan);
    if (!list) continue;
    const current = [...list.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    const needed = base.customers
      .filter((c) => c.plan === plan && c.before.marginUsd < 0 && (months.get(c.customer) ?? 0) > 0)
      .map((c) => current - c.before.marginUsd / (months.get(c.customer) ?? 1))
      .sort((a, b) => a - b);
    if (needed.length === 0) continue;
    const target = Math.min(current * 3, needed[Math.floor((needed.length - 1) / 2)] ?? current);
    const usd = Math.max(current + 1, niceUp(target + 1, 10) - 1);
    const lever: Lever = { kind: 'plan_price', plan, usd };
    out.push({
      lever,
      group: `plan ${plan}`,
      why: (r, _base, risk) =>
        `Raise ${plan} from ${money(current)} to ${money(usd)}/month: ${money(r.totals.after.revenueUsd - r.totals.before.revenueUsd)} more revenue over the window; brings ${r.signChanges.nowPositive.length} of ${needed.length} under-water ${plan} customers to break-even; all ${r.customersAffected} ${plan} customers pay more (${money(risk)} of revenue if they leave).`,
    });
  }
  return out;
}

function capCandidates(h: UsageHistory): Candidate[] {
  const perCm = new Map<string, { plan: string; tokens: number; cost: number }>();
  for (const c of h.cells) {
    const key = `${c.customer}\u0000${monthOf(c.day)}`;
    const e = perCm.get(key) ?? { plan: h.plans.get(c.customer) ?? 'unknown', tokens: 0, cost: 0 };
    e.tokens += sumTokens(c.tokens);
    e.cost += c.costUsd;
    perCm.set(key, e);
  }
  const byPlan = new Map<string, { tokens: number[]; cost: number; total: number }>();
  for (const e of perCm.values()) {
    const p = byPlan.get(e.plan) ?? { tokens: [], cost: 0, total: 0 };
    p.tokens.push(e.tokens);
    p.cost += e.cost;
    p.total += e.tokens;
    byPlan.set(e.plan, p);
  }
  const out: Candidate[] = [];
  for (const [plan, p] of byPlan) {
    if (p.tokens.length < 5 || p.total <= 0) continue;
    p.tokens.sort((a, b) => a - b);
    const costPerM = (p.cost / p.total) * 1e6;
    const overagePrice = Math.max(0.01, Math.ceil(costPerM * 2 * 100) / 100);
    for (const pct of [90, 95]) {
      const at = percentile(p.tokens, pct / 100);
      if (at <= 0) continue;
      const cap = Number(at.toPrecision(2));
      const over = p.tokens.filter((t) => t > cap).length;
      if (over === 0) continue;
      const cut: Lever = { kind: 'cap', plan, monthlyTokens: cap, over: 'cut' };
      const bill: Lever = {
        kind: 'cap',
        plan,
        monthlyTokens: cap,
        over: 'overage',
        usdPerMillion: overagePrice,
      };
      const what = `${plan} at ${(cap / 1e6).toFixed(1)}M tokens/month (the heavy users' ${pct}th percentile; ${over} of ${p.tokens.length} customer-months above it)`;
      out.push({
        lever: cut,
        group: `cap ${plan}`,
        why: (r) =>
          `Cap ${what}, usage above it cut: cost falls ${money(r.totals.before.costUsd - r.totals.after.costUsd)}; ${r.customersAffected} customers hit the cap (service stops for the rest of the month), ${r.signChanges.nowPositive.length} under-water customers turn positive.`,
      });
      out.push({
        lever: bill,
        group: `cap ${plan}`,
        why: (r) =>
          `Cap ${what}, billed above at $${overagePrice}/1M tokens (2x the plan's cost per 1M): ${money(r.totals.after.revenueUsd - r.totals.before.revenueUsd)} overage revenue from ${r.customersAffected} customers, ${r.signChanges.nowPositive.length} under-water customers turn positive.`,
      });
    }
  }
  return out;
}

/** Ranks the levers the data supports. `limit` suggestions at most. */
export interface SuggestOptions {
  /** Suggestions listed (default 8). */
  limit?: number;
  /** Route to every model of the price book, not only those the product already runs. */
  allModels?: boolean;
}

/** Ranks the levers the data supports. */
export function suggest(
  h: UsageHistory,
  book: PriceBook,
  opts: SuggestOptions = {},
): SuggestResult {
  const limit = opts.limit ?? 8;
  const base = replay(h, { name: 'observed', levers: [] }, book);
  const candidates = [
    ...planCandidates(h, base),
    ...capCandidates(h),
    ...routeCandidates(h, book, opts.allModels === true),
  ].slice(0, MAX_CANDIDATES);
  const scored: (Suggestion & { group: string })[] = [];
  for (const c of candidates) {
    const scenario: Scenario = { name: describeLever(c.lever), levers: [c.lever] };
    const r = replay(h, scenario, book);
    const gain = r.totals.after.marginUsd - r.totals.before.marginUsd;
    if (gain <= 0.005) continue;
    const affected = new Set(
      r.customers
        .filter(
          (x) =>
            Math.abs(x.after.revenueUsd - x.before.revenueUsd) > 1e-9 ||
            Math.abs(x.after.costUsd - x.before.costUsd) > 1e-9 ||
            Math.abs(x.requestsAfter - x.requestsBefore) > 1e-9,
        )
        .map((x) => x.customer),
    );
    const revenueAtRisk = r.customers
      .filter((x) => affected.has(x.customer))
      .reduce((s, x) => s + x.before.revenueUsd, 0);
    scored.push({
      group: c.group,
      move: describeLever(c.lever),
      lever: c.lever,
      yaml: yamlOf(c.lever),
      marginGainUsd: gain,
      customersAffected: affected.size,
      revenueAtRiskUsd: revenueAtRisk,
      fixes: r.signChanges.nowPositive.length,
      breaks: r.signChanges.nowNegative.length,
      why: c.why(r, base, revenueAtRisk),
    });
  }
  scored.sort((a, b) => b.marginGainUsd - a.marginGainUsd || a.move.localeCompare(b.move));
  const seen = new Set<string>();
  const best: (Suggestion & { group: string })[] = [];
  for (const s of scored) {
    if (seen.has(s.group)) continue;
    seen.add(s.group);
    best.push(s);
    if (best.length >= limit) break;
  }
  let combined: SuggestResult['combined'] = null;
  if (best.length > 0) {
    const levers = best.map((s) => s.lever);
    const r = replay(h, { name: 'top suggestions together', levers }, book);
    combined = {
      levers: levers.map(describeLever),
      underWaterBefore: r.underWater.before,
      underWaterAfter: r.underWater.after,
      marginGainUsd: r.totals.after.marginUsd - r.totals.before.marginUsd,
    };
  }
  return {
    suggestions: best.map(({ group: _g, ...s }) => s),
    combined,
    candidatesTried: candidates.length,
  };
}
