import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { METRICS } from '@ai-margin/conventions';
import {
  formatOpenMetrics,
  formatPrometheusImport,
  type ProvisionalCost,
  planPublish,
  reconcile,
  reconciliationSamples,
  writeOpenMetricsFile,
} from '@ai-margin/reconcile';
import { afterAll, describe, expect, it } from 'vitest';

const DAY1 = Date.UTC(2026, 10, 20); // 2026-11-20T00:00:00Z = 1795132800000
const DAY2 = Date.UTC(2026, 10, 21);

const provisional: ProvisionalCost[] = [
  {
    day: '2026-11-20',
    provider: 'openai',
    model: 'gpt-4o',
    customerId: 'acme',
    usd: 3,
    nanos: 3_000_000_000n,
  },
  {
    day: '2026-11-20',
    provider: 'openai',
    model: 'gpt-4o',
    customerId: 'b"q',
    usd: 1,
    nanos: 1_000_000_000n,
  },
  {
    day: '2026-11-21',
    provider: 'openai',
    model: 'gpt-4o',
    customerId: 'acme',
    usd: 2,
    nanos: 2_000_000_000n,
  },
];
const result = reconcile({
  provisional,
  reports: [
    {
      provider: 'openai',
      coveredDays: new Set(['2026-11-20', '2026-11-21']),
      files: [],
      duplicates: 0,
      warnings: [],
      lines: [
        {
          provider: 'openai',
          day: '2026-11-20',
          model: 'gpt-4o',
          usd: 5,
          nanos: 5_000_000_000n,
          key: 'a',
          source: { file: 'x' },
        },
        {
          provider: 'openai',
          day: '2026-11-21',
          model: 'gpt-4o',
          usd: 2,
          nanos: 2_000_000_000n,
          key: 'b',
          source: { file: 'x' },
        },
      ],
    },
  ],
});

