/**
 * End to end on a real VictoriaMetrics: provisional cost counters imported with timestamps, the
 * daily provisional query run against VM, a report that is 10% above provisional cost for one
 * provider (OpenAI) on one day (2026-11-21), the reconciliation published through VM's import
 * API, and the reconciled series and the drift alert expression read back exactly.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertDefinitions, prometheusExpr } from '@ai-margin/dashboards';
import {
  fetchProvisionalCosts,
  loadCostReports,
  PROVISIONAL_DAILY_QUERY,
  planPublish,
  publishToVictoriaMetrics,
  readPublishedSamples,
  reconcile,
  reconciliationSamples,
} from '@ai-margin/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { instantQuery } from '../../../test/support/promql';

const H = 3_600_000;
const D0 = Date.UTC(2026, 10, 20); // 2026-11-20T00:00:00Z
const D1 = D0 + 24 * H;
const D2 = D1 + 24 * H;

/** Counter samples [offset from D0 in ms, value]; all values are exact in binary floating point. */
const COUNTERS: { labels: string; samples: [number, number][] }[] = [
  // openai gpt-4o: acme 7.5 on day 0, 5 on day 1; globex 2.5 on day 0, nothing on day 1.
  {
    labels:
      'customer_id="acme",feature="chat",provider="openai",model="gpt-4o-2024-08-06",cost_type="llm"',
    samples: [
      [0, 0],
      [6 * H, 1.5],
      [12 * H, 4],
      [24 * H, 7.5],
      [36 * H, 10],
      [48 * H, 12.5],
    ],
  },
  {
    labels:
      'customer_id="globex",feature="chat",provider="openai",model="gpt-4o-2024-08-06",cost_type="llm"',
    samples: [
      [0, 0],
      [24 * H, 2.5],
      [36 * H, 2.5],
      [48 * H, 2.5],
    ],
  },
  // Rule-priced cost (vector DB) is not on any provider invoice: the query must leave it out.
  {
    labels:
      'customer_id="acme",feature="chat",provider="openai",model="gpt-4o-2024-08-06",cost_type="rule"',
    samples: [
      [0, 0],
      [24 * H, 100],
      [48 * H, 200],
    ],
  },
  // anthropic sonnet: acme 4 then 2; globex has a counter reset on day 0 (3, reset, 1, 2 -> 5).
  {
    labels:
      'customer_id="acme",feature="search",provider="anthropic",model="claude-sonnet-4-20250514",cost_type="llm"',
    samples: [
      [0, 0],
      [12 * H, 2],
      [24 * H, 4],
      [48 * H, 6],
    ],
  },
  {
    labels:
      'customer_id="globex",feature="search",provider="anthropic",model="claude-sonnet-4-20250514",cost_type="llm"',
    samples: [
      [0, 0],
      [8 * H, 3],
      [16 * H, 1],
      [24 * H, 2],
      [48 * H, 2],
    ],
  },
];

function exposition(): string {
  return COUNTERS.flatMap(({ labels, samples }) =>
    samples.map(([offset, value]) => `ai_margin_cost_usd_total{${labels}} ${value} ${D0 + offset}`),
  ).join('\n');
}

const OPENAI_COSTS = {
  object: 'page',
  data: [
    {
      object: 'bucket',
      start_time: D0 / 1000,
      end_time: D1 / 1000,
      results: [
        {
          object: 'organization.costs.result',
          amount: { value: 3, currency: 'usd' },
          line_item: 'gpt-4o-2024-08-06, input',
        },
        {
          object: 'organization.costs.result',
          amount: { value: 7, currency: 'usd' },
          line_item: 'gpt-4o-2024-08-06, output',
        },
      ],
    },
    {
      object: 'bucket',
      start_time: D1 / 1000,
      end_time: D2 / 1000,
      results: [
        // 5.5 = provisional 5 + 10%
        {
          object: 'organization.costs.result',
          amount: { value: 1.5, currency: 'usd' },
          line_item: 'gpt-4o-2024-08-06, input',
        },
        {
          object: 'organization.costs.result',
          amount: { value: 4, currency: 'usd' },
          line_item: 'gpt-4o-2024-08-06, output',
        },
      ],
    },
  ],
  has_more: false,
  next_page: null,
};

const ANTHROPIC_COSTS = {
  data: [
    {
      starting_at: '2026-11-20T00:00:00Z',
      ending_at: '2026-11-21T00:00:00Z',
      results: [
        {
          amount: '900',
          currency: 'USD',
          cost_type: 'tokens',
          model: 'claude-sonnet-4-20250514',
          token_type: 'output_tokens',
        },
      ],
    },
    {
      starting_at: '2026-11-21T00:00:00Z',
      ending_at: '2026-11-22T00:00:00Z',
      results: [
        {
          amount: '200.000',
          currency: 'USD',
          cost_type: 'tokens',
          model: 'claude-sonnet-4-20250514',
          token_type: 'output_tokens',
        },
      ],
    },
  ],
  has_more: false,
  next_page: null,
};

