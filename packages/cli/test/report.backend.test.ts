/**
 * `ai-margin report` against a real VictoriaMetrics holding hourly samples with known answers.
 * Windows end on a sample and the previous window's series start at 0, so VictoriaMetrics'
 * increase() (no extrapolation) returns exact totals; every expected figure below is computed
 * by hand from the per-hour rates in the data set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { MARGIN_FIXTURE, marginFixtureExposition } from '../../../test/support/margin-fixture';
import { run } from '../src/commands/report';
import type { MarginReport } from '../src/report/build';
import { captureIO } from './helpers/capture-io';
import { reportJson } from './helpers/report';

const { T, START, HOUR } = MARGIN_FIXTURE;

let vm: VictoriaMetrics;

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  await importPrometheusText(vm.url, marginFixtureExposition());
}, 120_000);

afterAll(async () => {
  await vm?.stop();
});

const report = (...extra: string[]) => reportJson(vm.url, T, ...extra);

describe('ai-margin report on VictoriaMetrics', () => {
  it('cost to serve and margin per customer, worst first; customers without revenue or cost kept', async () => {
    const r = await report();
    expect(r.window).toBe('30d');
    expect(r.at).toBe('2026-01-31T00:00:00.000Z');
    expect(r.customers).toEqual([
      // 30 days = 720 hours. Fixed: bob 0.5 + 1 per hour, dave 0.25 + 0.75, alice 0.25 + 0.25.
      {
        customer: 'bob',
        revenue: 0,
        cost: 1440,
        costToServe: 1440 + 1080,
        margin: -1440,
        marginRatio: null,
      },
      {
        customer: 'dave',
        revenue: 1440,
        cost: 1260,
        costToServe: 1260 + 720,
        margin: 180,
        marginRatio: 180 / 1440,
      },
      { customer: 'carol', revenue: 360, cost: 0, costToServe: 0, margin: 360, marginRatio: 1 },
      {
        customer: 'alice',
        revenue: 180 + 720,
        cost: 360,
        costToServe: 360 + 360,
        margin: 540,
        marginRatio: 540 / 900,
      },
    ]);
    expect(r.totals).toEqual({
      revenue: 2700,
      cost: 3060,
      costToServe: 2520 + 1980 + 0 + 720,
      margin: -360,
      marginRatio: -360 / 2700,
    });
  });

  it('cost per model and per feature', async () => {
    const r = await report();
    expect(r.models).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o',
        cost: 1620,
        usdPerMillionTokens: (1620 / (4000 * 720)) * 1000000,
      },
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4',
        cost: 1440,
        usdPerMillionTokens: (1440 / (4000 * 720)) * 1000000,
      },
    ]);
    expect(r.features).toEqual([
      { feature: 'search', cost: 2700, uses: 12 * 720, costPerUse: 2700 / 8640 },
      { feature: 'chat', cost: 360, uses: 4 * 720, costPerUse: 0.125 },
    ]);
  });

  it('cohort and age-month trend against the previous window', async () => {
    const r = await report();
    // Previous window ends 2026-01-01 (5 days of data): alice cost 60, revenue 30 + 720;
    // dave cost 210, revenue 1440; bob cost 240; carol revenue 360.
    expect(r.cohorts).toEqual([
      { group: '2026-01', margin: 720, marginRatio: 720 / 2340, previousMarginRatio: 1920 / 2190 },
      { group: '2026-03', margin: -1080, marginRatio: -1080 / 360, previousMarginRatio: 120 / 360 },
    ]);
    expect(r.ageMonths).toEqual([
      { group: '0', margin: -1080, marginRatio: -3, previousMarginRatio: 120 / 360 },
      { group: '2', margin: 720, marginRatio: 720 / 2340, previousMarginRatio: 1920 / 2190 },
    ]);
  });

  it('patterns: top-20% cost share and customers under water', async () => {
    const r = await report();
    expect(r.patterns).toEqual({
      top20CostShare: 1440 / 3060,
      underwater: [{ customer: 'bob', margin: -1440 }],
    });
  });

  it('a 1d window and a customer filter', async () => {
    const r = await report('--window', '1d', '--customer', 'alice|bob');
    expect(r.customers.map((c) => [c.customer, c.cost, c.revenue, c.margin])).toEqual([
      ['bob', 48, 0, -48],
      ['alice', 12, 6 + 24, 18],
    ]);
  });

  it('prints aligned tables', async () => {
    const io = captureIO();
    expect(await run(['--url', vm.url, '--at', '2026-01-31T00:00:00Z'], io)).toBe(0);
    expect(io.out).toContain('ai-margin report: window 30d ending 2026-01-31T00:00:00.000Z');
    expect(io.out).toContain(
      [
        'customer   revenue      cost  cost to serve     margin  margin %',
        '--------  --------  --------  -------------  ---------  --------',
        'bob          $0.00  $1440.00       $2520.00  -$1440.00         -',
        'dave      $1440.00  $1260.00       $1980.00    $180.00     12.5%',
        'carol      $360.00     $0.00          $0.00    $360.00    100.0%',
        'alice      $900.00   $360.00        $720.00    $540.00     60.0%',
      ].join('\n'),
    );
    expect(io.out).toContain(
      [
        'feature      cost  uses  cost per use',
        '-------  --------  ----  ------------',
        'search   $2700.00  8640       $0.3125',
        'chat      $360.00  2880       $0.1250',
      ].join('\n'),
    );
    expect(io.out).toContain('2026-01    $720.00     30.8%            87.7%   -56.9 pts');
    expect(io.out).toContain('top 20% of customers carry 47.1% of cost');
    expect(io.out).toContain('1 customer under water: bob (-$1440.00)');
  });

  it('an empty store gives an empty report, not an error', async () => {
    const io = captureIO();
    expect(
      await run(['--url', vm.url, '--at', String(START - 400 * 24 * HOUR), '--json'], io),
    ).toBe(0);
    const r = JSON.parse(io.out) as MarginReport;
    expect(r.customers).toEqual([]);
    expect(r.patterns).toEqual({ top20CostShare: null, underwater: [] });
  });
});

describe('ai-margin report errors', () => {
  it('exits 2 with usage on bad options', async () => {
    for (const argv of [
      [],
      ['--url', 'localhost:9090'],
      ['--url', 'http://x', '--window', '30 days'],
      ['--bogus'],
    ]) {
      const io = captureIO();
      expect(await run(argv, io)).toBe(2);
      expect(io.err).toContain('usage: ai-margin report');
    }
  });

  it('exits 1 with the server error when a query fails', async () => {
    const io = captureIO();
    expect(await run(['--url', 'http://127.0.0.1:1'], io)).toBe(1);
    expect(io.err).toContain('cannot reach http://127.0.0.1:1/api/v1/query');
  });
});
