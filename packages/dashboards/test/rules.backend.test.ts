/**
 * Runs the committed rule files through the real promtool 2.53: `check rules`, then unit tests
 * with hand-computed expected values for every recording rule and, for every alert, a case where
 * it fires and one where it does not. Inputs are chosen so every result is exactly representable
 * (promtool compares floats exactly); windows end on a sample so increase() does not extrapolate.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GENERATED, runPromtool } from './helpers/promtool';

const RULE_FILES = [
  join(GENERATED, 'rules/ai-margin-recording.yml'),
  join(GENERATED, 'rules/ai-margin-alerts.yml'),
];
const RUNBOOK = 'https://github.com/ai-margin/ai-margin/blob/main/docs/dashboards.md';
const tmp = mkdtempSync(join(tmpdir(), 'ai-margin-promtool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HOURS = 720; // evaluate at 30d, one sample per hour from t=0
const EVAL = '720h';

/** `0+<perHour>x720`: a counter growing by perHour every hour. */
const counter = (perHour: number) => `0+${perHour}x${HOURS}`;
const gauge = (v: number) => `${v}x${HOURS}`;

type Series = { series: string; values: string };
type Sample = { labels: string; value: number };

const cost = (
  customer: string,
  feature: string,
  provider: string,
  model: string,
  inst: string,
  perHour: number,
): Series => ({
  series: `ai_margin_cost_usd_total{customer_id="${customer}",feature="${feature}",provider="${provider}",model="${model}",cost_type="llm",instance="${inst}"}`,
  values: counter(perHour),
});
const info = (customer: string, plan: string, cohort: string, age: string, inst = 'a'): Series => ({
  series: `ai_margin_customer_info{customer_id="${customer}",plan="${plan}",customer_cohort="${cohort}",customer_age_month="${age}",segment="smb",instance="${inst}"}`,
  values: gauge(1),
});
const mrr = (customer: string, plan: string, usd: number, inst = 'a'): Series => ({
  series: `ai_margin_customer_mrr_usd{customer_id="${customer}",plan="${plan}",instance="${inst}"}`,
  values: gauge(usd),
});
const requests = (customer: string, priced: string, perHour: number): Series => ({
  series: `ai_margin_requests_total{customer_id="${customer}",feature="f",provider="p",model="m",priced="${priced}",instance="a"}`,
  values: counter(perHour),
});
const tokens = (customer: string, perHour: number): Series => ({
  series: `ai_margin_tokens_total{customer_id="${customer}",feature="f",provider="p",model="m",token_type="input",instance="a"}`,
  values: counter(perHour),
});

// ---- main data set: four customers, two replicas for some series --------------------------
// per hour: alice cost 0.5, usage revenue 0.25, MRR 720 (= 1/h over a 30-day month)
//           bob   cost 2 (1 + 1 on two replicas), no revenue at all (worst case)
//           carol MRR 360 (0.5/h), no cost
//           dave  cost 1.75, MRR 1440 (2/h)
const MAIN: Series[] = [
  cost('alice', 'chat', 'openai', 'gpt-4o', 'a', 0.5),
  cost('bob', 'search', 'anthropic', 'claude-sonnet-4', 'a', 1),
  cost('bob', 'search', 'anthropic', 'claude-sonnet-4', 'b', 1),
  cost('dave', 'search', 'openai', 'gpt-4o', 'a', 1.75),
  {
    series:
      'ai_margin_revenue_usd_total{customer_id="alice",feature="chat",revenue_type="usage",instance="a"}',
    values: counter(0.25),
  },
  mrr('alice', 'pro', 720, 'a'),
  mrr('alice', 'pro', 720, 'b'),
  mrr('carol', 'pro', 360),
  mrr('dave', 'team', 1440),
  info('alice', 'pro', '2026-01', '2', 'a'),
  info('alice', 'pro', '2026-01', '2', 'b'),
  info('bob', 'free', '2026-03', '0'),
  info('carol', 'pro', '2026-03', '0'),
  info('dave', 'team', '2026-01', '2'),
  requests('alice', 'true', 4),
  requests('bob', 'true', 8),
  requests('dave', 'true', 2),
  requests('dave', 'false', 2),
  tokens('alice', 1000),
  tokens('bob', 4000),
  tokens('dave', 3000),
  // A newer openai major whose methods were found and patched: reported, but no alert.
  {
    series: 'ai_margin_sdk_info{sdk="openai",sdk_version="8.0.0",status="untested",instance="a"}',
    values: gauge(1),
  },
  {
    series:
      'ai_margin_fixed_cost_monthly_usd{pool="vector_db",allocate_by="requests",instance="a"}',
    values: gauge(720),
  },
  {
    series:
      'ai_margin_fixed_cost_monthly_usd{pool="vector_db",allocate_by="requests",instance="b"}',
    values: gauge(720),
  },
  {
    series: 'ai_margin_fixed_cost_monthly_usd{pool="gpu",allocate_by="tokens",instance="a"}',
    values: gauge(1440),
  },
  {
    series:
      'ai_margin_unpriced_requests_total{provider="openai",model="gpt-9",reason="unknown_model"}',
    values: counter(2),
  },
  {
    series: 'ai_margin_cardinality_overflow_total{metric="ai_margin.cost.usd"}',
    values: counter(5),
  },
  {
    series: 'ai_margin_reconciliation_ratio{provider="openai",model="gpt-4o"}',
    values: gauge(1.25),
  },
  {
    series: 'ai_margin_reconciliation_ratio{provider="anthropic",model="claude-sonnet-4"}',
    values: gauge(1),
  },
];

