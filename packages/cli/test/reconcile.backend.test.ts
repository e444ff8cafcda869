/**
 * `ai-margin reconcile` as a cron job on a real VictoriaMetrics: provisional cost from VM's query
 * API, a report 10% above it on one day, published back to VM; exit 4 above --max-drift; a
 * second run writes nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { instantQuery } from '../../../test/support/promql';
import { run } from '../src/commands/reconcile';

const H = 3_600_000;
const D0 = Date.UTC(2026, 10, 20);
const D1 = D0 + 24 * H;

let vm: VictoriaMetrics;
let dir: string;
let costs: string;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-reconcile-cli-vm-'));
  costs = join(dir, 'openai-costs.json');
  const series =
    'ai_margin_cost_usd_total{customer_id="acme",feature="chat",provider="openai",model="gpt-4o-2024-08-06",cost_type="llm"}';
  // One import per sample: a single batch spanning several days sometimes left the last day's
  // sample unsearchable (VictoriaMetrics' per-day index, seen 1 run in 5 on this machine).
  for (const line of [
    `${series} 0 ${D0}`,
    `${series} 2 ${D0 + 12 * H}`,
    `${series} 4 ${D1}`,
    `${series} 12 ${D1 + 24 * H}`,
  ]) {
    await importPrometheusText(vm.url, line);
  }
  // VictoriaMetrics may answer a query before a just-imported sample of a new day is searchable
  // (seen on a loaded machine): wait until the last sample is visible, so the test checks
  // reconcile, not ingestion timing.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const samples = await instantQuery(vm.url, series, (D1 + 24 * H) / 1000);
    if (samples[0]?.value === 12) break;
    if (Date.now() > deadline) {
      throw new Error(
        `VictoriaMetrics did not show the imported samples: ${JSON.stringify(samples)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const bucket = (start: number, value: number) => ({
    object: 'bucket',
    start_time: start / 1000,
    end_time: start / 1000 + 86400,
    results: [
      {
        object: 'organization.costs.result',
        amount: { value, currency: 'usd' },
        line_item: 'gpt-4o-2024-08-06, output',
      },
    ],
  });
  // Provisional: 4 on day 0, 8 on day 1. Reported: 4 and 8.8 (+10%).
  await writeFile(
    costs,
    JSON.stringify({
      object: 'page',
      data: [bucket(D0, 4), bucket(D1, 8.8)],
      has_more: false,
      next_page: null,
    }),
  );
});

afterAll(async () => {
  await vm?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: (t: string) => {
      out.stdout += t;
    },
    stderr: (t: string) => {
      out.stderr += t;
    },
    isTTY: false,
  };
  return { io, out };
}

describe('ai-margin reconcile on VictoriaMetrics', () => {
  const args = () => [
    '--openai-costs',
    costs,
    '--provisional-url',
    vm.url,
    '--publish-url',
    vm.url,
    '--max-drift',
    '5',
  ];

  it('reconciles, publishes and exits 4 above --max-drift; a second run writes nothing', async () => {
    const first = capture();
    expect(await run(args(), first.io)).toBe(4);
    expect(first.out.stderr).toBe('');
    expect(first.out.stdout).toContain(
      '2026-11-21  openai    gpt-4o-2024-08-06  matched         8.0000      8.8000  +0.8000  +10.00%  1.1000  !',
    );
    expect(first.out.stdout).toContain('8 samples to write (0 unchanged, 0 revised)');
    await fetch(`${vm.url}/internal/force_flush`);

    const second = capture();
    expect(await run(args(), second.io)).toBe(4);
    expect(second.out.stdout).toContain('0 samples to write (8 unchanged, 0 revised)');

    const params = new URLSearchParams({
      'match[]': 'ai_margin_reconciliation_ratio',
      start: String(D0 / 1000 - 1),
    });
    const exported = (await (await fetch(`${vm.url}/api/v1/export?${params}`)).text())
      .trim()
      .split('\n');
    expect(exported.map((l) => JSON.parse(l))).toEqual([
      {
        metric: {
          __name__: 'ai_margin_reconciliation_ratio',
          provider: 'openai',
          model: 'gpt-4o-2024-08-06',
        },
        values: [1, 8.8 / 8],
        timestamps: [D0, D1],
      },
    ]);
  });

  it('bad VictoriaMetrics URL for provisional cost: exit 2 naming the URL, nothing written', async () => {
    const { io, out } = capture();
    const code = await run(
      [
        '--openai-costs',
        costs,
        '--provisional-url',
        `${vm.url}/nope`,
        '--from',
        '2026-11-20',
        '--to',
        '2026-11-20',
      ],
      io,
    );
    expect(code).toBe(2);
    expect(out.stderr).toContain(`${vm.url}/nope/api/v1/query (day 2026-11-20): HTTP 4`);
  });
});
