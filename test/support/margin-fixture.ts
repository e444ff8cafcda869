/**
 * A small margin data set with known answers: four customers, hourly samples for 35 days ending
 * at T = 2026-01-31T00:00:00Z, counters starting at 0. Used by the `ai-margin report` test and
 * the dashboard panel test; the end-to-end tests may reuse it.
 *
 * Expected figures over the 30 days ending at T (720 hours; see the rates below):
 *   cost      alice 360, bob 1440, dave 1260                (carol none)
 *   revenue   alice 180 usage + 720 MRR, carol 360, dave 1440  (bob none)
 *   margin    alice 540, bob -1440, carol 360, dave 180
 *   fixed     alice 360, bob 1080, dave 720 (requests pool 720, tokens pool 1440)
 */
export const HOUR = 3600;
export const T = Date.UTC(2026, 0, 31) / 1000; // end of the report window: 2026-01-31T00:00:00Z
export const START = T - 35 * 24 * HOUR; // data starts 35 days earlier, counters at 0
export const HOURS = 35 * 24;

export interface SeriesDef {
  name: string;
  labels: Record<string, string>;
  /** Counter growth per hour, or a constant gauge value. */
  perHour?: number;
  gauge?: number;
}

const counter = (name: string, labels: Record<string, string>, perHour: number): SeriesDef => ({
  name,
  labels,
  perHour,
});
const gauge = (name: string, labels: Record<string, string>, value: number): SeriesDef => ({
  name,
  labels,
  gauge: value,
});

const cost = (
  customer: string,
  feature: string,
  provider: string,
  model: string,
  instance: string,
  perHour: number,
) =>
  counter(
    'ai_margin_cost_usd_total',
    { customer_id: customer, feature, provider, model, cost_type: 'llm', instance },
    perHour,
  );
const requests = (
  customer: string,
  feature: string,
  provider: string,
  model: string,
  perHour: number,
) =>
  counter(
    'ai_margin_requests_total',
    { customer_id: customer, feature, provider, model, priced: 'true', instance: 'a' },
    perHour,
  );
const tokens = (
  customer: string,
  feature: string,
  provider: string,
  model: string,
  perHour: number,
) =>
  counter(
    'ai_margin_tokens_total',
    { customer_id: customer, feature, provider, model, token_type: 'input', instance: 'a' },
    perHour,
  );
const info = (customer: string, plan: string, cohort: string, age: string, instance = 'a') =>
  gauge(
    'ai_margin_customer_info',
    {
      customer_id: customer,
      plan,
      customer_cohort: cohort,
      customer_age_month: age,
      segment: 'smb',
      instance,
    },
    1,
  );
const mrr = (customer: string, plan: string, usd: number, instance = 'a') =>
  gauge('ai_margin_customer_mrr_usd', { customer_id: customer, plan, instance }, usd);

// Per hour: alice cost 0.5 (gpt-4o, chat), usage revenue 0.25, MRR 720 (two replicas);
// bob cost 2 (claude, search; 1 + 1 on two replicas), no revenue; carol MRR 360, no usage;
// dave cost 1.75 (gpt-4o, search), MRR 1440. Fixed pools: 720/month by requests, 1440/month by tokens.
export const DATA: SeriesDef[] = [
  cost('alice', 'chat', 'openai', 'gpt-4o', 'a', 0.5),
  cost('bob', 'search', 'anthropic', 'claude-sonnet-4', 'a', 1),
  cost('bob', 'search', 'anthropic', 'claude-sonnet-4', 'b', 1),
  cost('dave', 'search', 'openai', 'gpt-4o', 'a', 1.75),
  counter(
    'ai_margin_revenue_usd_total',
    { customer_id: 'alice', feature: 'chat', revenue_type: 'usage', instance: 'a' },
    0.25,
  ),
  mrr('alice', 'pro', 720, 'a'),
  mrr('alice', 'pro', 720, 'b'),
  mrr('carol', 'pro', 360),
  mrr('dave', 'team', 1440),
  info('alice', 'pro', '2026-01', '2', 'a'),
  info('alice', 'pro', '2026-01', '2', 'b'),
  info('bob', 'free', '2026-03', '0'),
  info('carol', 'pro', '2026-03', '0'),
  info('dave', 'team', '2026-01', '2'),
  requests('alice', 'chat', 'openai', 'gpt-4o', 4),
  requests('bob', 'search', 'anthropic', 'claude-sonnet-4', 8),
  requests('dave', 'search', 'openai', 'gpt-4o', 4),
  tokens('alice', 'chat', 'openai', 'gpt-4o', 1000),
  tokens('bob', 'search', 'anthropic', 'claude-sonnet-4', 4000),
  tokens('dave', 'search', 'openai', 'gpt-4o', 3000),
  gauge(
    'ai_margin_fixed_cost_monthly_usd',
    { pool: 'vector_db', allocate_by: 'requests', instance: 'a' },
    720,
  ),
  gauge(
    'ai_margin_fixed_cost_monthly_usd',
    { pool: 'vector_db', allocate_by: 'requests', instance: 'b' },
    720,
  ),
  gauge(
    'ai_margin_fixed_cost_monthly_usd',
    { pool: 'gpu', allocate_by: 'tokens', instance: 'a' },
    1440,
  ),
];

/** Exposition-format lines with ms timestamps, for VictoriaMetrics' /api/v1/import/prometheus. */
export function exposition(defs: SeriesDef[] = DATA): string {
  const lines: string[] = [];
  for (const d of defs) {
    const labels = Object.entries(d.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    for (let h = 0; h <= HOURS; h++) {
      const value = d.perHour !== undefined ? d.perHour * h : d.gauge!;
      lines.push(`${d.name}{${labels}} ${value} ${(START + h * HOUR) * 1000}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const MARGIN_FIXTURE = { T, START, HOUR, HOURS, DATA } as const;

export function marginFixtureExposition(): string {
  return exposition(DATA);
}
