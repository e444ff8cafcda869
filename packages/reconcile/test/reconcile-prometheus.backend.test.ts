/**
 * The Prometheus path end to end: the OpenMetrics file is backfilled with the real promtool,
 * a real Prometheus 2.53 serves the blocks, the drift alert expression reads them, and reading
 * back what was published makes a re-run write nothing.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type ProvisionalCost,
  planPublish,
  readPublishedSamples,
  reconcile,
  reconciliationSamples,
  writeOpenMetricsFile,
} from '@ai-margin/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateBackends } from '../../../test/support/backends';
import { freePort, type Proc, startProc, waitForHttp } from '../../../test/support/proc';
import { instantQuery } from '../../../test/support/promql';

const H = 3_600_000;
const D0 = Date.UTC(2026, 10, 20);
const D1 = D0 + 24 * H;

const nanos = (usd: string) => BigInt(Math.round(Number(usd) * 1e9));
const prov = (day: string, customerId: string, usd: string): ProvisionalCost => ({
  day,
  provider: 'openai',
  model: 'gpt-4o-2024-08-06',
  customerId,
  usd: Number(usd),
  nanos: nanos(usd),
});

// Provisional 8 on both days; the report says 8 on day 0 and 9 on day 1 (+12.5%).
const result = reconcile({
  provisional: [
    prov('2026-11-20', 'acme', '6'),
    prov('2026-11-20', 'globex', '2'),
    prov('2026-11-21', 'acme', '8'),
  ],
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
          model: 'gpt-4o-2024-08-06',
          usd: 8,
          nanos: nanos('8'),
          key: 'a',
          source: { file: 't' },
        },
        {
          provider: 'openai',
          day: '2026-11-21',
          model: 'gpt-4o-2024-08-06',
          usd: 9,
          nanos: nanos('9'),
          key: 'b',
          source: { file: 't' },
        },
      ],
    },
  ],
});

let dir: string;
let prom: Proc | undefined;
let url: string;

beforeAll(async () => {
  const { prometheus, promtool } = locateBackends();
  dir = await mkdtemp(join(tmpdir(), 'ai-margin-reconcile-prom-'));
  const file = join(dir, 'reconciliation.om');
  await writeOpenMetricsFile(file, reconciliationSamples(result));
  await mkdir(join(dir, 'data'));
  await promisify(execFile)(promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    file,
    join(dir, 'data'),
  ]);
  await writeFile(
    join(dir, 'prometheus.yml'),
    'global:\n  scrape_interval: 1m\nscrape_configs: []\n',
  );
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  prom = startProc('prometheus', prometheus, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  await waitForHttp(`${url}/-/ready`, () => `prometheus log:\n${prom?.log()}`, 30_000);
});

afterAll(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const instant = (query: string, timeMs: number) => instantQuery(url, query, timeMs / 1000);

describe('reconciliation on Prometheus (promtool backfill)', () => {
  it('serves the backfilled daily series and the drift alert fires on day 1 only', async () => {
    const alert =
      'abs(max by (provider, model) (last_over_time(ai_margin_reconciliation_ratio[3d])) - 1) > 0.05';
    expect(await instant(alert, D0 + 12 * H)).toEqual([]);
    expect(await instant(alert, D1 + 12 * H)).toEqual([
      { metric: { model: 'gpt-4o-2024-08-06', provider: 'openai' }, value: 9 / 8 - 1 },
    ]);
    // Day 0 correction 0 for both; day 1: +1 to acme.
    expect(
      await instant(
        'sum by (customer_id) (sum_over_time(ai_margin_cost_correction_usd[3d]))',
        D1 + 12 * H,
      ),
    ).toEqual(
      expect.arrayContaining([
        { metric: { customer_id: 'acme' }, value: 1 },
        { metric: { customer_id: 'globex' }, value: 0 },
      ]),
    );
  });

  it('reads back what was published, so a re-run plans no samples', async () => {
    const published = await readPublishedSamples({ url, from: result.from, to: result.to });
    const plan = planPublish(reconciliationSamples(result), published);
    expect(plan.samples).toEqual([]);
    expect(plan.unchanged).toBe(reconciliationSamples(result).length);
  });
});