describe('publishing', () => {
  it('writes day-start timestamps in ms for VictoriaMetrics import', () => {
    expect(DAY1).toBe(1795132800000);
    expect(formatPrometheusImport(reconciliationSamples(result))).toBe(
      [
        `ai_margin_provisional_cost_usd{provider="openai",model="gpt-4o"} 4 ${DAY1}`,
        `ai_margin_reconciled_cost_usd{provider="openai",model="gpt-4o"} 5 ${DAY1}`,
        `ai_margin_reconciliation_ratio{provider="openai",model="gpt-4o"} 1.25 ${DAY1}`,
        `ai_margin_provisional_cost_usd{provider="openai",model="gpt-4o"} 2 ${DAY2}`,
        `ai_margin_reconciled_cost_usd{provider="openai",model="gpt-4o"} 2 ${DAY2}`,
        `ai_margin_reconciliation_ratio{provider="openai",model="gpt-4o"} 1 ${DAY2}`,
        `ai_margin_cost_correction_usd{customer_id="acme",provider="openai"} 0.75 ${DAY1}`,
        `ai_margin_cost_correction_usd{customer_id="b\\"q",provider="openai"} 0.25 ${DAY1}`,
        `ai_margin_cost_correction_usd{customer_id="acme",provider="openai"} 0 ${DAY2}`,
        '',
      ].join('\n'),
    );
  });

  it('writes an OpenMetrics file grouped by family with second timestamps and # EOF', () => {
    const text = formatOpenMetrics(reconciliationSamples(result));
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual([
      '# TYPE ai_margin_cost_correction_usd gauge',
      '# TYPE ai_margin_provisional_cost_usd gauge',
      '# TYPE ai_margin_reconciled_cost_usd gauge',
      '# TYPE ai_margin_reconciliation_ratio gauge',
    ]);
    expect(lines.slice(0, 5)).toEqual([
      expect.stringMatching(/^# HELP ai_margin_cost_correction_usd /),
      '# TYPE ai_margin_cost_correction_usd gauge',
      `ai_margin_cost_correction_usd{customer_id="acme",provider="openai"} 0.75 ${DAY1 / 1000}`,
      `ai_margin_cost_correction_usd{customer_id="acme",provider="openai"} 0 ${DAY2 / 1000}`,
      `ai_margin_cost_correction_usd{customer_id="b\\"q",provider="openai"} 0.25 ${DAY1 / 1000}`,
    ]);
    expect(text.endsWith('\n# EOF\n')).toBe(true);
  });

  const promtool =
    process.env.AI_MARGIN_PROMTOOL ??
    resolve(__dirname, '../../../.cache/backends/root/usr/bin/promtool');
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.skipIf(!existsSync(promtool))(
    'the OpenMetrics file loads with promtool tsdb create-blocks-from openmetrics',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ai-margin-om-'));
      dirs.push(dir);
      const file = join(dir, 'reconciliation.om');
      await writeOpenMetricsFile(file, reconciliationSamples(result));
      expect(await readFile(file, 'utf8')).toBe(formatOpenMetrics(reconciliationSamples(result)));
      const run = promisify(execFile);
      await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dir, 'data')]);
      // `tsdb dump` wants a WAL directory and a sandbox root, even for backfilled blocks.
      await mkdir(join(dir, 'data', 'wal'));
      await mkdir(join(dir, 'sandbox'));
      const { stdout } = await run(promtool, [
        'tsdb',
        'dump',
        `--sandbox-dir-root=${join(dir, 'sandbox')}`,
        join(dir, 'data'),
      ]);
      // `tsdb dump` prints `{labels} value timestamp_ms` per sample.
      const dumped = stdout.split('\n').filter((l) => l.includes('ai_margin_reconciliation_ratio'));
      expect(dumped).toEqual([
        `{__name__="ai_margin_reconciliation_ratio", model="gpt-4o", provider="openai"} 1.25 ${DAY1}`,
        `{__name__="ai_margin_reconciliation_ratio", model="gpt-4o", provider="openai"} 1 ${DAY2}`,
      ]);
    },
  );

  it('plans idempotent publishes: unchanged samples skipped, revisions at day start + n ms', () => {
    const ratio = {
      metric: METRICS.reconciliationRatio,
      labels: { provider: 'openai', model: 'm' },
    };
    const corr = {
      metric: METRICS.costCorrection,
      labels: { customer_id: 'acme', provider: 'openai' },
    };
    const stored = new Map<string, [number, number][]>([
      [
        'ai_margin_reconciliation_ratio{provider="openai",model="m"}',
        [
          [DAY1, 1.25],
          [DAY1 + 1, 1.5],
          [DAY2, 2],
        ],
      ],
      [
        'ai_margin_cost_correction_usd{customer_id="acme",provider="openai"}',
        [
          [DAY1, 0.5],
          [DAY1 + 1, -0.25],
        ],
      ],
    ]);
    const plan = planPublish(
      [
        { ...ratio, value: 1.5, timestampMs: DAY1 }, // newest stored revision: unchanged
        { ...ratio, value: 3, timestampMs: DAY2 }, // changed: revision 1
        { ...ratio, value: 1, timestampMs: DAY2 + 86_400_000 }, // new day
        { ...corr, value: 0.25, timestampMs: DAY1 }, // stored sum 0.5 - 0.25 = 0.25: unchanged
        { ...corr, value: 0.1, timestampMs: DAY2 }, // nothing stored: written as is
      ],
      stored,
    );
    expect(plan.unchanged).toBe(2);
    expect(plan.revised).toBe(1);
    expect(plan.samples.map((s) => [s.metric.promName, s.value, s.timestampMs - DAY1])).toEqual([
      ['ai_margin_reconciliation_ratio', 3, 86_400_001],
      ['ai_margin_reconciliation_ratio', 1, 2 * 86_400_000],
      ['ai_margin_cost_correction_usd', 0.1, 86_400_000],
    ]);
    const revisedCorrection = planPublish([{ ...corr, value: 1, timestampMs: DAY1 }], stored);
    // stored 0.25 -> want 1: write the difference 0.75 after the last revision (+2 ms).
    expect(revisedCorrection.samples.map((s) => [s.value, s.timestampMs - DAY1])).toEqual([
      [0.75, 2],
    ]);
  });
});
