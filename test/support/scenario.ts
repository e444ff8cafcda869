/**
 * The scripted scenario of the live end-to-end test, and the figures it must produce, computed
 * here from a hand-written price table — never from the code under test.
 *
 * Three customers on two providers and four features, with prompt-cache hits and writes, one
 * unpriced model, usage revenue rules, subscription MRR, and a price cut of one model whose
 * effective instant is chosen at run time between the two phases of calls (live spans carry real
 * timestamps, so the change must fall between them).
 *
 * Usage per call travels in the prompt (`usage:in=..,out=..,cr=..,cw=..`) and the provider
 * simulator's reply script answers with exactly that usage.
 */
import type { ReplyScript, SimReply } from '@ai-margin/provider-sim';

export type Route = 'chat' | 'summarise' | 'search';
export type Provider = 'openai' | 'anthropic';

/** Non-overlapping token buckets, as the simulator and the metric's token_type use them. */
export interface Usage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite5m?: number;
}

/** USD per 1M tokens. */
interface Prices {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite5m?: number;
}

export interface Call {
  customer: string;
  route: Route;
  model: string;
  usage: Usage;
  phase: 1 | 2;
}

export const PROVIDER_OF_ROUTE: Record<Route, Provider> = {
  chat: 'openai',
  search: 'openai',
  summarise: 'anthropic',
};

export const SMALL = 'e2e-gpt-small';
export const LARGE = 'e2e-gpt-large';
export const CLAUDE = 'e2e-claude';
export const UNPRICED = 'e2e-gpt-unpriced';

/** Phase-1 prices; SMALL gets PHASE2_SMALL from the price change on. */
const PRICES: Record<string, Prices> = {
  [SMALL]: { input: 0.4, output: 1.6, cacheRead: 0.1 },
  [LARGE]: { input: 5, output: 20, cacheRead: 1.25 },
  [CLAUDE]: { input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75 },
};
const PHASE2_SMALL: Prices = { input: 0.2, output: 0.8, cacheRead: 0.05 };

/** Usage revenue rules given to the service (mirrored by `revenueOfCall`). */
export const REVENUE_RULES = [
  { kind: 'per_use', feature: 'search', usd: 0.01 },
  { kind: 'per_token', feature: 'summarise', usdPerMillion: 20, tokenTypes: ['output'] },
];

function revenueOfCall(c: Call): number {
  if (c.route === 'search') return 0.01;
  if (c.route === 'summarise') return (c.usage.output * 20) / 1e6;
  return 0;
}

export interface CustomerSpec {
  id: string;
  plan: string;
  mrrUsd?: number;
  segment: string;
  /** Whole months between signup (the 1st of a month, 00:00 UTC) and now. */
  ageMonths: number;
}

export const CUSTOMERS: CustomerSpec[] = [
  { id: 'acme', plan: 'pro', mrrUsd: 99, segment: 'smb', ageMonths: 3 },
  { id: 'globex', plan: 'enterprise', mrrUsd: 1500, segment: 'enterprise', ageMonths: 12 },
  { id: 'initech', plan: 'free', segment: 'smb', ageMonths: 1 },
];

/** The first of the month `months` before `now`'s month, as `YYYY-MM-01`. */
export function monthStart(now: Date, monthsBack: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
  return d.toISOString().slice(0, 10);
}

export function customersFile(now: Date): unknown[] {
  return CUSTOMERS.map((c) => ({
    id: c.id,
    plan: c.plan,
    ...(c.mrrUsd !== undefined ? { mrrUsd: c.mrrUsd } : {}),
    segment: c.segment,
    signupDate: monthStart(now, c.ageMonths),
  }));
}

export function cohortOf(c: CustomerSpec, now: Date): string {
  return monthStart(now, c.ageMonths).slice(0, 7);
}

/** The user price file: every model from 2020 on; SMALL cut to PHASE2_SMALL at `changeAt`. */
export function priceFile(changeAt: Date): unknown {
  const source = 'ai-margin e2e test price table';
  const period = (from: string, p: Prices) => ({ effectiveFrom: from, prices: p, source });
  return {
    providers: [
      {
        provider: 'openai',
        currency: 'USD',
        models: [
          {
            id: SMALL,
            periods: [
              period('2020-01-01T00:00:00Z', PRICES[SMALL]!),
              period(changeAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), PHASE2_SMALL),
            ],
          },
          { id: LARGE, periods: [period('2020-01-01T00:00:00Z', PRICES[LARGE]!)] },
        ],
      },
      {
        provider: 'anthropic',
        currency: 'USD',
        models: [{ id: CLAUDE, periods: [period('2020-01-01T00:00:00Z', PRICES[CLAUDE]!)] }],
      },
    ],
  };
}

