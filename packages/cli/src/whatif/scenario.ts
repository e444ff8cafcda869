/**
 * Scenario files: a list of levers, each one line of YAML or JSON. Parsing checks every field
 * and names the file and the field of the first problem (`levers[2].route.share`).
 *
 * ```yaml
 * name: next quarter
 * levers:
 *   - route: { feature: summarise, from: anthropic/claude-3-5-haiku-20241022, to: gcp.gemini/gemini-2.0-flash, plans: [starter, team] }
 *   - plan_price: { plan: team, usd: 99 }
 *   - usage_price: { plan: team, feature: research, per_use: 2 }
 *   - cap: { plan: starter, monthly_tokens: 50000000, over: cut }
 *   - cache: { feature: chat, hit_rate: 0.7 }
 *   - discount: { provider: openai, percent: 10 }
 *   - tier: { feature: embed, tier: batch }
 * ```
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ModelRef {
  /** Missing in `from`: any provider. */
  provider?: string;
  model: string;
}

export interface RouteLever {
  kind: 'route';
  feature: string;
  /** Missing: every model the feature uses. */
  from?: ModelRef;
  to: Required<ModelRef>;
  plans?: string[];
  customers?: string[];
  /** Share of the matching traffic moved, 0..1 (default 1). */
  share: number;
  /** Tokens on the target per token on the source (tokenizer difference), default 1. */
  tokenRatio: number;
}

export interface PlanPriceLever {
  kind: 'plan_price';
  plan: string;
  /** New subscription price per month (USD). */
  usd: number;
}

export interface UsagePriceLever {
  kind: 'usage_price';
  plan?: string;
  feature?: string;
  /** USD per use (request) above `includedUses` per customer and month. */
  perUse?: number;
  /** USD per 1M tokens (all buckets) above `includedTokens` per customer and month. */
  perMillionTokens?: number;
  includedUses: number;
  includedTokens: number;
}

export interface CapLever {
  kind: 'cap';
  plan: string;
  /** Tokens (all buckets, all features) per customer and calendar month. */
  monthlyTokens?: number;
  /** Requests per customer and calendar month. */
  monthlyRequests?: number;
  /** `cut`: usage above the cap does not happen; `overage`: it is billed. */
  over: 'cut' | 'overage';
  /** Overage price: USD per 1M tokens above a token cap. */
  usdPerMillion?: number;
  /** Overage price: USD per request above a request cap. */
  usdPerRequest?: number;
}

export interface CacheLever {
  kind: 'cache';
  feature: string;
  /** Restrict to one model (`provider/model` or `model`). */
  model?: ModelRef;
  /** cache_read / (input + cache_read) after the change, 0..1. */
  hitRate: number;
}

export interface DiscountLever {
  kind: 'discount';
  provider: string;
  model?: string;
  /** Percent off the cost of these calls (0..100). */
  percent: number;
}

export interface TierLever {
  kind: 'tier';
  feature: string;
  tier: 'batch' | 'flex';
  /** Share of the feature's traffic that moves to the tier (default 1). */
  share: number;
}

export type Lever =
  | RouteLever
  | PlanPriceLever
  | UsagePriceLever
  | CapLever
  | CacheLever
  | DiscountLever
  | TierLever;

export interface Scenario {
  name: string;
  levers: Lever[];
}

export const EMPTY_SCENARIO: Scenario = { name: 'no change', levers: [] };

/** A bad scenario: `file: field: message`. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    message: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ScenarioError';
  }
}

/** Largest scenario file read (bytes) and most levers: a scenario is a short human list. */
export const MAX_SCENARIO_BYTES = 256 * 1024;
export const MAX_LEVERS = 200;

export const LEVER_KINDS = [
  'route',
  'plan_price',
  'usage_price',
  'cap',
  'cache',
  'discount',
  'tier',
] as const;

type Obj = Record<string, unknown>;

