/**
 * The 1d/7d/30d rules add up the 1h rules at whole hours, plus the raw increase of the last two
 * hours minus the part of it that a tile already holds (design note 22). Here on a real
 * VictoriaMetrics, between whole hours, with per-minute samples: a steady counter gives the exact
 * 24-hour increase (the two partial hours are pro-rated), and so does a counter that resets half
 * an hour before (`increase()` handles the reset); at a whole hour, so does usage that changes
 * every hour (which a tile read an hour off would change). Expected figures are counted minute by minute
 * here, not read from the rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importPrometheusText,
  startVictoriaMetrics,
  type VictoriaMetrics,
} from '../../../test/support/backends';
import { evaluateRecordingRulesAt, RULE_EVAL_VM_FLAGS } from '../../../test/support/dashboards';

const MIN = 60;
const HOUR = 3600;
const D0 = Date.UTC(2026, 0, 10) / 1000;
/** The last whole hour before the checks. */
const H = D0 + 2 * 86_400 + 5 * HOUR;
/** USD per minute of each customer. */
const RATE = { acme: 0.25, bolt: 0.5 };
/** bolt's process restarts here: its counter starts again from 0 (and counts that minute). */
const RESET = H + 10 * MIN;
const END = H + 3 * HOUR;

let vm: VictoriaMetrics;

/** Counter value at minute `t` (unix seconds) for a customer growing by `rate` each minute. */
function valueAt(customer: keyof typeof RATE, t: number): number {
  const minutes = (t - D0) / MIN;
  if (customer === 'bolt' && t >= RESET) return ((t - RESET) / MIN + 1) * RATE.bolt;
  return minutes * RATE[customer];
}

/**
 * cyan's usage in the minute ending at `t`: it changes every hour (1 to 7 cents a minute, a
 * 7-hour cycle), so a tile read an hour off changes the 24-hour sum.
 */
function unevenMinute(t: number): number {
  return 0.01 * (1 + (Math.floor((t - MIN - D0) / HOUR) % 7));
}
function unevenValueAt(t: number): number {
  let v = 0;
  for (let m = D0 + MIN; m <= t; m += MIN) v += unevenMinute(m);
  return v;
}

async function costOneDay(t: number): Promise<Record<string, number>> {
  await evaluateRecordingRulesAt(vm.url, t);
  const body = new URLSearchParams({
    query: 'customer:ai_margin_cost_usd:increase1d',
    time: `${t}`,
    nocache: '1',
  });
  const res = await fetch(`${vm.url}/api/v1/query`, { method: 'POST', body });
  const json = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return Object.fromEntries(
    json.data.result.map((r) => [r.metric.customer_id, Number(r.value[1])]),
  );
}

beforeAll(async () => {
  vm = await startVictoriaMetrics({ flags: RULE_EVAL_VM_FLAGS });
  const lines: string[] = [];
  for (const customer of Object.keys(RATE) as (keyof typeof RATE)[])
    for (let t = D0; t <= END; t += MIN)
      lines.push(
        `ai_margin_cost_usd_total{customer_id="${customer}",feature="chat",provider="openai",model="m",cost_type="llm"} ${valueAt(customer, t)} ${t * 1000}`,
      );
  let cyan = 0;
  for (let t = D0; t <= END; t += MIN) {
    if (t > D0) cyan += unevenMinute(t);
    lines.push(
      `ai_margin_cost_usd_total{customer_id="cyan",feature="chat",provider="openai",model="m",cost_type="llm"} ${cyan} ${t * 1000}`,
    );
  }
  await importPrometheusText(vm.url, `${lines.join('\n')}\n`);
}, 120_000);

afterAll(async () => {
  await vm?.stop();
});

describe('long windows from hourly tiles, between whole hours', () => {
  it('half past the hour: the 24 hours exactly, for a steady counter and across a reset', async () => {
    const t = H + 30 * MIN;
    const got = await costOneDay(t);
    // Every minute in (t - 1d, t] adds RATE, the reset minute included (counted from 0).
    expect(got.acme).toBeCloseTo(1440 * RATE.acme, 9);
    expect(got.bolt).toBeCloseTo(1440 * RATE.bolt, 9);
  });

  it('at a whole hour, with usage that changes every hour: the 24 hours exactly', async () => {
    const t = H + HOUR;
    const got = await costOneDay(t);
    let expected = 0;
    for (let m = t - 86_400 + MIN; m <= t; m += MIN) expected += unevenMinute(m);
    expect(expected).toBeCloseTo(unevenValueAt(t) - unevenValueAt(t - 86_400), 9);
    expect(got.cyan).toBeCloseTo(expected, 9);
  });

  it('at the next whole hours, with the reset hour a tile, still exact', async () => {
    const got = await costOneDay(H + 2 * HOUR);
    expect(got.acme).toBeCloseTo(1440 * RATE.acme, 9);
    expect(got.bolt).toBeCloseTo(1440 * RATE.bolt, 9);
  });
});