export function pricesFor(model: string, phase: 1 | 2): Prices | undefined {
  if (model === SMALL && phase === 2) return PHASE2_SMALL;
  return PRICES[model];
}

/** Cost of one call in USD, or undefined for an unpriced model. */
export function costOfCall(c: Call): number | undefined {
  const p = pricesFor(c.model, c.phase);
  if (!p) return undefined;
  const u = c.usage;
  return (
    (u.input * p.input +
      u.output * p.output +
      (u.cacheRead ?? 0) * (p.cacheRead ?? p.input) +
      (u.cacheWrite5m ?? 0) * (p.cacheWrite5m ?? p.input)) /
    1e6
  );
}

const call = (
  customer: string,
  route: Route,
  model: string,
  usage: Usage,
  phase: 1 | 2 = 1,
): Call => ({
  customer,
  route,
  model,
  usage,
  phase,
});

/**
 * Prime calls: the first call of every (customer, feature, model) with every token bucket that
 * combination will use, each below 10 tokens. VictoriaMetrics' increase() counts a new series'
 * first sample only when it is small next to the following delta; Prometheus' never counts it.
 * Exporting these tiny samples first lets window queries see (almost) every token.
 */
export const PRIME_CALLS: Call[] = [
  call('acme', 'chat', SMALL, { input: 3, output: 2, cacheRead: 1 }),
  call('acme', 'search', SMALL, { input: 2, output: 1 }),
  call('acme', 'summarise', CLAUDE, { input: 4, output: 3 }),
  call('acme', 'chat', UNPRICED, { input: 5, output: 5 }),
  call('globex', 'chat', LARGE, { input: 5, output: 2, cacheRead: 1 }),
  call('globex', 'summarise', CLAUDE, { input: 3, output: 2, cacheRead: 1, cacheWrite5m: 1 }),
  call('initech', 'chat', LARGE, { input: 2, output: 1 }),
  call('initech', 'search', SMALL, { input: 2, output: 1 }),
];

export const PHASE1_CALLS: Call[] = [
  call('acme', 'chat', SMALL, { input: 12_000, output: 3_000, cacheRead: 20_000 }),
  call('acme', 'search', SMALL, { input: 800, output: 100 }),
  call('acme', 'search', SMALL, { input: 800, output: 100 }),
  call('acme', 'search', SMALL, { input: 800, output: 100 }),
  call('acme', 'summarise', CLAUDE, { input: 6_000, output: 900 }),
  call('globex', 'chat', LARGE, { input: 30_000, output: 4_000, cacheRead: 90_000 }),
  call('globex', 'chat', LARGE, { input: 30_000, output: 4_000, cacheRead: 90_000 }),
  call('globex', 'summarise', CLAUDE, {
    input: 10_000,
    output: 1_500,
    cacheRead: 40_000,
    cacheWrite5m: 8_000,
  }),
  call('initech', 'chat', LARGE, { input: 150_000, output: 30_000 }),
  call('initech', 'chat', LARGE, { input: 150_000, output: 30_000 }),
  call('initech', 'search', SMALL, { input: 500, output: 50 }),
];

export const PHASE2_CALLS: Call[] = [
  call('acme', 'chat', SMALL, { input: 12_000, output: 3_000, cacheRead: 20_000 }, 2),
  call('acme', 'search', SMALL, { input: 800, output: 100 }, 2),
  call('acme', 'search', SMALL, { input: 800, output: 100 }, 2),
  call('initech', 'search', SMALL, { input: 500, output: 50 }, 2),
  call('initech', 'search', SMALL, { input: 500, output: 50 }, 2),
  call('globex', 'chat', LARGE, { input: 30_000, output: 4_000, cacheRead: 90_000 }, 2),
  call('initech', 'chat', LARGE, { input: 150_000, output: 30_000 }, 2),
];

export const ALL_CALLS: Call[] = [...PRIME_CALLS, ...PHASE1_CALLS, ...PHASE2_CALLS];