const WINDOW_HOURS = { '1h': 1, '1d': 24, '7d': 168, '30d': 720 } as const;

/** Hand-computed per-hour figures of the main data set (see the comment above MAIN). */
const PER_HOUR = {
  cost: { alice: 0.5, bob: 2, dave: 1.75 },
  usageRevenue: { alice: 0.25 },
  revenue: { alice: 1.25, carol: 0.5, dave: 2 },
  margin: { alice: 0.75, bob: -2, carol: 0.5, dave: 0.25 },
  // requests pool 720/month split 4:8:4 (+) tokens pool 1440/month split 1000:4000:3000
  fixed: { alice: 0.25 + 0.25, bob: 0.5 + 1, dave: 0.25 + 0.75 },
  costToServe: { alice: 0.5 + 0.5, bob: 2 + 1.5, dave: 1.75 + 1 },
} as const;

function perCustomer(
  record: string,
  perHour: Record<string, number>,
  h: number,
): { expr: string; samples: Sample[] } {
  return {
    expr: record,
    samples: Object.entries(perHour).map(([c, v]) => ({
      labels: `${record}{customer_id="${c}"}`,
      value: v * h,
    })),
  };
}

/** The rollups the dashboards read (per customer and model/feature), per window of h hours. */
function rollupExpectations(w: string, h: number): { expr: string; samples: Sample[] }[] {
  const rows = (record: string, rs: [string, number][]) => ({
    expr: record,
    samples: rs.map(([labels, perHour]) => ({
      labels: `${record}{${labels}}`,
      value: perHour * h,
    })),
  });
  const alice = 'provider="openai",model="gpt-4o"';
  const bob = 'provider="anthropic",model="claude-sonnet-4"';
  // The 30-day cost detail is recorded in shards by the id's last letter: alice, bob and dave
  // end in a-m, the third shard.
  const shard = w === '30d' ? ',ai_margin_shard="2"' : '';
  return [
    rows(`customer_feature_model:ai_margin_cost_usd:increase${w}`, [
      [`customer_id="alice",feature="chat",${alice},cost_type="llm"${shard}`, 0.5],
      [`customer_id="bob",feature="search",${bob},cost_type="llm"${shard}`, 2],
      [`customer_id="dave",feature="search",${alice},cost_type="llm"${shard}`, 1.75],
    ]),
    rows(`customer_model:ai_margin_cost_usd:increase${w}`, [
      [`customer_id="alice",${alice}`, 0.5],
      [`customer_id="bob",${bob}`, 2],
      [`customer_id="dave",${alice}`, 1.75],
    ]),
    rows(`customer_feature:ai_margin_cost_usd:increase${w}`, [
      ['customer_id="alice",feature="chat"', 0.5],
      ['customer_id="bob",feature="search"', 2],
      ['customer_id="dave",feature="search"', 1.75],
    ]),
    rows(`model_feature:ai_margin_cost_usd:increase${w}`, [
      [`${alice},feature="chat",cost_type="llm"`, 0.5],
      [`${bob},feature="search",cost_type="llm"`, 2],
      [`${alice},feature="search",cost_type="llm"`, 1.75],
    ]),
    rows(`customer:ai_margin_requests:increase${w}`, [
      ['customer_id="alice"', 4],
      ['customer_id="bob"', 8],
      ['customer_id="dave"', 4],
    ]),
    rows(`customer:ai_margin_tokens:increase${w}`, [
      ['customer_id="alice"', 1000],
      ['customer_id="bob"', 4000],
      ['customer_id="dave"', 3000],
    ]),
    rows(`model_feature:ai_margin_requests:increase${w}`, [
      ['provider="p",model="m",feature="f",priced="true"', 14],
      ['provider="p",model="m",feature="f",priced="false"', 2],
    ]),
    rows(`model_feature:ai_margin_tokens:increase${w}`, [
      ['provider="p",model="m",feature="f",token_type="input"', 8000],
    ]),
  ];
}

