/**
 * The demo scenario: a seeded, reproducible AI SaaS. Customers on four plans sign up over the
 * months before and during the simulated period; light users and heavy users (the bimodal
 * pattern) use five features routed to models on four providers. The scenario dictates the exact
 * token usage of every call (the provider simulator replies with it), so the expectation model
 * knows what each customer must cost.
 */
import { EXPECTED_PRICES, type ExpectedBucketPrices, expectedPeriodAt } from './expected-prices';
import { createRng, type Rng } from './prng';

export type DemoProvider = 'openai' | 'anthropic' | 'aws.bedrock' | 'gcp.gemini';
export type DemoFeature = 'chat' | 'summarise' | 'search' | 'embed' | 'research';
export type DemoPlan = 'starter' | 'team' | 'pro' | 'enterprise';
export type DemoSegment = 'light' | 'heavy' | 'long-context';

export const FEATURES: readonly DemoFeature[] = [
  'chat',
  'summarise',
  'search',
  'embed',
  'research',
];

export const PLANS: Readonly<
  Record<DemoPlan, { mrrUsd: number; weight: number; heavyShare: number }>
> = {
  starter: { mrrUsd: 29, weight: 0.45, heavyShare: 0.15 },
  team: { mrrUsd: 79, weight: 0.3, heavyShare: 0.25 },
  pro: { mrrUsd: 199, weight: 0.2, heavyShare: 0.35 },
  enterprise: { mrrUsd: 899, weight: 0.05, heavyShare: 0.4 },
};

/** Token usage of one call in non-overlapping buckets (`output` excludes `reasoning`). */
export interface DemoUsage {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  output: number;
  reasoning: number;
}

export interface DemoCall {
  /** Index in `scenario.calls`; travels in the prompt so the simulator can find the call. */
  id: number;
  /** Index into `scenario.months`. */
  month: number;
  /** Simulated start instant, epoch ms. */
  at: number;
  customerId: string;
  feature: DemoFeature;
  provider: DemoProvider;
  /** Request model. */
  model: string;
  /** Model the provider answers with (a dated snapshot), if different. */
  responseModel?: string;
  usage: DemoUsage;
}

export interface DemoCustomer {
  id: string;
  plan: DemoPlan;
  mrrUsd: number;
  /** ISO-8601 UTC. */
  signupAt: string;
  /** Signup month, `YYYY-MM`. */
  cohort: string;
  segment: DemoSegment;
}

export interface DemoMonth {
  /** `YYYY-MM`. */
  key: string;
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
}

export interface Scenario {
  seed: number;
  months: DemoMonth[];
  customers: DemoCustomer[];
  calls: DemoCall[];
}

export interface ScenarioOptions {
  seed: number;
  customers: number;
}

/** What the product charges per use of a feature on top of subscriptions (usage revenue). */
export const USAGE_PRICE_PER_USE: Readonly<Partial<Record<DemoFeature, number>>> = {
  research: 2,
};

/** The simulated period: six calendar months containing the o3 price cut of 2025-06-10. */
export const PERIOD_START = '2025-05-01T00:00:00Z';
export const PERIOD_MONTHS = 6;
/** Signups start this many months before the period, so the first months have older customers. */
const SIGNUP_LEAD_MONTHS = 3;
/** A self-hosted model behind an OpenAI-compatible API that no price book knows: unpriced usage. */
export const UNPRICED_MODEL = 'acme-llama-3.1-70b-ft';

interface Route {
  provider: DemoProvider;
  model: string;
  responseModel?: string;
}