class Reader {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly obj: Obj,
  ) {}

  fail(key: string, message: string): never {
    throw new ScenarioError(this.file, key ? `${this.field}.${key}` : this.field, message);
  }

  only(keys: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!keys.includes(k)) this.fail(k, `unknown field (allowed: ${keys.join(', ')})`);
    }
  }

  str(key: string): string;
  str(key: string, optional: true): string | undefined;
  str(key: string, optional = false): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (optional) return undefined;
      this.fail(key, 'required');
    }
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, 'must be a non-empty string');
    if (v.length > 500) this.fail(key, 'too long (500 characters at most)');
    return v;
  }

  num(key: string, min: number, max: number): number;
  num(key: string, min: number, max: number, optional: true): number | undefined;
  num(key: string, min: number, max: number, optional = false): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (optional) return undefined;
      this.fail(key, 'required');
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(key, `must be a number, got ${JSON.stringify(v)}`);
    if (v < min || v > max) this.fail(key, `must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  strList(key: string): string[] | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || list.length > 10_000)
      this.fail(key, 'must be a non-empty list of strings');
    return list.map((x, i) => {
      if (typeof x !== 'string' || x === '')
        this.fail(`${key}[${i}]`, 'must be a non-empty string');
      return x;
    });
  }

  model(key: string, needProvider: boolean): ModelRef | undefined {
    const v = this.str(key, true);
    if (v === undefined) return undefined;
    const slash = v.indexOf('/');
    if (slash <= 0 || slash === v.length - 1) {
      if (needProvider)
        this.fail(key, `must be provider/model (e.g. openai/gpt-4o-mini), got "${v}"`);
      return { model: v };
    }
    return { provider: v.slice(0, slash), model: v.slice(slash + 1) };
  }
}

const MAX_USD = 1e9;

function parseLever(file: string, raw: unknown, index: number): Lever {
  const field = `levers[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ScenarioError(
      file,
      field,
      `must be an object with one of: ${LEVER_KINDS.join(', ')}`,
    );
  const keys = Object.keys(raw);
  if (keys.length !== 1)
    throw new ScenarioError(
      file,
      field,
      `must have exactly one lever key (one of: ${LEVER_KINDS.join(', ')}), got ${keys.join(', ') || 'none'}`,
    );
  const kind = keys[0] as string;
  const body = (raw as Obj)[kind];
  if (!(LEVER_KINDS as readonly string[]).includes(kind))
    throw new ScenarioError(
      file,
      `${field}.${kind}`,
      `unknown lever (one of: ${LEVER_KINDS.join(', ')})`,
    );
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ScenarioError(file, `${field}.${kind}`, 'must be an object of fields');
  const r: Reader = new Reader(file, `${field}.${kind}`, body as Obj);
  switch (kind) {
    case 'route': {
      r.only(['feature', 'from', 'to', 'plans', 'customers', 'share', 'token_ratio']);
      const lever: RouteLever = {
        kind,
        feature: r.str('feature'),
        to: r.model('to', true) as Required<ModelRef>,
        share: r.num('share', 0, 1, true) ?? 1,
        tokenRatio: r.num('token_ratio', 0.01, 100, true) ?? 1,
      };
      if (!lever.to) r.fail('to', 'required');
      const from = r.model('from', false);
      if (from) lever.from = from;
      const plans = r.strList('plans');
      if (plans) lever.plans = plans;
      const customers = r.strList('customers');
      if (customers) lever.customers = customers;
      return lever;
    }
    case 'plan_price': {
      r.only(['plan', 'usd']);
      return { kind, plan: r.str('plan'), usd: r.num('usd', 0, MAX_USD) };
    }
    case 'usage_price': {
      r.only([
        'plan',
        'feature',
        'per_use',
        'per_million_tokens',
        'included_uses',
        'included_tokens',
      ]);
      const lever: UsagePriceLever = {
        kind,
        includedUses: r.num('included_uses', 0, 1e15, true) ?? 0,
        includedTokens: r.num('included_tokens', 0, 1e18, true) ?? 0,
      };
      const plan = r.str('plan', true);
      if (plan !== undefined) lever.plan = plan;
      const feature = r.str('feature', true);
      if (feature !== undefined) lever.feature = feature;
      const perUse = r.num('per_use', 0, MAX_USD, true);
      if (perUse !== undefined) lever.perUse = perUse;
      const perM = r.num('per_million_tokens', 0, MAX_USD, true);
      if (perM !== undefined) lever.perMillionTokens = perM;
      if (perUse === undefined && perM === undefined)
        r.fail('', 'needs per_use or per_million_tokens');
      return lever;
    }
    case 'cap': {
      r.only([
        'plan',
        'monthly_tokens',
        'monthly_requests',
        'over',
        'usd_per_million',
        'usd_per_request',
      ]);
      const over = r.str('over', true) ?? 'cut';
      if (over !== 'cut' && over !== 'overage')
        r.fail('over', `must be cut or overage, got "${over}"`);
      const lever: CapLever = { kind, plan: r.str('plan'), over };
      const tokens = r.num('monthly_tokens', 0, 1e18, true);
      const requests = r.num('monthly_requests', 0, 1e15, true);
      if ((tokens === undefined) === (requests === undefined))
        r.fail('', 'needs exactly one of monthly_tokens or monthly_requests');
      if (tokens !== undefined) lever.monthlyTokens = tokens;
      if (requests !== undefined) lever.monthlyRequests = requests;
      const perM = r.num('usd_per_million', 0, MAX_USD, true);
      const perReq = r.num('usd_per_request', 0, MAX_USD, true);
      if (over === 'overage') {
        if (tokens !== undefined && perM === undefined)
          r.fail('usd_per_million', 'required for an overage on a token cap');
        if (requests !== undefined && perReq === undefined)
          r.fail('usd_per_request', 'required for an overage on a request cap');
      }
      if (perM !== undefined) lever.usdPerMillion = perM;
      if (perReq !== undefined) lever.usdPerRequest = perReq;
      return lever;
    }
    case 'cache': {
      r.only(['feature', 'model', 'hit_rate']);
      const lever: CacheLever = {
        kind,
        feature: r.str('feature'),
        hitRate: r.num('hit_rate', 0, 1),
      };
      const model = r.model('model', false);
      if (model) lever.model = model;
      return lever;
    }
    case 'discount': {
      r.only(['provider', 'model', 'percent']);
      const lever: DiscountLever = {
        kind,
        provider: r.str('provider'),
        percent: r.num('percent', 0, 100),
      };
      const model = r.str('model', true);
      if (model !== undefined) lever.model = model;
      return lever;
    }
    case 'tier': {
      r.only(['feature', 'tier', 'share']);
      const tier = r.str('tier');
      if (tier !== 'batch' && tier !== 'flex')
        r.fail('tier', `must be batch or flex, got "${tier}"`);
      return { kind, feature: r.str('feature'), tier, share: r.num('share', 0, 1, true) ?? 1 };
    }
  }
  throw new ScenarioError(file, field, 'unreachable');
}

/** Validates already-parsed scenario data (`{ name?, levers: [...] }` or a bare list). */
export function parseScenario(data: unknown, file = 'scenario'): Scenario {
  let name = file;
  let list: unknown = data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const o = data as Obj;
    for (const k of Object.keys(o)) {
      if (k !== 'name' && k !== 'description' && k !== 'levers')
        throw new ScenarioError(file, k, 'unknown field (allowed: name, description, levers)');
    }
    if (o.name !== undefined) {
      if (typeof o.name !== 'string') throw new ScenarioError(file, 'name', 'must be a string');
      name = o.name;
    }
    list = o.levers ?? [];
  } else if (data === null || data === undefined) {
    list = [];
  }
  if (!Array.isArray(list)) throw new ScenarioError(file, 'levers', 'must be a list of levers');
  if (list.length > MAX_LEVERS)
    throw new ScenarioError(
      file,
      'levers',
      `too many levers (${list.length}; at most ${MAX_LEVERS})`,
    );
  return { name, levers: list.map((l, i) => parseLever(file, l, i)) };
}