function mainRecordingExpectations(): { expr: string; samples: Sample[] }[] {
  const out: { expr: string; samples: Sample[] }[] = [];
  for (const [w, h] of Object.entries(WINDOW_HOURS)) {
    out.push(perCustomer(`customer:ai_margin_cost_usd:increase${w}`, PER_HOUR.cost, h));
    out.push(
      perCustomer(`customer:ai_margin_usage_revenue_usd:increase${w}`, PER_HOUR.usageRevenue, h),
    );
    out.push(perCustomer(`customer:ai_margin_revenue_usd:${w}`, PER_HOUR.revenue, h));
    out.push(perCustomer(`customer:ai_margin_margin_usd:${w}`, PER_HOUR.margin, h));
    const ratio = `customer:ai_margin_margin_ratio:${w}`;
    out.push({
      expr: ratio,
      samples: [
        { labels: `${ratio}{customer_id="alice"}`, value: (0.75 * h) / (1.25 * h) },
        { labels: `${ratio}{customer_id="carol"}`, value: 1 },
        { labels: `${ratio}{customer_id="dave"}`, value: (0.25 * h) / (2 * h) },
      ],
    });
    out.push(perCustomer(`customer:ai_margin_fixed_cost_allocated_usd:${w}`, PER_HOUR.fixed, h));
    out.push(perCustomer(`customer:ai_margin_cost_to_serve_usd:${w}`, PER_HOUR.costToServe, h));
    out.push(...rollupExpectations(w, h));
  }
  for (const w of ['7d', '30d'] as const) {
    const h = WINDOW_HOURS[w];
    // 3 customers with cost -> top ceil(0.6) = 1 customer: bob.
    out.push({
      expr: `ai_margin:top20_cost_share:${w}`,
      samples: [{ labels: `ai_margin:top20_cost_share:${w}`, value: (2 * h) / (4.25 * h) }],
    });
    // ratios: alice 0.6, carol 1, dave 0.125
    const bands: [string, number][] = [
      ['below 0%', 0],
      ['0-20%', 1],
      ['20-40%', 0],
      ['40-60%', 0],
      ['60-80%', 1],
      ['80% and above', 1],
    ];
    out.push({
      expr: `ai_margin:customers_by_margin_band:${w}`,
      samples: bands.map(([band, n]) => ({
        labels: `ai_margin:customers_by_margin_band:${w}{band="${band}"}`,
        value: n,
      })),
    });
    out.push({
      expr: `ai_margin:underwater_customers:${w}`,
      samples: [{ labels: `ai_margin:underwater_customers:${w}`, value: 1 }],
    });
  }
  // 30d cohorts: 2026-01 = alice + dave: margin 540 + 180, revenue 900 + 1440;
  //              2026-03 = bob + carol: margin -1440 + 360, revenue (carol only) 360.
  out.push({
    expr: 'cohort:ai_margin_margin_ratio:30d',
    samples: [
      { labels: 'cohort:ai_margin_margin_ratio:30d{customer_cohort="2026-01"}', value: 720 / 2340 },
      { labels: 'cohort:ai_margin_margin_ratio:30d{customer_cohort="2026-03"}', value: -3 },
    ],
  });
  out.push({
    expr: 'cohort:ai_margin_margin_usd:30d',
    samples: [
      { labels: 'cohort:ai_margin_margin_usd:30d{customer_cohort="2026-01"}', value: 720 },
      { labels: 'cohort:ai_margin_margin_usd:30d{customer_cohort="2026-03"}', value: -1080 },
    ],
  });
  out.push({
    expr: 'age_month:ai_margin_margin_ratio:30d',
    samples: [
      { labels: 'age_month:ai_margin_margin_ratio:30d{customer_age_month="2"}', value: 720 / 2340 },
      { labels: 'age_month:ai_margin_margin_ratio:30d{customer_age_month="0"}', value: -3 },
    ],
  });
  // Three customers with cost: all of them are in the top 10.
  out.push(perCustomer('top_customer:ai_margin_cost_usd:increase1h', PER_HOUR.cost, 1));
  // Scope totals of the last hour: cost 0.5 + 2 + 1.75, revenue 1.25 + 0.5 + 2.
  out.push({
    expr: 'ai_margin:cost_usd:increase1h',
    samples: [{ labels: 'ai_margin:cost_usd:increase1h', value: 4.25 }],
  });
  out.push({
    expr: 'ai_margin:revenue_usd:1h',
    samples: [{ labels: 'ai_margin:revenue_usd:1h', value: 3.75 }],
  });
  // 1h: 2 unpriced of 16 requests.
  out.push({
    expr: 'ai_margin:unpriced_request_share:1h',
    samples: [{ labels: 'ai_margin:unpriced_request_share:1h', value: 2 / 16 }],
  });
  return out;
}

const ALERTS = [
  'AiMarginNegativeMarginCustomer',
  'AiMarginCustomerAtRisk',
  'AiMarginCohortDegradation',
  'AiMarginUnpricedUsage',
  'AiMarginPriceBookStale',
  'AiMarginCustomerCostSpike',
  'AiMarginCardinalityOverflow',
  'AiMarginRejectedAmounts',
  'AiMarginReconciliationDrift',
] as const;
type AlertName = (typeof ALERTS)[number];

type ExpAlert = { exp_labels: Record<string, string>; exp_annotations?: Record<string, string> };

function alertCase(name: AlertName, exp: ExpAlert[]) {
  return { eval_time: EVAL, alertname: name, exp_alerts: exp };
}

const ann = (summary: string, description: string, anchor: string) => ({
  summary,
  description,
  runbook_url: `${RUNBOOK}#${anchor}`,
});

