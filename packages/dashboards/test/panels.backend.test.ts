/**
 * Runs every panel query of the committed dashboards against a real VictoriaMetrics holding the
 * margin fixture (known answers), with Grafana's variables replaced as Grafana would (time range
 * = the 30 days ending at T, every filter = All). Each query must succeed; key panels must give
 * the hand-computed figures, also with a plan filter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { evaluateRecordingRulesAt, RULE_EVAL_VM_FLAGS } from '../../../test/support/dashboards';
import { MARGIN_FIXTURE, marginFixtureExposition } from '../../../test/support/margin-fixture';

const GENERATED = join(__dirname, '..', 'generated', 'dashboards');
type Json = Record<string, unknown>;
type Panel = { title: string; type: string; targets?: { expr: string; refId: string }[] };

const dashboards = Object.fromEntries(
  readdirSync(GENERATED).map((f) => [
    f.replace(/\.json$/, ''),
    JSON.parse(readFileSync(join(GENERATED, f), 'utf8')) as Json,
  ]),
);

function panel(dashboard: string, title: string): Panel {
  const p = (dashboards[dashboard]!.panels as Panel[]).find((x) => x.title === title);
  if (!p) throw new Error(`no panel '${title}' in ${dashboard}`);
  return p;
}

function substitute(expr: string, vars: Record<string, string> = {}): string {
  return expr
    .replace(/\$__rate_interval/g, '2h')
    .replace(/\$__range_s/g, '2592000')
    .replace(/\$__range/g, '30d')
    .replace(/\$window/g, '30d')
    .replace(/\$(\w+)/g, (_, name: string) => vars[name] ?? '.*');
}

let vm: VictoriaMetrics;

async function query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const body = new URLSearchParams({ query: expr, time: String(MARGIN_FIXTURE.T) });
  const res = await fetch(`${vm.url}/api/v1/query`, { method: 'POST', body });
  const json = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (json.status !== 'success') throw new Error(`${json.error}\n${expr}`);
  return json.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

async function byLabel(expr: string, label: string): Promise<Record<string, number>> {
  return Object.fromEntries((await query(expr)).map((s) => [s.labels[label] ?? '', s.value]));
}

beforeAll(async () => {
  vm = await startVictoriaMetrics({ flags: RULE_EVAL_VM_FLAGS });
  await importPrometheusText(vm.url, marginFixtureExposition());
  // Table and stat panels read the recording rules: evaluate them once at T.
  await evaluateRecordingRulesAt(vm.url, MARGIN_FIXTURE.T);
}, 120_000);

afterAll(async () => {
  await vm?.stop();
});

describe('dashboard panel queries on VictoriaMetrics', () => {
  it('every panel query of every dashboard runs without error', async () => {
    let count = 0;
    for (const [name, d] of Object.entries(dashboards)) {
      for (const p of (d.panels as Panel[]).filter((x) => x.type !== 'row')) {
        for (const t of p.targets ?? []) {
          await expect(
            query(substitute(t.expr)),
            `${name} / ${p.title} / ${t.refId}`,
          ).resolves.toBeDefined();
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(30);
  });

  it('Customers table: margin per customer, all customers kept', async () => {
    const margin = panel('customers', 'Customers by margin').targets![0]!.expr;
    expect(await byLabel(substitute(margin), 'customer_id')).toEqual({
      alice: 540,
      bob: -1440,
      carol: 360,
      dave: 180,
    });
    const costToServe = panel('customers', 'Customers by margin').targets![4]!.expr;
    expect(await byLabel(substitute(costToServe), 'customer_id')).toEqual({
      alice: 720,
      bob: 2520,
      dave: 1980,
    });
  });

  it('the plan filter keeps only customers on that plan', async () => {
    const margin = panel('customers', 'Customers by margin').targets![0]!.expr;
    expect(await byLabel(substitute(margin, { plan: 'pro' }), 'customer_id')).toEqual({
      alice: 540,
      carol: 360,
    });
    expect(await byLabel(substitute(margin, { cohort: '2026-01' }), 'customer_id')).toEqual({
      alice: 540,
      dave: 180,
    });
  });

  it('Overview: margin, customers under water, top-20% share', async () => {
    const one = async (title: string) =>
      (await query(substitute(panel('overview', title).targets![0]!.expr)))[0]!.value;
    expect(await one('Revenue')).toBe(2700);
    expect(await one('Variable cost')).toBe(3060);
    expect(await one('Contribution margin')).toBe(-360);
    expect(await one('Contribution margin %')).toBe(-360 / 2700);
    expect(await one('Customers under water')).toBe(1);
    expect(await one('Top 20% customers share of cost')).toBe(1440 / 3060);
    expect(await one('LLM share of variable cost')).toBe(1);
    const bands = panel('overview', 'Margin distribution (customers per margin band)').targets![0]!
      .expr;
    // Ratios alice 540/900 = 0.6 (the lower edge of 60-80%), carol 1, dave 180/1440 = 0.125; bob
    // has no revenue, hence no margin %: he is counted under water instead.
    const counted = await query(substitute(bands));
    expect(
      Object.fromEntries(counted.map((s) => [`${s.labels.band} #${s.labels.band_index}`, s.value])),
    ).toEqual({ '0-20% #0': 1, '60-80% #3': 1, '80% and above #4': 1 });
    // The pro plan: alice and carol.
    expect(await byLabel(substitute(bands, { plan: 'pro' }), 'band')).toEqual({
      '60-80%': 1,
      '80% and above': 1,
    });
  });

  // Over the 30 days: alice gpt-4o 360 (chat), bob claude-sonnet-4 1440 (search), dave gpt-4o
  // 1260 (search). With Customer All the panels read the model/feature rollup; with customers
  // picked, the per-customer rollups. Each side must answer alone.
  it('Customers: cost by model and by feature, Customer All and picked', async () => {
    const byModel = panel('customers', 'Cost by model').targets![0]!.expr;
    const byFeature = panel('customers', 'Cost by feature').targets![0]!.expr;
    const models = async (vars: Record<string, string>) =>
      Object.fromEntries(
        (await query(substitute(byModel, vars))).map((s) => [
          `${s.labels.provider}/${s.labels.model}`,
          s.value,
        ]),
      );
    expect(await models({})).toEqual({ 'openai/gpt-4o': 1620, 'anthropic/claude-sonnet-4': 1440 });
    expect(await models({ customer: 'alice' })).toEqual({ 'openai/gpt-4o': 360 });
    expect(await models({ customer: '(alice|bob)' })).toEqual({
      'openai/gpt-4o': 360,
      'anthropic/claude-sonnet-4': 1440,
    });
    expect(await models({ customer: '(dave|bob)', model: 'gpt-4o' })).toEqual({
      'openai/gpt-4o': 1260,
    });
    expect(await models({ customer: 'carol' })).toEqual({});
    // Each side answers alone: with All nothing comes from the per-customer rollup (250 000
    // series at 100 000 customers), with customers picked nothing from the model/feature one.
    const without = (expr: string, rule: string) => expr.replaceAll(rule, 'ai_margin_absent:');
    expect(await query(substitute(without(byModel, 'model_feature:')))).toEqual([]);
    expect(await query(substitute(without(byFeature, 'model_feature:')))).toEqual([]);
    expect(
      await query(substitute(without(byModel, 'customer_model:'), { customer: '(alice|bob)' })),
    ).toEqual([]);
    expect(
      await query(substitute(without(byFeature, 'customer_feature:'), { customer: 'alice' })),
    ).toEqual([]);
    expect(await byLabel(substitute(byFeature), 'feature')).toEqual({ chat: 360, search: 2700 });
    expect(await byLabel(substitute(byFeature, { customer: 'dave' }), 'feature')).toEqual({
      search: 1260,
    });
    expect(await byLabel(substitute(byFeature, { customer: '(alice|dave)' }), 'feature')).toEqual({
      chat: 360,
      search: 1260,
    });
  });

  it('Cohorts: margin by cohort over the time range', async () => {
    const expr = panel('cohorts', 'Margin by cohort (time range)').targets![0]!.expr;
    expect(await byLabel(substitute(expr), 'customer_cohort')).toEqual({
      '2026-01': 720,
      '2026-03': -1080,
    });
  });
});

describe('Grafana-managed alert queries (raw series, no recording rules) on VictoriaMetrics', () => {
  const doc = parse(
    readFileSync(
      join(__dirname, '..', 'generated', 'grafana-alerting', 'ai-margin-alerts.yml'),
      'utf8',
    ),
  ) as {
    groups: { rules: { title: string; data: { refId: string; model: { expr?: string } }[] }[] }[];
  };
  const exprOf = (title: string) =>
    doc.groups[0]!.rules.find((r) => r.title === title)!.data[0]!.model.expr!;

  it('give the per-customer figures the thresholds apply to', async () => {
    expect(await byLabel(exprOf('AiMarginNegativeMarginCustomer'), 'customer_id')).toEqual({
      alice: 540,
      bob: -1440,
      carol: 360,
      dave: 180,
    });
    expect(await byLabel(exprOf('AiMarginCustomerAtRisk'), 'customer_id')).toEqual({
      alice: 0.6,
      carol: 1,
      dave: 0.125,
    });
    // 1h cost above 1 USD divided by the 7-day hourly average: steady customers are at 1.
    expect(await byLabel(exprOf('AiMarginCustomerCostSpike'), 'customer_id')).toEqual({
      bob: 1,
      dave: 1,
    });
    // age month 0 (bob + carol: -3) minus age month 2 (alice + dave: 720 / 2340)
    expect(await query(exprOf('AiMarginCohortDegradation'))).toEqual([
      { labels: {}, value: -3 - 720 / 2340 },
    ]);
  });

  it('every Grafana alert query runs', async () => {
    for (const r of doc.groups[0]!.rules)
      await expect(query(r.data[0]!.model.expr!), r.title).resolves.toBeDefined();
  });
});