const ROUTES = {
  mini: { provider: 'openai', model: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' },
  gpt4o: { provider: 'openai', model: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06' },
  o3: { provider: 'openai', model: 'o3', responseModel: 'o3-2025-04-16' },
  embed: { provider: 'openai', model: 'text-embedding-3-small' },
  haiku: { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' },
  sonnet: { provider: 'anthropic', model: 'claude-3-7-sonnet-20250219' },
  bedrockSonnet: { provider: 'aws.bedrock', model: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0' },
  flash: { provider: 'gcp.gemini', model: 'gemini-2.0-flash' },
  geminiPro: { provider: 'gcp.gemini', model: 'gemini-2.5-pro' },
  unpriced: { provider: 'openai', model: UNPRICED_MODEL },
} satisfies Record<string, Route>;

/** Which model serves a feature for a customer. */
function routeFor(feature: DemoFeature, c: DemoCustomer): Route {
  const premium = c.plan === 'pro' || c.plan === 'enterprise';
  switch (feature) {
    case 'chat':
      return premium ? ROUTES.gpt4o : ROUTES.mini;
    case 'summarise':
      if (c.segment === 'long-context') return ROUTES.geminiPro;
      if (c.plan === 'enterprise') return ROUTES.bedrockSonnet;
      return premium ? ROUTES.sonnet : ROUTES.haiku;
    case 'search':
      return ROUTES.flash;
    case 'embed':
      return ROUTES.embed;
    case 'research':
      return ROUTES.o3;
  }
}

/** Shape of a call relative to its uncached input (fractions of `input`). */
const SHAPE: Record<DemoFeature, { cacheRead: number; output: number; reasoning: number }> = {
  chat: { cacheRead: 0.4, output: 0.12, reasoning: 0 },
  summarise: { cacheRead: 0.6, output: 0.08, reasoning: 0 },
  search: { cacheRead: 0.25, output: 0.05, reasoning: 0 },
  embed: { cacheRead: 0, output: 0, reasoning: 0 },
  research: { cacheRead: 0.2, output: 0.1, reasoning: 0.5 },
};

/**
 * Largest uncached input per call. A simulated call stands for one working session of a
 * customer (many turns folded into one provider call), so a few thousand calls carry a realistic
 * spend and the run stays short. No ordinary call reaches a model with a long-context cliff;
 * only the long-context customer's calls do (about 0.8M-1M input on gemini-2.5-pro).
 */
/** Most calls per customer, feature and month. */
const MAX_CALLS = 3;

const MAX_INPUT: Record<DemoFeature, number> = {
  chat: 12_000_000,
  summarise: 8_000_000,
  search: 30_000_000,
  embed: 60_000_000,
  research: 4_000_000,
};

/** Usage ramps up as customers adopt the product: month-1 margins are higher than month-3. */
const AGE_RAMP: Record<'light' | 'heavy', readonly number[]> = {
  light: [0.7, 0.9, 1],
  heavy: [0.5, 0.8, 1],
};

const ADJECTIVES = [
  'amber',
  'blue',
  'bright',
  'cedar',
  'clear',
  'coral',
  'delta',
  'ember',
  'falcon',
  'granite',
  'harbor',
  'indigo',
  'jade',
  'kepler',
  'lumen',
  'maple',
  'north',
  'onyx',
  'pine',
  'quartz',
  'river',
  'summit',
  'tidal',
  'umber',
  'vector',
  'willow',
];
const NOUNS = [
  'labs',
  'works',
  'health',
  'legal',
  'media',
  'logistics',
  'analytics',
  'studio',
  'capital',
  'robotics',
  'foods',
  'energy',
  'systems',
  'learning',
  'retail',
  'travel',
];

function monthsFrom(startIso: string, count: number, offset = 0): DemoMonth[] {
  const start = new Date(startIso);
  const out: DemoMonth[] = [];
  for (let i = offset; i < offset + count; i++) {
    const s = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1);
    const e = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1);
    const d = new Date(s);
    out.push({
      key: `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`,
      start: s,
      end: e,
    });
  }
  return out;
}

/** Whole months from `signup` to `at` (the processor's customer_age_month rule). */
export function ageInMonths(signupAt: number, at: number): number {
  const s = new Date(signupAt);
  const a = new Date(at);
  let months = (a.getUTCFullYear() - s.getUTCFullYear()) * 12 + a.getUTCMonth() - s.getUTCMonth();
  const sRest = signupAt - Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1);
  const aRest = at - Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), 1);
  if (aRest < sRest) months -= 1;
  return Math.max(0, months);
}

/** Cost of one unit of uncached input with the feature's shape, at the period-start price (USD/token). */
function unitCost(feature: DemoFeature, route: Route, at: number): number {
  const period = expectedPeriodAt(`${route.provider}/${route.model}`, at);
  if (!period) return 0.5e-6;
  const p: ExpectedBucketPrices = period.prices;
  const s = SHAPE[feature];
  return (
    (p.input + s.cacheRead * (p.cacheRead ?? p.input) + (s.output + s.reasoning) * p.output) / 1e6
  );
}