/** The main data set fires: negative margin (bob), at risk (dave), unpriced, overflow, drift. */
const MAIN_ALERTS: Record<AlertName, ExpAlert[]> = {
  AiMarginNegativeMarginCustomer: [
    {
      exp_labels: { severity: 'critical', team: 'ai-margin', customer_id: 'bob' },
      exp_annotations: ann(
        'Customer bob costs more to serve than it pays',
        'Contribution margin of bob over the last 30d is -1440.00 USD (revenue minus variable cost). Every request from this customer loses money.',
        'negative-margin-customer',
      ),
    },
  ],
  AiMarginCustomerAtRisk: [
    {
      exp_labels: { severity: 'warning', team: 'ai-margin', customer_id: 'dave' },
      exp_annotations: ann(
        'Customer dave margin is below 20%',
        'Margin ratio of dave over the last 30d is 12.5%, below the 20% floor but not yet negative.',
        'customer-at-risk',
      ),
    },
  ],
  AiMarginCohortDegradation: [], // age month 0 (-300%) is below age month 2 (31%): no degradation
  AiMarginUnpricedUsage: [
    {
      exp_labels: {
        severity: 'warning',
        team: 'ai-margin',
        provider: 'openai',
        model: 'gpt-9',
        reason: 'unknown_model',
      },
      exp_annotations: ann(
        'Unpriced calls to openai/gpt-9 (unknown_model)',
        '2 calls in the last hour to model gpt-9 of openai could not be priced (reason unknown_model); their cost is missing from every margin figure.',
        'unpriced-usage',
      ),
    },
  ],
  AiMarginPriceBookStale: [], // no price-book gauge in this data set
  AiMarginCustomerCostSpike: [], // steady costs
  AiMarginCardinalityOverflow: [
    {
      exp_labels: { severity: 'warning', team: 'ai-margin', metric: 'ai_margin.cost.usd' },
      exp_annotations: ann(
        'Cardinality cap reached for ai_margin.cost.usd',
        '5 events in the last hour were folded into the overflow series of ai_margin.cost.usd; per-customer figures for new customers are incomplete.',
        'cardinality-overflow',
      ),
    },
  ],
  AiMarginRejectedAmounts: [], // no amount refused
  AiMarginReconciliationDrift: [
    {
      exp_labels: { severity: 'warning', team: 'ai-margin', provider: 'openai', model: 'gpt-4o' },
      exp_annotations: ann(
        'Provider-reported cost of openai/gpt-4o differs from live pricing',
        'Reported cost differs from provisional (live-priced) cost by 25% for openai/gpt-4o on the latest reconciled day (tolerance 5%).',
        'reconciliation-drift',
      ),
    },
  ],
};

// ---- second data set: age-month-0 customer at 75% margin, age-month-2 customer at 25% --------------
const DEGRADATION: Series[] = [
  // An SDK module loaded but not patchable (reported by two replicas): one unpriced-usage alert.
  {
    series:
      'ai_margin_sdk_info{sdk="@google/genai",sdk_version="4.0.0",status="unpatched",instance="a"}',
    values: gauge(1),
  },
  {
    series:
      'ai_margin_sdk_info{sdk="@google/genai",sdk_version="4.0.0",status="unpatched",instance="b"}',
    values: gauge(1),
  },
  // 3 revenue events per hour refused (amount out of range): the rejected-amounts alert fires.
  {
    series: 'ai_margin_rejected_amounts_total{kind="revenue_event",instance="a"}',
    values: counter(3),
  },
  mrr('frank', 'pro', 720),
  mrr('gina', 'pro', 720),
  cost('frank', 'chat', 'openai', 'gpt-4o', 'a', 0.25),
  cost('gina', 'chat', 'openai', 'gpt-4o', 'a', 0.75),
  info('frank', 'pro', '2026-05', '0'),
  info('gina', 'pro', '2026-03', '2'),
  {
    series: 'ai_margin_reconciliation_ratio{provider="openai",model="gpt-4o"}',
    values: gauge(1.03),
  },
];
const DEGRADATION_ALERTS: Record<AlertName, ExpAlert[]> = {
  AiMarginNegativeMarginCustomer: [],
  AiMarginCustomerAtRisk: [],
  AiMarginCohortDegradation: [
    {
      exp_labels: { severity: 'warning', team: 'ai-margin' },
      exp_annotations: ann(
        'Customers at age month 2 earn a much lower margin than at age month 0',
        'Margin ratio of customers at age month 2 is 50% points below that of customers at age month 0 (last 30d). Usage grows faster than revenue as customers mature.',
        'cohort-margin-degradation',
      ),
    },
  ],
  AiMarginUnpricedUsage: [
    {
      exp_labels: {
        severity: 'warning',
        team: 'ai-margin',
        provider: '@google/genai',
        model: '4.0.0',
        reason: 'sdk_unpatched',
      },
      exp_annotations: ann(
        'Unpriced calls to @google/genai/4.0.0 (sdk_unpatched)',
        'The SDK @google/genai 4.0.0 is loaded but ai-margin could not instrument it: its calls make no span and their cost is missing from every margin figure.',
        'unpriced-usage',
      ),
    },
  ],
  AiMarginPriceBookStale: [],
  AiMarginCustomerCostSpike: [],
  AiMarginCardinalityOverflow: [],
  AiMarginRejectedAmounts: [
    {
      exp_labels: { severity: 'warning', team: 'ai-margin', kind: 'revenue_event' },
      exp_annotations: ann(
        'USD amounts rejected by the processor (revenue_event)',
        '3 amounts of kind revenue_event in the last hour were not counted: they were not finite numbers between 0 and 1e9 USD. Cost or revenue totals miss them.',
        'rejected-amounts',
      ),
    },
  ],
  AiMarginReconciliationDrift: [], // 3% is inside the 5% tolerance
};

// ---- third data set: eve spends 0.25/h for 29 days 23 hours, then 10 in the last hour --------
const SPIKE: Series[] = [
  {
    series:
      'ai_margin_cost_usd_total{customer_id="eve",feature="chat",provider="openai",model="gpt-4o",cost_type="llm",instance="a"}',
    values: `0+0.25x${HOURS - 1} ${0.25 * (HOURS - 1) + 10}`,
  },
];