/** The prompt that carries a call's usage to the simulator. */
export function promptOf(c: Call): string {
  const u = c.usage;
  return `usage:in=${u.input},out=${u.output},cr=${u.cacheRead ?? 0},cw=${u.cacheWrite5m ?? 0}`;
}

/** Simulator script: answers with the usage named in the prompt (the default script otherwise). */
export const usageScript: ReplyScript = (simCall) => {
  const m = /usage:in=(\d+),out=(\d+),cr=(\d+),cw=(\d+)/.exec(JSON.stringify(simCall.body ?? ''));
  if (!m) return { errorStatus: 400, text: 'e2e: no usage marker in prompt' } satisfies SimReply;
  return {
    usage: {
      input: Number(m[1]),
      output: Number(m[2]),
      cacheRead: Number(m[3]),
      cacheWrite5m: Number(m[4]),
    },
  };
};

// ---- expected figures -------------------------------------------------------------------------

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

export interface Expected {
  /** Variable cost by customer / provider|model / feature / customer|feature|provider|model. */
  costByCustomer: Map<string, number>;
  costByModel: Map<string, number>;
  costByFeature: Map<string, number>;
  costBySeries: Map<string, number>;
  /** Usage revenue by customer and by feature. */
  usageRevenueByCustomer: Map<string, number>;
  usageRevenueByFeature: Map<string, number>;
  /** Requests by customer / feature, all calls (priced or not). */
  requestsByCustomer: Map<string, number>;
  requestsByFeature: Map<string, number>;
  requestsUnpriced: number;
  /** Unpriced calls by provider|model|reason (every unpriced scenario model is unknown). */
  unpricedByModel: Map<string, number>;
  requestsTotal: number;
  /** Tokens (all buckets) by customer; by provider|model; by provider|model|token_type. */
  tokensByCustomer: Map<string, number>;
  tokensByModel: Map<string, number>;
  tokensByModelType: Map<string, number>;
  mrr: Map<string, number>;
  totalCost: number;
}

const BUCKET_LABEL: Record<keyof Usage, string> = {
  input: 'input',
  output: 'output',
  cacheRead: 'cache_read',
  cacheWrite5m: 'cache_write_5m',
};

export function expectedFor(calls: readonly Call[]): Expected {
  const e: Expected = {
    costByCustomer: new Map(),
    costByModel: new Map(),
    costByFeature: new Map(),
    costBySeries: new Map(),
    usageRevenueByCustomer: new Map(),
    usageRevenueByFeature: new Map(),
    requestsByCustomer: new Map(),
    requestsByFeature: new Map(),
    requestsUnpriced: 0,
    unpricedByModel: new Map(),
    requestsTotal: 0,
    tokensByCustomer: new Map(),
    tokensByModel: new Map(),
    tokensByModelType: new Map(),
    mrr: new Map(CUSTOMERS.filter((c) => c.mrrUsd !== undefined).map((c) => [c.id, c.mrrUsd!])),
    totalCost: 0,
  };
  for (const c of calls) {
    const provider = PROVIDER_OF_ROUTE[c.route];
    const cost = costOfCall(c);
    if (cost !== undefined) {
      add(e.costByCustomer, c.customer, cost);
      add(e.costByModel, `${provider}|${c.model}`, cost);
      add(e.costByFeature, c.route, cost);
      add(e.costBySeries, `${c.customer}|${c.route}|${provider}|${c.model}`, cost);
      e.totalCost += cost;
    } else {
      e.requestsUnpriced++;
      add(e.unpricedByModel, `${provider}|${c.model}|unknown_model`, 1);
    }
    e.requestsTotal++;
    add(e.requestsByCustomer, c.customer, 1);
    add(e.requestsByFeature, c.route, 1);
    const rev = revenueOfCall(c);
    if (rev > 0) {
      add(e.usageRevenueByCustomer, c.customer, rev);
      add(e.usageRevenueByFeature, c.route, rev);
    }
    for (const [bucket, label] of Object.entries(BUCKET_LABEL) as Array<[keyof Usage, string]>) {
      const n = c.usage[bucket] ?? 0;
      if (n === 0) continue;
      add(e.tokensByCustomer, c.customer, n);
      add(e.tokensByModel, `${provider}|${c.model}`, n);
      add(e.tokensByModelType, `${provider}|${c.model}|${label}`, n);
    }
  }
  return e;
}