/** Like {@link unitCost}, at the long-context (cliff) price. */
function unitCostAboveCliff(route: Route, at: number): number {
  const cliff = expectedPeriodAt(`${route.provider}/${route.model}`, at)?.cliff;
  if (!cliff) return unitCost('summarise', route, at);
  const p = cliff.prices;
  const s = SHAPE.summarise;
  return (p.input + s.cacheRead * (p.cacheRead ?? p.input) + s.output * p.output) / 1e6;
}

function featureMix(rng: Rng, c: DemoCustomer): Partial<Record<DemoFeature, number>> {
  const premium = c.plan === 'pro' || c.plan === 'enterprise';
  if (c.segment === 'long-context') return { summarise: 0.85, chat: 0.1, embed: 0.05 };
  if (c.segment === 'light') {
    return {
      chat: rng.range(0.3, 0.6),
      search: rng.range(0.15, 0.35),
      ...(rng.next() < 0.5 ? { summarise: rng.range(0.1, 0.3) } : {}),
      ...(rng.next() < 0.3 ? { embed: rng.range(0.02, 0.08) } : {}),
    };
  }
  return {
    chat: rng.range(0.15, 0.35),
    summarise: rng.range(0.2, 0.4),
    search: rng.range(0.05, 0.15),
    embed: rng.range(0.02, 0.06),
    ...(premium ? { research: rng.range(0.2, 0.45) } : {}),
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Builds the scenario. Same options, same scenario, call for call. */
export function generateScenario(opts: ScenarioOptions): Scenario {
  const rng = createRng(opts.seed);
  const months = monthsFrom(PERIOD_START, PERIOD_MONTHS);
  const signupMonths = monthsFrom(
    PERIOD_START,
    SIGNUP_LEAD_MONTHS + PERIOD_MONTHS,
    -SIGNUP_LEAD_MONTHS,
  );
  const periodEnd = (months[months.length - 1] as DemoMonth).end;
  const customers: DemoCustomer[] = [];
  const usedIds = new Set<string>();

  for (let i = 0; i < opts.customers; i++) {
    const plan = rng.weighted<DemoPlan>({
      starter: PLANS.starter.weight,
      team: PLANS.team.weight,
      pro: PLANS.pro.weight,
      enterprise: PLANS.enterprise.weight,
    });
    // Signups grow over time: later months are more likely.
    const mIdx = Math.min(
      signupMonths.length - 1,
      Math.floor(signupMonths.length * Math.sqrt(rng.next())),
    );
    const m = signupMonths[mIdx] as DemoMonth;
    // Keep the last signups a few days before the period end, so they have some usage.
    const signup = Math.min(
      m.start + Math.floor(rng.next() * (m.end - m.start)),
      periodEnd - 5 * 864e5,
    );
    const segment: DemoSegment = rng.next() < PLANS[plan].heavyShare ? 'heavy' : 'light';
    let id = `${rng.pick(ADJECTIVES)}-${rng.pick(NOUNS)}`;
    while (usedIds.has(id)) id = `${id}-${pad(rng.int(2, 99), 2)}`;
    usedIds.add(id);
    const signupDate = new Date(signup);
    customers.push({
      id,
      plan,
      mrrUsd: PLANS[plan].mrrUsd,
      signupAt: signupDate.toISOString(),
      cohort: `${signupDate.getUTCFullYear()}-${pad(signupDate.getUTCMonth() + 1, 2)}`,
      segment,
    });
  }
  // The long-context customer: a team-plan legal-tech account reviewing whole contract sets.
  const longContext =
    customers.find((c) => c.plan === 'team' && c.signupAt < PERIOD_START) ?? customers[0];
  if (longContext) {
    Object.assign(longContext, {
      plan: 'team',
      mrrUsd: PLANS.team.mrrUsd,
      segment: 'long-context',
    });
  }
  // The o3 price cut must show: one heavy premium customer uses research before and after it.
  if (
    !customers.some(
      (c) =>
        c.segment === 'heavy' &&
        (c.plan === 'pro' || c.plan === 'enterprise') &&
        c.signupAt < PERIOD_START,
    )
  ) {
    const early =
      customers.find((c) => c !== longContext && c.signupAt < PERIOD_START) ??
      customers.find((c) => c !== longContext);
    if (early) {
      Object.assign(early, {
        plan: 'pro',
        mrrUsd: PLANS.pro.mrrUsd,
        segment: 'heavy',
        ...(early.signupAt < PERIOD_START
          ? {}
          : { signupAt: '2025-04-15T10:00:00.000Z', cohort: '2025-04' }),
      });
    }
  }
  // One team customer also tries a self-hosted model the price book cannot know.
  const experimenter = customers.find((c) => c.plan === 'team' && c.segment === 'light');

  const calls: DemoCall[] = [];
  for (const c of customers) {
    const signup = Date.parse(c.signupAt);
    const ratioSegment = c.segment === 'light' ? 'light' : 'heavy';
    const costRatio =
      c.segment === 'light'
        ? Math.min(0.45, Math.max(0.05, rng.logNormal(0.22, 0.35)))
        : c.segment === 'heavy'
          ? Math.min(1.8, Math.max(0.4, rng.logNormal(1.05, 0.25)))
          : 1.5;
    const mix = featureMix(rng, c);
    const mixTotal = Object.values(mix).reduce((s, w) => s + (w ?? 0), 0);
    months.forEach((month, monthIdx) => {
      const activeFrom = Math.max(month.start, signup);
      if (activeFrom >= month.end) return;
      const activeShare = (month.end - activeFrom) / (month.end - month.start);
      const age = ageInMonths(signup, month.end - 1);
      const ramp = AGE_RAMP[ratioSegment];
      const monthCost =
        c.mrrUsd * costRatio * (ramp[Math.min(age, ramp.length - 1)] ?? 1) * activeShare;
      for (const feature of FEATURES) {
        const weight = mix[feature];
        if (!weight) continue;
        const route = routeFor(feature, c);
        const featureCost = (monthCost * weight) / mixTotal;
        const perUnit = unitCost(feature, route, month.start);
        let totalInput = featureCost / perUnit;
        const longCall = c.segment === 'long-context' && feature === 'summarise';
        // A handful of calls per feature and month; big spend makes bigger calls, not more calls.
        const baseCalls = c.segment === 'light' ? 1 : 2;
        let n = Math.min(
          MAX_CALLS,
          Math.max(baseCalls, Math.ceil(totalInput / MAX_INPUT[feature])),
        );
        if (longCall) {
          // Whole contract sets in one context: every call is far past the 200k cliff.
          n = Math.max(
            1,
            Math.round(featureCost / unitCostAboveCliff(route, month.start) / 600_000),
          );
          totalInput = n * 600_000;
        }
        const maxInput = longCall ? 640_000 : Number.POSITIVE_INFINITY;
        for (let k = 0; k < n; k++) {
          const jitter = longCall ? rng.range(0.85, 1.15) : rng.range(0.6, 1.4);
          const input = Math.max(40, Math.min(maxInput, Math.round((totalInput / n) * jitter)));
          const s = SHAPE[feature];
          const isAnthropic = route.provider === 'anthropic' || route.provider === 'aws.bedrock';
          // Anthropic-style caches: the first call of a month writes the cache, later ones read it.
          const cacheWrite5m = isAnthropic && k === 0 ? Math.round(input * 0.3) : 0;
          const cacheRead = isAnthropic && k === 0 ? 0 : Math.round(input * s.cacheRead);
          calls.push({
            id: calls.length,
            month: monthIdx,
            at: activeFrom + Math.floor(rng.next() * (month.end - activeFrom)),
            customerId: c.id,
            feature,
            ...route,
            usage: {
              input,
              cacheRead,
              cacheWrite5m,
              output: Math.max(feature === 'embed' ? 0 : 1, Math.round(input * s.output)),
              reasoning: Math.round(input * s.reasoning),
            },
          });
        }
      }
      if (c === experimenter && monthIdx >= PERIOD_MONTHS - 3) {
        for (let k = 0; k < 3; k++) {
          calls.push({
            id: calls.length,
            month: monthIdx,
            at: activeFrom + Math.floor(rng.next() * (month.end - activeFrom)),
            customerId: c.id,
            feature: 'search',
            ...ROUTES.unpriced,
            usage: { input: 2_000, cacheRead: 0, cacheWrite5m: 0, output: 300, reasoning: 0 },
          });
        }
      }
    });
  }
  // Chronological order within each month (the driver runs month by month).
  calls.sort((a, b) => a.month - b.month || a.at - b.at || a.id - b.id);
  calls.forEach((call, i) => {
    call.id = i;
  });
  return { seed: opts.seed, months, customers, calls };
}

/** True when the demo's own price table knows the call's model (otherwise it is unpriced usage). */
export function isKnownModel(call: DemoCall): boolean {
  return EXPECTED_PRICES[`${call.provider}/${call.model}`] !== undefined;
}