// ---- fourth data set: the price book's age against unknown-model usage ------------------------
// At 720h, time() = 2592000: a newest price at -8640000 s is 130 days old (over the 120-day
// default), one at 0 is 30 days old.
const bookAge = (version: string, newestPriceSeconds: number, inst: string): Series => ({
  series: `ai_margin_price_book_newest_price_timestamp_seconds{version="${version}",instance="${inst}"}`,
  values: gauge(newestPriceSeconds),
});
const unpriced = (model: string, reason: string, perHour: number): Series => ({
  series: `ai_margin_unpriced_requests_total{provider="openai",model="${model}",reason="${reason}",instance="a"}`,
  values: counter(perHour),
});
const STALE_DAYS_AGO = -100 * 86_400;
/** Every alert quiet but the unpriced-usage one, which any unpriced call fires. */
function bookAlerts(stale: ExpAlert[], unpricedModels: Array<[string, string]>) {
  const alerts = Object.fromEntries(ALERTS.map((a) => [a, [] as ExpAlert[]])) as Record<
    AlertName,
    ExpAlert[]
  >;
  alerts.AiMarginPriceBookStale = stale;
  alerts.AiMarginUnpricedUsage = unpricedModels.map(([model, reason]) => ({
    exp_labels: { severity: 'warning', team: 'ai-margin', provider: 'openai', model, reason },
    exp_annotations: ann(
      `Unpriced calls to openai/${model} (${reason})`,
      `2 calls in the last hour to model ${model} of openai could not be priced (reason ${reason}); their cost is missing from every margin figure.`,
      'unpriced-usage',
    ),
  }));
  return alerts;
}

// ---- fleet data set: replicas, services and environments --------------------------------------
// prod (cluster eu-1): service api on three replicas (r1..r3) and service worker on one; staging
// (no cluster label): one replica. Counters split over replicas and services add up; the gauges
// every process exports (MRR, customer info, fixed-cost pool) are the same on each and count once.
// per hour: prod    alice cost 0.125 + 0.0625 + 0.0625 (api) + 0.25 (worker) = 0.5, MRR 720 (1/h),
//                   requests 1 + 1 + 2 = 4, requests pool 720/month (1/h)
//           staging alice cost 3, MRR 1440 (2/h), requests 1 priced + 1 unpriced, no pool
// Summed without the scope labels they would mix into cost 3.5 and MRR max 1440.
const PROD = 'deployment_environment_name="prod",cluster="eu-1"';
const STAGING = 'deployment_environment_name="staging"';
const REPLICAS = ['job="api",instance="r1"', 'job="api",instance="r2"', 'job="api",instance="r3"'];
const WORKER = 'job="worker",instance="w1"';
const STAGING_API = 'job="api",instance="s1"';
const FLEET_COST_LABELS =
  'customer_id="alice",feature="chat",provider="openai",model="gpt-4o",cost_type="llm"';
const at = (metric: string, labels: string, where: string, values: string): Series => ({
  series: `${metric}{${labels},${where}}`,
  values,
});
const everyProdProcess = [...REPLICAS, WORKER].map((p) => `${PROD},${p}`);
const FLEET_SERIES: Series[] = [
  ...[0.125, 0.0625, 0.0625].map((perHour, i) =>
    at('ai_margin_cost_usd_total', FLEET_COST_LABELS, `${PROD},${REPLICAS[i]}`, counter(perHour)),
  ),
  at('ai_margin_cost_usd_total', FLEET_COST_LABELS, `${PROD},${WORKER}`, counter(0.25)),
  at('ai_margin_cost_usd_total', FLEET_COST_LABELS, `${STAGING},${STAGING_API}`, counter(3)),
  ...everyProdProcess.flatMap((p) => [
    at('ai_margin_customer_mrr_usd', 'customer_id="alice",plan="pro"', p, gauge(720)),
    at(
      'ai_margin_customer_info',
      'customer_id="alice",plan="pro",customer_cohort="2026-01",customer_age_month="2",segment="smb"',
      p,
      gauge(1),
    ),
    at(
      'ai_margin_fixed_cost_monthly_usd',
      'pool="vector_db",allocate_by="requests"',
      p,
      gauge(720),
    ),
  ]),
  at(
    'ai_margin_customer_mrr_usd',
    'customer_id="alice",plan="team"',
    `${STAGING},${STAGING_API}`,
    gauge(1440),
  ),
  at(
    'ai_margin_customer_info',
    'customer_id="alice",plan="team",customer_cohort="2026-02",customer_age_month="0",segment="smb"',
    `${STAGING},${STAGING_API}`,
    gauge(1),
  ),
  ...[1, 1, 2].map((perHour, i) =>
    at(
      'ai_margin_requests_total',
      'customer_id="alice",feature="chat",provider="openai",model="gpt-4o",priced="true"',
      `${PROD},${REPLICAS[i]}`,
      counter(perHour),
    ),
  ),
  ...(['true', 'false'] as const).map((priced) =>
    at(
      'ai_margin_requests_total',
      `customer_id="alice",feature="chat",provider="openai",model="gpt-4o",priced="${priced}"`,
      `${STAGING},${STAGING_API}`,
      counter(1),
    ),
  ),
];