/** Parses scenario text: YAML (a superset of JSON) unless the file ends in `.json`. */
export function parseScenarioText(text: string, file: string): Scenario {
  if (text.length > MAX_SCENARIO_BYTES)
    throw new ScenarioError(
      file,
      '',
      `too large (${text.length} bytes; at most ${MAX_SCENARIO_BYTES})`,
    );
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ScenarioError(
      file,
      '',
      `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  return parseScenario(data, file);
}

/** Reads and validates a scenario file. */
export function readScenarioFile(path: string): Scenario {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new ScenarioError(path, '', `cannot read: ${(err as Error).message}`);
  }
  if (size > MAX_SCENARIO_BYTES)
    throw new ScenarioError(path, '', `too large (${size} bytes; at most ${MAX_SCENARIO_BYTES})`);
  return parseScenarioText(readFileSync(path, 'utf8'), path);
}

/** One line per lever, for reports. */
export function describeLever(l: Lever): string {
  const ref = (m: ModelRef) => (m.provider ? `${m.provider}/${m.model}` : m.model);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  switch (l.kind) {
    case 'route':
      return `route ${l.feature}${l.from ? ` from ${ref(l.from)}` : ''} to ${ref(l.to)}${l.plans ? ` (plans ${l.plans.join(', ')})` : ''}${l.customers ? ` (${l.customers.length} customers)` : ''}${l.share !== 1 ? `, ${pct(l.share)} of traffic` : ''}${l.tokenRatio !== 1 ? `, token ratio ${l.tokenRatio}` : ''}`;
    case 'plan_price':
      return `${l.plan} plan at $${l.usd}/month`;
    case 'usage_price': {
      const parts: string[] = [];
      if (l.perUse !== undefined)
        parts.push(`$${l.perUse} per use${l.includedUses ? ` above ${l.includedUses}/month` : ''}`);
      if (l.perMillionTokens !== undefined)
        parts.push(
          `$${l.perMillionTokens} per 1M tokens${l.includedTokens ? ` above ${l.includedTokens}/month` : ''}`,
        );
      return `charge ${parts.join(' and ')}${l.feature ? ` for ${l.feature}` : ''}${l.plan ? ` on ${l.plan}` : ''}`;
    }
    case 'cap': {
      const what =
        l.monthlyTokens !== undefined
          ? `${l.monthlyTokens} tokens`
          : `${l.monthlyRequests} requests`;
      const over =
        l.over === 'cut'
          ? 'cut above'
          : `overage ${l.usdPerMillion !== undefined ? `$${l.usdPerMillion}/1M tokens` : `$${l.usdPerRequest}/request`}`;
      return `cap ${l.plan} at ${what}/month (${over})`;
    }
    case 'cache':
      return `cache hit rate ${pct(l.hitRate)} for ${l.feature}${l.model ? ` on ${ref(l.model)}` : ''}`;
    case 'discount':
      return `${l.percent}% discount on ${l.provider}${l.model ? `/${l.model}` : ''}`;
    case 'tier':
      return `${l.tier} tier for ${l.share !== 1 ? `${pct(l.share)} of ` : ''}${l.feature}`;
  }
}