let vm: VictoriaMetrics;
let dir: string;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-reconcile-vm-'));
  await writeFile(join(dir, 'openai-costs.json'), JSON.stringify(OPENAI_COSTS));
  await writeFile(join(dir, 'anthropic-costs.json'), JSON.stringify(ANTHROPIC_COSTS));
  await importPrometheusText(vm.url, exposition());
});

afterAll(async () => {
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function instant(query: string, timeMs: number) {
  const samples = await instantQuery(vm.url, query, timeMs / 1000, { noCache: true });
  return samples.sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

/** Raw samples of a metric as `labels -> [[timestampMs, value], ...]`. */
async function exportRaw(name: string): Promise<Record<string, [number, number][]>> {
  const params = new URLSearchParams({
    'match[]': name,
    start: String(D0 / 1000 - 86400),
    end: String(D2 / 1000 + 86400),
  });
  const text = await (await fetch(`${vm.url}/api/v1/export?${params}`)).text();
  const out: Record<string, [number, number][]> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const { metric, values, timestamps } = JSON.parse(line) as {
      metric: Record<string, string>;
      values: number[];
      timestamps: number[];
    };
    const { __name__: _, ...labels } = metric;
    const key = Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[key] = timestamps.map((t, i) => [t, values[i] as number]);
  }
  return out;
}

/** Reconciles the VM provisional cost with the report files and plans the publish against VM. */
async function reconcileAndPlan() {
  const provisional = await fetchProvisionalCosts({
    url: vm.url,
    from: '2026-11-20',
    to: '2026-11-21',
  });
  const result = reconcile({
    reports: [
      await loadCostReports('openai-costs', join(dir, 'openai-costs.json')),
      await loadCostReports('anthropic-costs', join(dir, 'anthropic-costs.json')),
    ],
    provisional,
  });
  const published = await readPublishedSamples({ url: vm.url, from: result.from, to: result.to });
  return planPublish(reconciliationSamples(result), published);
}

async function flush() {
  const r = await fetch(`${vm.url}/internal/force_flush`);
  expect(r.ok).toBe(true);
}

describe('reconciliation on VictoriaMetrics', () => {
  it('reads daily provisional cost with the catalog query (no rule cost, counter reset handled)', async () => {
    const rows = await fetchProvisionalCosts({ url: vm.url, from: '2026-11-20', to: '2026-11-21' });
    expect(PROVISIONAL_DAILY_QUERY).toBe(
      'sum by (provider, model, customer_id) (increase(ai_margin_cost_usd_total{cost_type="llm"}[1d]))',
    );
    expect(
      rows.map((r) => `${r.day} ${r.provider} ${r.model} ${r.customerId} ${r.usd}`).sort(),
    ).toEqual([
      '2026-11-20 anthropic claude-sonnet-4-20250514 acme 4',
      '2026-11-20 anthropic claude-sonnet-4-20250514 globex 5',
      '2026-11-20 openai gpt-4o-2024-08-06 acme 7.5',
      '2026-11-20 openai gpt-4o-2024-08-06 globex 2.5',
      '2026-11-21 anthropic claude-sonnet-4-20250514 acme 2',
      '2026-11-21 openai gpt-4o-2024-08-06 acme 5',
    ]);
  });

  it('publishes the reconciled series with day timestamps; the drift alert fires for exactly one provider/model/day', async () => {
    const plan = await reconcileAndPlan();
    expect(plan.unchanged).toBe(0);
    expect(plan.revised).toBe(0);
    await publishToVictoriaMetrics(plan.samples, { url: vm.url });
    await flush();

    const ratio = 5.5 / 5; // reported / provisional, OpenAI on 2026-11-21
    expect(await exportRaw('ai_margin_reconciliation_ratio')).toEqual({
      'model=claude-sonnet-4-20250514,provider=anthropic': [
        [D0, 1],
        [D1, 1],
      ],
      'model=gpt-4o-2024-08-06,provider=openai': [
        [D0, 1],
        [D1, ratio],
      ],
    });
    expect(await exportRaw('ai_margin_reconciled_cost_usd')).toEqual({
      'model=claude-sonnet-4-20250514,provider=anthropic': [
        [D0, 9],
        [D1, 2],
      ],
      'model=gpt-4o-2024-08-06,provider=openai': [
        [D0, 10],
        [D1, 5.5],
      ],
    });
    expect(await exportRaw('ai_margin_provisional_cost_usd')).toEqual({
      'model=claude-sonnet-4-20250514,provider=anthropic': [
        [D0, 9],
        [D1, 2],
      ],
      'model=gpt-4o-2024-08-06,provider=openai': [
        [D0, 10],
        [D1, 5],
      ],
    });
    // The +0.5 correction goes to the only customer with provisional cost that day.
    expect(await exportRaw('ai_margin_cost_correction_usd')).toEqual({
      'customer_id=acme,provider=anthropic': [
        [D0, 0],
        [D1, 0],
      ],
      'customer_id=acme,provider=openai': [
        [D0, 0],
        [D1, 0.5],
      ],
      'customer_id=globex,provider=anthropic': [[D0, 0]],
      'customer_id=globex,provider=openai': [[D0, 0]],
    });

    // Summing the daily corrections over days (as the dashboards do) counts each day once.
    expect(
      await instant(
        'sum by (customer_id) (sum_over_time(ai_margin_cost_correction_usd{provider="openai"}[3d]))',
        D1 + 12 * H,
      ),
    ).toEqual([
      { metric: { customer_id: 'acme' }, value: 0.5 },
      { metric: { customer_id: 'globex' }, value: 0 },
    ]);

    // The drift alert: the expression this module documents, and the dashboards package's rule.
    const expected =
      'abs(max by (provider, model) (last_over_time(ai_margin_reconciliation_ratio[3d])) - 1) > 0.05';
    const drift = alertDefinitions().find((a) => a.uid === 'ai-margin-reconciliation-drift');
    expect(drift).toBeDefined();
    for (const expr of [expected, prometheusExpr(drift!)]) {
      expect(await instant(expr, D0 + 12 * H)).toEqual([]);
      expect(await instant(expr, D1 + 12 * H)).toEqual([
        { metric: { model: 'gpt-4o-2024-08-06', provider: 'openai' }, value: Math.abs(ratio - 1) },
      ]);
    }
  });

  it('re-running writes nothing; a revised report is written as a revision and the alert resolves', async () => {
    const again = await reconcileAndPlan();
    expect(again.samples).toEqual([]);
    expect(again.unchanged).toBe(18); // 4 rows x 3 gauges + 6 corrections

    // OpenAI revises 2026-11-21: output 4 -> 3.7, so reported 5.2 and ratio 1.04 (within 5%).
    const revised = structuredClone(OPENAI_COSTS);
    revised.data[1]!.results[1]!.amount.value = 3.7;
    await writeFile(join(dir, 'openai-costs.json'), JSON.stringify(revised));
    const plan = await reconcileAndPlan();
    expect(plan.revised).toBe(3);
    expect(
      plan.samples.map((s) => [s.metric.promName, s.labels, s.value, s.timestampMs - D1]),
    ).toEqual([
      ['ai_margin_reconciled_cost_usd', { provider: 'openai', model: 'gpt-4o-2024-08-06' }, 5.2, 1],
      [
        'ai_margin_reconciliation_ratio',
        { provider: 'openai', model: 'gpt-4o-2024-08-06' },
        5.2 / 5,
        1,
      ],
      ['ai_margin_cost_correction_usd', { customer_id: 'acme', provider: 'openai' }, -0.3, 1],
    ]);
    await publishToVictoriaMetrics(plan.samples, { url: vm.url });
    await flush();

    expect(
      (await exportRaw('ai_margin_reconciliation_ratio'))[
        'model=gpt-4o-2024-08-06,provider=openai'
      ],
    ).toEqual([
      [D0, 1],
      [D1, 5.5 / 5],
      [D1 + 1, 5.2 / 5],
    ]);
    expect(
      await instant(
        'last_over_time(ai_margin_reconciliation_ratio{provider="openai"}[3d])',
        D1 + 12 * H,
      ),
    ).toEqual([
      {
        metric: {
          __name__: 'ai_margin_reconciliation_ratio',
          model: 'gpt-4o-2024-08-06',
          provider: 'openai',
        },
        value: 5.2 / 5,
      },
    ]);
    // Corrections: 0.5 then -0.3 -> the day sums to the newest correction, 0.2.
    const sum = await instant(
      'sum by (customer_id) (sum_over_time(ai_margin_cost_correction_usd{provider="openai"}[3d]))',
      D1 + 12 * H,
    );
    expect(sum.map((r) => [r.metric.customer_id, Math.round(r.value * 1e9)])).toEqual([
      ['acme', 200_000_000],
      ['globex', 0],
    ]);
    const drift = alertDefinitions().find((a) => a.uid === 'ai-margin-reconciliation-drift');
    expect(await instant(prometheusExpr(drift!), D1 + 12 * H)).toEqual([]);

    // And a third run is again a no-op.
    expect((await reconcileAndPlan()).samples).toEqual([]);
  });
});