/** Per-scope expectations of the fleet data set: [prod, staging] values (undefined: no series). */
function fleetExpectations(): { expr: string; samples: Sample[] }[] {
  const out: { expr: string; samples: Sample[] }[] = [];
  const both = (
    record: string,
    labels: string,
    prod: number | undefined,
    staging: number | undefined,
  ) => {
    const samples: Sample[] = [];
    const sep = labels === '' ? '' : ',';
    if (prod !== undefined)
      samples.push({ labels: `${record}{${labels}${sep}${PROD}}`, value: prod });
    if (staging !== undefined)
      samples.push({ labels: `${record}{${labels}${sep}${STAGING}}`, value: staging });
    out.push({ expr: record, samples });
  };
  const alice = 'customer_id="alice"';
  // one window of each rule group: 1h (ai_margin_recording), 30d (ai_margin_recording_long)
  for (const [w, h] of [
    ['1h', 1],
    ['30d', 720],
  ] as const) {
    both(`customer:ai_margin_cost_usd:increase${w}`, alice, 0.5 * h, 3 * h);
    both(`customer:ai_margin_revenue_usd:${w}`, alice, 1 * h, 2 * h);
    both(`customer:ai_margin_margin_usd:${w}`, alice, 0.5 * h, -1 * h);
    both(`customer:ai_margin_margin_ratio:${w}`, alice, 0.5, -0.5);
    both(`customer:ai_margin_fixed_cost_allocated_usd:${w}`, alice, 1 * h, undefined);
    both(`customer:ai_margin_cost_to_serve_usd:${w}`, alice, 1.5 * h, 3 * h);
    both(`customer:ai_margin_requests:increase${w}`, alice, 4 * h, 2 * h);
    both(
      `model_feature:ai_margin_cost_usd:increase${w}`,
      'provider="openai",model="gpt-4o",feature="chat",cost_type="llm"',
      0.5 * h,
      3 * h,
    );
  }
  both('ai_margin:unpriced_request_share:1h', '', 0, 0.5);
  // Trend rules: per-scope totals and top customers of the last hour (one customer per scope).
  both('ai_margin:cost_usd:increase1h', '', 0.5, 3);
  both('ai_margin:revenue_usd:1h', '', 1, 2);
  both('top_customer:ai_margin_cost_usd:increase1h', alice, 0.5, 3);
  both('ai_margin:top20_cost_share:30d', '', 1, 1);
  both('ai_margin:underwater_customers:30d', '', 0, 1);
  const bands = 'ai_margin:customers_by_margin_band:30d';
  out.push({
    expr: bands,
    samples: ['below 0%', '0-20%', '20-40%', '40-60%', '60-80%', '80% and above'].flatMap(
      (band) => [
        { labels: `${bands}{band="${band}",${PROD}}`, value: band === '40-60%' ? 1 : 0 },
        { labels: `${bands}{band="${band}",${STAGING}}`, value: band === 'below 0%' ? 1 : 0 },
      ],
    ),
  });
  out.push({
    expr: 'cohort:ai_margin_margin_ratio:30d',
    samples: [
      {
        labels: `cohort:ai_margin_margin_ratio:30d{customer_cohort="2026-01",${PROD}}`,
        value: 0.5,
      },
      {
        labels: `cohort:ai_margin_margin_ratio:30d{customer_cohort="2026-02",${STAGING}}`,
        value: -0.5,
      },
    ],
  });
  out.push({
    expr: 'age_month:ai_margin_margin_ratio:30d',
    samples: [
      {
        labels: `age_month:ai_margin_margin_ratio:30d{customer_age_month="2",${PROD}}`,
        value: 0.5,
      },
      {
        labels: `age_month:ai_margin_margin_ratio:30d{customer_age_month="0",${STAGING}}`,
        value: -0.5,
      },
    ],
  });
  return out;
}

function testFile(groups: unknown[]): string {
  // Recording rules first, so alerts read this step's values (promtool's group order is
  // otherwise random, and with a 1h step last step's values are beyond the 5m lookback).
  return stringify(
    {
      rule_files: RULE_FILES,
      evaluation_interval: '1h',
      group_eval_order: ['ai_margin_recording', 'ai_margin_alerts'],
      tests: groups,
    },
    { lineWidth: 0 },
  );
}

function group(
  name: string,
  series: Series[],
  alerts: Record<AlertName, ExpAlert[]>,
  exprs: { expr: string; samples: Sample[] }[],
) {
  return {
    name,
    interval: '1h',
    input_series: series,
    alert_rule_test: ALERTS.map((a) => alertCase(a, alerts[a])),
    promql_expr_test: exprs.map((e) => ({
      expr: e.expr,
      eval_time: EVAL,
      exp_samples: e.samples.map((s) => ({ labels: s.labels, value: s.value })),
    })),
  };
}

function runTests(name: string, groups: unknown[]): { code: number; output: string } {
  const file = join(tmp, `${name}.yml`);
  writeFileSync(file, testFile(groups));
  return runPromtool(['test', 'rules', file]);
}

