/**
 * `ai-margin report --source rules|auto` against a real VictoriaMetrics holding the margin fixture
 * and the recording rules evaluated on it at T (with their hourly tiles over the 30 days before):
 * the report read from the rules must give the same figures as the report read from the raw
 * counters (hand-checked in report.backend.test.ts), and `auto` must take the rules only when they
 * can answer exactly what was asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { evaluateRecordingRulesAt, RULE_EVAL_VM_FLAGS } from '../../../test/support/dashboards';
import { MARGIN_FIXTURE, marginFixtureExposition } from '../../../test/support/margin-fixture';
import { run } from '../src/commands/report';
import type { MarginReport } from '../src/report/build';
import { captureIO } from './helpers/capture-io';
import { reportJson } from './helpers/report';

const { T, HOUR } = MARGIN_FIXTURE;

let vm: VictoriaMetrics;

beforeAll(async () => {
  vm = await startVictoriaMetrics({ flags: RULE_EVAL_VM_FLAGS });
  await importPrometheusText(vm.url, marginFixtureExposition());
  // Also at the previous window's end, whose own start (T - 60 d) is before the data and the tiles.
  await evaluateRecordingRulesAt(vm.url, T - 30 * 24 * HOUR);
  await evaluateRecordingRulesAt(vm.url, T);
}, 300_000);

afterAll(async () => {
  await vm?.stop();
});

const report = (...extra: string[]) => reportJson(vm.url, T, ...extra);

/** The report's figures to 9 significant digits (the rules add the window up from hourly tiles). */
function figures(r: MarginReport): unknown {
  const { source: _source, ...rest } = r;
  return JSON.parse(
    JSON.stringify(rest, (_k, v: unknown) =>
      typeof v === 'number' ? Number(v.toPrecision(9)) : v,
    ),
  );
}

describe('ai-margin report from the recording rules', () => {
  it("gives the raw report's figures; the previous window, before the rules ran, is left out", async () => {
    const raw = await report('--source', 'raw');
    const rules = await report('--source', 'rules');
    expect(raw.source).toEqual({ from: 'raw', detail: 'raw counters: --source raw' });
    expect(rules.source.from).toBe('rules');
    expect(rules.source.detail).toContain('recording rules, 30d window');
    // The 30d rule was evaluated at T - 30 d, but no tile exists near T - 60 d: the previous
    // window's margin % is not claimed from partial tiles.
    expect(rules.source.detail).toContain(
      'previous window left out: no customer_feature_model:ai_margin_cost_usd:increase1h recorded near 2025-12-02T01:00:00.000Z, the start of the 30d window (the rules were not running yet)',
    );
    const withoutPrevious = (x: MarginReport) => ({
      ...x,
      cohorts: x.cohorts.map((c) => ({ ...c, previousMarginRatio: null })),
      ageMonths: x.ageMonths.map((c) => ({ ...c, previousMarginRatio: null })),
    });
    expect(figures(rules)).toEqual(figures(withoutPrevious(raw)));
    // The figures themselves, as hand-computed in report.backend.test.ts.
    expect(rules.totals.cost).toBeCloseTo(3060, 9);
    expect(rules.patterns.top20CostShare).toBeCloseTo(1440 / 3060, 12);
    expect(rules.customers.map((c) => c.customer)).toEqual(['bob', 'dave', 'carol', 'alice']);
  });

  it('auto takes the rules when they cover the window', async () => {
    expect((await report()).source.from).toBe('rules');
    // A window is recorded by its length: 720h is the 30d rule.
    expect((await report('--window', '720h')).source.from).toBe('rules');
    expect((await report('--environment', '.*')).source.from).toBe('rules');
  });

  it('auto falls back to the raw counters, and says why', async () => {
    expect((await report('--customer', 'alice')).source).toEqual({
      from: 'raw',
      detail:
        'raw counters: the rules do not keep --customer (they filter by --environment and --cluster only)',
    });
    expect((await report('--window', '2w')).source).toEqual({
      from: 'raw',
      detail: 'raw counters: the rules record 1h, 1d, 7d, 30d windows, not 2w',
    });
    // An hour later the 30d rule has no evaluation within its 20-minute lookback.
    const later = await report('--at', String(T + HOUR));
    expect(later.source).toEqual({
      from: 'raw',
      detail: `raw counters: no customer:ai_margin_cost_usd:increase30d recorded in the 20 minutes before ${new Date((T + HOUR) * 1000).toISOString()}`,
    });
  });

  it('--source rules refuses what the rules cannot answer, naming why', async () => {
    const io = captureIO();
    expect(
      await run(['--url', vm.url, '--at', String(T), '--source', 'rules', '--model', 'gpt-4o'], io),
    ).toBe(1);
    expect(io.err).toBe(
      'ai-margin report: --source rules: the rules do not keep --model (they filter by --environment and --cluster only); use --source raw\n',
    );
  });

  it('prints where the figures come from', async () => {
    const io = captureIO();
    expect(await run(['--url', vm.url, '--at', String(T)], io)).toBe(0);
    expect(io.out).toContain('figures from recording rules, 30d window');
  });

  it('--source takes auto, rules or raw', async () => {
    const io = captureIO();
    expect(await run(['--url', vm.url, '--source', 'cache'], io)).toBe(2);
    expect(io.err).toContain("--source must be one of auto, rules, raw (got 'cache')");
  });
});