// promtool evaluates every rule each hour over 30 days: allow time on a busy machine.
describe('rule files under promtool 2.53', { timeout: 180_000 }, () => {
  it('promtool check rules accepts both files', () => {
    const r = runPromtool(['check', 'rules', ...RULE_FILES]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code, r.output).toBe(0);
  });

  it('the rule files contain exactly the alerts tested here', () => {
    const doc = parse(readFileSync(RULE_FILES[1]!, 'utf8')) as {
      groups: { rules: { alert: string }[] }[];
    };
    expect(doc.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort()).toEqual(
      [...ALERTS].sort(),
    );
  });

  it('every recording rule has an exact expected value on the main data set', () => {
    const doc = parse(readFileSync(RULE_FILES[0]!, 'utf8')) as {
      groups: { rules: { record: string }[] }[];
    };
    // The 30-day cost detail's shards share one name.
    const records = [...new Set(doc.groups.flatMap((g) => g.rules.map((r) => r.record)))].sort();
    expect(
      mainRecordingExpectations()
        .map((e) => e.expr)
        .sort(),
    ).toEqual(records);
  });

  it('recording rules and alerts: main data set (fires: negative margin, at risk, unpriced, overflow, drift)', () => {
    const r = runTests('main', [group('main', MAIN, MAIN_ALERTS, mainRecordingExpectations())]);
    expect(r.code, r.output).toBe(0);
  });

  it('alerts: age-month-2 degradation fires; the others stay quiet on healthy customers', () => {
    const r = runTests('degradation', [
      group('degradation', DEGRADATION, DEGRADATION_ALERTS, [
        {
          expr: 'age_month:ai_margin_margin_ratio:30d',
          samples: [
            {
              labels: 'age_month:ai_margin_margin_ratio:30d{customer_age_month="0"}',
              value: 540 / 720,
            },
            {
              labels: 'age_month:ai_margin_margin_ratio:30d{customer_age_month="2"}',
              value: 180 / 720,
            },
          ],
        },
      ]),
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('alerts: a stale price book fires only while unknown-model calls rise', () => {
    const stale: ExpAlert = {
      exp_labels: { severity: 'warning', team: 'ai-margin', version: 'v-old' },
      exp_annotations: ann(
        'Price book v-old is 130 days old and calls to unknown models are rising',
        'The newest price in price book v-old took effect 130 days ago (limit 120) and calls to models it does not know were counted in the last hour: new models are probably in use without prices. Add them to a price file, or refresh the book (ai-margin prices update, ai-margin prices import).',
        'price-book-stale',
      ),
    };
    const r = runTests('price-book', [
      // Stale (two replicas on one version, one on a fresh one) and 2 unknown-model calls/hour:
      // fires for the stale version only.
      group(
        'stale-and-unknown-models',
        [
          bookAge('v-old', STALE_DAYS_AGO, 'a'),
          bookAge('v-old', STALE_DAYS_AGO, 'b'),
          bookAge('v-new', 0, 'c'),
          unpriced('gpt-9', 'unknown_model', 2),
        ],
        bookAlerts([stale], [['gpt-9', 'unknown_model']]),
        [
          {
            expr: '(time() - min by (version) (ai_margin_price_book_newest_price_timestamp_seconds)) / 86400',
            samples: [
              { labels: '{version="v-old"}', value: 130 },
              { labels: '{version="v-new"}', value: 30 },
            ],
          },
        ],
      ),
      // A fresh book (30 days) with unknown-model calls: the unpriced alert only.
      group(
        'fresh-and-unknown-models',
        [bookAge('v-new', 0, 'a'), unpriced('gpt-9', 'unknown_model', 2)],
        bookAlerts([], [['gpt-9', 'unknown_model']]),
        [],
      ),
      // A stale book, unknown-model calls that stopped (flat counter) and other unpriced reasons:
      // quiet.
      group(
        'stale-without-unknown-models',
        [
          bookAge('v-old', STALE_DAYS_AGO, 'a'),
          unpriced('gpt-9', 'unknown_model', 0),
          unpriced('gpt-4o', 'no_period', 2),
        ],
        bookAlerts([], [['gpt-4o', 'no_period']]),
        [],
      ),
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('alerts: a customer cost spike fires', () => {
    const spikeAlerts = Object.fromEntries(ALERTS.map((a) => [a, [] as ExpAlert[]])) as Record<
      AlertName,
      ExpAlert[]
    >;
    // 7d cost = 167 * 0.25 + 10 = 51.75 -> hourly average 51.75 / 168; ratio 10 / that = 32.46...
    spikeAlerts.AiMarginCustomerCostSpike = [
      {
        exp_labels: { severity: 'warning', team: 'ai-margin', customer_id: 'eve' },
        exp_annotations: ann(
          'Cost spike for customer eve',
          'Cost of eve in the last hour is 32.5 times its 7-day hourly average (alert above 3x and 1 USD/hour).',
          'customer-cost-spike',
        ),
      },
    ];
    // eve has cost and no revenue at all: the negative-margin alert fires too.
    spikeAlerts.AiMarginNegativeMarginCustomer = [
      {
        exp_labels: { severity: 'critical', team: 'ai-margin', customer_id: 'eve' },
        exp_annotations: ann(
          'Customer eve costs more to serve than it pays',
          'Contribution margin of eve over the last 30d is -189.75 USD (revenue minus variable cost). Every request from this customer loses money.',
          'negative-margin-customer',
        ),
      },
    ];
    const r = runTests('spike', [
      group('spike', SPIKE, spikeAlerts, [
        {
          expr: 'customer:ai_margin_cost_usd:increase1h',
          samples: [
            { labels: 'customer:ai_margin_cost_usd:increase1h{customer_id="eve"}', value: 10 },
          ],
        },
        {
          expr: 'customer:ai_margin_cost_usd:increase7d',
          samples: [
            { labels: 'customer:ai_margin_cost_usd:increase7d{customer_id="eve"}', value: 51.75 },
          ],
        },
      ]),
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('fleet: three replicas and two services equal one process; two environments stay apart', () => {
    const alerts = Object.fromEntries(ALERTS.map((a) => [a, [] as ExpAlert[]])) as Record<
      AlertName,
      ExpAlert[]
    >;
    // staging's alice loses 720 USD in 30 days; prod's alice earns 360: one alert, in staging.
    alerts.AiMarginNegativeMarginCustomer = [
      {
        exp_labels: {
          severity: 'critical',
          team: 'ai-margin',
          customer_id: 'alice',
          deployment_environment_name: 'staging',
        },
        exp_annotations: ann(
          'Customer alice costs more to serve than it pays [staging]',
          'Contribution margin of alice over the last 30d is -720.00 USD (revenue minus variable cost). Every request from this customer loses money.',
          'negative-margin-customer',
        ),
      },
    ];
    const r = runTests('fleet', [group('fleet', FLEET_SERIES, alerts, fleetExpectations())]);
    expect(r.code, r.output).toBe(0);
  });

  it('the top-cost trend rule keeps the 10 most expensive customers of each environment', () => {
    // prod: c01..c12 cost 1..12 USD/hour, so c03..c12 stay; staging: two customers, both stay.
    const prod = Array.from({ length: 12 }, (_, i) => [
      `c${String(i + 1).padStart(2, '0')}`,
      i + 1,
    ]);
    const series: Series[] = [
      ...prod.map(([c, perHour]) =>
        at(
          'ai_margin_cost_usd_total',
          `customer_id="${c}",feature="f",provider="p",model="m",cost_type="llm"`,
          `${PROD},${REPLICAS[0]}`,
          counter(perHour as number),
        ),
      ),
      ...[
        ['s1', 100],
        ['s2', 0.5],
      ].map(([c, perHour]) =>
        at(
          'ai_margin_cost_usd_total',
          `customer_id="${c}",feature="f",provider="p",model="m",cost_type="llm"`,
          `${STAGING},${STAGING_API}`,
          counter(perHour as number),
        ),
      ),
    ];
    const top = 'top_customer:ai_margin_cost_usd:increase1h';
    const r = runTests('top-cost', [
      {
        name: 'top-cost',
        interval: '1h',
        input_series: series,
        promql_expr_test: [
          {
            expr: top,
            // Not EVAL: promtool's engine caps a query at 10,000 samples, and 14 customers x 719
            // hourly tiles of the 30d rules exceed it (the rules run up to the last eval_time).
            eval_time: '24h',
            exp_samples: [
              ...prod
                .slice(2)
                .map(([c, v]) => ({ labels: `${top}{customer_id="${c}",${PROD}}`, value: v })),
              { labels: `${top}{customer_id="s1",${STAGING}}`, value: 100 },
              { labels: `${top}{customer_id="s2",${STAGING}}`, value: 0.5 },
            ],
          },
        ],
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it("a rule reads another rule's output up to 20 minutes old (vmalert reads the previous evaluation)", () => {
    // Revenue and cost as a slow evaluation of the long group left them: written 18 minutes
    // before the next one at 1h (far beyond a plain selector's 5-minute lookback), then 22
    // minutes before the one at 2h (beyond the 20 minutes).
    const revenue = 'customer:ai_margin_revenue_usd:30d';
    const cost = 'customer:ai_margin_cost_usd:increase30d';
    const margin = 'customer:ai_margin_margin_usd:30d';
    const input = (name: string, v: number): Series => ({
      series: `${name}{customer_id="x",${PROD}}`,
      values: `_x42 ${v} _x55 ${v}`,
    });
    const r = runTests('chain-lookback', [
      {
        name: 'chain-lookback',
        interval: '1m',
        input_series: [input(revenue, 100), input(cost, 130)],
        promql_expr_test: [
          {
            expr: margin,
            eval_time: '1h',
            exp_samples: [{ labels: `${margin}{customer_id="x",${PROD}}`, value: -30 }],
          },
          { expr: margin, eval_time: '2h', exp_samples: [] },
        ],
      },
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('business-wide rules are safe on empty data (no NaN, no error)', () => {
    const none = Object.fromEntries(ALERTS.map((a) => [a, [] as ExpAlert[]])) as Record<
      AlertName,
      ExpAlert[]
    >;
    const r = runTests('empty', [
      group('empty', [{ series: 'up{job="x"}', values: gauge(1) }], none, [
        { expr: 'ai_margin:top20_cost_share:30d', samples: [] },
        {
          expr: 'ai_margin:underwater_customers:30d',
          samples: [{ labels: 'ai_margin:underwater_customers:30d', value: 0 }],
        },
        { expr: 'customer:ai_margin_margin_usd:30d', samples: [] },
      ]),
    ]);
    expect(r.code, r.output).toBe(0);
  });

  it('a wrong expectation makes promtool fail (the harness can fail)', () => {
    const none = Object.fromEntries(ALERTS.map((a) => [a, [] as ExpAlert[]])) as Record<
      AlertName,
      ExpAlert[]
    >;
    const r = runTests('wrong', [
      group('wrong', [{ series: 'up{job="x"}', values: gauge(1) }], none, [
        {
          expr: 'ai_margin:underwater_customers:30d',
          samples: [{ labels: 'ai_margin:underwater_customers:30d', value: 1 }],
        },
      ]),
    ]);
    expect(r.output).toContain('FAILED');
    expect(r.code).not.toBe(0);
  });
});
